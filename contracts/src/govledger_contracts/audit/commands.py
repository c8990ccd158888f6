"""The auditor's commands, offline: audit an export, check one proof, recount from an export.

The bodies of ``govledger-audit`` (this package's own command, for an auditor who installed
only ``govledger-contracts``) and of the same subcommands of ``govledger audit``. Each returns
the process exit status and prints for a person: results on stdout, a failure as one line on
stderr. Status 0: verified (or done); 1: verification failed — tampering, a fork, a recount
that does not match; 2: the check could not run (missing file, unreachable server). Network
use is limited to fetching one proof from a ledger's public API (standard library only).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govledger_contracts.audit.proofs import accept_checkpoint, verify_inclusion_proof_bundle
from govledger_contracts.audit.recount import (
    RecountReport,
    export_envelopes,
    format_report,
)
from govledger_contracts.audit.recount import (
    recount as recount_vote,
)
from govledger_contracts.audit.report import AuditReport, Head, Problem
from govledger_contracts.audit.state import StateError, load_state
from govledger_contracts.audit.verify import audit_export

OK, FAILED, CANNOT_RUN = 0, 1, 2
Echo = Callable[[str], None]


def error(message: str) -> None:
    print(f"govledger: error: {message}", file=sys.stderr)


def _warning(message: str) -> None:
    print(f"govledger: warning: {message}", file=sys.stderr)


UNPINNED_EXPORT = (
    "검증 키를 고정하지 않았습니다 — 내보내기에 들어 있는 key.pub를 그대로 믿었으므로 이 결과는 "
    "내보내기가 스스로 일관됨만 증명합니다. 구청이 공개한 키를 --key로 지정하세요 / "
    "the verifier key was not pinned: the export's own key.pub was trusted, so this only "
    "proves the export is self-consistent; pin the ward's published key with --key KEY "
    "(a --state file then remembers it)"
)
UNPINNED_SERVER = (
    "검증 키를 고정하지 않았습니다 — 감사 대상 서버가 준 키를 그대로 믿었으므로 이 결과는 "
    "그 서버가 스스로 일관됨만 증명합니다. 구청이 공개한 키를 --key로 지정하세요 / "
    "the verifier key was not pinned: the audited server's own key was trusted, so this only "
    "proves the server is self-consistent; pin the ward's published key with --key KEY "
    "(a --state file then remembers it)"
)


def key_text(value: str | None) -> str | None:
    """A verifier key given as itself or as the path of a file holding it."""
    if value is None or ("+" in value and not Path(value).is_file()):
        return value
    return Path(value).read_text("utf-8").strip()


# --------------------------------------------------------------------------- audit


def _head_line(head: Head | None) -> str:
    if head is None:
        return ""
    chain = f", chain head {head.chain_head}" if head.chain_head else ""
    return f"signed tree size {head.size}, root {head.root}{chain}"


def _problem_line(found: Problem | None) -> str:
    if found is None:
        return "unknown problem"
    where = f" at position {found.position}" if found.position is not None else ""
    detail = f" ({found.detail})" if found.detail else ""
    return f"{found.code}{where}: {found.message}{detail}"


def print_report(report: AuditReport, *, echo: Echo = print) -> int:
    """The verified head on stdout, or the first problem on stderr; the exit status."""
    if not report.ok:
        if _cannot_run(report.problem):
            error(f"audit could not check the export: {_problem_line(report.problem)}")
            return CANNOT_RUN
        error(f"audit FAILED after {report.events} verified events: "
              f"{_problem_line(report.problem)}")
        return FAILED
    echo(f"검증 완료 / verified: {report.events} events; {_head_line(report.head)}")
    if report.state_updated:
        echo("trusted state updated to this checkpoint")
    return OK


def _cannot_run(found: Problem | None) -> bool:
    # Not evidence of tampering: something is missing, or (an export older than the checkpoint
    # you trust) there is nothing to compare; audit a newer export or keep another state file.
    return found is not None and found.code in {
        "export.missing_file", "state.malformed", "checkpoint.older_than_trusted"}


def audit(directory: str | Path, *, state_file: str | Path | None = None,
          key: str | None = None, jobs: int | None = None, echo: Echo = print) -> int:
    """Verify an export directory offline: every hash, the chain, the tree, the signature.

    Without a pinned key (``key``, or one a state file remembers) the export's own ``key.pub``
    is trusted; a pass then says only that the export is self-consistent, and a warning on
    stderr says so (the exit status is the same).
    """
    try:
        verifier = key_text(key)
        pinned = verifier is not None or _state_key(state_file) is not None
    except OSError as exc:
        error(f"cannot read the key: {exc}")
        return CANNOT_RUN
    report = audit_export(directory, verifier_key=verifier, state_file=state_file, jobs=jobs)
    status = print_report(report, echo=echo)
    if status == OK and not pinned:
        _warning(UNPINNED_EXPORT)
    return status


def _state_key(state_file: str | Path | None) -> str | None:
    """The key a trusted state file remembers, if there is one (a malformed file is left for
    the audit to report)."""
    try:
        state = load_state(state_file) if state_file is not None else None
    except StateError:
        return None
    return state.verifier_key if state is not None else None


# --------------------------------------------------------------------------- one proof


TOKEN_VARIABLE = "GOVLEDGER_TOKEN"
"""A bearer token for a ledger whose reads are closed (``GOVLEDGER_PUBLIC_READS=false``)."""


class ServerRefused(Exception):
    """The API answered with an error; the message is its problem's detail."""


def _get(url: str, token: str | None) -> bytes:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=30) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        raise ServerRefused(_refusal(exc, token is not None)) from None


def _refusal(exc: urllib.error.HTTPError, sent_token: bool) -> str:
    """``HTTP 401: <the problem's detail>``: what the server said, not only its status."""
    try:
        detail = json.loads(exc.read()).get("detail")
    except (OSError, ValueError, AttributeError):
        detail = None
    said = detail if isinstance(detail, str) and detail else exc.reason
    hint = (f" (reads need a token here: set {TOKEN_VARIABLE} or pass --token)"
            if exc.code == 401 and not sent_token else "")
    return f"HTTP {exc.code}: {said}{hint}"


def fetch_json(url: str, token: str | None = None) -> Any:
    return json.loads(_get(url, token))


def fetch_text(url: str, token: str | None = None) -> str:
    return _get(url, token).decode("utf-8")


def audit_proof(event_id: str | None = None, *, api_url: str | None = None,
                bundle: str | Path | None = None, key: str | None = None,
                state_file: str | Path | None = None, token: str | None = None,
                echo: Echo = print) -> int:
    """Verify that one event is in the signed tree, from the API or a saved proof bundle.

    The key is ``key``, else the one the state file trusts, else (trust on first use) the
    server's. With a state file and the API, the checkpoint must also be consistent with the
    one accepted before, and then becomes the trusted one.
    """
    try:
        proof = _load_bundle(event_id, api_url, bundle, token)
        pinned = _pinned_key(key, state_file)
        verifier = pinned or _server_key(api_url, token)
    except (OSError, ValueError, urllib.error.URLError, StateError, ServerRefused) as exc:
        error(f"cannot get the proof: {exc}")
        return CANNOT_RUN
    if proof.get("checkpoint") is None:
        error(f"no signed checkpoint at tree size {proof.get('tree_size')}")
        return CANNOT_RUN
    envelope = json.dumps(proof["event"], ensure_ascii=False).encode()
    result = verify_inclusion_proof_bundle(envelope, proof["hashes"], proof["leaf_index"],
                                           proof["tree_size"], proof["checkpoint"], verifier)
    if not result.ok:
        error(f"proof FAILED: {_problem_line(result.problem)}")
        return FAILED
    echo(f"event {proof['event_id']} is position {result.position} of the signed tree "
         f"({_head_line(result.head)})")
    status = OK
    if state_file is not None and api_url is not None:
        status = _advance_state(api_url, proof, state_file, verifier, echo, token)
    if status == OK and pinned is None:
        _warning(UNPINNED_SERVER)
    return status


def _load_bundle(event_id: str | None, api_url: str | None,
                 bundle: str | Path | None, token: str | None) -> dict[str, Any]:
    if bundle is not None:
        loaded: dict[str, Any] = json.loads(Path(bundle).read_text("utf-8"))
        return loaded
    if event_id is None or api_url is None:
        raise ValueError("give an event id and the API URL, or --bundle FILE")
    query = urllib.parse.urlencode({"event_id": event_id})
    fetched: dict[str, Any] = fetch_json(f"{api_url.rstrip('/')}/v1/proofs/inclusion?{query}",
                                         token)
    return fetched


def _pinned_key(key: str | None, state_file: str | Path | None) -> str | None:
    if key is not None:
        return key_text(key)
    state = load_state(state_file) if state_file is not None else None
    return state.verifier_key if state is not None else None


def _server_key(api_url: str | None, token: str | None) -> str:
    if api_url is None:
        raise ValueError("no key: pass --key (a bundle carries no key of its own)")
    return fetch_text(f"{api_url.rstrip('/')}/v1/key", token).strip()


def _advance_state(api_url: str, proof: dict[str, Any], state_file: str | Path,
                   verifier: str, echo: Echo, token: str | None) -> int:
    """Move the trusted checkpoint forward, only along a valid consistency proof."""
    state = load_state(state_file)
    hashes: list[str] = []
    if state is not None and 0 < state.size < proof["tree_size"]:
        query = urllib.parse.urlencode({"from": state.size, "to": proof["tree_size"]})
        try:
            hashes = fetch_json(f"{api_url.rstrip('/')}/v1/proofs/consistency?{query}",
                                token)["hashes"]
        except (OSError, ValueError, urllib.error.URLError, ServerRefused) as exc:
            error(f"cannot get the consistency proof: {exc}")
            return CANNOT_RUN
    report = accept_checkpoint(proof["checkpoint"], hashes, state_file=state_file,
                               verifier_key=verifier)
    if not report.ok:
        error(f"checkpoint REFUSED: {_problem_line(report.problem)}")
        return FAILED
    previous = f"consistent with size {state.size}" if state else "trusted on first use"
    size = report.head.size if report.head else proof["tree_size"]
    echo(f"checkpoint at size {size} {previous}; trusted state {state_file}")
    return OK


# --------------------------------------------------------------------------- recount


def recount_export(vote_id: str, export_dir: str | Path, *, key: str | None = None,
                   echo: Echo = print) -> int:
    """Recount a vote from the ballots in an export, after auditing the export."""
    status = audit(export_dir, key=key, echo=echo)
    if status != OK:
        error("not recounting an export that does not verify")
        return status
    return print_recount(recount_vote(vote_id, export_envelopes(export_dir, vote_id)), echo)


def print_recount(report: RecountReport, echo: Echo = print) -> int:
    """The recount on stdout; the exit status (1 when the recorded tally differs). A vote
    the log does not hold is an error line on stderr (exit 2), like every other refusal."""
    if report.status == "unknown_vote":
        error(format_report(report))
        return CANNOT_RUN
    echo(format_report(report))
    return OK if report.status in {"match", "not_closed"} else FAILED

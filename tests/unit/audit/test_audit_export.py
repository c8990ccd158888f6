"""Auditing an export directory: every kind of tampering is named, with its place."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import msgspec
import pytest

from govledger_contracts.audit import chunks, verify
from govledger_contracts.audit.merkle import (
    EMPTY_ROOT,
    MemorySubtreeSource,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_leaf_hashes,
)
from govledger_contracts.audit.note import (
    Checkpoint,
    SignerKey,
    format_verifier_key,
    generate_signer_key,
    ledger_origin,
    sign_checkpoint,
    signer_key_from_seed,
    verifier_key_of,
)
from govledger_contracts.audit.state import TrustedState, load_state
from govledger_contracts.audit.verify import (
    accept_checkpoint,
    audit_export,
    verify_inclusion_proof_bundle,
)
from govledger_contracts.canonical import GENESIS_HASH, chain_hash
from govledger_contracts.envelope import ENVELOPE_ENCODER, Actor, Envelope

ORIGIN = ledger_origin("seongdong")
SIGNER = signer_key_from_seed(ORIGIN, bytes(range(32)))
VKEY = format_verifier_key(verifier_key_of(SIGNER))
T0 = dt.datetime(2021, 11, 23, 10, 0, tzinfo=dt.UTC)
FORK_MESSAGE = (
    "이전에 확인한 체크포인트와 일관되지 않습니다 — 포크 또는 기록 변조 / "
    "not consistent with the checkpoint you accepted before: a fork or rewritten history"
)


@pytest.fixture(autouse=True, params=["one pass", "chunks on two workers"])
def audit_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every case runs both ways: split over worker processes, the audit must reach the same
    verdict and name the same problem at the same place."""
    if request.param != "one pass":
        monkeypatch.setattr(verify, "PARALLEL_FROM_BYTES", 0)
        monkeypatch.setattr(verify, "PARALLEL_CHUNK_BYTES", 1500)  # two or three events each
        monkeypatch.setattr(verify, "default_jobs", lambda: 2)
    return str(request.param)


def chain(
    count: int, *, branch: str = "main", after: list[Envelope] | None = None
) -> list[Envelope]:
    """Envelopes with correct hashes, continuing ``after`` (a shared history) if given."""
    events = list(after or [])
    prev = bytes.fromhex(events[-1].hash) if events else GENESIS_HASH
    for position in range(len(events) + 1, len(events) + count + 1):
        draft = Envelope(
            event_id=f"{branch}-{position}",
            position=position,
            stream_id=f"council-{position % 3}",
            stream_version=position // 3 + 1,
            type="member_appointed",
            occurred_at=T0 + dt.timedelta(minutes=position),
            recorded_at=T0 + dt.timedelta(minutes=position, microseconds=123456),
            actor=Actor(id="staff-01", role="secretariat"),
            reason="제3기 성동구협치회의 위원 위촉",
            correlation_id=f"c-{position}",
            payload={"type": "member_appointed", "name": f"위원 {position}", "branch": branch},
            prev_hash=prev.hex(),
            hash="",
        )
        prev = chain_hash(prev, draft.leaf_bytes())
        events.append(msgspec.structs.replace(draft, hash=prev.hex()))
    return events


def tree_root(events: list[Envelope]) -> bytes:
    return root_from_leaf_hashes(leaf_hash(e.leaf_bytes()) for e in events)


def signed(events: list[Envelope], signer: SignerKey = SIGNER) -> str:
    checkpoint = Checkpoint(origin=ORIGIN, size=len(events), root=tree_root(events))
    return sign_checkpoint(checkpoint, signer)


def export(directory: Path, lines: list[bytes], checkpoint: str, key: str = VKEY) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "events.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))
    (directory / "checkpoint").write_text(checkpoint, encoding="utf-8")
    (directory / "key.pub").write_text(key + "\n", encoding="utf-8")
    return directory


def encoded(events: list[Envelope]) -> list[bytes]:
    return [ENVELOPE_ENCODER.encode(e) for e in events]


def honest_export(directory: Path, count: int = 10) -> tuple[Path, list[Envelope]]:
    events = chain(count)
    return export(directory, encoded(events), signed(events)), events


def test_verifies_an_honest_export_and_reports_its_signed_head(tmp_path: Path) -> None:
    directory, events = honest_export(tmp_path)
    report = audit_export(directory)
    assert report.ok
    assert report.problem is None
    assert report.events == 10
    assert report.head is not None
    assert (report.head.size, report.head.chain_head) == (10, events[-1].hash)
    assert report.head.root == tree_root(events).hex()


def test_verifies_an_export_longer_than_its_checkpoint(tmp_path: Path) -> None:
    events = chain(10)
    report = audit_export(export(tmp_path, encoded(events), signed(events[:6])))
    assert report.ok
    assert report.events == 10
    assert report.head is not None
    assert (report.head.size, report.head.chain_head) == (6, events[5].hash)


def test_verifies_an_empty_log(tmp_path: Path) -> None:
    report = audit_export(export(tmp_path, [], signed([])))
    assert report.ok
    assert report.head is not None
    assert report.head.root == EMPTY_ROOT.hex()


def test_detects_an_edited_payload_at_its_position(tmp_path: Path) -> None:
    events = chain(10)
    lines = encoded(events)
    lines[3] = lines[3].replace("위원 4".encode(), "위원 X".encode())
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position, report.events) == (
        "event.hash_mismatch",
        4,
        3,
    )


def test_detects_a_deleted_event_as_a_gap(tmp_path: Path) -> None:
    events = chain(10)
    lines = encoded(events)
    del lines[5]
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.gap", 6)


def test_detects_two_swapped_events_as_out_of_order(tmp_path: Path) -> None:
    events = chain(10)
    lines = encoded(events)
    lines[2], lines[3] = lines[3], lines[2]
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.order", 3)


def test_detects_swapped_events_renumbered_to_hide_it_as_a_broken_chain(tmp_path: Path) -> None:
    events = chain(10)
    swapped = [*events[:2], events[3], events[2], *events[4:]]
    lines = [
        ENVELOPE_ENCODER.encode(msgspec.structs.replace(e, position=i))
        for i, e in enumerate(swapped, 1)
    ]
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.prev_mismatch", 3)


def test_detects_an_edited_event_rehashed_to_hide_it_at_the_next_link(tmp_path: Path) -> None:
    events = chain(10)
    edited = msgspec.structs.replace(events[3], reason="고쳐 쓴 사유")
    rehashed = chain_hash(bytes.fromhex(edited.prev_hash), edited.leaf_bytes()).hex()
    lines = encoded([*events[:3], msgspec.structs.replace(edited, hash=rehashed), *events[4:]])
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.prev_mismatch", 5)


def test_detects_a_truncated_tail_against_the_checkpoint(tmp_path: Path) -> None:
    events = chain(10)
    report = audit_export(export(tmp_path, encoded(events[:7]), signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("checkpoint.size_exceeds_log", 8)


def test_detects_history_rewritten_consistently_by_the_root(tmp_path: Path) -> None:
    events, rewritten = chain(10), chain(10, branch="rewritten")
    report = audit_export(export(tmp_path, encoded(rewritten), signed(events)))
    assert report.problem is not None
    assert report.problem.code == "checkpoint.root_mismatch"


def test_detects_a_log_missing_its_first_events_as_a_gap(tmp_path: Path) -> None:
    events = chain(5)
    report = audit_export(export(tmp_path, encoded(events[2:]), signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.gap", 1)


def test_detects_a_log_that_does_not_start_from_the_zero_hash(tmp_path: Path) -> None:
    first = msgspec.structs.replace(chain(1)[0], prev_hash="11" * 32)
    first = msgspec.structs.replace(first, hash=first.computed_hash())
    events = chain(4, after=[first])
    report = audit_export(export(tmp_path, encoded(events), signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.prev_mismatch", 1)


def test_detects_a_line_that_is_not_an_envelope(tmp_path: Path) -> None:
    events = chain(5)
    lines = encoded(events)
    lines[1] = b'{"position": 2}'
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("event.malformed", 2)


def test_detects_an_event_without_a_canonical_form(tmp_path: Path) -> None:
    events = chain(5)
    lines = encoded(events)
    lines[2] = lines[2].replace(b'"branch":"main"', b'"branch":0.5')
    report = audit_export(export(tmp_path, lines, signed(events)))
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("event.not_canonical", 3)


def test_detects_a_tampered_checkpoint_signature(tmp_path: Path) -> None:
    events = chain(10)
    forged = signed(events).replace("\n10\n", "\n11\n", 1)
    report = audit_export(export(tmp_path, encoded(events), forged))
    assert report.problem is not None
    assert report.problem.code == "checkpoint.bad_signature"


def test_ignores_a_replaced_key_file_when_the_key_is_pinned(tmp_path: Path) -> None:
    events, impostor = chain(10), generate_signer_key(ORIGIN)
    directory = export(
        tmp_path,
        encoded(events),
        signed(events, impostor),
        format_verifier_key(verifier_key_of(impostor)),
    )
    assert audit_export(directory).ok  # trust on first use believes the export's own key
    report = audit_export(directory, verifier_key=VKEY)
    assert report.problem is not None
    assert report.problem.code == "checkpoint.unknown_key"


def test_reports_a_missing_file(tmp_path: Path) -> None:
    directory, _ = honest_export(tmp_path)
    (directory / "checkpoint").unlink()
    report = audit_export(directory)
    assert report.problem is not None
    assert report.problem.code == "export.missing_file"


def test_remembers_the_accepted_checkpoint_with_its_right_edge(tmp_path: Path) -> None:
    directory, events = honest_export(tmp_path / "export")
    state_file = tmp_path / "state.json"
    report = audit_export(directory, verifier_key=VKEY, state_file=state_file)
    assert report.ok
    assert report.state_updated
    state = load_state(state_file)
    assert isinstance(state, TrustedState)
    assert (state.size, state.root, state.chain_head) == (
        10,
        tree_root(events).hex(),
        events[-1].hash,
    )
    assert state.right_edge == (
        root_from_leaf_hashes(leaf_hash(e.leaf_bytes()) for e in events[:8]).hex(),
        root_from_leaf_hashes(leaf_hash(e.leaf_bytes()) for e in events[8:]).hex(),
    )
    assert state.checkpoint == (directory / "checkpoint").read_text(encoding="utf-8")


def test_accepts_a_later_export_that_extends_the_trusted_one(tmp_path: Path) -> None:
    first = chain(10)
    state_file = tmp_path / "state.json"
    audit_export(export(tmp_path / "a", encoded(first), signed(first)), state_file=state_file)
    later = chain(7, after=first)
    report = audit_export(
        export(tmp_path / "b", encoded(later), signed(later)), state_file=state_file
    )
    assert report.ok
    assert report.state_updated
    state = load_state(state_file)
    assert state is not None
    assert state.size == 17


@pytest.mark.parametrize(("fork_after", "position"), [(5, 1), (8, 9)])
def test_refuses_a_forked_log_signed_with_the_right_key(
    tmp_path: Path, fork_after: int, position: int
) -> None:
    original = chain(10)
    state_file = tmp_path / "state.json"
    audit_export(export(tmp_path / "a", encoded(original), signed(original)), state_file=state_file)
    forked = chain(9, branch="fork", after=original[:fork_after])
    directory = export(tmp_path / "b", encoded(forked), signed(forked))
    assert audit_export(directory).ok  # on its own the fork is a perfectly valid log
    report = audit_export(directory, state_file=state_file)
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("checkpoint.consistency", position)
    assert report.problem.message == FORK_MESSAGE
    assert not report.state_updated
    state = load_state(state_file)
    assert state is not None
    assert state.size == 10


def test_refuses_a_forked_export_after_a_checkpoint_accepted_through_a_proof(
    tmp_path: Path,
) -> None:
    original, state_file = chain(10), tmp_path / "state.json"
    assert accept_checkpoint(signed(original), [], state_file=state_file, verifier_key=VKEY).ok
    forked = chain(6, branch="fork", after=original[:7])
    report = audit_export(export(tmp_path, encoded(forked), signed(forked)), state_file=state_file)
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("checkpoint.consistency", None)


def test_refuses_a_checkpoint_with_its_line_endings_rewritten(tmp_path: Path) -> None:
    events = chain(3)
    crlf = signed(events).replace("\n", "\r\n")
    report = audit_export(export(tmp_path, encoded(events), crlf))
    assert report.problem is not None
    assert report.problem.code == "checkpoint.malformed"


def test_cannot_check_an_export_shorter_than_the_trusted_checkpoint(tmp_path: Path) -> None:
    events = chain(10)
    state_file = tmp_path / "state.json"
    audit_export(export(tmp_path / "a", encoded(events), signed(events)), state_file=state_file)
    older = export(tmp_path / "b", encoded(events[:6]), signed(events[:6]))
    report = audit_export(older, state_file=state_file)
    assert report.problem is not None
    assert report.problem.code == "checkpoint.older_than_trusted"


def test_reports_progress_while_auditing(tmp_path: Path) -> None:
    directory, _ = honest_export(tmp_path)
    seen: list[int] = []
    audit_export(directory, progress=seen.append)
    assert seen[-1] == 10


def test_refuses_a_corrupt_state_file(tmp_path: Path) -> None:
    directory, _ = honest_export(tmp_path / "export")
    state_file = tmp_path / "state.json"
    audit_export(directory, state_file=state_file)
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["right_edge"] = state["right_edge"][:1]
    state_file.write_text(json.dumps(state), encoding="utf-8")
    report = audit_export(directory, state_file=state_file)
    assert report.problem is not None
    assert report.problem.code == "state.malformed"


def source_of(events: list[Envelope]) -> MemorySubtreeSource:
    return MemorySubtreeSource.from_leaf_hashes(leaf_hash(e.leaf_bytes()) for e in events)


def test_accepts_a_newer_checkpoint_through_a_consistency_proof(tmp_path: Path) -> None:
    events, state_file = chain(13), tmp_path / "state.json"
    assert accept_checkpoint(signed(events[:6]), [], state_file=state_file, verifier_key=VKEY).ok
    proof = [p.hex() for p in consistency_proof(source_of(events), 6, 13)]
    report = accept_checkpoint(signed(events), proof, state_file=state_file)
    assert report.ok
    assert report.state_updated
    assert report.head is not None
    assert report.head.size == 13


def test_refuses_a_forked_checkpoint_whatever_proof_comes_with_it(tmp_path: Path) -> None:
    events, state_file = chain(13), tmp_path / "state.json"
    accept_checkpoint(signed(events[:6]), [], state_file=state_file, verifier_key=VKEY)
    forked = chain(10, branch="fork", after=events[:4])
    proof = [p.hex() for p in consistency_proof(source_of(forked), 6, 14)]
    report = accept_checkpoint(signed(forked), proof, state_file=state_file)
    assert report.problem is not None
    assert report.problem.code == "checkpoint.consistency"
    assert report.problem.message == FORK_MESSAGE
    state = load_state(state_file)
    assert state is not None
    assert state.size == 6


def test_confirms_one_event_is_in_the_signed_tree(tmp_path: Path) -> None:
    events = chain(13)
    proof = [p.hex() for p in inclusion_proof(source_of(events), 4, 13)]
    bundle = (ENVELOPE_ENCODER.encode(events[4]), proof, 4, 13, signed(events), VKEY)
    report = verify_inclusion_proof_bundle(*bundle)
    assert report.ok
    assert report.position == 5


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"envelope": "edited"}, "event.hash_mismatch"),
        ({"leaf_index": 5}, "proof.index_mismatch"),
        ({"tree_size": 12}, "proof.size_mismatch"),
        ({"proof": "other tree"}, "proof.inclusion"),
        ({"proof": "not hex"}, "proof.malformed"),
    ],
)
def test_refuses_a_bad_inclusion_bundle(change: dict[str, object], code: str) -> None:
    events = chain(13)
    envelope = ENVELOPE_ENCODER.encode(events[4])
    proof = [p.hex() for p in inclusion_proof(source_of(events), 4, 13)]
    if change.get("envelope"):
        envelope = envelope.replace("위원 5".encode(), "위원 X".encode())
    if change.get("proof") == "other tree":
        proof = [p.hex() for p in inclusion_proof(source_of(chain(13, branch="b")), 4, 13)]
    if change.get("proof") == "not hex":
        proof = ["zz"]
    leaf_index = int(str(change.get("leaf_index", 4)))
    tree_size = int(str(change.get("tree_size", 13)))
    report = verify_inclusion_proof_bundle(
        envelope, proof, leaf_index, tree_size, signed(events), VKEY
    )
    assert report.problem is not None
    assert report.problem.code == code


def test_the_workers_alone_verify_an_honest_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(verify, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(verify, "PARALLEL_CHUNK_BYTES", 1500)
    directory, events = honest_export(tmp_path, count=25)

    def no_second_pass(*_: object) -> int:
        raise AssertionError("the one-pass scan ran: a chunk was judged unsound")

    monkeypatch.setattr(verify._Scan, "run", no_second_pass)
    report = audit_export(directory, jobs=2)
    assert report.ok
    assert report.events == 25
    assert report.head is not None
    assert report.head.chain_head == events[-1].hash


@pytest.mark.parametrize("interpreter", ["/bin/false", "/nonexistent/python"])
def test_workers_that_cannot_run_leave_the_audit_to_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interpreter: str,
) -> None:
    monkeypatch.setattr(verify, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(verify, "PARALLEL_CHUNK_BYTES", 1500)
    monkeypatch.setattr(chunks.sys, "executable", interpreter)
    directory, _ = honest_export(tmp_path, count=12)
    report = audit_export(directory, jobs=2)
    assert report.ok
    assert report.events == 12


def junk_line(like: Envelope) -> bytes:
    """A self-consistent envelope at an impossible position (-1), hashed from the zero hash."""
    junk = msgspec.structs.replace(like, position=-1, event_id="junk", prev_hash="00" * 32)
    digest = chain_hash(GENESIS_HASH, junk.leaf_bytes()).hex()
    return ENVELOPE_ENCODER.encode(msgspec.structs.replace(junk, hash=digest))


@pytest.mark.parametrize("at", range(1, 10))
def test_detects_a_line_at_an_impossible_position_wherever_it_falls(
    tmp_path: Path, at: int,
) -> None:
    events = chain(10)
    lines = [*encoded(events[:at]), junk_line(events[0]), *encoded(events[at:])]
    report = audit_export(export(tmp_path, lines, signed(events[:6])))
    assert not report.ok
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("chain.order", at + 1)


def test_refuses_a_fork_hidden_behind_a_line_at_an_impossible_position(tmp_path: Path) -> None:
    honest = chain(10)
    state = tmp_path / "trusted.json"
    accepted = audit_export(export(tmp_path / "a", encoded(honest), signed(honest[:8])),
                            state_file=state)
    assert accepted.ok
    forged = chain(1, branch="evil", after=honest[:6])[6]
    lines = [*encoded(honest[:6]), junk_line(honest[0]), *encoded([forged])]
    report = audit_export(export(tmp_path / "b", lines, signed(honest[:6])), state_file=state)
    assert not report.ok
    assert report.problem is not None
    assert report.problem.code == "chain.order"


def test_an_export_older_than_the_trusted_checkpoint_could_not_be_checked_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from govledger_contracts.audit.commands import CANNOT_RUN, audit

    events = chain(10)
    state_file = tmp_path / "state.json"
    audit_export(export(tmp_path / "a", encoded(events), signed(events)), state_file=state_file)
    older = export(tmp_path / "b", encoded(events[:6]), signed(events[:6]))
    capsys.readouterr()
    assert audit(older, state_file=state_file) == CANNOT_RUN  # not evidence of tampering
    err = capsys.readouterr().err
    assert err.startswith("govledger: error: audit could not check the export: "
                          "checkpoint.older_than_trusted")
    assert "FAILED" not in err


def test_auditing_the_trusted_checkpoint_again_does_not_claim_an_update(tmp_path: Path) -> None:
    directory, _ = honest_export(tmp_path / "export")
    state_file = tmp_path / "state.json"
    assert audit_export(directory, verifier_key=VKEY, state_file=state_file).state_updated
    before = state_file.read_bytes()
    again = audit_export(directory, state_file=state_file)
    assert again.ok and not again.state_updated
    assert state_file.read_bytes() == before


def test_blank_lines_after_the_last_event_are_not_an_event(tmp_path: Path) -> None:
    directory, _ = honest_export(tmp_path)
    events = directory / "events.jsonl"
    events.write_bytes(events.read_bytes() + b"\n\r\n  \n")
    report = audit_export(directory, verifier_key=VKEY)
    assert report.ok, report.problem
    assert report.events == 10


def test_a_blank_line_between_events_is_malformed_at_its_position(tmp_path: Path) -> None:
    events = chain(10)
    lines = encoded(events)
    directory = export(tmp_path, [*lines[:4], b"", *lines[4:]], signed(events))
    report = audit_export(directory, verifier_key=VKEY)
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == ("event.malformed", 5)

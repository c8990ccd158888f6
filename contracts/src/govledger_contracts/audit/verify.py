"""Offline verification of a ledger export: hashes, chain, Merkle tree and signed checkpoint.

Export directory, as the ledger writes it:

* ``events.jsonl`` — every event from position 1, one ``Envelope`` per line as encoded by
  ``govledger_contracts.envelope.ENVELOPE_ENCODER``, each line ending in ``\\n``, positions
  1..N contiguous and in order;
* ``checkpoint`` — the log's signed checkpoint (C2SP tlog-checkpoint, see ``note``) for some size
  n <= N, origin ``govledger.<ward>``; events after n are chain-checked but not yet signed;
* ``key.pub`` — the log's verifier key, one line. An auditor should pin the key it got out of
  band (``verifier_key=``); then, or once a state file remembers a key, ``key.pub`` is ignored.

``audit_export`` recomputes each event's hash (``Envelope.computed_hash``), checks the chain
(position n+1 follows n, ``prev_hash`` is the previous event's hash, the first is 64 zeros),
rebuilds the Merkle tree over the leaves (``Envelope.leaf_bytes``), verifies the checkpoint's
signature, and compares its root with the tree at its size. A large export is checked on every
core (``chunks``): workers check the lines, this process grows the tree; if any chunk is not
sound, the one-pass scan runs instead and names the first problem, so the verdict and the
report never depend on how the work was split. With a state file it also checks the
export against the checkpoint accepted before (see ``state``) and then remembers the new one.
It reports the signed head, or the first problem with a stable code and the position (see
``report``). One-event checks and checkpoint updates from proofs are in ``proofs``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec

from govledger_contracts.audit.chunks import (
    CHUNK_BYTES,
    ChunkResult,
    chunk_bounds,
    default_jobs,
    scan_in_workers,
)
from govledger_contracts.audit.leaves import LeafError, exact_leaf, fast_leaf
from govledger_contracts.audit.merkle import CompactRange, root_plan
from govledger_contracts.audit.note import Checkpoint, VerifierKey, format_verifier_key
from govledger_contracts.audit.proofs import accept_checkpoint, verify_inclusion_proof_bundle
from govledger_contracts.audit.report import (
    AuditReport,
    Head,
    InclusionReport,
    Problem,
    ProblemFoundError,
    problem,
    read_checkpoint,
    read_key,
    read_state,
)
from govledger_contracts.audit.state import TrustedState, save_state
from govledger_contracts.canonical import GENESIS_HASH, chain_hash

EVENTS_FILE, CHECKPOINT_FILE, KEY_FILE = "events.jsonl", "checkpoint", "key.pub"
PROGRESS_EVERY = 1 << 16
PARALLEL_FROM_BYTES = 32 << 20
"""Below this, starting worker processes costs more than it saves."""
PARALLEL_CHUNK_BYTES = CHUNK_BYTES


class _Setup(msgspec.Struct, frozen=True, kw_only=True):
    key: VerifierKey
    checkpoint: Checkpoint
    checkpoint_text: str
    state: TrustedState | None


def audit_export(
    directory: str | os.PathLike[str],
    *,
    verifier_key: str | None = None,
    state_file: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int | None = None,
) -> AuditReport:
    """Verify an export directory end to end; remember its checkpoint in ``state_file``.

    ``jobs`` worker processes share a large export's per-event work (default: every core this
    process may use; 1 checks everything in this process).
    """
    root_dir = Path(directory)
    events = root_dir / EVENTS_FILE
    try:
        setup = _prepare(root_dir, verifier_key, state_file)
        scan, count = _Scan(setup), None
        workers = default_jobs() if jobs is None else jobs
        if workers > 1 and events.stat().st_size >= PARALLEL_FROM_BYTES:
            count = scan.run_parallel(events, workers, progress)
            if count is None:  # something is wrong somewhere: find and name it in one pass
                scan = _Scan(setup)
        if count is None:
            count = scan.run(events, progress)
        head = scan.finish(count)
    except ProblemFoundError as stop:
        return AuditReport(ok=False, events=stop.events, problem=stop.problem)
    updated = state_file is not None and _remember(state_file, setup, head, scan.edge_at_n)
    return AuditReport(ok=True, events=count, head=head, state_updated=updated)


def _prepare(
    root_dir: Path, verifier_key: str | None, state_file: str | os.PathLike[str] | None
) -> _Setup:
    state = read_state(state_file)
    key_text = verifier_key or (state.verifier_key if state else None)
    key = read_key(key_text or _read(root_dir / KEY_FILE, "key.malformed").strip())
    text = _read(root_dir / CHECKPOINT_FILE, "checkpoint.malformed")
    checkpoint = read_checkpoint(text, key)
    if state is not None and state.origin != checkpoint.origin:
        detail = f"trusted {state.origin!r}, presented {checkpoint.origin!r}"
        raise ProblemFoundError(problem("checkpoint.origin_mismatch", detail=detail))
    if not (root_dir / EVENTS_FILE).is_file():
        raise ProblemFoundError(problem("export.missing_file", detail=str(root_dir / EVENTS_FILE)))
    return _Setup(key=key, checkpoint=checkpoint, checkpoint_text=text, state=state)


def _read(path: Path, code: str) -> str:
    """A small export file's exact text (no newline translation: the checkpoint is signed)."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise ProblemFoundError(problem("export.missing_file", detail=str(path))) from exc
    except (OSError, UnicodeError) as exc:
        raise ProblemFoundError(problem(code, detail=f"{path}: {exc}")) from exc


class _PositionOnly(msgspec.Struct):
    position: int = 0


_PEEK = msgspec.json.Decoder(_PositionOnly)


class _Scan:
    """One pass over events.jsonl: chain, hashes and tree, checked at the sizes that matter."""

    def __init__(self, setup: _Setup) -> None:
        self.setup = setup
        self.edge = CompactRange()
        self.edge_at_n: tuple[bytes, ...] = ()
        self.signed: Head | None = None
        self.head_hex = GENESIS_HASH.hex()
        trusted = setup.state.size if setup.state else 0
        self.marks = {setup.checkpoint.size, trusted} - {0}
        if setup.checkpoint.size == 0:
            self._at_checkpoint()

    def run(self, path: Path, progress: Callable[[int], None] | None) -> int:
        """Verify every line in order; return how many events there are."""
        expected, prev, prev_hex = 1, GENESIS_HASH, self.head_hex
        append, marks, sha256 = self.edge.append, self.marks, hashlib.sha256
        with path.open("rb") as f:
            lines = iter(f)
            for line in lines:
                if line.isspace() and _only_blank(lines):
                    break  # blank lines after the last event (an editor's final newline)
                try:
                    position, prev_hash, claimed, leaf = fast_leaf(line) or exact_leaf(line)
                except LeafError as exc:
                    found = problem(exc.code, expected, str(exc))
                    raise ProblemFoundError(found, expected - 1) from exc
                if position != expected or prev_hash != prev_hex:
                    found = _link_problem(position, expected, prev_hash, lines)
                    raise ProblemFoundError(found, expected - 1)
                digest = sha256(prev + leaf).digest()
                prev_hex = digest.hex()
                if prev_hex != claimed:
                    digest, leaf = _confirm_mismatch(line, prev, claimed, expected)
                    prev_hex = claimed
                prev = digest
                append(sha256(b"\x00" + leaf).digest())
                if expected in marks:
                    self.head_hex = prev_hex
                    self._at_mark(expected)
                if progress is not None and not expected % PROGRESS_EVERY:
                    progress(expected)
                expected += 1
        if progress is not None:
            progress(expected - 1)
        return expected - 1

    def run_parallel(self, path: Path, jobs: int,
                     progress: Callable[[int], None] | None) -> int | None:
        """``run`` with the lines checked by ``jobs`` worker processes; None if any chunk is
        not sound (then nothing is reported from here: ``run`` finds the first problem)."""
        bounds = chunk_bounds(path, PARALLEL_CHUNK_BYTES)
        expected, prev_hex = 1, self.head_hex
        for chunk in scan_in_workers(path, bounds, frozenset(self.marks), jobs):
            if (chunk is None or not chunk.sound or chunk.first_position != expected
                    or chunk.first_prev_hash != prev_hex or not self._grow(chunk, expected)):
                return None
            expected, prev_hex = expected + chunk.count, chunk.last_hash
            if progress is not None:
                progress(expected - 1)
        return expected - 1

    def _grow(self, chunk: ChunkResult, first: int) -> bool:
        """Append a sound chunk's leaves to the tree, stopping at the sizes that matter;
        False (and nothing reported) if the chunk lacks the chain hash at one of them."""
        end = first + chunk.count
        stops = sorted(m for m in self.marks if first <= m < end)
        if len(chunk.leaf_hashes) != 32 * chunk.count or any(
                m not in chunk.hashes_at for m in stops):
            return False
        append, hashes, done = self.edge.append, chunk.leaf_hashes, 0
        for stop in sorted({*stops, end - 1}):
            for offset in range(done * 32, (stop - first + 1) * 32, 32):
                append(hashes[offset:offset + 32])
            done = stop - first + 1
            if stop in chunk.hashes_at:
                self.head_hex = chunk.hashes_at[stop]
                self._at_mark(stop)
        return True

    def _at_mark(self, size: int) -> None:
        state = self.setup.state
        if state is not None and size == state.size:
            _check_trusted(state, self.edge)
        if size == self.setup.checkpoint.size:
            self._at_checkpoint()

    def _at_checkpoint(self) -> None:
        checkpoint, root = self.setup.checkpoint, self.edge.root()
        if root != checkpoint.root:
            detail = (
                f"signed {checkpoint.root.hex()}, computed {root.hex()} at size {checkpoint.size}"
            )
            raise ProblemFoundError(
                problem("checkpoint.root_mismatch", None, detail), checkpoint.size
            )
        self.edge_at_n = self.edge.hashes()
        self.signed = Head(size=checkpoint.size, root=root.hex(), chain_head=self.head_hex)

    def finish(self, count: int) -> Head:
        """Checks that need the whole file: is the log as long as what was signed and trusted?"""
        size = self.setup.checkpoint.size
        if size > count:
            detail = f"the checkpoint signs {size} events, the export has {count}"
            raise ProblemFoundError(
                problem("checkpoint.size_exceeds_log", count + 1, detail), count
            )
        state = self.setup.state
        if state is not None and state.size > count:
            detail = f"trusted size {state.size}, export has {count} events"
            raise ProblemFoundError(problem("checkpoint.older_than_trusted", None, detail), count)
        if self.signed is None:  # unreachable: size <= count means the scan passed the mark
            raise RuntimeError("checkpoint size was never reached")
        return self.signed


def _only_blank(lines: Iterator[bytes]) -> bool:
    """Whether the rest of the file is blank; consumes it (the caller stops either way only if
    it is: a blank line between events is malformed, and the scan is then over)."""
    return all(line.isspace() for line in lines)


def _link_problem(found: int, expected: int, prev_hash: str, lines: Iterator[bytes]) -> Problem:
    """Name a broken link: a gap, events out of order (a peek tells a swap), or a bad prev_hash."""
    if found == expected:
        return problem("chain.prev_mismatch", expected, f"prev_hash {prev_hash} breaks the chain")
    detail = f"found position {found} where {expected} was expected"
    if found < expected:
        return problem("chain.order", expected, detail)
    try:
        following = _PEEK.decode(next(lines, b"null")).position
    except msgspec.DecodeError:
        following = 0
    code = "chain.order" if following == expected else "chain.gap"
    return problem(code, expected, detail)


def _confirm_mismatch(line: bytes, prev: bytes, claimed: str, position: int) -> tuple[bytes, bytes]:
    """Re-derive a mismatching hash on the reference path before calling the event edited."""
    leaf = exact_leaf(line)[3]
    digest = chain_hash(prev, leaf)
    if digest.hex() != claimed:
        detail = f"recorded {claimed}, recomputed {digest.hex()}"
        raise ProblemFoundError(problem("event.hash_mismatch", position, detail), position - 1)
    return digest, leaf


def _check_trusted(state: TrustedState, edge: CompactRange) -> None:
    """The export at the trusted size must be the tree accepted before; locate a fork if not."""
    remembered = state.edge()
    if remembered is None:
        if edge.root().hex() != state.root:
            detail = f"trusted root {state.root} at size {state.size}, export differs"
            raise ProblemFoundError(problem("checkpoint.consistency", None, detail), state.size)
        return
    plan = root_plan(state.size)
    for (level, index), mine, theirs in zip(plan, edge.hashes(), remembered.hashes(), strict=True):
        if mine != theirs:
            first, last = index << level, (index + 1) << level
            detail = (
                f"history differs within positions {first + 1}..{last} (trusted size {state.size})"
            )
            raise ProblemFoundError(
                problem("checkpoint.consistency", first + 1, detail), state.size
            )


def _remember(
    state_file: str | os.PathLike[str], setup: _Setup, head: Head, edge: tuple[bytes, ...]
) -> bool:
    """Store the new checkpoint as trusted, unless one as large is trusted already (the same
    size passed the consistency check, so it is the same tree: nothing to update)."""
    if setup.state is not None and setup.state.size >= head.size:
        return False
    save_state(
        state_file,
        TrustedState(
            origin=setup.checkpoint.origin,
            verifier_key=format_verifier_key(setup.key),
            size=head.size,
            root=head.root,
            right_edge=tuple(h.hex() for h in edge),
            chain_head=head.chain_head,
            checkpoint=setup.checkpoint_text,
        ),
    )
    return True


__all__ = [
    "CHECKPOINT_FILE",
    "EVENTS_FILE",
    "KEY_FILE",
    "AuditReport",
    "Head",
    "InclusionReport",
    "Problem",
    "accept_checkpoint",
    "audit_export",
    "verify_inclusion_proof_bundle",
]

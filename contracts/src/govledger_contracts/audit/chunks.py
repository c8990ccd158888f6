"""The audit's per-event work on several cores: chunks of ``events.jsonl`` checked in parallel.

Every line's work except the Merkle tree is independent of the others, because each line
carries its own ``prev_hash``: a worker recomputes the leaf (``fast_leaf`` or ``exact_leaf``,
as the one-pass scan does), checks ``SHA-256(prev_hash ‖ leaf)`` against the line's ``hash``,
checks that positions and links run on from line to line, and returns the leaf hashes. The
parent then checks that each chunk carries on from the one before (first position, first
``prev_hash``) and grows the tree from the leaf hashes in order.

Workers are plain processes running ``python -m govledger_contracts.audit.chunks`` (not
``multiprocessing``, which would re-import the caller's main script in each worker): each
reads its chunk ranges as JSON on stdin and writes one length-prefixed msgpack result per
chunk, in order, on stdout. A worker that cannot start or dies ends its stream early.

A chunk answers only "all of this is sound" or "something here is not": it does not name
problems. When any chunk is not sound, the audit runs the one-pass scan from the start, which
finds and names the first problem exactly as it always does. So the parallel path can make
the audit faster but never changes a verdict or a report.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import msgspec

from govledger_contracts.audit.leaves import LeafError, exact_leaf, fast_leaf
from govledger_contracts.canonical import chain_hash

CHUNK_BYTES = 8 << 20
"""About 8 MB of lines per chunk (some 10,000 events): coarse enough that process overhead
is small, fine enough that the parent can grow the tree while workers scan."""


class ChunkResult(msgspec.Struct, frozen=True, kw_only=True):
    sound: bool
    """Every line decodes, is canonical, hashes to its ``hash`` and links to the one before."""
    first_position: int = 0
    first_prev_hash: str = ""
    count: int = 0
    last_hash: str = ""
    leaf_hashes: bytes = b""
    """``count`` leaf hashes (32 bytes each), in line order."""
    hashes_at: dict[int, str] = {}
    """The chain hash at each requested position that falls in this chunk."""


def chunk_bounds(path: Path, chunk_bytes: int = CHUNK_BYTES) -> list[tuple[int, int]]:
    """Byte ranges ``[start, end)`` that cover the file and each start at a line's start."""
    size = path.stat().st_size
    bounds, start = [], 0
    with path.open("rb") as f:
        while start < size:
            end = min(start + chunk_bytes, size)
            if end < size:
                f.seek(end)
                tail = f.readline()  # the rest of the line that straddles the cut
                end += len(tail)
            bounds.append((start, end))
            start = end
    return bounds


def scan_chunk(path: str, start: int, end: int, marks: frozenset[int]) -> ChunkResult:
    """Check the lines in ``[start, end)`` (see the module docstring)."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if not data.endswith(b"\n"):
        return ChunkResult(sound=False)  # a last line without its newline: the scan says why
    lines = data.split(b"\n")
    lines.pop()  # after the final newline
    sha256 = hashlib.sha256
    leaf_hashes = bytearray()
    hashes_at: dict[int, str] = {}
    first_position = expected = 0
    first_prev = last_hash = ""
    for index, line in enumerate(lines):
        try:
            position, prev_hash, claimed, leaf = fast_leaf(line) or exact_leaf(line)
        except LeafError:
            return ChunkResult(sound=False)
        if index == 0:
            if position < 1:
                return ChunkResult(sound=False)
            first_position, first_prev, expected = position, prev_hash, position
        elif position != expected or prev_hash != last_hash:
            return ChunkResult(sound=False)
        try:
            prev = bytes.fromhex(prev_hash)
        except ValueError:
            return ChunkResult(sound=False)
        if sha256(prev + leaf).hexdigest() != claimed:
            exact = _exactly(line, prev, claimed)
            if exact is None:
                return ChunkResult(sound=False)
            leaf = exact  # the tree takes the reference leaf, as the one-pass scan does
        if position in marks:
            hashes_at[position] = claimed
        leaf_hashes += sha256(b"\x00" + leaf).digest()
        last_hash, expected = claimed, expected + 1
    return ChunkResult(sound=True, first_position=first_position, first_prev_hash=first_prev,
                       count=len(lines), last_hash=last_hash, leaf_hashes=bytes(leaf_hashes),
                       hashes_at=hashes_at)


def _exactly(line: bytes, prev: bytes, claimed: str) -> bytes | None:
    """A mismatch on the fast leaf is re-derived on the reference path, as the scan does:
    the reference leaf if that one hashes to ``claimed``, else None."""
    try:
        leaf = exact_leaf(line)[3]
    except LeafError:
        return None
    return leaf if chain_hash(prev, leaf).hex() == claimed else None


def default_jobs() -> int:
    """Worker processes for a parallel audit: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_RESULT_DECODER = msgspec.msgpack.Decoder(ChunkResult)
_RANGES = msgspec.json.Decoder(list[tuple[int, int]])


def scan_in_workers(path: Path, bounds: list[tuple[int, int]], marks: frozenset[int],
                    jobs: int) -> Iterator[ChunkResult | None]:
    """Every chunk's result in file order, from ``jobs`` worker processes; None (and the end)
    if a worker fails to deliver one."""
    workers = max(1, min(jobs, len(bounds)))
    command = [sys.executable, "-m", "govledger_contracts.audit.chunks", str(path),
               ",".join(map(str, sorted(marks)))]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(workers):
            processes.append(subprocess.Popen(command, stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
    except OSError:  # no interpreter to start: the one-pass scan will do
        yield None
        for process in processes:
            process.kill()
            process.wait()
        return
    try:
        for index, process in enumerate(processes):
            assert process.stdin is not None
            try:
                with process.stdin:
                    process.stdin.write(msgspec.json.encode(bounds[index::workers]))
            except BrokenPipeError:  # it died at once; its stream ends, and so does this
                pass
        for index in range(len(bounds)):
            stream = processes[index % workers].stdout
            assert stream is not None
            frame = _read_frame(stream)
            if frame is None:
                yield None
                return
            try:
                yield _RESULT_DECODER.decode(frame)
            except msgspec.DecodeError:
                yield None
                return
    finally:
        for process in processes:
            process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(4)
    if len(header) != 4:
        return None
    size = int.from_bytes(header, "big")
    frame = stream.read(size)
    return frame if len(frame) == size else None


def _worker(argv: list[str]) -> int:
    """``python -m govledger_contracts.audit.chunks EVENTS_FILE MARKS`` (ranges on stdin)."""
    path, marks_text = argv
    marks = frozenset(int(m) for m in marks_text.split(",") if m)
    out = sys.stdout.buffer
    for start, end in _RANGES.decode(sys.stdin.buffer.read()):
        frame = msgspec.msgpack.encode(scan_chunk(path, start, end, marks))
        out.write(len(frame).to_bytes(4, "big") + frame)
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))

"""``govledger export``: the log, its latest signed checkpoint and the verifier key, for auditors.

Writes the directory format that ``govledger_contracts.audit.verify`` reads: ``events.jsonl``
(every event from position 1, one ``ENVELOPE_ENCODER`` line each), ``checkpoint`` and
``key.pub``. First it takes a checkpoint round itself (waiting for the tree lock), so the
checkpoint covers the log as it is now; then it reads the events and that checkpoint in one
REPEATABLE READ snapshot, so the two agree even while the ledger keeps appending (events
appended after the round are exported too: the audit chain-checks them, unsigned).

It exports what the database holds, tampered or not: judging it is the audit's job. If the
checkpointer refuses to sign because the log no longer hashes, the last checkpoint it did sign
is exported, and the audit names the damage.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import asyncpg
import msgspec

from govledger_contracts.audit.note import (
    NoteError,
    SignerKey,
    format_verifier_key,
    open_checkpoint,
    verifier_key_of,
)
from govledger_contracts.audit.verify import CHECKPOINT_FILE, EVENTS_FILE, KEY_FILE
from govledger_contracts.envelope import ENVELOPE_ENCODER
from govledger_ledger.adapters.merkle_store import LogCorrupted, latest_checkpoint
from govledger_ledger.adapters.postgres_store import init_connection, row_to_envelope
from govledger_ledger.checkpoints import checkpoint_round

log = logging.getLogger("govledger.export")
PREFETCH = 5000


class ExportError(Exception):
    """The export cannot be written as a verifiable directory."""


class ExportSummary(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    checkpoint_size: int
    directory: str
    warning: str | None = None


async def export_log(database_url: str, out_dir: str | os.PathLike[str], *, signer: SignerKey,
                     progress: Callable[[int], None] | None = None) -> ExportSummary:
    """Write the export directory; return how many events and the signed size."""
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before any query)
    conn = await asyncpg.connect(database_url)
    try:
        await init_connection(conn)
        warning = await _sign_current(conn, signer)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            checkpoint = await latest_checkpoint(conn)
            if checkpoint is None:
                raise ExportError("the ledger has no signed checkpoint to export")
            _check_signed_by(checkpoint.signed_note, signer)
            count = await _write_events(conn, target / EVENTS_FILE, progress)
    finally:
        await conn.close()
    _write_text(target / CHECKPOINT_FILE, checkpoint.signed_note)
    _write_text(target / KEY_FILE, format_verifier_key(verifier_key_of(signer)) + "\n")
    return ExportSummary(events=count, checkpoint_size=checkpoint.size,
                         directory=str(target), warning=warning)


async def _sign_current(conn: asyncpg.Connection, signer: SignerKey) -> str | None:
    """A checkpoint at the log's current size, unless the log no longer hashes as recorded."""
    try:
        await checkpoint_round(conn, signer, wait=True)
    except LogCorrupted as exc:
        log.warning("not signing the current log: %s", exc)
        return f"the log does not verify at {exc}; exported with the last signed checkpoint"
    return None


def _check_signed_by(note: str, signer: SignerKey) -> None:
    """Refuse to hand out a checkpoint that ``key.pub`` would not verify (a rotated key)."""
    try:
        open_checkpoint(note, verifier_key_of(signer))
    except NoteError as exc:
        raise ExportError(f"the latest checkpoint is not signed by this key: {exc}") from exc


async def _write_events(conn: asyncpg.Connection, path: Path,
                        progress: Callable[[int], None] | None) -> int:
    """Stream every event into ``path`` (through a temporary file renamed at the end)."""
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    encode = ENVELOPE_ENCODER.encode
    with tmp.open("wb") as out:
        cursor = conn.cursor("SELECT * FROM ledger.events ORDER BY position", prefetch=PREFETCH)
        async for row in cursor:
            out.write(encode(row_to_envelope(row)) + b"\n")
            count += 1
            if progress is not None and not count % PREFETCH:
                progress(count)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
    if progress is not None:
        progress(count)
    return count


def _write_text(path: Path, text: str) -> None:
    """Exact bytes, no newline translation: the checkpoint is signed text."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)

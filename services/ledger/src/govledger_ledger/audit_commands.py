"""The bodies of the auditor's ``govledger`` subcommands that need the ledger itself: key show,
export, and a recount read from the database. The offline ones (audit an export, one proof, a
recount of an export) are ``govledger_contracts.audit.commands``, re-exported here; they need
nothing of the service, so an auditor gets them with ``govledger-contracts`` alone.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from govledger_contracts.audit.commands import (
    CANNOT_RUN,
    FAILED,
    OK,
    Echo,
    audit,
    audit_proof,
    error,
    print_recount,
    recount_export,
)
from govledger_contracts.audit.recount import VOTE_EVENT_TYPES
from govledger_contracts.audit.recount import recount as recount_vote
from govledger_contracts.envelope import Envelope
from govledger_ledger.adapters.postgres_store import init_connection, row_to_envelope
from govledger_ledger.checkpoints import load_or_create_signer, verifier_key_text
from govledger_ledger.export import ExportError, export_log
from govledger_ledger.settings import Settings

# --------------------------------------------------------------------------- key, export


def key_show(settings: Settings) -> str:
    """The ledger's checkpoint verifier key, to publish out of band (ward website, minutes)."""
    return verifier_key_text(settings)


def export(settings: Settings, out_dir: str | Path, *, echo: Echo = print) -> int:
    """Export the log, a checkpoint covering it and the key into ``out_dir``.

    1 when the log does not verify: the export is written all the same (it is evidence) and
    one line names the first bad position.
    """
    try:
        summary = asyncio.run(export_log(settings.database_url, out_dir,
                                         signer=load_or_create_signer(settings)))
    except (ExportError, OSError, asyncpg.PostgresError) as exc:
        error(f"export failed: {exc}")
        return CANNOT_RUN
    echo(f"exported {summary.events} events to {summary.directory}"
         f" (signed checkpoint at size {summary.checkpoint_size})")
    if summary.bad_position is not None:
        error(f"the log does not verify at position {summary.bad_position}: {summary.problem}"
              f" — exported all the same, as evidence; `govledger audit {summary.directory}`"
              " names the damage too")
        return FAILED
    if summary.warning:
        error(summary.warning)
    return OK


# --------------------------------------------------------------------------- recount


async def _vote_envelopes(database_url: str, vote_id: str) -> list[Envelope]:
    conn = await asyncpg.connect(database_url)
    try:
        await init_connection(conn)
        rows = await conn.fetch(
            "SELECT * FROM ledger.events WHERE type = ANY($1::text[])"
            " AND payload->>'vote_id' = $2 ORDER BY position", list(VOTE_EVENT_TYPES), vote_id,
        )
    finally:
        await conn.close()
    return [row_to_envelope(r) for r in rows]


def recount(vote_id: str, *, database_url: str | None = None, export_dir: str | Path | None = None,
            key: str | None = None, echo: Echo = print) -> int:
    """Recount a vote from its ballots, from the database or from an audited export."""
    if export_dir is not None:
        return recount_export(vote_id, export_dir, key=key, echo=echo)
    if database_url is None:
        error("recount needs the database or an export directory")
        return CANNOT_RUN
    report = recount_vote(vote_id, asyncio.run(_vote_envelopes(database_url, vote_id)))
    return print_recount(report, echo)


__all__ = ["CANNOT_RUN", "FAILED", "OK", "audit", "audit_proof", "export", "key_show", "recount"]

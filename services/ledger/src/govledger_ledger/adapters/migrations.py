"""Versioned SQL migrations, applied on start, idempotent, recorded in a table.

Files ``sql/NNN_name.sql`` run in order, each in its own transaction, under a session
advisory lock so that several processes starting at once apply each migration once.
"""

from __future__ import annotations

import re
from importlib import resources

import asyncpg

_MIGRATION_LOCK = 0x676F76_6C656467  # "govledg": one lock id for every govledger migrator
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every bundled migration, in order."""
    found = []
    for entry in resources.files("govledger_ledger.adapters").joinpath("sql").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


async def migrate(database_url: str) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS public.govledger_migrations ("
            " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))"
        )
        rows = await conn.fetch(
            "SELECT version FROM govledger_migrations WHERE component = 'ledger'"
        )
        done = {r["version"] for r in rows}
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO govledger_migrations (component, version, name)"
                    " VALUES ('ledger', $1, $2)",
                    version,
                    name,
                )
            applied.append(name)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
        await conn.close()

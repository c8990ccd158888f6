"""The projector's SQL migrations, applied on start, recorded as component ``projector``.

Same table and lock as every govledger migrator (``public.govledger_migrations``), so the
ledger's and the projector's migrations never run at the same moment.
"""

from __future__ import annotations

import re
from importlib import resources

import asyncpg

MIGRATION_LOCK = 0x676F76_6C656467  # "govledg": shared by every govledger migrator
COMPONENT = "projector"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def bundled() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("govledger_projector").joinpath("sql").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


async def migrate(database_url: str) -> list[str]:
    """Apply every projector migration not yet recorded; return the names applied now."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS public.govledger_migrations ("
            " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))")
        done = {r["version"] for r in await conn.fetch(
            "SELECT version FROM public.govledger_migrations WHERE component = $1", COMPONENT)}
        applied = []
        for version, name, sql in bundled():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO public.govledger_migrations (component, version,"
                                   " name) VALUES ($1, $2, $3)", COMPONENT, version, name)
            applied.append(name)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        await conn.close()

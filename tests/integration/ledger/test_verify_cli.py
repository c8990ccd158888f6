"""``govledger verify`` finds a row altered behind the database's back, at its position."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest

from govledger_ledger import verify
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.settings import Settings
from tests.integration.ledger.helpers import write


def run_verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVLEDGER_DATABASE_URL": settings.database_url,
           "GOVLEDGER_NATS_URL": settings.nats_url}
    return subprocess.run([sys.executable, "-m", "govledger_launcher.cli", "verify"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


async def tamper(settings: Settings, statement: str) -> None:
    """What someone with the owner's password could do: switch the guards off and edit."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER USER")
        await conn.execute(statement)
        await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER USER")
    finally:
        await conn.close()


async def test_verify_passes_on_an_untouched_log(
    store: PostgresEventStore, ledger_settings: Settings,
) -> None:
    await asyncio.gather(*(store.append(write(f"s{i}")) for i in range(30)))
    result = await asyncio.to_thread(run_verify, ledger_settings)
    assert result.returncode == 0, result.stderr
    assert "30 events" in result.stdout
    assert (await store.head())[1] in result.stdout


@pytest.mark.parametrize(("statement", "position"), [
    ("UPDATE ledger.events SET payload = jsonb_set(payload, '{n}', '99') WHERE position = 17",
     17),
    ("UPDATE ledger.events SET reason = 'rewritten' WHERE position = 5", 5),
    ("DELETE FROM ledger.events WHERE position = 23", 23),
    ("UPDATE ledger.events SET occurred_at = occurred_at + interval '1 microsecond'"
     " WHERE position = 9", 9),
    ("UPDATE ledger.events SET actor_role = 'chair' WHERE position = 11", 11),
    ("DELETE FROM ledger.events WHERE position = 30", 30),  # a truncated tail
])
async def test_verify_reports_a_row_altered_with_triggers_disabled_at_its_position(
    store: PostgresEventStore, ledger_settings: Settings, statement: str, position: int,
) -> None:
    await asyncio.gather(*(store.append(write(f"s{i}")) for i in range(30)))
    await tamper(ledger_settings, statement)
    result = await asyncio.to_thread(run_verify, ledger_settings)
    assert result.returncode == 1
    assert f"chain broken at position {position}:" in result.stderr


@pytest.mark.parametrize("position", [6, 7, 8, 17, 21])
async def test_verify_finds_the_exact_position_across_page_boundaries(
    store: PostgresEventStore, ledger_settings: Settings, position: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(verify, "PAGE", 7)  # pages 1-7, 8-14, ...: read ahead of the check
    await asyncio.gather(*(store.append(write(f"s{i}")) for i in range(30)))
    assert (await verify.verify_chain(ledger_settings.database_url)).ok
    edit = f"UPDATE ledger.events SET reason = 'x' WHERE position = {position}"
    await tamper(ledger_settings, edit)
    report = await verify.verify_chain(ledger_settings.database_url)
    assert (report.ok, report.bad_position, report.count) == (False, position, position - 1)

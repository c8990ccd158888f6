"""The seed's data set loads end to end through the application layer, once.

``seeded`` (conftest) has loaded the seed with ``load_seed`` on a fresh database; these
tests read that database, recount the votes from the ballots, and load the seed again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import asyncpg
import pytest

from govledger_contracts.commands import CastBallot
from govledger_ledger.adapters.postgres_store import init_connection
from govledger_ledger.domain.core import pseudonymize
from govledger_ledger.domain.seed import seed_commands
from govledger_ledger.seeding import SEED_ACTOR, SEED_VERSION, load_seed
from govledger_ledger.verify import verify_chain
from govledger_ledger.voter_key import load_or_create_voter_key
from tests.integration.domain.helpers import Seeded

EXPECTED_TYPES = {
    "agenda_deliberated": 10, "agenda_merged_into": 4, "agenda_proposed": 32,
    "agenda_put_to_vote": 26, "agendas_merged": 2, "ballot_cast": 5732,
    "evaluation_recorded": 36, "execution_started": 12, "feedback_recorded": 12,
    "meeting_held": 2, "meeting_scheduled": 2, "member_appointed": 100, "motion_resolved": 1,
    "mou_signed": 12, "plan_approved": 1, "plan_approved_by_assembly": 1,
    "subcommittee_formed": 4, "vote_closed": 4, "vote_opened": 4, "working_group_formed": 12,
}
TURNOUT = {"priority-2019": 294, "priority-2020": 2441, "priority-2021": 1420,
           "priority-2022": 1577}


@pytest.fixture
async def db(seeded: Seeded) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(seeded.settings.database_url)
    await init_connection(conn)
    yield conn
    await conn.close()


def test_the_first_load_runs_every_seed_command_and_appends_its_events(seeded: Seeded) -> None:
    assert seeded.first.commands == len(seed_commands()) == 5973
    assert seeded.first.replayed == 0
    assert seeded.first.appended == sum(EXPECTED_TYPES.values())


async def test_the_chain_verifies_after_the_load(seeded: Seeded) -> None:
    report = await verify_chain(seeded.settings.database_url)
    assert report.ok, report
    assert report.count == seeded.first.appended


async def test_the_seed_records_the_expected_events_of_each_type(db: asyncpg.Connection) -> None:
    rows = await db.fetch("SELECT type, count(*) AS n FROM ledger.events GROUP BY type")
    assert {r["type"]: r["n"] for r in rows} == EXPECTED_TYPES


async def test_the_seed_seats_fifty_council_members_and_fifty_subcommittee_members(
    db: asyncpg.Connection,
) -> None:
    rows = await db.fetch("SELECT payload FROM ledger.events WHERE type = 'member_appointed'")
    bodies = Counter(r["payload"]["body"] for r in rows)
    assert bodies["council"] == 50
    assert sum(n for body, n in bodies.items() if body != "council") == 50
    council = [r["payload"] for r in rows if r["payload"]["body"] == "council"]
    assert sum(p["sector"] == "private" for p in council) >= 35
    assert sum(bool(p["centre"]) for p in council) == 7


async def test_every_seed_event_names_the_loader_and_the_seed_correlation(
    db: asyncpg.Connection,
) -> None:
    rows = await db.fetch("SELECT DISTINCT actor_id, correlation_id FROM ledger.events")
    assert {(r["actor_id"], r["correlation_id"]) for r in rows} == {(SEED_ACTOR, SEED_VERSION)}


async def test_tallies_recounted_from_the_ballots_equal_the_published_tallies(
    db: asyncpg.Connection,
) -> None:
    ballots = await db.fetch("SELECT payload FROM ledger.events WHERE type = 'ballot_cast'")
    recount: dict[str, Counter[str]] = {}
    voters: dict[str, set[str]] = {}
    for row in ballots:
        p = row["payload"]
        recount.setdefault(p["vote_id"], Counter()).update(p["choices"])
        voters.setdefault(p["vote_id"], set()).add(p["voter"])
    closed = await db.fetch("SELECT payload FROM ledger.events WHERE type = 'vote_closed'")
    assert {r["payload"]["vote_id"]: r["payload"]["turnout"] for r in closed} == TURNOUT
    assert {v: len(s) for v, s in voters.items()} == TURNOUT
    for row in closed:
        p = row["payload"]
        assert {t["agenda_id"]: t["votes"] for t in p["tally"]} == {
            t["agenda_id"]: recount[p["vote_id"]][t["agenda_id"]] for t in p["tally"]}


async def test_no_resident_id_appears_in_any_stored_row(db: asyncpg.Connection) -> None:
    tables = await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'ledger'")
    assert {"events", "idempotency"} <= {t["tablename"] for t in tables}
    for table in tables:
        leaked = await db.fetchval(
            f'SELECT count(*) FROM ledger."{table["tablename"]}" t'
            " WHERE t::text LIKE '%seed-voter-%'")
        assert leaked == 0, table["tablename"]


async def test_loading_the_seed_again_appends_nothing(seeded: Seeded,
                                                      db: asyncpg.Connection) -> None:
    head = await db.fetchval("SELECT position FROM ledger.head")
    seen: list[tuple[int, int]] = []
    again = await load_seed(seeded.settings, progress=lambda d, t: seen.append((d, t)))
    assert (again.commands, again.appended, again.replayed) == (5973, 0, 5973)
    assert await db.fetchval("SELECT position FROM ledger.head") == head
    assert seen[-1] == (5973, 5973)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert again.seconds < seeded.first.seconds


async def test_each_ballot_holds_the_keyed_pseudonym_of_a_seed_resident(
    seeded: Seeded, db: asyncpg.Connection,
) -> None:
    key = load_or_create_voter_key(seeded.settings)
    residents = [c.resident_id for _, c in seed_commands() if isinstance(c, CastBallot)]
    expected = {pseudonymize(key, r) for r in residents}
    rows = await db.fetch("SELECT payload->>'voter' AS v FROM ledger.events"
                          " WHERE type = 'ballot_cast'")
    assert {r["v"] for r in rows} == expected

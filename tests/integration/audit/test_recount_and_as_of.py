"""Recount a real vote online and on an export; read aggregates as of a position or a time."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import msgspec
import pytest

from govledger_contracts.audit.recount import export_envelopes, recount
from govledger_contracts.commands import (
    AppointMember,
    CastBallot,
    CloseVote,
    OpenVote,
    ProposeAgenda,
)
from govledger_contracts.envelope import Actor, Envelope
from govledger_contracts.events import to_payload
from govledger_contracts.events.vote import CandidateTally, VoteClosed
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.application import LedgerApplication
from govledger_ledger.audit_commands import export as export_command
from govledger_ledger.audit_commands import key_show
from govledger_ledger.audit_commands import recount as recount_command
from govledger_ledger.domain.core import KST
from govledger_ledger.ports import AppendResult
from govledger_ledger.settings import Settings
from tests.integration.audit.conftest import Client

SECRETARIAT = Actor(id="secretariat-01", role="secretariat")
GATEWAY = Actor(id="gateway-01", role="vote_gateway")
CANDIDATES = ("a1", "a2", "a3")
BALLOTS = [("a1",), ("a1", "a2"), ("a2",), ("a3", "a1"), ("a1",), ("a2", "a3")] * 5


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=KST)


async def _run(app: LedgerApplication, command: object, actor: Actor) -> AppendResult:
    result = await app.handle(command, actor)  # type: ignore[arg-type]
    assert isinstance(result, AppendResult), result
    return result


async def hold_a_vote(store: PostgresEventStore) -> AppendResult:
    """Three agendas, a vote over them, thirty ballots, the close; returns the close."""
    app = LedgerApplication(store, voter_key=b"k" * 32, clock=lambda: at(6, 1))
    for agenda in CANDIDATES:
        await _run(app, ProposeAgenda(agenda_id=agenda, title=agenda, channel="online",
                                      domains=("복지",), year=2024, reason="test",
                                      occurred_at=at(3, 1)), SECRETARIAT)
    await _run(app, OpenVote(vote_id="v1", title="2024 우선순위", year=2024,
                             candidate_ids=CANDIDATES, max_choices=2, opens_at=at(5, 1, 9),
                             closes_at=at(5, 6, 9), reason="test", occurred_at=at(5, 1, 9)),
               SECRETARIAT)
    for i, choices in enumerate(BALLOTS):
        await _run(app, CastBallot(vote_id="v1", resident_id=f"resident-{i}", choices=choices,
                                   reason="ballot", occurred_at=at(5, 2)), GATEWAY)
    return await _run(app, CloseVote(vote_id="v1", reason="period over"), SECRETARIAT)


async def test_a_recount_online_and_on_an_export_equals_the_recorded_tally(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    closed = (await hold_a_vote(store)).envelopes[0]
    recorded = closed.payload["tally"]
    assert closed.payload["turnout"] == len(BALLOTS)

    online = recount("v1", await store.read_all(0, 10_000))
    assert online.status == "match" and online.counted_turnout == len(BALLOTS)
    assert [(c.agenda_id, c.counted_votes, c.counted_rank) for c in online.candidates] == [
        (t["agenda_id"], t["votes"], t["rank"]) for t in recorded]
    assert await asyncio.to_thread(recount_command, "v1",
                                   database_url=ledger_settings.database_url) == 0
    assert "recount matches" in capsys.readouterr().out

    directory = tmp_path / "export"
    assert await asyncio.to_thread(export_command, ledger_settings, directory) == 0
    assert recount("v1", export_envelopes(directory, "v1")) == online
    assert await asyncio.to_thread(recount_command, "v1", export_dir=directory) == 0
    capsys.readouterr()
    assert await asyncio.to_thread(recount_command, "v9",
                                   database_url=ledger_settings.database_url) == 2
    err = capsys.readouterr().err
    assert err.startswith("govledger: error: v9: 그런 투표가 없습니다 / no such vote"), err
    assert await asyncio.to_thread(recount_command, "v9", export_dir=directory) == 2


async def test_a_recount_of_an_export_without_a_pinned_key_warns_what_it_proves(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    await hold_a_vote(store)
    directory = tmp_path / "export"
    assert await asyncio.to_thread(export_command, ledger_settings, directory) == 0
    capsys.readouterr()
    assert await asyncio.to_thread(recount_command, "v1", export_dir=directory) == 0
    out, err = capsys.readouterr()
    assert "recount matches" in out
    assert err.startswith("govledger: warning: 검증 키를 고정하지 않았습니다")
    assert "the export's own key.pub was trusted" in err
    pinned = key_show(ledger_settings)
    assert await asyncio.to_thread(recount_command, "v1", export_dir=directory, key=pinned) == 0
    assert capsys.readouterr().err == ""


def _forge_tally(envelope: Envelope) -> Envelope:
    closed = msgspec.convert(envelope.payload, VoteClosed)
    first, *rest = closed.tally
    forged = msgspec.structs.replace(closed, tally=(
        CandidateTally(agenda_id=first.agenda_id, votes=first.votes + 1, rank=first.rank),
        *rest))
    return msgspec.structs.replace(envelope, payload=to_payload(forged))


async def test_a_recorded_tally_that_the_ballots_do_not_add_up_to_is_a_mismatch(
        store: PostgresEventStore) -> None:
    await hold_a_vote(store)
    events = [_forge_tally(e) if e.type == "vote_closed" else e
              for e in await store.read_all(0, 10_000)]
    report = recount("v1", events)
    assert report.status == "mismatch"
    assert report.candidates[0].recorded_votes == report.candidates[0].counted_votes + 1


async def _appoint(app: LedgerApplication, member: str) -> int:
    command = AppointMember(member_id=member, name=member, sector="private",
                            route="recommendation", term_start=dt.date(2024, 1, 1),
                            term_end=dt.date(2025, 12, 31), reason="test",
                            occurred_at=at(1, 2))
    return (await _run(app, command, SECRETARIAT)).envelopes[-1].position


async def test_an_aggregate_reads_as_it_was_at_a_position_or_a_time(
        store: PostgresEventStore, client: Client) -> None:
    app = LedgerApplication(store, voter_key=b"k" * 32, clock=lambda: at(6, 1))
    positions = [await _appoint(app, m) for m in ("p01", "p02", "p03")]
    await hold_a_vote(store)

    def seats(body: dict[str, object]) -> list[str]:
        state = body["state"]
        assert isinstance(state, dict)
        return [s["member_id"] for s in state["seats"]]

    now = (await client.get("/v1/aggregates/council")).json()
    assert seats(now) == ["p01", "p02", "p03"] and now["as_of_position"] is None
    then = (await client.get("/v1/aggregates/council", params={"as_of": positions[1]})).json()
    assert seats(then) == ["p01", "p02"] and then["version"] == 2

    second = (await store.read_all(positions[1] - 1, 1))[0]
    when = second.recorded_at.isoformat()
    by_time = (await client.get("/v1/aggregates/council", params={"as_of": when})).json()
    assert seats(by_time)[:2] == ["p01", "p02"]
    before = (second.recorded_at - dt.timedelta(days=1)).isoformat()
    earlier = await client.get("/v1/aggregates/council", params={"as_of": before})
    assert seats(earlier.json()) == []

    vote_events = (await client.get("/v1/streams/vote-v1")).json()["events"]
    opened_at = vote_events[0]["position"]
    vote_then = (await client.get("/v1/aggregates/vote-v1", params={"as_of": opened_at})).json()
    assert vote_then["state"]["status"] == "open"
    vote_now = (await client.get("/v1/aggregates/vote-v1")).json()
    assert vote_now["state"]["status"] == "closed" and vote_now["state"]["turnout"] == 30
    stream_then = (await client.get("/v1/streams/vote-v1", params={"as_of": opened_at})).json()
    assert len(stream_then["events"]) == 1

    assert (await client.get("/v1/aggregates/nonsense-1")).status_code == 404
    assert (await client.get("/v1/aggregates/council",
                             params={"as_of": "yesterday"})).status_code == 422


async def test_an_aggregate_can_be_read_as_of_the_day_the_acts_happened(
        store: PostgresEventStore, client: Client) -> None:
    app = LedgerApplication(store, voter_key=b"k" * 32, clock=lambda: at(6, 1))
    for member, day in (("p01", dt.date(2021, 11, 23)), ("p02", dt.date(2022, 3, 1))):
        await _run(app, AppointMember(
            member_id=member, name=member, sector="private", route="recommendation",
            term_start=day, term_end=day.replace(year=day.year + 2) - dt.timedelta(days=1),
            reason="recorded after the fact",
            occurred_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)), SECRETARIAT)
    day = (await client.get("/v1/aggregates/council",
                            params={"occurred_by": "2021-12-31T00:00:00+09:00"})).json()
    assert [s["member_id"] for s in day["state"]["seats"]] == ["p01"]
    assert day["version"] == 1
    assert (await client.get("/v1/aggregates/council",
                             params={"occurred_by": "7"})).status_code == 422

"""Rules that span streams hold under concurrency (real PostgreSQL, one application).

Every racer reads, decides and appends at the version it read; the store lets one append
per version through and the others reload and decide again, so the rules are judged
against the winner's events.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Sequence

from govledger_contracts.commands import (
    AppointMember,
    CastBallot,
    CloseVote,
    MergeAgendas,
    OpenVote,
    ProposeAgenda,
)
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.application import LedgerApplication
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.council import MAX_PUBLIC, MAX_SEATS
from tests.integration.domain.helpers import accept, kst, run, state_of

RACERS = 100


def appointment(n: int, sector: str) -> AppointMember:
    return AppointMember(
        member_id=f"council-4-{n:03d}", name=f"위원 {n:03d}", sector=sector,  # type: ignore[arg-type]
        route="ex_officio" if sector == "public" else "recommendation",
        term_start=dt.date(2023, 11, 23), term_end=dt.date(2025, 11, 22), reason="위촉 / test",
        occurred_at=kst(2023, 11, 23),
    )


async def seat(app: LedgerApplication, public: int, private: int) -> None:
    sectors = ["public"] * public + ["private"] * private
    for n, sector in enumerate(sectors, start=1):
        await accept(app, "secretariat", appointment(n, sector))


def outcomes(results: Sequence[object]) -> Counter[str]:
    return Counter(r.code if isinstance(r, Rejected) else "accepted" for r in results)


async def test_a_hundred_concurrent_appointments_to_the_last_seat_seat_exactly_one(
    app: LedgerApplication, store: PostgresEventStore,
) -> None:
    await seat(app, public=MAX_PUBLIC - 1, private=MAX_SEATS - MAX_PUBLIC)
    racers = [appointment(1000 + i, "public" if i % 2 else "private") for i in range(RACERS)]
    results = await asyncio.gather(*(run(app, "secretariat", c) for c in racers))
    assert outcomes(results) == {"accepted": 1, "council.seats_full": RACERS - 1}
    seats = (await state_of(store, "council")).seats
    assert len(seats) == MAX_SEATS
    assert sum(s.sector == "public" for s in seats) <= MAX_PUBLIC


async def test_a_hundred_concurrent_public_appointments_never_break_the_private_share(
    app: LedgerApplication, store: PostgresEventStore,
) -> None:
    await seat(app, public=MAX_PUBLIC - 1, private=10)
    racers = [appointment(1000 + i, "public") for i in range(RACERS)]
    results = await asyncio.gather(*(run(app, "secretariat", c) for c in racers))
    assert outcomes(results) == {"accepted": 1, "council.public_share_exceeded": RACERS - 1}
    seats = (await state_of(store, "council")).seats
    assert sum(s.sector == "public" for s in seats) == MAX_PUBLIC
    assert len(seats) == MAX_PUBLIC + 10


async def open_vote(app: LedgerApplication) -> None:
    for agenda in ("a2024-01", "a2024-02"):
        await accept(app, "secretariat", ProposeAgenda(
            agenda_id=agenda, title=f"의제 {agenda}", channel="online", domains=("복지",),
            year=2024, reason="제안 / test", occurred_at=kst(2024, 2, 1)))
    await accept(app, "secretariat", OpenVote(
        vote_id="priority-2024", title="2024 우선순위 투표", year=2024,
        candidate_ids=("a2024-01", "a2024-02"), max_choices=1, opens_at=kst(2024, 3, 1, 9),
        closes_at=kst(2024, 3, 6, 9), reason="개시 / test", occurred_at=kst(2024, 3, 1, 9)))


async def test_a_hundred_concurrent_ballots_from_one_voter_count_once(
    app: LedgerApplication, store: PostgresEventStore,
) -> None:
    await open_vote(app)
    ballots = [CastBallot(vote_id="priority-2024", resident_id="resident-0001",
                          choices=(f"a2024-0{1 + i % 2}",), reason="투표 / test",
                          occurred_at=kst(2024, 3, 2)) for i in range(RACERS)]
    results = await asyncio.gather(*(run(app, "vote_gateway", b) for b in ballots))
    assert outcomes(results) == {"accepted": 1, "vote.already_voted": RACERS - 1}
    await accept(app, "secretariat", CloseVote(vote_id="priority-2024", reason="마감 / test",
                                               occurred_at=kst(2024, 3, 6, 9)))
    closed = (await store.read_stream("vote-priority-2024")).envelopes[-1]
    assert closed.type == "vote_closed"
    assert closed.payload["turnout"] == 1
    assert sum(t["votes"] for t in closed.payload["tally"]) == 1


async def test_two_concurrent_merges_of_the_same_source_never_both_succeed(
    app: LedgerApplication, store: PostgresEventStore,
) -> None:
    for round_ in range(10):
        ids = [f"a2024-{round_}-{k}" for k in "abc"]
        for agenda in ids:
            await accept(app, "secretariat", ProposeAgenda(
                agenda_id=agenda, title=agenda, channel="online", domains=("환경",), year=2024,
                reason="제안 / test", occurred_at=kst(2024, 2, 1)))
        merges = [MergeAgendas(agenda_id=f"f2024-{round_}-{k}", source_ids=(ids[0], other),
                               title="융합", year=2024, reason="융합 / test",
                               occurred_at=kst(2024, 2, 5)) for k, other in enumerate(ids[1:])]
        results = await asyncio.gather(*(run(app, "council_chair", m) for m in merges))
        assert outcomes(results) == {"accepted": 1, "merge.source_merged": 1}
        winner = next(m for m, r in zip(merges, results, strict=True)
                      if not isinstance(r, Rejected))
        shared = await state_of(store, f"agenda-{ids[0]}")
        assert shared.merged_into == winner.agenda_id

"""Property tests: random command sequences never break an invariant, and a stream's state is
the same however its events are replayed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import reduce
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_builders import appoint, at, ballot, open_vote, propose
from ledger_harness import MemoryLedger

from govledger_contracts.commands import (
    AppointRegionalMember,
    CloseVote,
    EndTerm,
    MergeAgendas,
    RenewTerm,
    WithdrawAgenda,
)
from govledger_contracts.events import (
    AgendaMergedInto,
    AgendaPutToVote,
    BallotCast,
    VoteClosed,
    from_payload,
    to_payload,
)
from govledger_ledger.domain.council import CENTRES, MAX_PUBLIC, MAX_SEATS
from govledger_ledger.domain.regional import DONGS
from govledger_ledger.domain.roster import BodyState
from govledger_ledger.domain.streams import fold_stream, stream_type

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
DAY0 = dt.date(2024, 1, 1)

days = st.integers(min_value=0, max_value=1500).map(lambda n: DAY0 + dt.timedelta(days=n))
council_commands = st.one_of(
    st.builds(lambda m, s, r, c, d0, n: appoint(
        f"m{m}", s, r, centre=c if r == "centre_head" else "", term_start=d0,
        term_end=d0 + dt.timedelta(days=n)),
        st.integers(0, 70), st.sampled_from(["private", "public"]),
        st.sampled_from(["recommendation", "ex_officio", "centre_head", "assembly"]),
        st.sampled_from(CENTRES), days, st.integers(0, 800)),
    st.builds(lambda m, d, c: EndTerm(member_id=f"m{m}", ended_on=d, cause=c, reason="p"),
              st.integers(0, 70), days, st.sampled_from(["resigned", "dismissed"])),
    st.builds(lambda m, d, n: RenewTerm(member_id=f"m{m}", reason="p", occurred_at=at(
        d.year, d.month, d.day), term_end=d + dt.timedelta(days=n)),
        st.integers(0, 70), days, st.integers(0, 800)),
)


def held_on(state: BodyState, day: dt.date) -> list[Any]:
    return [s for s in state.seats if s.start <= day <= s.until]


@SETTINGS
@given(st.lists(council_commands, max_size=120))
def test_no_day_has_over_50_seats_over_15_public_or_two_heads_of_a_centre(
        commands: list[Any]) -> None:
    ledger = MemoryLedger()
    for command in commands:
        ledger.run("secretariat", command)
    state: BodyState = ledger.state("council")
    for day in {s.start for s in state.seats} | {s.until for s in state.seats}:
        seats = held_on(state, day)
        assert len(seats) <= MAX_SEATS
        assert sum(s.sector == "public" for s in seats) <= MAX_PUBLIC
        assert max(Counter(s.centre for s in seats if s.centre).values(), default=0) <= 1
        if len(seats) == MAX_SEATS:
            assert sum(s.sector == "private" for s in seats) * 10 >= 7 * MAX_SEATS


regional_commands = st.one_of(
    st.builds(lambda m, dong, d0, n: AppointRegionalMember(
        member_id=f"r{m}", name="r", dong=dong, term_start=d0,
        term_end=d0 + dt.timedelta(days=n), reason="p"),
        st.integers(0, 30), st.sampled_from(DONGS[:3]), days, st.integers(0, 800)),
    st.builds(lambda m, d: EndTerm(member_id=f"r{m}", body="regional_cooperation", ended_on=d,
                                   cause="resigned", reason="p"), st.integers(0, 30), days),
)


@SETTINGS
@given(st.lists(regional_commands, max_size=80))
def test_no_dong_ever_has_more_than_two_regional_members(commands: list[Any]) -> None:
    ledger = MemoryLedger()
    for command in commands:
        ledger.run("secretariat", command)
    state: BodyState = ledger.state("regional-cooperation")
    for day in {s.start for s in state.seats}:
        assert max(Counter(s.dong for s in held_on(state, day)).values(), default=0) <= 2


ballots = st.lists(st.builds(
    lambda r, choices, hour: ballot(f"res-{r}", tuple(choices), occurred_at=at(2024, 5, 1, 9)
                                    + dt.timedelta(hours=hour)),
    st.integers(0, 25), st.lists(st.sampled_from(["a1", "a2", "a3", "a9"]), max_size=3),
    st.integers(-5, 130)), max_size=80)


@SETTINGS
@given(ballots)
def test_a_voter_is_counted_once_and_the_tally_matches_the_ballots(cast: list[Any]) -> None:
    ledger = MemoryLedger().load([("secretariat", propose(a)) for a in ("a1", "a2", "a3")]
                                 + [("secretariat", open_vote())])
    for command in cast:
        ledger.run("vote_gateway", command)
    recorded = [e for s, events in ledger.streams.items() if s.startswith("ballot-box-")
                for e in events if isinstance(e, BallotCast)]
    voters = [b.voter for b in recorded]
    assert len(voters) == len(set(voters))
    [closing] = ledger.accept("secretariat", CloseVote(vote_id="v1", reason="p",
                                                       occurred_at=at(2024, 5, 6, 9)))
    assert isinstance(closing.event, VoteClosed)
    assert closing.event.turnout == len(recorded)
    assert sum(t.votes for t in closing.event.tally) == sum(len(b.choices) for b in recorded)


agenda_ids = st.sampled_from([f"a{i}" for i in range(6)])
agenda_commands = st.one_of(
    st.builds(lambda a: ("secretariat", propose(a)), agenda_ids),
    st.builds(lambda t, s: ("council_chair", MergeAgendas(
        agenda_id=f"f{t}", source_ids=tuple(s), title="f", year=2024, reason="p")),
        st.integers(0, 3), st.lists(st.one_of(agenda_ids, st.sampled_from(["f0", "f1"])),
                                    min_size=1, max_size=3)),
    st.builds(lambda a: ("secretariat", WithdrawAgenda(agenda_id=a, reason="p")), agenda_ids),
    st.builds(lambda v, c: ("secretariat", open_vote(f"v{v}", tuple(c), max_choices=1)),
              st.integers(0, 3), st.lists(agenda_ids, min_size=2, max_size=3, unique=True)),
)


@SETTINGS
@given(st.lists(agenda_commands, max_size=60))
def test_merged_or_withdrawn_agendas_are_never_voted_on_or_merged_again(
        steps: list[tuple[str, Any]]) -> None:
    ledger = MemoryLedger()
    for role, command in steps:
        ledger.run(role, command)
    for stream, events in ledger.streams.items():
        if not stream.startswith("agenda-"):
            continue
        merged = [i for i, e in enumerate(events) if isinstance(e, AgendaMergedInto)]
        assert len(merged) <= 1
        closed_at = min([*merged, *(i for i, e in enumerate(events)
                                    if type(e).__name__ == "AgendaWithdrawn")], default=None)
        if closed_at is not None:
            assert all(not isinstance(e, AgendaPutToVote) for e in events[closed_at:])
            assert len(events) == closed_at + 1


@SETTINGS
@given(st.lists(agenda_commands, max_size=40), st.lists(council_commands, max_size=40), ballots)
def test_folding_all_events_equals_replaying_them_one_by_one(
        agenda_steps: list[tuple[str, Any]], council: list[Any], cast: list[Any]) -> None:
    ledger = MemoryLedger().load([("secretariat", propose(a)) for a in ("a1", "a2", "a3")]
                                 + [("secretariat", open_vote("v1"))])
    for role, command in [*agenda_steps, *(("secretariat", c) for c in council),
                          *(("vote_gateway", b) for b in cast)]:
        ledger.run(role, command)
    for stream, events in ledger.streams.items():
        _, evolve = stream_type(stream)
        whole = fold_stream(stream, events)
        for k in range(len(events)):
            assert fold_stream(stream, events[:k + 1]) == evolve(
                fold_stream(stream, events[:k]), events[k])
        stored = [from_payload(to_payload(e)) for e in events]
        assert fold_stream(stream, stored) == whole
        assert whole == reduce(evolve, events, stream_type(stream)[0])

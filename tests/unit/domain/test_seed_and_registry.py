"""The seed data set replays through the rules and reproduces the seed's own figures; the
registry covers every command with a path, a summary, roles and an accepted example."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import msgspec
from ledger_harness import MemoryLedger

from govledger_contracts import commands
from govledger_contracts.commands import CastBallot, Command, RecordBallot
from govledger_contracts.events import EVENT_TYPES, MemberAppointed, MouSigned
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.roles import ADMIN, AUDITOR, VOTE_GATEWAY
from govledger_ledger.domain.seed import seed_commands
from govledger_ledger.domain.seed_data import PROJECTS


@cache
def seeded() -> MemoryLedger:
    return MemoryLedger().load(seed_commands())


def test_the_seed_list_is_the_same_on_every_call() -> None:
    assert seed_commands() == seed_commands()


def test_the_seed_reproduces_the_turnout_of_each_priority_vote() -> None:
    ledger = seeded()
    turnout = {y: ledger.state(f"vote-priority-{y}").turnout for y in (2019, 2020, 2021, 2022)}
    assert turnout == {2019: 294, 2020: 2441, 2021: 1420, 2022: 1577}


def test_the_seed_votes_ran_ten_three_and_five_days() -> None:
    days = {y: (ledger_vote.closes_at - ledger_vote.opens_at).days
            for y in (2020, 2021, 2022)
            if (ledger_vote := seeded().state(f"vote-priority-{y}"))}
    assert days == {2020: 10, 2021: 3, 2022: 5}


def test_the_third_council_has_fifty_seats_at_least_70_percent_private() -> None:
    seats = seeded().state("council").seats
    assert len(seats) == 50
    assert sum(s.sector == "private" for s in seats) * 10 >= 7 * 50
    assert {s.start for s in seats} == {msgspec.convert("2021-11-23", type=type(seats[0].start))}
    assert sum(bool(s.centre) for s in seats) == 7


def test_the_seed_forms_the_four_subcommittees() -> None:
    names = {seeded().state(f"subcommittee-{s}").name for s in
             ("health_welfare", "village_autonomy", "urban_environment", "education_culture")}
    assert names == {"보건복지", "마을자치", "도시환경", "교육문화"}


def test_the_seed_signs_twelve_2023_mous_with_the_partners_and_departments_of_section_6_3() -> None:
    ledger = seeded()
    signed = [e for s, events in ledger.streams.items() if s.startswith("mou-")
              for e in events if isinstance(e, MouSigned)]
    assert len(signed) == 12
    assert [(m.title, m.private_parties, m.departments) for m in
            sorted(signed, key=lambda m: m.mou_id)] == [(t, p, d) for t, _, p, d in PROJECTS]


def test_each_seed_project_has_two_self_evaluations_and_an_annual_review() -> None:
    ledger = seeded()
    for n in range(1, 13):
        assert ledger.state(f"project-p2023-{n:02d}").evaluations == {
            ("self", 2023, 1), ("self", 2023, 2), ("annual", 2023, 0)}


def test_the_seed_keeps_the_provenance_of_the_fused_agendas() -> None:
    assert seeded().state("agenda-a2022-05").sources == ("a2022-05a", "a2022-05b")
    assert seeded().state("agenda-a2022-05a").merged_into == "a2022-05"


def test_no_seed_event_carries_a_resident_id() -> None:
    encoded = b"".join(msgspec.json.encode(e) for events in seeded().streams.values()
                       for e in events)
    assert b"seed-voter-" not in encoded


def test_the_seed_list_size_is_stable() -> None:
    kinds = Counter(type(c).__name__ for _, c in seed_commands())
    assert kinds["CastBallot"] == 294 + 2441 + 1420 + 1577
    assert kinds["AppointMember"] == 50
    assert len(seed_commands()) == 5973


def test_every_inbound_command_has_a_handler_and_the_internal_ballot_has_none() -> None:
    inbound = {getattr(commands, n) for n in commands.__all__
               if isinstance(getattr(commands, n), type)
               and issubclass(getattr(commands, n), Command) and n != "Command"}
    assert set(HANDLERS) == inbound - {RecordBallot}


def test_every_handler_has_a_unique_versioned_path_and_a_korean_then_english_summary() -> None:
    paths = [h.path for h in HANDLERS.values()]
    assert len(set(paths)) == len(paths)
    assert all(re.fullmatch(r"/v1(/[a-z-]+)+", p) for p in paths)
    for h in HANDLERS.values():
        korean, english = h.summary.split(" / ")
        assert re.search(r"[가-힣]", korean)
        assert re.fullmatch(r"[A-Z][ -~]+", english)


def test_the_auditor_writes_nothing_and_only_the_gateway_casts_ballots() -> None:
    assert all(AUDITOR not in h.roles for h in HANDLERS.values())
    assert HANDLERS[CastBallot].roles == {VOTE_GATEWAY}
    assert all(ADMIN in h.roles for c, h in HANDLERS.items() if c is not CastBallot)


def test_every_example_is_accepted_after_the_seed_and_the_examples_before_it() -> None:
    ledger = MemoryLedger().load(seed_commands())
    for command_type, handler in HANDLERS.items():
        command = msgspec.json.decode(msgspec.json.encode(handler.example), type=command_type)
        role = min(handler.roles - {ADMIN}, default=ADMIN)
        decision = ledger.run(role, command)
        assert not isinstance(decision, Rejected), (command_type.__name__, decision)


def test_every_event_type_is_emitted_by_the_seed_or_the_examples() -> None:
    ledger = MemoryLedger().load(seed_commands())
    for command_type, handler in HANDLERS.items():
        example = msgspec.json.decode(msgspec.json.encode(handler.example), type=command_type)
        ledger.accept(min(handler.roles - {ADMIN}, default=ADMIN), example)
    seen = {type(e) for events in ledger.streams.values() for e in events}
    assert seen | {MemberAppointed} == set(EVENT_TYPES)

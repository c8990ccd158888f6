"""Subcommittees, open members, the regional cooperation subcommittee and the advisory panel."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_builders import appoint, at
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import (
    AppointAdvisor,
    AppointOpenMember,
    AppointRegionalMember,
    AssignSubcommitteeMember,
    EndTerm,
    FormSubcommittee,
)
from govledger_contracts.events import MemberAppointed
from govledger_ledger.domain.regional import DONGS


def form(sid: str = "health_welfare") -> FormSubcommittee:
    return FormSubcommittee(subcommittee_id=sid, name="보건복지", reason="t",
                            occurred_at=at(2024, 1, 18))


def assign(member: str, sid: str = "health_welfare", day: int = 20) -> AssignSubcommitteeMember:
    return AssignSubcommitteeMember(subcommittee_id=sid, member_id=member, reason="t",
                                    occurred_at=at(2024, 1, day))


def open_member(member: str, start: dt.date = dt.date(2024, 3, 1),
                end: dt.date = dt.date(2025, 2, 28),
                sid: str = "health_welfare") -> AppointOpenMember:
    return AppointOpenMember(subcommittee_id=sid, member_id=member, name=member,
                             term_start=start, term_end=end, reason="t")


def regional(member: str, dong: str = "마장동", end: dt.date = dt.date(2025, 12, 31),
             ) -> AppointRegionalMember:
    return AppointRegionalMember(member_id=member, name=member, dong=dong,
                                 term_start=dt.date(2024, 1, 1), term_end=end, reason="t")


def advisor(member: str, route: str = "department_recommendation",
            end: dt.date = dt.date(2025, 12, 31)) -> AppointAdvisor:
    return AppointAdvisor(member_id=member, name=member, sector="public", route=route,
                          term_start=dt.date(2024, 1, 1), term_end=end, reason="t")


def test_seongdong_has_seventeen_administrative_dongs() -> None:
    assert len(DONGS) == len(set(DONGS)) == 17


def test_forms_a_subcommittee_once_under_an_unreserved_id() -> None:
    ledger = MemoryLedger()
    ledger.accept("council_chair", form())
    assert code_of(ledger.run("council_chair", form())) == "subcommittee.already_formed"
    assert code_of(ledger.run("council_chair", form("council"))) == "subcommittee.id_reserved"


def test_assigns_a_seated_council_member_until_their_council_term_ends() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1")), ("secretariat", form())])
    [emit] = ledger.accept("secretariat", assign("m1"))
    assert emit.stream_id == "subcommittee-health_welfare"
    assert isinstance(emit.event, MemberAppointed)
    assert (emit.event.body, emit.event.term_end) == ("health_welfare", dt.date(2025, 12, 31))
    assert code_of(ledger.run("secretariat", assign("m1", day=25))) == (
        "subcommittee.already_member")


def test_refuses_to_assign_someone_without_a_council_seat_or_to_an_unformed_subcommittee() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1")), ("secretariat", form())])
    assert code_of(ledger.run("secretariat", assign("stranger"))) == (
        "subcommittee.not_council_member")
    assert code_of(ledger.run("secretariat", assign("m1", "education_culture"))) == (
        "subcommittee.not_formed")


def test_seats_an_open_member_for_at_most_one_year() -> None:
    ledger = MemoryLedger().load([("secretariat", form())])
    [emit] = ledger.accept("secretariat", open_member("r1"))
    assert isinstance(emit.event, MemberAppointed)
    assert (emit.event.seat, emit.event.sector) == ("open_member", "private")
    too_long = open_member("r2", end=dt.date(2025, 3, 1))
    assert code_of(ledger.run("secretariat", too_long)) == "subcommittee.open_term_too_long"
    assert code_of(ledger.run("secretariat", open_member("r1"))) == "subcommittee.already_member"
    elsewhere = open_member("r3", sid="village_autonomy")
    assert code_of(ledger.run("secretariat", elsewhere)) == "subcommittee.not_formed"


def test_the_same_resident_may_serve_again_the_next_year() -> None:
    ledger = MemoryLedger().load([("secretariat", form()), ("secretariat", open_member("r1"))])
    ledger.accept("secretariat", open_member("r1", dt.date(2025, 3, 1), dt.date(2026, 2, 28)))


def test_seats_at_most_two_regional_members_per_dong() -> None:
    ledger = MemoryLedger()
    ledger.accept("secretariat", regional("d1"))
    ledger.accept("secretariat", regional("d2"))
    assert code_of(ledger.run("secretariat", regional("d3"))) == "regional.dong_full"
    ledger.accept("secretariat", regional("d3", dong="용답동"))
    assert code_of(ledger.run("secretariat", regional("d3", dong="송정동"))) == (
        "regional.already_seated")


def test_a_regional_seat_ended_frees_its_dong() -> None:
    ledger = MemoryLedger().load([("secretariat", regional("d1")), ("secretariat", regional("d2"))])
    ledger.accept("secretariat", EndTerm(member_id="d1", body="regional_cooperation",
                                         ended_on=dt.date(2024, 6, 30), cause="resigned",
                                         reason="t"))
    later = AppointRegionalMember(member_id="d3", name="d3", dong="마장동", reason="t",
                                  term_start=dt.date(2024, 7, 1), term_end=dt.date(2025, 6, 30))
    ledger.accept("secretariat", later)


@pytest.mark.parametrize(("command", "code"), [
    (regional("x", dong="신당동"), "regional.dong_unknown"),
    (regional("x", end=dt.date(2023, 1, 1)), "appointment.term_invalid"),
    (advisor("x", route="friend"), "advisory.route_unknown"),
], ids=["a dong of another ward", "a term that ends before it starts", "an unknown route"])
def test_refuses_an_invalid_body_appointment(command: object, code: str) -> None:
    assert code_of(MemoryLedger().run("secretariat", command)) == code  # type: ignore[arg-type]


def test_keeps_the_advisory_panel_at_about_ten() -> None:
    ledger = MemoryLedger().load([("secretariat", advisor(f"a{i}")) for i in range(12)])
    assert code_of(ledger.run("secretariat", advisor("a12"))) == "advisory.panel_full"
    assert code_of(ledger.run("secretariat", advisor("a0"))) == "advisory.already_seated"

"""성동구협치회의: seats, private share, centre heads, terms and renewals (§2, §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_builders import END, START, appoint, at, fill_council
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import EndTerm, RenewTerm
from govledger_contracts.events import MemberAppointed, TermEnded, TermRenewed


def renew(member: str, term_end: dt.date = dt.date(2027, 12, 31), **kw: object) -> RenewTerm:
    fields = {"occurred_at": at(2025, 11, 1)} | kw
    return RenewTerm(member_id=member, term_end=term_end, reason="test", **fields)  # type: ignore[arg-type]


def test_seats_a_member_for_a_two_year_term() -> None:
    ledger = MemoryLedger()
    [emit] = ledger.accept("secretariat", appoint("m1"))
    assert emit.stream_id == "council"
    assert isinstance(emit.event, MemberAppointed)
    assert (emit.event.term_start, emit.event.term_end) == (START, END)


def test_refuses_the_fifty_first_seat() -> None:
    ledger = MemoryLedger().load(fill_council(35, 15))
    assert code_of(ledger.run("secretariat", appoint("one-too-many"))) == "council.seats_full"


def test_refuses_a_sixteenth_public_seat_so_the_council_can_stay_70_percent_private() -> None:
    ledger = MemoryLedger().load(fill_council(0, 15))
    assert code_of(ledger.run("secretariat", appoint("g15", "public", "ex_officio"))) == (
        "council.public_share_exceeded")
    ledger.accept("secretariat", appoint("p-first"))


def test_a_seat_whose_term_has_ended_does_not_count_against_a_later_term() -> None:
    ledger = MemoryLedger().load(fill_council(35, 15))
    later = appoint("next", term_start=dt.date(2026, 1, 1), term_end=dt.date(2027, 12, 31))
    ledger.accept("secretariat", later)


def test_a_seat_ended_early_frees_the_rest_of_its_term() -> None:
    ledger = MemoryLedger().load(fill_council(35, 15))
    ledger.accept("secretariat", EndTerm(member_id="p00", ended_on=dt.date(2024, 6, 30),
                                         cause="resigned", reason="test"))
    ledger.accept("secretariat", appoint("successor", term_start=dt.date(2024, 7, 1)))


def test_refuses_a_member_already_seated_for_an_overlapping_term() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1"))])
    assert code_of(ledger.run("secretariat", appoint("m1"))) == "council.already_seated"


def test_seats_each_of_the_seven_centre_heads_once() -> None:
    ledger = MemoryLedger()
    for centre in ("welfare", "youth", "sharing", "village", "self_governance", "volunteering",
                   "social_economy"):
        ledger.accept("secretariat", appoint(f"head-{centre}", route="centre_head",
                                             centre=centre))
    second = appoint("another-welfare-head", route="centre_head", centre="welfare")
    assert code_of(ledger.run("secretariat", second)) == "council.centre_taken"


@pytest.mark.parametrize(("command", "code"), [
    (appoint("m", term_end=dt.date(2023, 12, 31)), "appointment.term_invalid"),
    (appoint("m", term_end=dt.date(2026, 1, 1)), "council.term_too_long"),
    (appoint("m", body="advisory_panel"), "appointment.wrong_body"),
    (appoint("m", route="lottery"), "council.route_unknown"),
    (appoint("m", "private", "assembly"), "council.sector_route_mismatch"),
    (appoint("m", route="centre_head", centre="library"), "council.centre_unknown"),
    (appoint("m", route="centre_head"), "council.centre_unknown"),
    (appoint("m", route="recommendation", centre="welfare"), "council.centre_route_mismatch"),
    (appoint("m", "public", "centre_head", centre="youth"), "council.centre_head_private"),
], ids=["a term that ends before it starts", "a term longer than two years",
        "another body's member", "an unknown route", "a private assembly member",
        "a head of an unknown centre", "a centre head without a centre",
        "a centre named for an ordinary member", "a public centre head"])
def test_refuses_an_invalid_appointment(command: object, code: str) -> None:
    decision = MemoryLedger().run("secretariat", command)  # type: ignore[arg-type]
    assert code_of(decision) == code
    assert decision.status == 422  # type: ignore[union-attr]


def test_renews_a_term_once_from_the_day_after_it_ends() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1"))])
    [emit] = ledger.accept("secretariat", renew("m1"))
    assert isinstance(emit.event, TermRenewed)
    assert (emit.event.term_start, emit.event.renewal) == (dt.date(2026, 1, 1), 1)
    assert code_of(ledger.run("secretariat", renew("m1", occurred_at=at(2027, 1, 1)))) == (
        "council.renewal_limit")


def test_refuses_to_renew_a_term_that_has_already_ended() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1"))])
    assert code_of(ledger.run("secretariat", renew("m1", occurred_at=at(2026, 1, 5)))) == (
        "council.term_lapsed")


def test_refuses_a_renewal_longer_than_two_years() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1"))])
    too_long = renew("m1", term_end=dt.date(2028, 1, 1))
    assert code_of(ledger.run("secretariat", too_long)) == "council.term_too_long"
    assert code_of(ledger.run("secretariat", renew("m1", term_end=dt.date(2025, 6, 1)))) == (
        "appointment.term_invalid")


def test_refuses_to_renew_someone_who_is_not_seated() -> None:
    assert code_of(MemoryLedger().run("secretariat", renew("nobody"))) == (
        "appointment.not_seated")


def test_refuses_a_renewal_when_the_next_term_is_already_full() -> None:
    later = {"term_start": dt.date(2026, 1, 1), "term_end": dt.date(2027, 12, 31)}
    ledger = MemoryLedger().load([("secretariat", appoint("m1")), *fill_council(35, 15, **later)])
    assert code_of(ledger.run("secretariat", renew("m1"))) == "council.seats_full"


def test_ends_a_seat_within_its_term_for_a_stated_cause() -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1"))])
    end = EndTerm(member_id="m1", ended_on=dt.date(2024, 6, 30), cause="dismissed", reason="t")
    [emit] = ledger.accept("secretariat", end)
    assert isinstance(emit.event, TermEnded)
    assert code_of(ledger.run("secretariat", end)) == "appointment.not_seated"


@pytest.mark.parametrize(("ended_on", "cause", "code"), [
    (dt.date(2024, 6, 30), "bored", "appointment.cause_unknown"),
    (dt.date(2026, 6, 30), "resigned", "appointment.end_outside_term"),
], ids=["an unknown cause", "a day after the term"])
def test_refuses_an_invalid_end_of_term(ended_on: dt.date, cause: str, code: str) -> None:
    ledger = MemoryLedger().load([("secretariat", appoint("m1"))])
    end = EndTerm(member_id="m1", ended_on=ended_on, cause=cause, reason="t")
    assert code_of(ledger.run("secretariat", end)) == code

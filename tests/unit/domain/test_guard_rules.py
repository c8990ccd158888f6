"""Checks every command passes: a plausible time, well-formed ids, and titles, names, years and
counts within bounds."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_builders import appoint, at, propose, working_group
from ledger_harness import NOW, MemoryLedger, code_of

from govledger_contracts.commands import (
    ApprovePlan,
    Command,
    HoldMeeting,
    RecordDeliberation,
    RecordFeedback,
    ResolveCouncilMotion,
)
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.guard import command_refused

CTX = MemoryLedger().context("secretariat")


def deliberation(participants: int) -> RecordDeliberation:
    return RecordDeliberation(deliberation_id="d1", agenda_ids=("a1",), format="resident_forum",
                              participants=participants, reason="t", occurred_at=at(2024, 4, 1))


def plan(start: int = 2023, end: int = 2025) -> ApprovePlan:
    return ApprovePlan(plan_id="plan-1", title="계획", start_year=start, end_year=end,
                       meeting_id="q2", motion_id="mo1", reason="t")


def motion(votes_for: int = 20, votes_against: int = 5, abstentions: int = 0,
           title: str = "계획") -> ResolveCouncilMotion:
    return ResolveCouncilMotion(meeting_id="q2", motion_id="mo1", title=title, reason="t",
                                votes_for=votes_for, votes_against=votes_against,
                                abstentions=abstentions)


OUT_OF_BOUNDS = [
    (propose("a1", title=""), "command.title_invalid", "title"),
    (propose("a1", title=" \t\u3000"), "command.title_invalid", "title"),
    (propose("a1", title="가" * 201), "command.title_invalid", "title"),
    (motion(title="  "), "command.title_invalid", "title"),
    (appoint("m1", name=""), "command.name_invalid", "name"),
    (appoint("m1", name="   "), "command.name_invalid", "name"),
    (working_group(name="x" * 201), "command.name_invalid", "name"),
    (propose("a1", year=1999), "command.year_out_of_range", "year"),
    (propose("a1", year=2101), "command.year_out_of_range", "year"),
    (plan(start=20), "command.year_out_of_range", "start_year"),
    (plan(end=20250), "command.year_out_of_range", "end_year"),
    (RecordFeedback(project_id="p1", year=2024, into_year=3024, findings=("f",), reason="t"),
     "command.year_out_of_range", "into_year"),
    (HoldMeeting(meeting_id="q2", attendees=10_001, reason="t"), "command.count_too_large",
     "attendees"),
    (deliberation(participants=10**6), "command.count_too_large", "participants"),
    (motion(votes_for=10_001), "command.count_too_large", "votes_for"),
    (motion(votes_against=10_001), "command.count_too_large", "votes_against"),
    (motion(abstentions=10_001), "command.count_too_large", "abstentions"),
]


@pytest.mark.parametrize(("command", "code", "field"), OUT_OF_BOUNDS)
def test_refuses_a_title_name_year_or_count_out_of_bounds_naming_its_field(
    command: Command, code: str, field: str,
) -> None:
    decision = command_refused(command, CTX)
    assert isinstance(decision, Rejected)
    assert (decision.code, decision.status, decision.field) == (code, 422, field)


@pytest.mark.parametrize("command", [
    propose("a1", title="가" * 200), propose("a1", title="x"), propose("a1", title=" 제목 "),
    appoint("m1", name="김"), working_group(name="x" * 200),
    propose("a1", year=2000), propose("a1", year=2100), plan(start=2000, end=2100),
    HoldMeeting(meeting_id="q2", attendees=10_000, reason="t"), deliberation(10_000),
    motion(votes_for=10_000, votes_against=0, abstentions=0),
], ids=["200 characters", "one character", "spaces around words", "a one-syllable name",
        "a 200-character name", "2000", "2100", "2000 to 2100", "10,000 attendees",
        "10,000 participants", "10,000 votes"])
def test_accepts_the_bounds_themselves(command: Command) -> None:
    assert command_refused(command, CTX) is None


def test_a_title_out_of_bounds_is_refused_before_anything_is_recorded() -> None:
    ledger = MemoryLedger()
    assert code_of(ledger.run("resident", propose("a1", title=" "))) == "command.title_invalid"
    assert ledger.streams == {}


def test_refuses_a_command_that_claims_to_have_happened_in_the_future() -> None:
    later = propose("a1", occurred_at=NOW + dt.timedelta(hours=1))
    assert code_of(MemoryLedger().run("resident", later)) == "command.occurred_in_future"


def test_tolerates_a_few_minutes_of_clock_skew() -> None:
    MemoryLedger().accept("resident", propose("a1", occurred_at=NOW + dt.timedelta(minutes=1)))


def test_refuses_ids_that_cannot_be_part_of_a_stream_id() -> None:
    decision = MemoryLedger().run("resident", propose("a 1/../x"))
    assert code_of(decision) == "command.id_invalid"
    assert decision.field == "agenda_id"  # type: ignore[union-attr]
    assert code_of(MemoryLedger().run("resident", propose(""))) == "command.id_invalid"

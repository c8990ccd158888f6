"""Meetings, council resolutions (quorum and majority) and plan approval."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_builders import at, fill_council
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import (
    ApprovePlan,
    HoldMeeting,
    RecordAssemblyApproval,
    ResolveCouncilMotion,
    ScheduleMeeting,
)
from govledger_contracts.events import MotionResolved


def schedule(mid: str = "q2", kind: str = "regular", quarter: int = 2, body: str = "council",
             day: dt.date = dt.date(2024, 5, 9)) -> ScheduleMeeting:
    return ScheduleMeeting(meeting_id=mid, body=body, kind=kind, scheduled_for=day,
                           quarter=quarter, reason="t", occurred_at=at(2024, 5, 1))


def hold(mid: str = "q2", attendees: int = 30) -> HoldMeeting:
    return HoldMeeting(meeting_id=mid, attendees=attendees, reason="t", occurred_at=at(2024, 5, 9))


def motion(mid: str = "q2", votes: tuple[int, int, int] = (20, 5, 5),
           motion_id: str = "mo1") -> ResolveCouncilMotion:
    return ResolveCouncilMotion(meeting_id=mid, motion_id=motion_id, title="계획", reason="t",
                                votes_for=votes[0], votes_against=votes[1], abstentions=votes[2],
                                occurred_at=at(2024, 5, 9, 15))


def approve(plan: str = "plan-1", motion_id: str = "mo1", end: int = 2025) -> ApprovePlan:
    return ApprovePlan(plan_id=plan, title="계획", start_year=2025, end_year=end,
                       meeting_id="q2", motion_id=motion_id, reason="t")


def assembly(budget: int = 0) -> RecordAssemblyApproval:
    return RecordAssemblyApproval(plan_id="plan-1", session_ref="정례회", budget_krw=budget,
                                  reason="t")


def met() -> MemoryLedger:
    """A council of 40 met for its Q2 regular meeting with 30 present."""
    return MemoryLedger().load([*fill_council(30, 10), ("secretariat", schedule()),
                                ("council_chair", hold())])


def test_a_motion_passes_with_a_quorum_present_and_a_majority_in_favour() -> None:
    ledger = met()
    [emit] = ledger.accept("council_chair", motion())
    assert isinstance(emit.event, MotionResolved)
    assert (emit.event.seated, emit.event.passed) == (40, True)
    assert code_of(ledger.run("council_chair", motion())) == "motion.already_resolved"
    [tie] = ledger.accept("council_chair", motion(votes=(15, 15, 0), motion_id="mo2"))
    assert isinstance(tie.event, MotionResolved)
    assert tie.event.passed is False


def test_without_a_quorum_a_motion_fails() -> None:
    ledger = MemoryLedger().load([*fill_council(30, 10), ("secretariat", schedule()),
                                  ("council_chair", hold(attendees=20))])
    [emit] = ledger.accept("council_chair", motion(votes=(20, 0, 0)))
    assert isinstance(emit.event, MotionResolved)
    assert emit.event.passed is False


@pytest.mark.parametrize(("command", "code"), [
    (schedule(kind="party"), "meeting.kind_unknown"),
    (schedule(quarter=3), "meeting.quarter_mismatch"),
    (schedule(kind="ad_hoc"), "meeting.quarter_mismatch"),
], ids=["an unknown kind", "a regular meeting in another quarter",
        "an ad hoc meeting with a quarter"])
def test_refuses_an_invalid_meeting(command: ScheduleMeeting, code: str) -> None:
    assert code_of(MemoryLedger().run("secretariat", command)) == code


def test_holds_a_called_meeting_once_within_the_seats() -> None:
    ledger = MemoryLedger().load([*fill_council(10), ("secretariat", schedule())])
    assert code_of(ledger.run("council_chair", hold("q9"))) == "meeting.not_scheduled"
    assert code_of(ledger.run("council_chair", hold(attendees=0))) == "meeting.attendance_invalid"
    assert code_of(ledger.run("council_chair", hold(attendees=11))) == (
        "meeting.attendance_exceeds_seats")
    ledger.accept("council_chair", hold(attendees=10))
    assert code_of(ledger.run("council_chair", hold())) == "meeting.already_held"
    assert code_of(ledger.run("secretariat", schedule())) == "meeting.already_scheduled"


def test_refuses_motions_outside_a_held_council_meeting_or_with_impossible_counts() -> None:
    ledger = met().load([("secretariat", schedule("sub", "ad_hoc", 0, "health_welfare")),
                         ("council_chair", hold("sub", 5)), ("secretariat", schedule("q9"))])
    assert code_of(ledger.run("council_chair", motion("q9"))) == "motion.meeting_not_held"
    assert code_of(ledger.run("council_chair", motion("sub", (3, 0, 0)))) == (
        "motion.not_council_meeting")
    assert code_of(ledger.run("council_chair", motion(votes=(-1, 0, 0)))) == (
        "motion.counts_invalid")
    assert code_of(ledger.run("council_chair", motion(votes=(20, 10, 1)))) == (
        "motion.counts_exceed_attendance")


def test_approves_a_plan_by_a_passed_motion_then_the_assembly_adopts_it() -> None:
    ledger = met().load([("council_chair", motion()),
                         ("council_chair", motion(votes=(10, 20, 0), motion_id="lost"))])
    assert code_of(ledger.run("secretariat", assembly())) == "plan.not_approved"
    assert code_of(ledger.run("council_chair", approve(motion_id="nope"))) == (
        "plan.motion_unknown")
    assert code_of(ledger.run("council_chair", approve(motion_id="lost"))) == (
        "plan.motion_not_passed")
    assert code_of(ledger.run("council_chair", approve(end=2024))) == "plan.years_invalid"
    ledger.accept("council_chair", approve())
    assert code_of(ledger.run("council_chair", approve())) == "plan.already_approved"
    assert code_of(ledger.run("secretariat", assembly(-1))) == "plan.budget_invalid"
    ledger.accept("secretariat", assembly(1_000_000))
    assert code_of(ledger.run("secretariat", assembly())) == "plan.assembly_already_approved"

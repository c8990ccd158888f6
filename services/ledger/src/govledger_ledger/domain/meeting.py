"""회의 (meetings): stream ``meeting-<id>`` — called, held, and the motions resolved at it.

The council meets quarterly (정기회의) and ad hoc (임시회) (§4); the fusion & coordination
meeting, evaluation meetings and the December results report are meetings too. A motion
passes with a quorum of a majority of seated members present (재적위원 과반수 출석) and a
majority of those present in favour (출석위원 과반수 찬성); the council roster is read as a
guard for the seated count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import HoldMeeting, ResolveCouncilMotion, ScheduleMeeting
from govledger_contracts.events import Event, MeetingHeld, MeetingScheduled, MotionResolved
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, effective_date, fold
from govledger_ledger.domain.council import COUNCIL_STREAM
from govledger_ledger.domain.roster import BodyState, seated_on
from govledger_ledger.domain.rules import refuse

KINDS = frozenset({"regular", "ad_hoc", "fusion_coordination", "evaluation", "results_report"})


def meeting_stream(meeting_id: str) -> str:
    return f"meeting-{meeting_id}"


class MeetingState(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "none"
    """none, scheduled or held."""
    body: str = ""
    attendees: int = 0
    motions: tuple[tuple[str, bool], ...] = ()
    """(motion id, passed) in the order resolved."""


def evolve(state: MeetingState, event: Event) -> MeetingState:
    match event:
        case MeetingScheduled(body=body):
            return MeetingState(status="scheduled", body=body)
        case MeetingHeld(attendees=attendees):
            return msgspec.structs.replace(state, status="held", attendees=attendees)
        case MotionResolved(motion_id=motion_id, passed=passed):
            return msgspec.structs.replace(state, motions=(*state.motions, (motion_id, passed)))
        case _:
            return state


def fold_meeting(_stream_id: str, events: Iterable[Event]) -> MeetingState:
    return fold(evolve, MeetingState(), events)


def with_council(cmd: HoldMeeting | ResolveCouncilMotion) -> tuple[str, ...]:
    return (meeting_stream(cmd.meeting_id), COUNCIL_STREAM)


def _quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def decide_schedule(cmd: ScheduleMeeting, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A meeting is called once; a regular meeting names the quarter it falls in."""
    stream = meeting_stream(cmd.meeting_id)
    expected_quarter = _quarter(cmd.scheduled_for) if cmd.kind == "regular" else 0
    rejection = (
        (refuse("meeting.already_scheduled", "meeting_id")
         if states[stream].status != "none" else None)
        or (None if cmd.kind in KINDS else refuse("meeting.kind_unknown", "kind"))
        or (refuse("meeting.quarter_mismatch", "quarter")
            if cmd.quarter != expected_quarter else None)
    )
    if rejection:
        return rejection
    event = MeetingScheduled(meeting_id=cmd.meeting_id, body=cmd.body, kind=cmd.kind,
                             scheduled_for=cmd.scheduled_for, quarter=cmd.quarter,
                             agenda_items=cmd.agenda_items)
    return [Emit(stream_id=stream, event=event)]


def decide_hold(cmd: HoldMeeting, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A called meeting is held once; a council meeting's attendance is within its seats."""
    stream = meeting_stream(cmd.meeting_id)
    meeting: MeetingState = states[stream]
    seated = seated_on(states[COUNCIL_STREAM], effective_date(cmd, ctx))
    rejection = (
        (refuse("meeting.not_scheduled", "meeting_id") if meeting.status == "none" else None)
        or (refuse("meeting.already_held", "meeting_id") if meeting.status == "held" else None)
        or (refuse("meeting.attendance_invalid", "attendees") if cmd.attendees < 1 else None)
        or (refuse("meeting.attendance_exceeds_seats", "attendees")
            if meeting.body == "council" and cmd.attendees > seated else None)
    )
    if rejection:
        return rejection
    event = MeetingHeld(meeting_id=cmd.meeting_id, attendees=cmd.attendees,
                        minutes_ref=cmd.minutes_ref)
    return [Emit(stream_id=stream, event=event)]


def _motion_refused(cmd: ResolveCouncilMotion, meeting: MeetingState) -> Rejected | None:
    counts = (cmd.votes_for, cmd.votes_against, cmd.abstentions)
    if meeting.status != "held":
        return refuse("motion.meeting_not_held", "meeting_id")
    if meeting.body != "council":
        return refuse("motion.not_council_meeting", "meeting_id")
    if any(n < 0 for n in counts):
        return refuse("motion.counts_invalid", "votes_for")
    if sum(counts) > meeting.attendees:
        return refuse("motion.counts_exceed_attendance", "votes_for")
    resolved = any(m == cmd.motion_id for m, _ in meeting.motions)
    return refuse("motion.already_resolved", "motion_id") if resolved else None


def decide_resolve(cmd: ResolveCouncilMotion, states: Mapping[str, Any],
                   ctx: Context) -> Decision:
    """심의·의결: a quorum of the seated members present, a majority of them in favour."""
    stream = meeting_stream(cmd.meeting_id)
    meeting: MeetingState = states[stream]
    council: BodyState = states[COUNCIL_STREAM]
    rejection = _motion_refused(cmd, meeting)
    if rejection:
        return rejection
    seated = seated_on(council, effective_date(cmd, ctx))
    passed = meeting.attendees * 2 > seated and cmd.votes_for * 2 > meeting.attendees
    event = MotionResolved(
        meeting_id=cmd.meeting_id, motion_id=cmd.motion_id, title=cmd.title,
        votes_for=cmd.votes_for, votes_against=cmd.votes_against,
        abstentions=cmd.abstentions, seated=seated, passed=passed,
    )
    return [Emit(stream_id=stream, event=event)]

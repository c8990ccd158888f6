"""지역사회혁신계획 (community innovation plan): stream ``plan-<id>``.

The council resolves the plan (심의·의결) by a passed motion at a held meeting (§4); the
ward assembly then approves the budgeted plan (구의회 승인, §6.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import ApprovePlan, RecordAssemblyApproval
from govledger_contracts.events import Event, PlanApproved, PlanApprovedByAssembly
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, fold
from govledger_ledger.domain.meeting import MeetingState, meeting_stream
from govledger_ledger.domain.rules import refuse


def plan_stream(plan_id: str) -> str:
    return f"plan-{plan_id}"


class PlanState(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "none"
    """none, approved (by the council) or adopted (approved by the assembly too)."""


def evolve(state: PlanState, event: Event) -> PlanState:
    match event:
        case PlanApproved():
            return PlanState(status="approved")
        case PlanApprovedByAssembly():
            return PlanState(status="adopted")
        case _:
            return state


def fold_plan(_stream_id: str, events: Iterable[Event]) -> PlanState:
    return fold(evolve, PlanState(), events)


def approve_streams(cmd: ApprovePlan) -> tuple[str, ...]:
    return (plan_stream(cmd.plan_id), meeting_stream(cmd.meeting_id))


def _motion_refused(meeting: MeetingState, motion_id: str) -> Rejected | None:
    passed = dict(meeting.motions).get(motion_id)
    if passed is None:
        return refuse("plan.motion_unknown", "motion_id")
    return None if passed else refuse("plan.motion_not_passed", "motion_id")


def decide_approve(cmd: ApprovePlan, states: Mapping[str, Any], ctx: Context) -> Decision:
    """The council approves a plan once, by a motion passed at the named meeting."""
    stream = plan_stream(cmd.plan_id)
    rejection = (
        (refuse("plan.already_approved", "plan_id") if states[stream].status != "none" else None)
        or (refuse("plan.years_invalid", "end_year")
            if cmd.end_year < cmd.start_year else None)
        or _motion_refused(states[meeting_stream(cmd.meeting_id)], cmd.motion_id)
    )
    if rejection:
        return rejection
    event = PlanApproved(plan_id=cmd.plan_id, title=cmd.title, start_year=cmd.start_year,
                         end_year=cmd.end_year, meeting_id=cmd.meeting_id,
                         motion_id=cmd.motion_id, project_ids=cmd.project_ids)
    return [Emit(stream_id=stream, event=event)]


def decide_assembly(cmd: RecordAssemblyApproval, states: Mapping[str, Any],
                    ctx: Context) -> Decision:
    """The ward assembly approves a plan the council has approved, once."""
    stream = plan_stream(cmd.plan_id)
    status = states[stream].status
    rejection = (
        (refuse("plan.budget_invalid", "budget_krw") if cmd.budget_krw < 0 else None)
        or (refuse("plan.not_approved", "plan_id") if status == "none" else None)
        or (refuse("plan.assembly_already_approved", "plan_id") if status == "adopted" else None)
    )
    if rejection:
        return rejection
    event = PlanApprovedByAssembly(plan_id=cmd.plan_id, session_ref=cmd.session_ref,
                                   budget_krw=cmd.budget_krw)
    return [Emit(stream_id=stream, event=event)]

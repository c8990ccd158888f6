"""민관협치 협약 (MOU): stream ``mou-<id>`` (§6.2 실행계획 3 전략 1).

Before execution each year, an agenda's working group (민) and the administration (관:
departments and the mayor) sign an agreement that must state each side's agreed roles and
responsibilities and at least one staged goal with a due date. It may be amended (duties
and goals replaced, still meeting the same requirements) or terminated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import AmendMou, DutySpec, GoalSpec, SignMou, TerminateMou
from govledger_contracts.events import (
    Event,
    MouAmended,
    MouSigned,
    MouTerminated,
    Responsibility,
    StagedGoal,
)
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, fold
from govledger_ledger.domain.rules import refuse
from govledger_ledger.domain.working_group import working_group_stream

SIDES = ("private", "public")


def mou_stream(mou_id: str) -> str:
    return f"mou-{mou_id}"


class MouState(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "none"
    """none, signed or terminated."""
    project_id: str = ""
    year: int = 0
    revision: int = 0
    goal_ids: tuple[str, ...] = ()


def evolve(state: MouState, event: Event) -> MouState:
    match event:
        case MouSigned(project_id=project_id, year=year, goals=goals):
            return MouState(status="signed", project_id=project_id, year=year,
                            goal_ids=tuple(g.goal_id for g in goals))
        case MouAmended(revision=revision, goals=goals):
            ids = tuple(g.goal_id for g in goals) or state.goal_ids
            return msgspec.structs.replace(state, revision=revision, goal_ids=ids)
        case MouTerminated():
            return msgspec.structs.replace(state, status="terminated")
        case _:
            return state


def fold_mou(_stream_id: str, events: Iterable[Event]) -> MouState:
    return fold(evolve, MouState(), events)


def duties_invalid(duties: tuple[DutySpec, ...]) -> Rejected | None:
    """Each side, 민 and 관, has at least one agreed role or responsibility."""
    if any(d.side not in SIDES for d in duties):
        return refuse("mou.side_unknown", "duties")
    if {d.side for d in duties} != set(SIDES):
        return refuse("mou.duties_missing", "duties")
    return None


def goals_invalid(goals: tuple[GoalSpec, ...], year: int) -> Rejected | None:
    """At least one staged goal; ids unique; stages from 1; due no earlier than the year."""
    if not goals:
        return refuse("mou.no_goal", "goals")
    if len({g.goal_id for g in goals}) != len(goals):
        return refuse("mou.goal_duplicate", "goals")
    if any(g.stage < 1 for g in goals):
        return refuse("mou.stage_invalid", "goals")
    early = any(g.due.year < year for g in goals)
    return refuse("mou.goal_due_invalid", "goals") if early else None


def _sides_missing(cmd: SignMou) -> Rejected | None:
    if not cmd.private_parties:
        return refuse("mou.private_side_missing", "private_parties")
    if not cmd.departments:
        return refuse("mou.department_missing", "departments")
    return None if cmd.mayor.strip() else refuse("mou.mayor_missing", "mayor")


def _responsibilities(duties: tuple[DutySpec, ...]) -> tuple[Responsibility, ...]:
    return tuple(Responsibility(side=d.side, duty=d.duty) for d in duties)


def _goals(goals: tuple[GoalSpec, ...]) -> tuple[StagedGoal, ...]:
    return tuple(StagedGoal(goal_id=g.goal_id, stage=g.stage, description=g.description,
                            due=g.due) for g in goals)


def sign_streams(cmd: SignMou) -> tuple[str, ...]:
    return (mou_stream(cmd.mou_id), working_group_stream(cmd.working_group_id))


def decide_sign(cmd: SignMou, states: Mapping[str, Any], ctx: Context) -> Decision:
    """The working group and the administration sign once, naming sides, duties and goals."""
    stream = mou_stream(cmd.mou_id)
    group = states[working_group_stream(cmd.working_group_id)]
    rejection = (
        (refuse("mou.already_signed", "mou_id") if states[stream].status != "none" else None)
        or _sides_missing(cmd) or duties_invalid(cmd.duties) or goals_invalid(cmd.goals, cmd.year)
        or (None if group.formed else refuse("mou.working_group_unknown", "working_group_id"))
    )
    if rejection:
        return rejection
    event = MouSigned(
        mou_id=cmd.mou_id, project_id=cmd.project_id, agenda_id=group.agenda_id,
        working_group_id=cmd.working_group_id, title=cmd.title, year=cmd.year,
        private_parties=cmd.private_parties, departments=cmd.departments, mayor=cmd.mayor,
        responsibilities=_responsibilities(cmd.duties), goals=_goals(cmd.goals),
    )
    return [Emit(stream_id=stream, event=event)]


def in_force(state: MouState, field: str) -> Rejected | None:
    if state.status == "none":
        return refuse("mou.not_signed", field)
    return refuse("mou.terminated", field) if state.status == "terminated" else None


def decide_amend(cmd: AmendMou, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A signed MOU in force may have its duties or goals replaced, still complete."""
    stream = mou_stream(cmd.mou_id)
    state: MouState = states[stream]
    rejection = (
        (refuse("mou.amendment_empty", "duties") if not (cmd.duties or cmd.goals) else None)
        or (duties_invalid(cmd.duties) if cmd.duties else None)
        or (goals_invalid(cmd.goals, state.year) if cmd.goals else None)
        or in_force(state, "mou_id")
    )
    if rejection:
        return rejection
    event = MouAmended(mou_id=cmd.mou_id, revision=state.revision + 1,
                       responsibilities=_responsibilities(cmd.duties), goals=_goals(cmd.goals))
    return [Emit(stream_id=stream, event=event)]


def decide_terminate(cmd: TerminateMou, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A signed MOU in force may be terminated, once."""
    stream = mou_stream(cmd.mou_id)
    rejection = in_force(states[stream], "mou_id")
    if rejection:
        return rejection
    return [Emit(stream_id=stream, event=MouTerminated(mou_id=cmd.mou_id))]

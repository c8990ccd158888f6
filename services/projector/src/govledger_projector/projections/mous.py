"""MOU register (민관협치 협약 대장): both sides, their roles and responsibilities, staged goals
and each goal's status from the latest evaluation (§6.2 실행계획 3, §7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from govledger_contracts.events import (
    EvaluationRecorded,
    ExecutionStarted,
    MouAmended,
    MouSigned,
    MouTerminated,
    Responsibility,
    StagedGoal,
)
from govledger_contracts.views.mous import ATTAINED_AT, Duty, GoalStatus, Mou, MouSummary
from govledger_projector.projections.base import Entry, Projection, View
from govledger_projector.projections.evaluations import scorecard_key

MODEL = "mous"


def duties(responsibilities: tuple[Responsibility, ...]) -> tuple[Duty, ...]:
    return tuple(Duty(side=r.side, duty=r.duty) for r in responsibilities)


def goals(staged: tuple[StagedGoal, ...]) -> tuple[GoalStatus, ...]:
    return tuple(GoalStatus(goal_id=g.goal_id, stage=g.stage, description=g.description,
                            due=g.due) for g in staged)


def signed(entry: Entry, event: MouSigned) -> Mou:
    return Mou(
        key=event.mou_id, mou_id=event.mou_id, project_id=event.project_id,
        agenda_id=event.agenda_id, working_group_id=event.working_group_id, title=event.title,
        year=event.year, private_parties=event.private_parties, departments=event.departments,
        mayor=event.mayor, responsibilities=duties(event.responsibilities),
        goals=goals(event.goals), status="signed", signed_at=entry.envelope.occurred_at,
        updated_position=entry.envelope.position)


def amended(mou: Mou, event: MouAmended) -> dict[str, Any]:
    """An empty tuple in the amendment leaves that part as it is."""
    changes: dict[str, Any] = {"revision": event.revision}
    if event.responsibilities:
        changes["responsibilities"] = duties(event.responsibilities)
    if event.goals:
        kept = {g.goal_id: g for g in mou.goals}
        changes["goals"] = tuple(
            msgspec.structs.replace(g, status=kept[g.goal_id].status,
                                    latest_score=kept[g.goal_id].latest_score,
                                    scored_by=kept[g.goal_id].scored_by)
            if g.goal_id in kept else g for g in goals(event.goals))
    return changes


def scored(mou: Mou, event: EvaluationRecorded) -> Mou:
    scores = {s.goal_id: s.score for s in event.goal_scores}
    key = scorecard_key(event.project_id, event.year, event.half, event.kind)
    new_goals = tuple(
        msgspec.structs.replace(
            g, latest_score=scores[g.goal_id], scored_by=key,
            status="attained" if scores[g.goal_id] >= ATTAINED_AT else "not_attained")
        if g.goal_id in scores else g for g in mou.goals)
    return msgspec.structs.replace(mou, goals=new_goals, evaluations=mou.evaluations + 1)


def evolve(mous: Mapping[str, Mou], entry: Entry) -> dict[str, Mou]:
    event, env = entry.event, entry.envelope
    if isinstance(event, MouSigned):
        return {event.mou_id: signed(entry, event)}
    mou_id = getattr(event, "mou_id", None)
    if mou_id is None or mou_id not in mous:
        return {}
    mou = mous[mou_id]
    match event:
        case MouAmended():
            new = msgspec.structs.replace(mou, **amended(mou, event))
        case MouTerminated():
            new = msgspec.structs.replace(mou, status="terminated", terminated_at=env.occurred_at)
        case ExecutionStarted():
            new = msgspec.structs.replace(mou, status="in_execution", executed_at=env.occurred_at)
        case EvaluationRecorded():
            new = scored(mou, event)
        case _:
            return {}
    return {mou_id: msgspec.structs.replace(new, updated_position=env.position)}


def summarize(view: View[Any]) -> MouSummary:
    mous: list[Mou] = list(view.entities.values())
    all_goals = [g for m in mous for g in m.goals]

    def count(status: str) -> int:
        return sum(1 for m in mous if m.status == status)

    def goals_in(status: str) -> int:
        return sum(1 for g in all_goals if g.status == status)

    return MouSummary(total=len(mous), signed=count("signed"), in_execution=count("in_execution"),
                      terminated=count("terminated"), goals_pending=goals_in("pending"),
                      goals_attained=goals_in("attained"),
                      goals_not_attained=goals_in("not_attained"),
                      position=view.summary_position)


PROJECTION = Projection(model=MODEL, entity=Mou, evolve=evolve, summarize=summarize)

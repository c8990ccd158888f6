"""실행사업 (execution project): stream ``project-<id>`` — execution start, evaluations
(성과평가) and feedback (환류), each judged against the project's signed MOU (§6.3, §7).

Evaluation calendar (§7): self-evaluation and monitoring once per half-year, the council's
mid-term and final evaluation meetings per half-year, and the annual results report from
December. Each (kind, year, half) is recorded once per project, so one self-evaluation per
project per half-year holds; the project stream is written, so concurrent duplicates
conflict and the loser is refused on reload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import RecordEvaluation, RecordFeedback, StartExecution
from govledger_contracts.events import (
    EvaluationRecorded,
    Event,
    ExecutionStarted,
    FeedbackRecorded,
    GoalScore,
)
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, effective_date, fold
from govledger_ledger.domain.mou import MouState, in_force, mou_stream
from govledger_ledger.domain.rules import refuse

HALF_YEARLY = frozenset({"self", "monitoring", "midterm", "final"})
KINDS = HALF_YEARLY | {"annual"}


def project_stream(project_id: str) -> str:
    return f"project-{project_id}"


class ProjectState(msgspec.Struct, frozen=True, kw_only=True):
    started_under: tuple[str, ...] = ()
    evaluations: frozenset[tuple[str, int, int]] = frozenset()
    """(kind, year, half) already recorded."""


def evolve(state: ProjectState, event: Event) -> ProjectState:
    match event:
        case ExecutionStarted(mou_id=mou_id):
            return msgspec.structs.replace(state, started_under=(*state.started_under, mou_id))
        case EvaluationRecorded(kind=kind, year=year, half=half):
            return msgspec.structs.replace(
                state, evaluations=state.evaluations | {(kind, year, half)})
        case _:
            return state


def fold_project(_stream_id: str, events: Iterable[Event]) -> ProjectState:
    return fold(evolve, ProjectState(), events)


def with_mou_streams(cmd: StartExecution | RecordEvaluation) -> tuple[str, ...]:
    return (project_stream(cmd.project_id), mou_stream(cmd.mou_id))


def decide_start(cmd: StartExecution, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A project starts execution under a signed MOU in force, for that MOU's project, once."""
    stream = project_stream(cmd.project_id)
    mou: MouState = states[mou_stream(cmd.mou_id)]
    rejection = (
        in_force(mou, "mou_id")
        or (refuse("project.mou_mismatch", "mou_id") if mou.project_id != cmd.project_id else None)
        or (refuse("project.already_started", "mou_id")
            if cmd.mou_id in states[stream].started_under else None)
    )
    if rejection:
        return rejection
    event = ExecutionStarted(project_id=cmd.project_id, mou_id=cmd.mou_id, year=mou.year)
    return [Emit(stream_id=stream, event=event)]


def _evaluation_invalid(cmd: RecordEvaluation) -> Rejected | None:
    if cmd.kind not in KINDS:
        return refuse("evaluation.kind_unknown", "kind")
    if cmd.half not in ((1, 2) if cmd.kind in HALF_YEARLY else (0,)):
        return refuse("evaluation.half_invalid", "half")
    scores = (cmd.private_role_score, cmd.public_role_score, *(s.score for s in cmd.goal_scores))
    if any(not 0 <= s <= 100 for s in scores):
        return refuse("evaluation.score_out_of_range", "goal_scores")
    return None


def _against_mou(cmd: RecordEvaluation, mou: MouState) -> Rejected | None:
    """Only a signed MOU's project is evaluated, for the MOU's year, on the MOU's goals."""
    if mou.status == "none":
        return refuse("evaluation.mou_not_signed", "mou_id")
    if mou.project_id != cmd.project_id:
        return refuse("evaluation.project_mismatch", "mou_id")
    if mou.year != cmd.year:
        return refuse("evaluation.year_outside_mou", "year")
    scored = [s.goal_id for s in cmd.goal_scores]
    if any(g not in mou.goal_ids for g in scored) or len(set(scored)) != len(scored):
        return refuse("evaluation.goal_unknown", "goal_scores")
    return None if set(scored) == set(mou.goal_ids) else refuse("evaluation.goals_unscored",
                                                                "goal_scores")


def _calendar_refused(cmd: RecordEvaluation, day: dt.date) -> Rejected | None:
    if cmd.kind == "annual" and day < dt.date(cmd.year, 12, 1):
        return refuse("evaluation.annual_before_december", "kind")
    starts = dt.date(cmd.year, 7 if cmd.half == 2 else 1, 1)
    return refuse("evaluation.period_not_started", "half") if day < starts else None


def decide_evaluate(cmd: RecordEvaluation, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A project is evaluated once per kind and period, scoring every goal of its MOU."""
    stream = project_stream(cmd.project_id)
    done = (cmd.kind, cmd.year, cmd.half) in states[stream].evaluations
    rejection = (_evaluation_invalid(cmd) or _against_mou(cmd, states[mou_stream(cmd.mou_id)])
                 or _calendar_refused(cmd, effective_date(cmd, ctx))
                 or (refuse("evaluation.duplicate", "half") if done else None))
    if rejection:
        return rejection
    event = EvaluationRecorded(
        project_id=cmd.project_id, mou_id=cmd.mou_id, kind=cmd.kind, year=cmd.year,
        half=cmd.half, private_role_score=cmd.private_role_score,
        public_role_score=cmd.public_role_score, summary=cmd.summary,
        goal_scores=tuple(GoalScore(goal_id=s.goal_id, score=s.score, note=s.note)
                          for s in cmd.goal_scores),
    )
    return [Emit(stream_id=stream, event=event)]


def decide_feedback(cmd: RecordFeedback, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A year's annual evaluation results are fed into the next year's plan (환류)."""
    stream = project_stream(cmd.project_id)
    rejection = (
        (refuse("feedback.into_year_invalid", "into_year")
         if cmd.into_year != cmd.year + 1 else None)
        or (None if cmd.findings else refuse("feedback.no_findings", "findings"))
        or (None if ("annual", cmd.year, 0) in states[stream].evaluations
            else refuse("feedback.no_annual_evaluation", "year"))
    )
    if rejection:
        return rejection
    event = FeedbackRecorded(project_id=cmd.project_id, year=cmd.year,
                             into_year=cmd.into_year, findings=cmd.findings)
    return [Emit(stream_id=stream, event=event)]

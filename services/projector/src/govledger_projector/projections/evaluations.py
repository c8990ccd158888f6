"""Evaluation scorecards (성과평가): one card per project, kind, year and half-year, scoring
the MOU's goals and both sides' roles (§7: self-evaluation every half-year, December review)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from govledger_contracts.events import EvaluationRecorded
from govledger_contracts.views.evaluations import (
    EvaluationSummary,
    PeriodAverage,
    Scorecard,
    ScoreLine,
)
from govledger_projector.projections.base import Entry, Projection, View

MODEL = "evaluations"


def scorecard_key(project_id: str, year: int, half: int, kind: str) -> str:
    return f"{project_id}.{year}.{half}.{kind}"


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return round(sum(items) / len(items), 1) if items else 0.0


def evolve(cards: Mapping[str, Scorecard], entry: Entry) -> dict[str, Scorecard]:
    event, env = entry.event, entry.envelope
    if not isinstance(event, EvaluationRecorded):
        return {}
    key = scorecard_key(event.project_id, event.year, event.half, event.kind)
    lines = tuple(ScoreLine(goal_id=s.goal_id, score=s.score, note=s.note)
                  for s in event.goal_scores)
    return {key: Scorecard(
        key=key, project_id=event.project_id, mou_id=event.mou_id, kind=event.kind,
        year=event.year, half=event.half, goal_scores=lines,
        goal_average=mean(s.score for s in lines), private_role_score=event.private_role_score,
        public_role_score=event.public_role_score, occurred_at=env.occurred_at,
        summary=event.summary, position=env.position)}


def period_averages(cards: Iterable[Scorecard]) -> tuple[PeriodAverage, ...]:
    periods: dict[tuple[int, int, str], list[Scorecard]] = {}
    for card in cards:
        periods.setdefault((card.year, card.half, card.kind), []).append(card)
    return tuple(
        PeriodAverage(year=y, half=h, kind=k, projects=len(cs),
                      goal_average=mean(c.goal_average for c in cs),
                      private_role_average=mean(c.private_role_score for c in cs),
                      public_role_average=mean(c.public_role_score for c in cs))
        for (y, h, k), cs in sorted(periods.items()))


def summarize(view: View[Any]) -> EvaluationSummary:
    cards: list[Scorecard] = list(view.entities.values())
    return EvaluationSummary(total=len(cards), periods=period_averages(cards),
                             position=view.summary_position)


PROJECTION = Projection(model=MODEL, entity=Scorecard, evolve=evolve, summarize=summarize)

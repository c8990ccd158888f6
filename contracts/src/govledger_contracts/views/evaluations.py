"""Evaluation scorecards view (성과평가): one card per project, kind, year and half-year."""

from __future__ import annotations

import datetime as dt

import msgspec


class ScoreLine(msgspec.Struct, frozen=True, kw_only=True):
    goal_id: str
    score: int
    note: str = ""


class Scorecard(msgspec.Struct, frozen=True, kw_only=True):
    """Key ``<project_id>.<year>.<half>.<kind>`` (half 0 = the annual review)."""

    key: str
    project_id: str
    mou_id: str
    kind: str
    year: int
    half: int
    goal_scores: tuple[ScoreLine, ...]
    goal_average: float
    private_role_score: int
    public_role_score: int
    occurred_at: dt.datetime
    summary: str = ""
    position: int = 0


class PeriodAverage(msgspec.Struct, frozen=True, kw_only=True):
    year: int
    half: int
    kind: str
    projects: int
    goal_average: float
    private_role_average: float
    public_role_average: float


class EvaluationSummary(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    periods: tuple[PeriodAverage, ...]
    position: int
    """The ledger position of the last event that changed this summary's inputs (an entity
    of the model): the summary holds from there up to the views' head (``/lag``)."""

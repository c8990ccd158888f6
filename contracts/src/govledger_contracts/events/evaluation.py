"""Evaluation family: self-evaluation, monitoring and council evaluations (성과평가, §7)."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from govledger_contracts.events.base import Event


class GoalScore(msgspec.Struct, frozen=True, kw_only=True):
    """Attainment of one MOU goal, scored 0–100 (integers: the hash encoding has no floats)."""

    goal_id: str
    score: int
    note: str = ""


class EvaluationRecorded(Event, frozen=True, kw_only=True, tag="evaluation_recorded"):
    """평가 기록: a project is evaluated against its MOU for a half-year or a year."""

    family: ClassVar[str] = "evaluation"
    project_id: str
    mou_id: str
    kind: str
    """``self`` (자체평가), ``monitoring`` (모니터링), ``midterm`` (중간평가회), ``final``
    (최종평가회), ``annual`` (12월 성과보고회)."""
    year: int
    half: int
    """1 or 2 for a half-year (반기); 0 for the annual review."""
    goal_scores: tuple[GoalScore, ...]
    private_role_score: int
    """How well the private side kept its roles and responsibilities, 0–100."""
    public_role_score: int
    """How well the administration kept its roles and responsibilities, 0–100."""
    summary: str = ""

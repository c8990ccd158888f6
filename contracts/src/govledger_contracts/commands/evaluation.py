"""Evaluation commands: self-evaluation, monitoring, council evaluations, feedback (§7)."""

from __future__ import annotations

import msgspec

from govledger_contracts.commands.base import Command


class ScoreSpec(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One MOU goal's attainment, 0–100."""

    goal_id: str
    score: int
    note: str = ""


class RecordEvaluation(Command, frozen=True, kw_only=True):
    """Record a project's evaluation against its signed MOU for a half-year or year (성과평가)."""

    project_id: str
    mou_id: str
    kind: str
    """``self`` (자체평가), ``monitoring``, ``midterm``, ``final`` (반기별) or ``annual`` (12월)."""
    year: int
    half: int
    """1 or 2 (반기); 0 for ``annual``."""
    goal_scores: tuple[ScoreSpec, ...]
    private_role_score: int
    public_role_score: int
    summary: str = ""


class RecordFeedback(Command, frozen=True, kw_only=True):
    """Feed a year's evaluation results into the next year's plan (환류, §7)."""

    project_id: str
    year: int
    into_year: int
    findings: tuple[str, ...]

"""MOU register view (민관협치 협약 대장): parties, roles, staged goals and their status."""

from __future__ import annotations

import datetime as dt

import msgspec

ATTAINED_AT = 80
"""A goal counts as attained when its latest score is at least this (modelled: the seed
sets no threshold; the ward's evaluation committee may change it)."""


class Duty(msgspec.Struct, frozen=True, kw_only=True):
    side: str
    duty: str


class GoalStatus(msgspec.Struct, frozen=True, kw_only=True):
    goal_id: str
    stage: int
    description: str
    due: dt.date
    status: str = "pending"
    """``pending`` (not yet scored), ``attained`` or ``not_attained`` (latest score)."""
    latest_score: int | None = None
    scored_by: str = ""
    """Key of the evaluation that gave the latest score."""


class Mou(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    mou_id: str
    project_id: str
    agenda_id: str
    working_group_id: str
    title: str
    year: int
    private_parties: tuple[str, ...]
    departments: tuple[str, ...]
    mayor: str
    responsibilities: tuple[Duty, ...]
    goals: tuple[GoalStatus, ...]
    status: str
    """``signed``, ``in_execution`` or ``terminated``."""
    signed_at: dt.datetime
    revision: int = 0
    executed_at: dt.datetime | None = None
    terminated_at: dt.datetime | None = None
    evaluations: int = 0
    updated_position: int = 0


class MouSummary(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    signed: int
    in_execution: int
    terminated: int
    goals_pending: int
    goals_attained: int
    goals_not_attained: int
    position: int
    """The ledger position of the last event that changed this summary's inputs (an entity
    of the model): the summary holds from there up to the views' head (``/lag``)."""

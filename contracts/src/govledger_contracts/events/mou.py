"""MOU family: the public–private governance agreement (민관협치 협약, §6.2 실행계획 3)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec

from govledger_contracts.events.base import Event


class Responsibility(msgspec.Struct, frozen=True, kw_only=True):
    """One agreed role or responsibility (역할과 책임) of one side."""

    side: str
    """``private`` (민: the working group) or ``public`` (관: departments and the mayor)."""
    duty: str


class StagedGoal(msgspec.Struct, frozen=True, kw_only=True):
    """단계적 목표: one staged goal with its due date."""

    goal_id: str
    stage: int
    """1 for the first stage, 2 for the next..."""
    description: str
    due: dt.date


class MouSigned(Event, frozen=True, kw_only=True, tag="mou_signed"):
    """협약 체결: the working group and the administration sign the agreement for a project."""

    family: ClassVar[str] = "mou"
    mou_id: str
    project_id: str
    agenda_id: str
    working_group_id: str
    title: str
    year: int
    private_parties: tuple[str, ...]
    """민간주체: the working group's private partners."""
    departments: tuple[str, ...]
    """행정: the responsible departments (and teams)."""
    mayor: str
    """The mayor (구청장), who signs for the administration."""
    responsibilities: tuple[Responsibility, ...]
    goals: tuple[StagedGoal, ...]


class MouAmended(Event, frozen=True, kw_only=True, tag="mou_amended"):
    """협약 변경: responsibilities and/or goals are replaced (an empty tuple leaves them as is)."""

    family: ClassVar[str] = "mou"
    mou_id: str
    revision: int
    """1 for the first amendment."""
    responsibilities: tuple[Responsibility, ...] = ()
    goals: tuple[StagedGoal, ...] = ()


class MouTerminated(Event, frozen=True, kw_only=True, tag="mou_terminated"):
    """협약 해지: the agreement ends; its project can no longer start execution under it."""

    family: ClassVar[str] = "mou"
    mou_id: str

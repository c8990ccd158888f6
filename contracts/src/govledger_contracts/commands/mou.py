"""MOU commands: the public–private governance agreement (민관협치 협약)."""

from __future__ import annotations

import datetime as dt

import msgspec

from govledger_contracts.commands.base import Command


class DutySpec(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One agreed role or responsibility of a side: ``private`` or ``public``."""

    side: str
    duty: str


class GoalSpec(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One staged goal (단계적 목표) with its due date."""

    goal_id: str
    stage: int
    description: str
    due: dt.date


class SignMou(Command, frozen=True, kw_only=True):
    """Sign the agreement between an agenda's working group and the administration (협약 체결)."""

    mou_id: str
    project_id: str
    working_group_id: str
    title: str
    year: int
    private_parties: tuple[str, ...]
    departments: tuple[str, ...]
    mayor: str
    """The mayor (구청장) signing for the administration."""
    duties: tuple[DutySpec, ...]
    goals: tuple[GoalSpec, ...]


class AmendMou(Command, frozen=True, kw_only=True):
    """Amend an agreement's duties and/or goals (협약 변경); an empty tuple keeps them."""

    mou_id: str
    duties: tuple[DutySpec, ...] = ()
    goals: tuple[GoalSpec, ...] = ()


class TerminateMou(Command, frozen=True, kw_only=True):
    """Terminate an agreement (협약 해지)."""

    mou_id: str

"""Council commands: subcommittees, working groups, meetings, resolutions, plans, execution."""

from __future__ import annotations

import datetime as dt

from govledger_contracts.commands.base import Command


class FormSubcommittee(Command, frozen=True, kw_only=True):
    """Form a subcommittee under the council (분과 구성)."""

    subcommittee_id: str
    name: str


class FormWorkingGroup(Command, frozen=True, kw_only=True):
    """Form an agenda's working group of private partners and departments (워킹그룹 구성)."""

    working_group_id: str
    agenda_id: str
    name: str
    private_partners: tuple[str, ...]
    departments: tuple[str, ...]
    year: int


class ScheduleMeeting(Command, frozen=True, kw_only=True):
    """Call a meeting: quarterly regular, ad hoc, fusion & coordination, evaluation, report."""

    meeting_id: str
    body: str = "council"
    kind: str
    scheduled_for: dt.date
    quarter: int = 0
    agenda_items: tuple[str, ...] = ()


class HoldMeeting(Command, frozen=True, kw_only=True):
    """Record that a scheduled meeting took place, with its attendance (회의 개최)."""

    meeting_id: str
    attendees: int
    minutes_ref: str = ""


class ResolveCouncilMotion(Command, frozen=True, kw_only=True):
    """Record the council's resolution of a motion at a held meeting (심의·의결)."""

    meeting_id: str
    motion_id: str
    title: str
    votes_for: int
    votes_against: int
    abstentions: int = 0


class ApprovePlan(Command, frozen=True, kw_only=True):
    """Record the council's approval of the community innovation plan by a passed motion."""

    plan_id: str
    title: str
    start_year: int
    end_year: int
    meeting_id: str
    motion_id: str
    project_ids: tuple[str, ...] = ()


class RecordAssemblyApproval(Command, frozen=True, kw_only=True):
    """Record the ward assembly's approval of the budgeted plan (구의회 승인)."""

    plan_id: str
    session_ref: str
    budget_krw: int = 0


class StartExecution(Command, frozen=True, kw_only=True):
    """Start a project's execution under its signed MOU (실행 착수)."""

    project_id: str
    mou_id: str

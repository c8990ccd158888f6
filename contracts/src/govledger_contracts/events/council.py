"""Council family: subcommittees, working groups, meetings, resolutions, plan approval,
execution and feedback (§4, §6, §7)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from govledger_contracts.events.base import Event


class SubcommitteeFormed(Event, frozen=True, kw_only=True, tag="subcommittee_formed"):
    """분과 구성: a subcommittee is formed under the council (4 since 2022-01-18)."""

    family: ClassVar[str] = "council"
    subcommittee_id: str
    name: str
    """Korean name, e.g. ``보건복지``."""


class WorkingGroupFormed(Event, frozen=True, kw_only=True, tag="working_group_formed"):
    """워킹그룹 구성: private partners and departments form a working group for an agenda."""

    family: ClassVar[str] = "council"
    working_group_id: str
    agenda_id: str
    name: str
    private_partners: tuple[str, ...]
    departments: tuple[str, ...]
    year: int


class MeetingScheduled(Event, frozen=True, kw_only=True, tag="meeting_scheduled"):
    """회의 소집: a meeting of the council or a subcommittee is called."""

    family: ClassVar[str] = "council"
    meeting_id: str
    body: str
    kind: str
    """``regular`` (정기회의, quarterly), ``ad_hoc`` (임시회), ``fusion_coordination``
    (의제융합·조정회의), ``evaluation`` (평가회), ``results_report`` (성과보고회)."""
    scheduled_for: dt.date
    quarter: int = 0
    """For a regular meeting, its quarter (1–4); 0 otherwise."""
    agenda_items: tuple[str, ...] = ()


class MeetingHeld(Event, frozen=True, kw_only=True, tag="meeting_held"):
    """회의 개최: the meeting took place with its attendance."""

    family: ClassVar[str] = "council"
    meeting_id: str
    attendees: int
    minutes_ref: str = ""


class MotionResolved(Event, frozen=True, kw_only=True, tag="motion_resolved"):
    """심의·의결: the council resolved a motion at a held meeting (quorum and majority)."""

    family: ClassVar[str] = "council"
    meeting_id: str
    motion_id: str
    title: str
    votes_for: int
    votes_against: int
    abstentions: int
    seated: int
    """Seated council members at the time (재적위원)."""
    passed: bool


class PlanApproved(Event, frozen=True, kw_only=True, tag="plan_approved"):
    """계획 의결: the council approves the community innovation plan by a passed motion."""

    family: ClassVar[str] = "council"
    plan_id: str
    title: str
    start_year: int
    end_year: int
    meeting_id: str
    motion_id: str
    project_ids: tuple[str, ...] = ()


class PlanApprovedByAssembly(Event, frozen=True, kw_only=True, tag="plan_approved_by_assembly"):
    """구의회 승인: the ward assembly approves the budgeted plan."""

    family: ClassVar[str] = "council"
    plan_id: str
    session_ref: str
    budget_krw: int = 0


class ExecutionStarted(Event, frozen=True, kw_only=True, tag="execution_started"):
    """실행 착수: a project starts execution under its signed MOU."""

    family: ClassVar[str] = "council"
    project_id: str
    mou_id: str
    year: int


class FeedbackRecorded(Event, frozen=True, kw_only=True, tag="feedback_recorded"):
    """환류: a year's evaluation results are fed into the next year's plan (§7)."""

    family: ClassVar[str] = "council"
    project_id: str
    year: int
    into_year: int
    findings: tuple[str, ...]

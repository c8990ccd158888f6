"""Appointment commands: seating, renewing and ending members of the council and its bodies."""

from __future__ import annotations

import datetime as dt

from govledger_contracts.commands.base import Command
from govledger_contracts.events.appointment import Sector


class AppointMember(Command, frozen=True, kw_only=True):
    """Seat a member on the governance council for a term (협치위원 위촉, §4)."""

    member_id: str
    body: str = "council"
    """Always ``council``; other bodies have their own commands."""
    name: str
    sector: Sector
    route: str
    """``recommendation`` (추천), ``open_recruitment`` (공개모집), ``centre_head``
    (중간지원조직 센터장), ``assembly`` (구의회), ``ex_officio`` (당연직)."""
    term_start: dt.date
    term_end: dt.date
    """The last day of the term (inclusive): at most two years after ``term_start``."""
    affiliation: str = ""
    centre: str = ""
    """For ``centre_head``: ``welfare``, ``youth``, ``sharing``, ``village``,
    ``self_governance``, ``volunteering`` or ``social_economy``."""


class RenewTerm(Command, frozen=True, kw_only=True):
    """Renew a council member's term once (1회에 한하여 연임, §4); it runs on from the old end."""

    member_id: str
    term_end: dt.date
    """The renewed term's last day: at most two years after the old term's end."""


class EndTerm(Command, frozen=True, kw_only=True):
    """End a member's seat on a body (사임, 해촉, 임기만료)."""

    member_id: str
    body: str = "council"
    ended_on: dt.date
    cause: str
    """``resigned``, ``dismissed``, ``expired`` or ``other``."""


class AssignSubcommitteeMember(Command, frozen=True, kw_only=True):
    """Assign a seated council member to a subcommittee (분과 배정)."""

    subcommittee_id: str
    member_id: str


class AppointOpenMember(Command, frozen=True, kw_only=True):
    """Seat a publicly recruited resident on a subcommittee for one year (열린분과원, §6.1)."""

    subcommittee_id: str
    member_id: str
    name: str
    term_start: dt.date
    term_end: dt.date
    affiliation: str = ""


class AppointRegionalMember(Command, frozen=True, kw_only=True):
    """Seat a member of the regional cooperation subcommittee for a dong (지역협력분과, §6.1)."""

    member_id: str
    name: str
    dong: str
    """One of Seongdong's 17 administrative dongs, in Korean (e.g. ``마장동``)."""
    term_start: dt.date
    term_end: dt.date
    sector: Sector = "private"
    route: str = "recommendation"
    affiliation: str = ""


class AppointAdvisor(Command, frozen=True, kw_only=True):
    """Seat a member of the governance advisory panel (협치자문단, about 10, §6.2)."""

    member_id: str
    name: str
    sector: Sector
    route: str
    """``council_leadership`` (의장단), ``subcommittee_head`` (분과장),
    ``department_recommendation`` (부서 추천)."""
    term_start: dt.date
    term_end: dt.date
    affiliation: str = ""

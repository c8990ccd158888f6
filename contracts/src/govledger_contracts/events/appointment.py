"""Appointment family: members seated on the council and its bodies (§2, §6.1, §6.2).

Bodies (``body``): ``council`` (성동구협치회의), a subcommittee's id (분과위원회, e.g.
``health_welfare``), ``regional_cooperation`` (지역협력분과), ``advisory_panel`` (협치자문단).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from govledger_contracts.events.base import Event

Sector = Literal["private", "public"]
"""민간 (private sector) or 공공 (public sector, incl. ward officials and assembly members)."""


class MemberAppointed(Event, frozen=True, kw_only=True, tag="member_appointed"):
    """위원 위촉: a member is seated on a body for a term."""

    family: ClassVar[str] = "appointment"
    member_id: str
    body: str
    """The body's id, e.g. ``council`` (성동구협치회의)."""
    name: str
    sector: Sector
    route: str
    """How the member came: ``recommendation`` (추천), ``open_recruitment`` (공개모집),
    ``centre_head`` (중간지원조직 센터장), ``assembly`` (구의회), ``ex_officio`` (당연직),
    ``council_member`` (협치위원의 분과 배정), or an advisory route."""
    term_start: dt.date
    term_end: dt.date
    """The last day of the term (inclusive)."""
    affiliation: str = ""
    seat: str = "member"
    """``member`` or ``open_member`` (열린분과원, recruited per subcommittee for a year)."""
    centre: str = ""
    """For a centre head: the intermediary-support centre (중간지원조직), e.g. ``welfare``."""
    dong: str = ""
    """For the regional cooperation subcommittee: the administrative dong (행정동)."""


class TermRenewed(Event, frozen=True, kw_only=True, tag="term_renewed"):
    """위원 연임: a council member's term is renewed (once at most, §4)."""

    family: ClassVar[str] = "appointment"
    member_id: str
    body: str
    term_start: dt.date
    term_end: dt.date
    renewal: int
    """1 for the first (and only permitted) renewal."""


class TermEnded(Event, frozen=True, kw_only=True, tag="term_ended"):
    """위원 해촉·사임: a member's seat ends before or at the end of the term."""

    family: ClassVar[str] = "appointment"
    member_id: str
    body: str
    ended_on: dt.date
    """The last day the member held the seat."""
    cause: str
    """``resigned`` (사임), ``dismissed`` (해촉), ``expired`` (임기만료), ``other``."""

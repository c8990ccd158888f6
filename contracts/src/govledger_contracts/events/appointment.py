"""Appointment family: members seated on the council and its bodies (§2, §6.1, §6.2)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from govledger_contracts.events.base import Event

Sector = Literal["private", "public"]
"""민간 (private sector) or 공공 (public sector, incl. ward officials and assembly members)."""


class MemberAppointed(Event, tag="member_appointed"):
    """위원 위촉: a member is seated on a body for a term."""

    family: ClassVar[str] = "appointment"
    member_id: str
    body: str
    """The body's id, e.g. ``council`` (성동구협치회의)."""
    name: str
    sector: Sector
    route: str
    """How the member came: ``recommendation`` (추천), ``open_recruitment`` (공개모집), ``ex_officio``."""
    term_start: dt.date
    term_end: dt.date
    affiliation: str = ""

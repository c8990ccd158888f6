"""Appointment commands."""

from __future__ import annotations

import datetime as dt

from govledger_contracts.commands.base import Command
from govledger_contracts.events.appointment import Sector


class AppointMember(Command, frozen=True, kw_only=True):
    """Seat a member on a body for a term (위원 위촉)."""

    member_id: str
    body: str = "council"
    name: str
    sector: Sector
    route: str
    term_start: dt.date
    term_end: dt.date
    affiliation: str = ""

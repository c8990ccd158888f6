"""Rosters: who holds a seat on a body, and when. Shared by every body's stream.

A seat runs from ``start`` to ``until`` inclusive (the term's last day, or the day it ended).
Seat counts are taken over the new seat's whole term: a member counts against a cap if
their seat overlaps any day of it, so a body is never over its cap on any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from govledger_contracts.events import (
    Event,
    MemberAppointed,
    Sector,
    SubcommitteeFormed,
    TermEnded,
    TermRenewed,
)
from govledger_ledger.domain.core import Rejected, fold
from govledger_ledger.domain.rules import refuse

COUNCIL = "council"
REGIONAL = "regional_cooperation"
ADVISORY = "advisory_panel"
RESERVED_BODIES = frozenset({COUNCIL, REGIONAL, ADVISORY})


class Seat(msgspec.Struct, frozen=True, kw_only=True):
    member_id: str
    name: str
    sector: Sector
    affiliation: str = ""
    start: dt.date
    until: dt.date
    renewals: int = 0
    ended: bool = False
    centre: str = ""
    dong: str = ""


class BodyState(msgspec.Struct, frozen=True, kw_only=True):
    """A body's roster; ``formed`` matters for subcommittees (the others exist by ordinance)."""

    formed: bool = False
    name: str = ""
    seats: tuple[Seat, ...] = ()


def body_stream(body: str) -> str:
    """The stream that holds a body's roster."""
    match body:
        case "council":
            return "council"
        case "regional_cooperation":
            return "regional-cooperation"
        case "advisory_panel":
            return "advisory-panel"
        case _:
            return f"subcommittee-{body}"


def _seat_of(e: MemberAppointed) -> Seat:
    return Seat(member_id=e.member_id, name=e.name, sector=e.sector, affiliation=e.affiliation,
                start=e.term_start, until=e.term_end, centre=e.centre, dong=e.dong)


def _update_latest(state: BodyState, member_id: str, **changes: object) -> BodyState:
    seats = list(state.seats)
    for i in range(len(seats) - 1, -1, -1):
        if seats[i].member_id == member_id:
            seats[i] = msgspec.structs.replace(seats[i], **changes)
            break
    return msgspec.structs.replace(state, seats=tuple(seats))


def evolve(state: BodyState, event: Event) -> BodyState:
    match event:
        case SubcommitteeFormed(name=name):
            return msgspec.structs.replace(state, formed=True, name=name)
        case MemberAppointed():
            return msgspec.structs.replace(state, seats=(*state.seats, _seat_of(event)))
        case TermRenewed(member_id=member_id, term_end=end, renewal=n):
            return _update_latest(state, member_id, until=end, renewals=n)
        case TermEnded(member_id=member_id, ended_on=day):
            return _update_latest(state, member_id, until=day, ended=True)
        case _:
            return state


def fold_body(_stream_id: str, events: Iterable[Event]) -> BodyState:
    return fold(evolve, BodyState(), events)


def overlapping(state: BodyState, start: dt.date, end: dt.date,
                *, besides: str = "") -> tuple[Seat, ...]:
    """Seats held on any day of [start, end], leaving out member ``besides``."""
    return tuple(s for s in state.seats
                 if s.start <= end and s.until >= start and s.member_id != besides)


def seat_on(state: BodyState, member_id: str, day: dt.date) -> Seat | None:
    """The member's seat on that day, if any."""
    return next((s for s in state.seats
                 if s.member_id == member_id and s.start <= day <= s.until), None)


def latest_seat(state: BodyState, member_id: str) -> Seat | None:
    return next((s for s in reversed(state.seats) if s.member_id == member_id), None)


def last_day(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` starting on ``start`` (2021-11-23 → 2023-11-22)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February: the anniversary falls on 1 March
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


def term_invalid(start: dt.date, end: dt.date) -> Rejected | None:
    if end < start:
        return refuse("appointment.term_invalid", "term_end")
    return None


def already_on(state: BodyState, member_id: str, start: dt.date, end: dt.date) -> bool:
    return any(s.member_id == member_id for s in overlapping(state, start, end))


def seated_on(state: BodyState, day: dt.date) -> int:
    """How many members hold a seat on that day (재적위원 수)."""
    return sum(s.start <= day <= s.until for s in state.seats)

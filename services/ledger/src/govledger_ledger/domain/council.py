"""성동구협치회의 (governance council): its roster as one stream, ``council``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from govledger_contracts.commands import AppointMember
from govledger_contracts.events import Event, MemberAppointed

from govledger_ledger.domain.core import Context, Decision, Emit, fold, reject

COUNCIL_STREAM = "council"
MAX_SEATS = 50
"""§2: the ordinance sets the council at up to 50 members."""


class Seat(msgspec.Struct, frozen=True, kw_only=True):
    member_id: str
    sector: str


class CouncilState(msgspec.Struct, frozen=True, kw_only=True):
    seats: tuple[Seat, ...] = ()


def evolve(state: CouncilState, event: Event) -> CouncilState:
    match event:
        case MemberAppointed(member_id=member_id, sector=sector):
            return CouncilState(seats=(*state.seats, Seat(member_id=member_id, sector=sector)))
        case _:
            return state


def fold_council(_stream_id: str, events: Iterable[Event]) -> CouncilState:
    return fold(evolve, CouncilState(), events)


def decide_appoint(cmd: AppointMember, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A member is seated only while fewer than 50 seats are taken (§2)."""
    state: CouncilState = states[COUNCIL_STREAM]
    if cmd.term_end <= cmd.term_start:
        return reject(
            "appointment.term_invalid", "임기 종료일이 시작일보다 빠릅니다.",
            "The term ends before it starts.", status=422, field="term_end",
        )
    if any(s.member_id == cmd.member_id for s in state.seats):
        return reject(
            "council.already_seated", "이미 위촉된 위원입니다.", "The member is already seated."
        )
    if len(state.seats) >= MAX_SEATS:
        return reject(
            "council.seats_full", "협치회의 정원(50명)이 찼습니다.",
            "The council's 50 seats are taken.",
        )
    event = MemberAppointed(
        member_id=cmd.member_id, body=cmd.body, name=cmd.name, sector=cmd.sector,
        route=cmd.route, term_start=cmd.term_start, term_end=cmd.term_end,
        affiliation=cmd.affiliation,
    )
    return [Emit(stream_id=COUNCIL_STREAM, event=event)]

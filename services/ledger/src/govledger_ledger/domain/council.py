"""성동구협치회의 (governance council): its roster as one stream, ``council``.

Seats (§2, §4): at most 50, set by ordinance; members come by recommendation, open
recruitment, as heads of the 7 intermediary-support centres, from the ward assembly, or ex
officio; a term is two years, renewable once.

Private share while the council is being filled. The seed states the rule against the
ordinance's number, not the members seated so far: "조례에 의한 인원수에서 민간의 비율은
70% 이상" (§4). So the ledger caps public seats at 30% of 50 = 15 on every day of a new
term, and never caps private seats beyond the 50. Consequences: (1) any order of
appointment is accepted as long as at most 15 public seats overlap, so the full council
always has ≥ 35 private members (≥ 70%); (2) a partly filled council may be under 70%
private for a while (e.g. the mayor and officials seated first) without being refused,
because refusing them would make the order of a single appointment day matter; (3) ending
a private member's seat never breaks the rule, because the cap is on public seats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from govledger_contracts.commands import AppointMember, RenewTerm
from govledger_contracts.events import MemberAppointed, TermRenewed
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, effective_date
from govledger_ledger.domain.roster import (
    BodyState,
    Seat,
    fold_body,
    last_day,
    latest_seat,
    overlapping,
    term_invalid,
)
from govledger_ledger.domain.rules import refuse

COUNCIL_STREAM = "council"
MAX_SEATS = 50
"""§2: the ordinance sets the council at up to 50 members."""
MAX_PUBLIC = 15
"""§4: private members ≥ 70% of the ordinance's 50, so public members ≤ 15."""
TERM_YEARS = 2
CENTRES = ("welfare", "youth", "sharing", "village", "self_governance", "volunteering",
           "social_economy")
"""§2: 중간지원조직 센터장 (복지, 청년, 공유, 마을, 자치, 자원봉사, 사회적 경제)."""
ROUTES = frozenset({"recommendation", "open_recruitment", "centre_head", "assembly", "ex_officio"})
PUBLIC_ROUTES = frozenset({"assembly", "ex_officio"})

_ONE_DAY = dt.timedelta(days=1)

CouncilState = BodyState
fold_council = fold_body


def _route_invalid(cmd: AppointMember) -> Rejected | None:
    if cmd.route not in ROUTES:
        return refuse("council.route_unknown", "route")
    if cmd.route in PUBLIC_ROUTES and cmd.sector != "public":
        return refuse("council.sector_route_mismatch", "sector")
    if cmd.route != "centre_head":
        return refuse("council.centre_route_mismatch", "centre") if cmd.centre else None
    if cmd.centre not in CENTRES:
        return refuse("council.centre_unknown", "centre")
    return refuse("council.centre_head_private", "sector") if cmd.sector != "private" else None


def _appointment_invalid(cmd: AppointMember) -> Rejected | None:
    if cmd.body != "council":
        return refuse("appointment.wrong_body", "body")
    too_long = cmd.term_end > last_day(cmd.term_start, TERM_YEARS)
    return (term_invalid(cmd.term_start, cmd.term_end) or _route_invalid(cmd)
            or (refuse("council.term_too_long", "term_end") if too_long else None))


def room_for(others: tuple[Seat, ...], sector: str, centre: str) -> Rejected | None:
    """Is there a seat left on every day of the term (50 in all, 15 public, 1 per centre)?"""
    if centre and any(s.centre == centre for s in others):
        return refuse("council.centre_taken", "centre")
    if len(others) >= MAX_SEATS:
        return refuse("council.seats_full")
    if sector == "public" and sum(s.sector == "public" for s in others) >= MAX_PUBLIC:
        return refuse("council.public_share_exceeded", "sector")
    return None


def decide_appoint(cmd: AppointMember, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A member is seated for at most two years while a seat (and a public seat) is free."""
    state: BodyState = states[COUNCIL_STREAM]
    others = overlapping(state, cmd.term_start, cmd.term_end)
    seated = any(s.member_id == cmd.member_id for s in others)
    rejection = (_appointment_invalid(cmd)
                 or (refuse("council.already_seated", "member_id") if seated else None)
                 or room_for(others, cmd.sector, cmd.centre))
    if rejection:
        return rejection
    event = MemberAppointed(
        member_id=cmd.member_id, body="council", name=cmd.name, sector=cmd.sector,
        route=cmd.route, term_start=cmd.term_start, term_end=cmd.term_end,
        affiliation=cmd.affiliation, centre=cmd.centre,
    )
    return [Emit(stream_id=COUNCIL_STREAM, event=event)]


def _renewal_refused(seat: Seat | None, cmd: RenewTerm, ctx: Context) -> Rejected | None:
    if seat is None or seat.ended:
        return refuse("appointment.not_seated", "member_id")
    if seat.renewals >= 1:
        return refuse("council.renewal_limit", "member_id")
    if effective_date(cmd, ctx) > seat.until:
        return refuse("council.term_lapsed", "member_id")
    start = seat.until + _ONE_DAY
    return (term_invalid(start, cmd.term_end)
            or (refuse("council.term_too_long", "term_end")
                if cmd.term_end > last_day(start, TERM_YEARS) else None))


def decide_renew(cmd: RenewTerm, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A seated member's term is renewed once, for up to two years from its end (연임 1회)."""
    state: BodyState = states[COUNCIL_STREAM]
    seat = latest_seat(state, cmd.member_id)
    rejection = _renewal_refused(seat, cmd, ctx)
    if rejection or seat is None:
        return rejection or refuse("appointment.not_seated", "member_id")
    start = seat.until + _ONE_DAY
    others = overlapping(state, start, cmd.term_end, besides=cmd.member_id)
    rejection = room_for(others, seat.sector, seat.centre)
    if rejection:
        return rejection
    event = TermRenewed(member_id=cmd.member_id, body="council", term_start=start,
                        term_end=cmd.term_end, renewal=seat.renewals + 1)
    return [Emit(stream_id=COUNCIL_STREAM, event=event)]

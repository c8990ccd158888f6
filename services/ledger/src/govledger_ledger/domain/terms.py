"""Ending a seat on any body (사임, 해촉, 임기만료): the body's own roster stream."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govledger_contracts.commands import EndTerm
from govledger_contracts.events import TermEnded
from govledger_ledger.domain.core import Context, Decision, Emit
from govledger_ledger.domain.roster import BodyState, body_stream, latest_seat
from govledger_ledger.domain.rules import refuse

CAUSES = frozenset({"resigned", "dismissed", "expired", "other"})


def end_term_streams(cmd: EndTerm) -> tuple[str, ...]:
    return (body_stream(cmd.body),)


def decide_end(cmd: EndTerm, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A seat ends on a day within its term, for a stated cause; an ended seat stays ended."""
    stream = body_stream(cmd.body)
    state: BodyState = states[stream]
    if cmd.cause not in CAUSES:
        return refuse("appointment.cause_unknown", "cause")
    seat = latest_seat(state, cmd.member_id)
    if seat is None or seat.ended:
        return refuse("appointment.not_seated", "member_id")
    if not seat.start <= cmd.ended_on <= seat.until:
        return refuse("appointment.end_outside_term", "ended_on")
    event = TermEnded(member_id=cmd.member_id, body=cmd.body, ended_on=cmd.ended_on,
                      cause=cmd.cause)
    return [Emit(stream_id=stream, event=event)]

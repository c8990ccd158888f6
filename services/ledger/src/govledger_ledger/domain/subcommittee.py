"""분과위원회 (subcommittees): one roster stream each, ``subcommittee-<id>`` (§4, §6.1).

Council members are assigned to a subcommittee for as long as their council seat runs;
open subcommittee members (열린분과원) are residents recruited per subcommittee for one year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govledger_contracts.commands import (
    AppointOpenMember,
    AssignSubcommitteeMember,
    FormSubcommittee,
)
from govledger_contracts.events import MemberAppointed, SubcommitteeFormed
from govledger_ledger.domain.core import Context, Decision, Emit, effective_date
from govledger_ledger.domain.council import COUNCIL_STREAM
from govledger_ledger.domain.roster import (
    RESERVED_BODIES,
    BodyState,
    already_on,
    body_stream,
    last_day,
    seat_on,
    term_invalid,
)
from govledger_ledger.domain.rules import refuse

OPEN_TERM_YEARS = 1


def subcommittee_stream(subcommittee_id: str) -> str:
    return body_stream(subcommittee_id)


def decide_form(cmd: FormSubcommittee, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A subcommittee is formed once, under an id no other body uses."""
    if cmd.subcommittee_id in RESERVED_BODIES:
        return refuse("subcommittee.id_reserved", "subcommittee_id")
    stream = subcommittee_stream(cmd.subcommittee_id)
    if states[stream].formed:
        return refuse("subcommittee.already_formed", "subcommittee_id")
    event = SubcommitteeFormed(subcommittee_id=cmd.subcommittee_id, name=cmd.name)
    return [Emit(stream_id=stream, event=event)]


def decide_assign(cmd: AssignSubcommitteeMember, states: Mapping[str, Any],
                  ctx: Context) -> Decision:
    """A seated council member joins a formed subcommittee until their council seat ends."""
    stream = subcommittee_stream(cmd.subcommittee_id)
    body: BodyState = states[stream]
    day = effective_date(cmd, ctx)
    seat = seat_on(states[COUNCIL_STREAM], cmd.member_id, day)
    if not body.formed:
        return refuse("subcommittee.not_formed", "subcommittee_id")
    if seat is None:
        return refuse("subcommittee.not_council_member", "member_id")
    if already_on(body, cmd.member_id, day, seat.until):
        return refuse("subcommittee.already_member", "member_id")
    event = MemberAppointed(
        member_id=cmd.member_id, body=cmd.subcommittee_id, name=seat.name, sector=seat.sector,
        route="council_member", term_start=day, term_end=seat.until,
        affiliation=seat.affiliation,
    )
    return [Emit(stream_id=stream, event=event)]


def decide_open_member(cmd: AppointOpenMember, states: Mapping[str, Any],
                       ctx: Context) -> Decision:
    """A resident serves one subcommittee for at most a year as an open member (§6.1)."""
    stream = subcommittee_stream(cmd.subcommittee_id)
    body: BodyState = states[stream]
    too_long = cmd.term_end > last_day(cmd.term_start, OPEN_TERM_YEARS)
    rejection = (
        term_invalid(cmd.term_start, cmd.term_end)
        or (refuse("subcommittee.open_term_too_long", "term_end") if too_long else None)
        or (None if body.formed else refuse("subcommittee.not_formed", "subcommittee_id"))
        or (refuse("subcommittee.already_member", "member_id")
            if already_on(body, cmd.member_id, cmd.term_start, cmd.term_end) else None)
    )
    if rejection:
        return rejection
    event = MemberAppointed(
        member_id=cmd.member_id, body=cmd.subcommittee_id, name=cmd.name, sector="private",
        route="open_recruitment", term_start=cmd.term_start, term_end=cmd.term_end,
        affiliation=cmd.affiliation, seat="open_member",
    )
    return [Emit(stream_id=stream, event=event)]

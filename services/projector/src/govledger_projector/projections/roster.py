"""Members roster (위원 명부): every seat on every body, its sector and term (§2, §4, §6).

A seat is held from ``term_start`` to the earlier of ``term_end`` and ``ended_on``
(inclusive). The private share is counted over seated members on a given Seoul day, per body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.events import MemberAppointed, TermEnded, TermRenewed
from govledger_contracts.views.roster import BodyCount, Member, RosterSummary
from govledger_projector.projections.base import Entry, Projection, View, seoul_day

MODEL = "members"
EXPIRING_WITHIN_DAYS = 90


def member_key(body: str, member_id: str) -> str:
    return f"{body}.{member_id}"


def evolve(members: Mapping[str, Member], entry: Entry) -> dict[str, Member]:
    event, position = entry.event, entry.envelope.position
    match event:
        case MemberAppointed():
            key = member_key(event.body, event.member_id)
            return {key: Member(
                key=key, member_id=event.member_id, body=event.body, name=event.name,
                sector=event.sector, route=event.route, term_start=event.term_start,
                term_end=event.term_end, affiliation=event.affiliation, seat=event.seat,
                centre=event.centre, dong=event.dong, appointed_position=position,
                updated_position=position)}
        case TermRenewed():
            key = member_key(event.body, event.member_id)
            if key not in members:
                return {}
            return {key: msgspec.structs.replace(
                members[key], term_end=event.term_end, renewals=event.renewal,
                updated_position=position)}
        case TermEnded():
            key = member_key(event.body, event.member_id)
            if key not in members:
                return {}
            return {key: msgspec.structs.replace(
                members[key], ended_on=event.ended_on, end_cause=event.cause,
                updated_position=position)}
    return {}


def last_day(member: Member) -> dt.date:
    return member.term_end if member.ended_on is None else min(member.term_end, member.ended_on)


def seated_on(member: Member, day: dt.date) -> bool:
    return member.term_start <= day <= last_day(member)


def served_during(member: Member, first: dt.date, last: dt.date) -> bool:
    """The seat overlapped the period ``first``..``last`` (inclusive)."""
    return member.term_start <= last and last_day(member) >= first


def body_count(body: str, members: Iterable[Member]) -> BodyCount:
    seated = list(members)
    private = sum(1 for m in seated if m.sector == "private")
    share = round(100 * private / len(seated), 1) if seated else 0.0
    return BodyCount(body=body, seated=len(seated), private=private,
                     public=len(seated) - private, private_share=share)


def counts_on(members: Iterable[Member], day: dt.date) -> tuple[BodyCount, ...]:
    by_body: dict[str, list[Member]] = {}
    for m in members:
        if seated_on(m, day):
            by_body.setdefault(m.body, []).append(m)
    return tuple(body_count(b, ms) for b, ms in sorted(by_body.items()))


def expiring(members: Iterable[Member], day: dt.date,
             within_days: int = EXPIRING_WITHIN_DAYS) -> tuple[Member, ...]:
    """Seated members whose seat ends within ``within_days`` after ``day`` (임기 만료 예정)."""
    horizon = day + dt.timedelta(days=within_days)
    return tuple(sorted((m for m in members if seated_on(m, day) and last_day(m) <= horizon),
                        key=lambda m: (last_day(m), m.key)))


def summarize(view: View[Any]) -> RosterSummary:
    members: list[Member] = list(view.entities.values())
    if view.as_of is None:
        return RosterSummary(on=None, bodies=(), expiring=(),
                             position=view.summary_position)
    day = seoul_day(view.as_of)
    return RosterSummary(on=day, bodies=counts_on(members, day),
                         expiring=tuple(m.key for m in expiring(members, day)),
                         position=view.summary_position)


PROJECTION = Projection(model=MODEL, entity=Member, evolve=evolve, summarize=summarize,
                        dated=True)

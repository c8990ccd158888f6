"""Yearly statistics (연도별 통계): how many governance acts of each kind, per year."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from govledger_contracts.events import (
    AgendaDeliberated,
    AgendaProposed,
    AgendasMerged,
    AgendaWithdrawn,
    BallotCast,
    EvaluationRecorded,
    Event,
    ExecutionStarted,
    FeedbackRecorded,
    MeetingHeld,
    MemberAppointed,
    MotionResolved,
    MouAmended,
    MouSigned,
    MouTerminated,
    PlanApproved,
    TermEnded,
    TermRenewed,
    VoteClosed,
    VoteOpened,
)
from govledger_contracts.views.statistics import StatisticsSummary, YearStatistics
from govledger_projector.projections.base import Entry, Projection, View, seoul_day

MODEL = "statistics"
COUNCIL = "council"
ASSIGNED = "council_member"
"""The route of a council member assigned to a subcommittee (a second seat, not a new member)."""
COUNTERS: dict[type[Event], str] = {
    MemberAppointed: "appointments", TermRenewed: "renewals", TermEnded: "seats_ended",
    AgendaProposed: "agendas_proposed", AgendaDeliberated: "agenda_deliberations",
    AgendasMerged: "merges", AgendaWithdrawn: "agendas_withdrawn",
    VoteOpened: "votes_opened", VoteClosed: "votes_closed", BallotCast: "ballots",
    MouSigned: "mous_signed", MouAmended: "mous_amended", MouTerminated: "mous_terminated",
    ExecutionStarted: "executions_started", EvaluationRecorded: "evaluations",
    MeetingHeld: "meetings_held", MotionResolved: "motions_resolved",
    PlanApproved: "plans_approved", FeedbackRecorded: "feedback",
}


def year_of(entry: Entry) -> int:
    """The event's own ``year`` when it states one, else the Seoul year it occurred in."""
    year = getattr(entry.event, "year", None)
    return year if isinstance(year, int) else seoul_day(entry.envelope.occurred_at).year


def evolve(years: Mapping[str, YearStatistics], entry: Entry) -> dict[str, YearStatistics]:
    year = year_of(entry)
    key = str(year)
    stats = years.get(key) or YearStatistics(key=key, year=year)
    changes: dict[str, int] = {"events": stats.events + 1}
    counter = None if entry.event is None else COUNTERS.get(type(entry.event))
    if counter is not None:
        changes[counter] = getattr(stats, counter) + 1
    if isinstance(entry.event, VoteClosed):
        changes["turnout"] = stats.turnout + entry.event.turnout
    if isinstance(entry.event, MemberAppointed):
        if entry.event.body == COUNCIL:
            changes["council_appointments"] = stats.council_appointments + 1
        elif entry.event.route == ASSIGNED:
            changes["subcommittee_assignments"] = stats.subcommittee_assignments + 1
    return {key: msgspec.structs.replace(stats, **changes)}


def summarize(view: View[Any]) -> StatisticsSummary:
    stats: list[YearStatistics] = list(view.entities.values())
    return StatisticsSummary(years=tuple(sorted(s.year for s in stats)),
                             events=sum(s.events for s in stats),
                             position=view.summary_position)


PROJECTION = Projection(model=MODEL, entity=YearStatistics, evolve=evolve,
                        summarize=summarize)

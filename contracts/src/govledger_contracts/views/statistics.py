"""Yearly statistics view (연도별 통계): counts of governance acts per year."""

from __future__ import annotations

import msgspec


class YearStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """Key ``<year>``. A year is the event's own ``year`` field when it has one, else the
    Seoul calendar year of ``occurred_at``."""

    key: str
    year: int
    appointments: int = 0
    """Seats filled on any body: council appointments, subcommittee assignments of council
    members, open subcommittee members, regional cooperation members and advisors."""
    renewals: int = 0
    seats_ended: int = 0
    agendas_proposed: int = 0
    agenda_deliberations: int = 0
    merges: int = 0
    agendas_withdrawn: int = 0
    votes_opened: int = 0
    votes_closed: int = 0
    ballots: int = 0
    turnout: int = 0
    mous_signed: int = 0
    mous_amended: int = 0
    mous_terminated: int = 0
    executions_started: int = 0
    evaluations: int = 0
    meetings_held: int = 0
    motions_resolved: int = 0
    plans_approved: int = 0
    feedback: int = 0
    events: int = 0
    council_appointments: int = 0
    """Members appointed to the council itself (협치회의 위원 위촉)."""
    subcommittee_assignments: int = 0
    """Council members assigned to a subcommittee (분과 배정): no new member, a second seat."""


class StatisticsSummary(msgspec.Struct, frozen=True, kw_only=True):
    years: tuple[int, ...]
    events: int
    position: int
    """The ledger position of the last event that changed this summary's inputs (an entity
    of the model): the summary holds from there up to the views' head (``/lag``)."""

"""The year's transparency report as data: figures and tables built from the read models.

Pure: the same views and head give the same report, byte for byte, so an auditor who
rebuilds the views from the log can rebuild the report and compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.views import Agenda, Member, Mou, Scorecard, VoteResult, YearStatistics
from govledger_projector.projections import KST, View, seoul_day
from govledger_projector.projections.roster import served_during
from govledger_projector.projections.votes import turnout_by_year

Cell = str | int | float | None


class Head(msgspec.Struct, frozen=True, kw_only=True):
    """The ledger position and hash the views (and so the report) were built from."""

    position: int
    hash: str


class Table(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


class Figures(msgspec.Struct, frozen=True, kw_only=True):
    council_members: int
    council_private: int
    council_private_share: float
    turnout: tuple[tuple[int, int], ...]
    """(year, turnout) for every year up to the report's."""
    agendas: int
    merges: int
    mous: int
    evaluations: int


class Report(msgspec.Struct, frozen=True, kw_only=True):
    ward: str
    year: int
    head: Head
    figures: Figures
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)



EARLIEST_REPORT_YEAR = 2000
"""The first year a report can be asked for (commands record years from 2000 on)."""


def latest_report_year(now: dt.datetime | None = None) -> int:
    """The last year a report can be asked for: the current year in Seoul (a year not yet
    begun has nothing to report). Used by the served page and by ``govledger report``."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(KST).year


def kst(at: dt.datetime | None) -> str:
    """A stored UTC time in Seoul time, ISO 8601 with its offset (``2023-12-20T10:00:00+09:00``):
    open data a program parses; the HTML page shows it as ``2023-12-20 10:00 KST``."""
    return "" if at is None else at.astimezone(KST).isoformat(timespec="seconds")


def day(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def entities(views: Mapping[str, View[Any]], model: str) -> list[Any]:
    return sorted(views[model].entities.values(), key=lambda e: e.key)


def council_rows(members: Iterable[Member], year: int) -> list[Member]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [m for m in members if m.body == "council" and served_during(m, first, last)]


def council_table(members: list[Member]) -> Table:
    return Table(name="council", columns=(
        "member_id", "name", "sector", "route", "centre", "affiliation", "term_start",
        "term_end", "renewals", "ended_on", "end_cause"),
        rows=tuple((m.member_id, m.name, m.sector, m.route, m.centre, m.affiliation,
                    day(m.term_start), day(m.term_end), m.renewals, day(m.ended_on),
                    m.end_cause) for m in members))


def active_in(agenda: Agenda, year: int) -> bool:
    """Proposed that year, or moved along the pipeline that year (Seoul calendar)."""
    return agenda.year == year or any(seoul_day(m.occurred_at).year == year
                                      for m in agenda.history)


def agenda_table(agendas: list[Agenda]) -> Table:
    return Table(name="agendas", columns=(
        "agenda_id", "title", "domains", "channel", "year", "stage", "closed", "merged_into",
        "sources", "vote_rank", "vote_count", "projects"),
        rows=tuple((a.agenda_id, a.title, " · ".join(a.domains), a.channel, a.year, a.stage,
                    a.closed, a.merged_into, " + ".join(a.merge.sources) if a.merge else "",
                    a.vote_rank, a.vote_count, " ".join(a.projects)) for a in agendas))


def merge_table(fused: list[Agenda], all_agendas: Mapping[str, Agenda]) -> Table:
    rows = []
    for a in fused:
        assert a.merge is not None
        for source in a.merge.sources:
            src = all_agendas.get(source)
            rows.append((a.agenda_id, a.title, source, src.title if src else "",
                         a.merge.meeting_id, kst(a.merge.occurred_at), a.merge.actor_role,
                         a.merge.reason, a.merge.position))
    return Table(name="merges", columns=(
        "fused_agenda_id", "fused_title", "source_agenda_id", "source_title", "meeting_id",
        "merged_at", "actor_role", "reason", "position"), rows=tuple(rows))


def turnout_table(votes: Mapping[str, VoteResult], year: int) -> Table:
    return Table(name="turnout", columns=("year", "votes", "turnout"), rows=tuple(
        (t.year, t.votes, t.turnout) for t in turnout_by_year(votes) if t.year <= year))


def tally_table(votes: list[VoteResult], year: int) -> Table:
    rows = [(v.vote_id, v.year, kst(v.opens_at), kst(v.closes_at), v.turnout, line.agenda_id,
             line.votes, line.rank) for v in votes if v.year <= year for line in v.tally]
    return Table(name="vote_results", columns=(
        "vote_id", "year", "opens_at", "closes_at", "turnout", "agenda_id", "votes", "rank"),
        rows=tuple(rows))


def mou_table(mous: list[Mou]) -> Table:
    return Table(name="mous", columns=(
        "mou_id", "project_id", "agenda_id", "title", "private_parties", "departments",
        "status", "revision", "signed_at", "executed_at"),
        rows=tuple((m.mou_id, m.project_id, m.agenda_id, m.title, " · ".join(m.private_parties),
                    " · ".join(m.departments), m.status, m.revision, kst(m.signed_at),
                    kst(m.executed_at)) for m in mous))


def goal_table(mous: list[Mou]) -> Table:
    return Table(name="goals", columns=(
        "mou_id", "goal_id", "stage", "description", "due", "latest_score", "status"),
        rows=tuple((m.mou_id, g.goal_id, g.stage, g.description, day(g.due), g.latest_score,
                    g.status) for m in mous for g in m.goals))


def evaluation_table(cards: list[Scorecard]) -> Table:
    return Table(name="evaluations", columns=(
        "project_id", "mou_id", "kind", "year", "half", "goal_average", "private_role_score",
        "public_role_score", "occurred_at"),
        rows=tuple((c.project_id, c.mou_id, c.kind, c.year, c.half, c.goal_average,
                    c.private_role_score, c.public_role_score, kst(c.occurred_at))
                   for c in sorted(cards, key=lambda c: (c.project_id, c.half, c.kind))))


STATISTICS_FIRST = ("year", "council_appointments", "subcommittee_assignments", "appointments")
"""Who joined the council, then the other seats, before every other count."""


def statistics_table(stats: list[YearStatistics], year: int) -> Table:
    fields = STATISTICS_FIRST + tuple(f for f in YearStatistics.__struct_fields__
                                      if f != "key" and f not in STATISTICS_FIRST)
    rows = tuple(tuple(getattr(s, f) for f in fields)
                 for s in sorted(stats, key=lambda s: s.year) if s.year <= year)
    return Table(name="statistics", columns=fields, rows=rows)


def figures(council: list[Member], agendas: list[Agenda], votes: Mapping[str, VoteResult],
            mous: list[Mou], cards: list[Scorecard], year: int) -> Figures:
    private = sum(1 for m in council if m.sector == "private")
    return Figures(
        council_members=len(council), council_private=private,
        council_private_share=round(100 * private / len(council), 1) if council else 0.0,
        turnout=tuple((t.year, t.turnout) for t in turnout_by_year(votes) if t.year <= year),
        agendas=len(agendas), merges=sum(1 for a in agendas if a.merge is not None),
        mous=len(mous), evaluations=len(cards))


def build_report(views: Mapping[str, View[Any]], year: int, *, ward: str) -> Report:
    """The report for ``year`` from views all at the same ledger position."""
    council = council_rows(entities(views, "members"), year)
    all_agendas: dict[str, Agenda] = views["agendas"].entities
    agendas = [a for a in entities(views, "agendas") if active_in(a, year)]
    fused = [a for a in agendas if a.merge is not None]
    votes: dict[str, VoteResult] = views["votes"].entities
    mous = [m for m in entities(views, "mous") if m.year == year]
    cards = [c for c in entities(views, "evaluations") if c.year == year]
    any_view = views["members"]
    return Report(
        ward=ward, year=year, head=Head(position=any_view.position, hash=any_view.hash),
        figures=figures(council, agendas, votes, mous, cards, year),
        tables=(council_table(council), agenda_table(agendas), merge_table(fused, all_agendas),
                turnout_table(votes, year), tally_table(entities(views, "votes"), year),
                mou_table(mous), goal_table(mous), evaluation_table(cards),
                statistics_table(entities(views, "statistics"), year)))

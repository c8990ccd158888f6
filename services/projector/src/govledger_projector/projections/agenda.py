"""Agenda board (의제 보드): each agenda's stage, deliberations, merges (with provenance),
votes, working groups, MOUs, execution and evaluations (§2, §6.1–§6.3, §7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from govledger_contracts.events import (
    AgendaDeliberated,
    AgendaMergedInto,
    AgendaProposed,
    AgendaPutToVote,
    AgendasMerged,
    AgendaWithdrawn,
    EvaluationRecorded,
    ExecutionStarted,
    MouSigned,
    VoteClosed,
    WorkingGroupFormed,
)
from govledger_contracts.views.agenda import (
    STAGES,
    Agenda,
    AgendaSummary,
    DeliberationRecord,
    MergeRecord,
    StageCount,
    StageMark,
)
from govledger_projector.projections.base import Counts, Entry, Projection, View

MODEL = "agendas"
_RANK = {stage: n for n, stage in enumerate(STAGES)}


def advance(agenda: Agenda, stage: str, entry: Entry, **changes: Any) -> Agenda:
    """Move forward to ``stage`` (never backward) and record when; apply ``changes``."""
    env = entry.envelope
    if _RANK[stage] > _RANK[agenda.stage]:
        mark = StageMark(stage=stage, position=env.position, occurred_at=env.occurred_at)
        changes.update(stage=stage, history=(*agenda.history, mark))
    return msgspec.structs.replace(agenda, updated_position=env.position, **changes)


def born(entry: Entry, event: AgendaProposed | AgendasMerged, stage: str) -> Agenda:
    env = entry.envelope
    return Agenda(
        key=event.agenda_id, agenda_id=event.agenda_id, title=event.title,
        summary=event.summary, channel=getattr(event, "channel", "fusion_coordination"),
        domains=event.domains, year=event.year, stage=stage,
        history=(StageMark(stage=stage, position=env.position, occurred_at=env.occurred_at),),
        proposed_position=env.position, updated_position=env.position)


def merged(entry: Entry, event: AgendasMerged) -> Agenda:
    env = entry.envelope
    record = MergeRecord(sources=event.sources, meeting_id=event.meeting_id,
                         position=env.position, occurred_at=env.occurred_at,
                         actor_id=env.actor.id, actor_role=env.actor.role, reason=env.reason)
    return msgspec.structs.replace(born(entry, event, "merged"), merge=record)


def find(agendas: Mapping[str, Agenda], field: str, value: str) -> Agenda | None:
    """The agenda whose tuple ``field`` (``mous``, ``projects``) holds ``value``."""
    return next((a for a in agendas.values() if value in getattr(a, field)), None)


def on_vote_closed(agendas: Mapping[str, Agenda], entry: Entry,
                   event: VoteClosed) -> dict[str, Agenda]:
    out = {}
    for line in event.tally:
        if line.agenda_id in agendas:
            out[line.agenda_id] = advance(agendas[line.agenda_id], "prioritised", entry,
                                          vote_rank=line.rank, vote_count=line.votes)
    return out


def on_deliberated(agenda: Agenda, entry: Entry, event: AgendaDeliberated) -> Agenda:
    record = DeliberationRecord(deliberation_id=event.deliberation_id, format=event.format,
                                participants=event.participants, summary=event.summary,
                                occurred_at=entry.envelope.occurred_at)
    return advance(agenda, "deliberated", entry, deliberations=(*agenda.deliberations, record))


def evolve_own(agendas: Mapping[str, Agenda], entry: Entry) -> dict[str, Agenda]:
    """Events that name the agenda itself."""
    event = entry.event
    match event:
        case AgendaProposed():
            return {event.agenda_id: born(entry, event, "proposed")}
        case AgendasMerged():
            return {event.agenda_id: merged(entry, event)}
    agenda_id = getattr(event, "agenda_id", None)
    if agenda_id is None or agenda_id not in agendas:
        return {}
    agenda = agendas[agenda_id]
    match event:
        case AgendaDeliberated():
            return {agenda_id: on_deliberated(agenda, entry, event)}
        case AgendaMergedInto():
            return {agenda_id: advance(agenda, agenda.stage, entry, closed="merged_into",
                                       merged_into=event.merged_into)}
        case AgendaWithdrawn():
            return {agenda_id: advance(agenda, agenda.stage, entry, closed="withdrawn")}
        case AgendaPutToVote():
            return {agenda_id: advance(agenda, "on_ballot", entry,
                                       votes=(*agenda.votes, event.vote_id))}
        case WorkingGroupFormed():
            return {agenda_id: advance(agenda, agenda.stage, entry, working_groups=(
                *agenda.working_groups, event.working_group_id))}
        case MouSigned():
            return {agenda_id: advance(agenda, "agreed", entry, mous=(*agenda.mous, event.mou_id),
                                       projects=(*agenda.projects, event.project_id))}
    return {}


def evolve(agendas: Mapping[str, Agenda], entry: Entry) -> dict[str, Agenda]:
    event = entry.event
    match event:
        case VoteClosed():
            return on_vote_closed(agendas, entry, event)
        case ExecutionStarted():
            found = find(agendas, "mous", event.mou_id)
            return {} if found is None else {
                found.key: advance(found, "in_execution", entry)}
        case EvaluationRecorded():
            found = find(agendas, "projects", event.project_id)
            return {} if found is None else {found.key: advance(
                found, "evaluated", entry, evaluations=found.evaluations + 1)}
    return evolve_own(agendas, entry)


def provenance(agendas: Mapping[str, Agenda], agenda_id: str) -> list[tuple[int, Agenda]]:
    """The fused agenda and every source it came from, depth-first, with its depth."""
    out: list[tuple[int, Agenda]] = []
    stack = [(0, agenda_id)]
    while stack:
        depth, current = stack.pop()
        agenda = agendas.get(current)
        if agenda is None:
            continue
        out.append((depth, agenda))
        sources = agenda.merge.sources if agenda.merge else ()
        stack.extend((depth + 1, s) for s in reversed(sources))
    return out


def count(agenda: Agenda) -> dict[str, int]:
    """What one agenda adds to the board's summary: a live one counts at its stage."""
    counts = {"total": 1, "fused": int(agenda.merge is not None)}
    if agenda.closed:
        counts[f"closed:{agenda.closed}"] = 1
    else:
        counts["live"] = 1
        counts[f"stage:{agenda.stage}"] = 1
    return counts


def summarize_counts(counts: Counts, view: View[Any]) -> AgendaSummary:
    """The board's summary from the sums of ``count`` over every agenda."""
    stages = tuple(StageCount(stage=s, count=counts.get(f"stage:{s}", 0)) for s in STAGES)
    return AgendaSummary(
        total=counts.get("total", 0), live=counts.get("live", 0),
        merged_into=counts.get("closed:merged_into", 0),
        withdrawn=counts.get("closed:withdrawn", 0), fused=counts.get("fused", 0),
        stages=stages, position=view.summary_position)


def summarize(view: View[Any]) -> AgendaSummary:
    """The board's summary, counted over every agenda (``summarize_counts`` must agree)."""
    agendas: list[Agenda] = list(view.entities.values())
    live = [a for a in agendas if not a.closed]
    stages = tuple(StageCount(stage=s, count=sum(1 for a in live if a.stage == s))
                   for s in STAGES)
    return AgendaSummary(
        total=len(agendas), live=len(live),
        merged_into=sum(1 for a in agendas if a.closed == "merged_into"),
        withdrawn=sum(1 for a in agendas if a.closed == "withdrawn"),
        fused=sum(1 for a in agendas if a.merge is not None), stages=stages,
        position=view.summary_position)


PROJECTION = Projection(model=MODEL, entity=Agenda, evolve=evolve, summarize=summarize,
                        count=count, summarize_counts=summarize_counts)

"""의제융합·조정회의 (fusion & coordination): merging agendas, over their ``agenda-`` streams.

A merge reads the new agenda's stream and every source's. It needs at least two live
sources (proposed or deliberated; not merged, withdrawn or on a ballot), writes the fused
agenda's birth with its sources (provenance), and closes each source as merged into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govledger_contracts.commands import MergeAgendas
from govledger_contracts.events import AgendaMergedInto, AgendasMerged
from govledger_ledger.domain.agenda import AgendaState, agenda_stream
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected
from govledger_ledger.domain.rules import refuse

_SOURCE_REFUSALS = {
    "none": "merge.source_unknown",
    "merged": "merge.source_merged",
    "withdrawn": "merge.source_withdrawn",
    "on_ballot": "merge.source_on_ballot",
}


def merge_streams(cmd: MergeAgendas) -> tuple[str, ...]:
    sources = tuple(dict.fromkeys(cmd.source_ids))
    return tuple(agenda_stream(a) for a in (cmd.agenda_id, *sources))


def _merge_invalid(cmd: MergeAgendas) -> Rejected | None:
    if len(set(cmd.source_ids)) != len(cmd.source_ids):
        return refuse("merge.duplicate_source", "source_ids")
    if len(cmd.source_ids) < 2:
        return refuse("merge.too_few_sources", "source_ids")
    if cmd.agenda_id in cmd.source_ids:
        return refuse("merge.self_source", "agenda_id")
    return None


def _source_refused(states: Mapping[str, Any], source_ids: tuple[str, ...]) -> Rejected | None:
    for source in source_ids:
        code = _SOURCE_REFUSALS.get(states[agenda_stream(source)].status)
        if code:
            return refuse(code, "source_ids")
    return None


def _union(states: Mapping[str, Any], source_ids: tuple[str, ...]) -> tuple[str, ...]:
    domains = (d for s in source_ids for d in states[agenda_stream(s)].domains)
    return tuple(dict.fromkeys(domains))


def decide_merge(cmd: MergeAgendas, states: Mapping[str, Any], ctx: Context) -> Decision:
    """Two or more live agendas fuse into a new one that keeps them as its sources."""
    target: AgendaState = states[agenda_stream(cmd.agenda_id)]
    rejection = (_merge_invalid(cmd)
                 or (refuse("agenda.already_proposed", "agenda_id")
                     if target.status != "none" else None)
                 or _source_refused(states, cmd.source_ids))
    if rejection:
        return rejection
    fused = AgendasMerged(
        agenda_id=cmd.agenda_id, sources=cmd.source_ids, title=cmd.title, summary=cmd.summary,
        domains=cmd.domains or _union(states, cmd.source_ids), year=cmd.year,
        meeting_id=cmd.meeting_id,
    )
    closed = [Emit(stream_id=agenda_stream(s),
                   event=AgendaMergedInto(agenda_id=s, merged_into=cmd.agenda_id))
              for s in cmd.source_ids]
    return [Emit(stream_id=agenda_stream(cmd.agenda_id), event=fused), *closed]

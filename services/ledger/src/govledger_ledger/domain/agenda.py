"""의제 (agenda): one stream per agenda, ``agenda-<id>``.

An agenda is ``proposed`` (or born ``proposed`` from a merge), may be ``deliberated``, and
once ``on_ballot`` (a vote's candidate) it can no longer be merged or withdrawn; it closes
as ``merged`` (into a fused agenda) or ``withdrawn``, and a closed agenda accepts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import ProposeAgenda, RecordDeliberation, WithdrawAgenda
from govledger_contracts.events import (
    AgendaDeliberated,
    AgendaMergedInto,
    AgendaProposed,
    AgendaPutToVote,
    AgendasMerged,
    AgendaWithdrawn,
    Event,
)
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, fold
from govledger_ledger.domain.rules import refuse

FORMATS = frozenset({"resident_forum", "small_forum", "working_group", "workshop"})
CHANNELS = FORMATS | {"online", "open_subcommittee", "department"}
"""How an agenda reaches the board (제안 경로); a fused agenda's is the fusion meeting's."""
CLOSED = frozenset({"merged", "withdrawn"})


def agenda_stream(agenda_id: str) -> str:
    return f"agenda-{agenda_id}"


class AgendaState(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "none"
    """none, proposed, deliberated, on_ballot, merged or withdrawn."""
    title: str = ""
    domains: tuple[str, ...] = ()
    year: int = 0
    sources: tuple[str, ...] = ()
    merged_into: str = ""
    votes: tuple[str, ...] = ()


def _put(state: AgendaState, **changes: Any) -> AgendaState:
    return msgspec.structs.replace(state, **changes)


def evolve(state: AgendaState, event: Event) -> AgendaState:
    match event:
        case AgendaProposed(title=title, domains=domains, year=year):
            return AgendaState(status="proposed", title=title, domains=domains, year=year)
        case AgendasMerged(title=title, domains=domains, year=year, sources=sources):
            return AgendaState(status="proposed", title=title, domains=domains, year=year,
                               sources=sources)
        case AgendaDeliberated():
            return _put(state, status="deliberated") if state.status == "proposed" else state
        case AgendaPutToVote(vote_id=vote_id):
            return _put(state, status="on_ballot", votes=(*state.votes, vote_id))
        case AgendaMergedInto(merged_into=target):
            return _put(state, status="merged", merged_into=target)
        case AgendaWithdrawn():
            return _put(state, status="withdrawn")
        case _:
            return state


def fold_agenda(_stream_id: str, events: Iterable[Event]) -> AgendaState:
    return fold(evolve, AgendaState(), events)


def open_for_work(state: AgendaState, field: str) -> Rejected | None:
    """An agenda that exists and is neither merged nor withdrawn."""
    if state.status == "none":
        return refuse("agenda.unknown", field)
    return refuse("agenda.closed", field) if state.status in CLOSED else None


def decide_propose(cmd: ProposeAgenda, states: Mapping[str, Any], ctx: Context) -> Decision:
    """An agenda is proposed once, with at least one domain (영역)."""
    stream = agenda_stream(cmd.agenda_id)
    if states[stream].status != "none":
        return refuse("agenda.already_proposed", "agenda_id")
    if not cmd.domains:
        return refuse("agenda.no_domain", "domains")
    if cmd.channel not in CHANNELS:
        return refuse("agenda.channel_unknown", "channel")
    event = AgendaProposed(
        agenda_id=cmd.agenda_id, title=cmd.title, summary=cmd.summary,
        channel=cmd.channel, domains=cmd.domains, year=cmd.year,
    )
    return [Emit(stream_id=stream, event=event)]


def deliberation_streams(cmd: RecordDeliberation) -> tuple[str, ...]:
    return tuple(agenda_stream(a) for a in dict.fromkeys(cmd.agenda_ids))


def _deliberation_invalid(cmd: RecordDeliberation) -> Rejected | None:
    if not cmd.agenda_ids:
        return refuse("deliberation.no_agenda", "agenda_ids")
    if len(set(cmd.agenda_ids)) != len(cmd.agenda_ids):
        return refuse("deliberation.duplicate_agenda", "agenda_ids")
    if cmd.format not in FORMATS:
        return refuse("deliberation.format_unknown", "format")
    return None if cmd.participants >= 1 else refuse("deliberation.participants_invalid",
                                                     "participants")


def decide_deliberate(cmd: RecordDeliberation, states: Mapping[str, Any],
                      ctx: Context) -> Decision:
    """A forum or working group deliberates on open agendas (숙의·공론, §6.1)."""
    rejection = _deliberation_invalid(cmd) or next(
        (r for a in cmd.agenda_ids
         if (r := open_for_work(states[agenda_stream(a)], "agenda_ids"))), None)
    if rejection:
        return rejection
    return [Emit(stream_id=agenda_stream(a), event=AgendaDeliberated(
        agenda_id=a, deliberation_id=cmd.deliberation_id, format=cmd.format,
        participants=cmd.participants, summary=cmd.summary,
    )) for a in cmd.agenda_ids]


def decide_withdraw(cmd: WithdrawAgenda, states: Mapping[str, Any], ctx: Context) -> Decision:
    """An open agenda not yet put to a vote may be withdrawn."""
    stream = agenda_stream(cmd.agenda_id)
    state: AgendaState = states[stream]
    rejection = open_for_work(state, "agenda_id") or (
        refuse("agenda.on_ballot", "agenda_id") if state.status == "on_ballot" else None)
    if rejection:
        return rejection
    return [Emit(stream_id=stream, event=AgendaWithdrawn(agenda_id=cmd.agenda_id))]

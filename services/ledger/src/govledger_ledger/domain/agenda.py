"""의제 (agenda): one stream per agenda, ``agenda-<id>``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from govledger_contracts.commands import ProposeAgenda
from govledger_contracts.events import AgendaProposed, Event

from govledger_ledger.domain.core import Context, Decision, Emit, fold, reject


def agenda_stream(agenda_id: str) -> str:
    return f"agenda-{agenda_id}"


class AgendaState(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "none"
    title: str = ""


def evolve(state: AgendaState, event: Event) -> AgendaState:
    match event:
        case AgendaProposed(title=title):
            return AgendaState(status="proposed", title=title)
        case _:
            return state


def fold_agenda(_stream_id: str, events: Iterable[Event]) -> AgendaState:
    return fold(evolve, AgendaState(), events)


def decide_propose(cmd: ProposeAgenda, states: Mapping[str, Any], ctx: Context) -> Decision:
    """An agenda is proposed once, with at least one domain (영역)."""
    stream = agenda_stream(cmd.agenda_id)
    if states[stream].status != "none":
        return reject("agenda.already_proposed", "이미 제안된 의제입니다.",
                      "The agenda was already proposed.")
    if not cmd.domains:
        return reject("agenda.no_domain", "의제에는 영역이 하나 이상 필요합니다.",
                      "An agenda needs at least one domain.", status=422, field="domains")
    event = AgendaProposed(
        agenda_id=cmd.agenda_id, title=cmd.title, summary=cmd.summary,
        channel=cmd.channel, domains=cmd.domains, year=cmd.year,
    )
    return [Emit(stream_id=stream, event=event)]

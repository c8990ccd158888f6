"""워킹그룹 (working group): stream ``working-group-<id>``, formed for an open agenda (§4, §6.3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import FormWorkingGroup
from govledger_contracts.events import Event, WorkingGroupFormed
from govledger_ledger.domain.agenda import agenda_stream, open_for_work
from govledger_ledger.domain.core import Context, Decision, Emit, fold
from govledger_ledger.domain.rules import refuse


def working_group_stream(working_group_id: str) -> str:
    return f"working-group-{working_group_id}"


class WorkingGroupState(msgspec.Struct, frozen=True, kw_only=True):
    formed: bool = False
    agenda_id: str = ""
    private_partners: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()


def evolve(state: WorkingGroupState, event: Event) -> WorkingGroupState:
    match event:
        case WorkingGroupFormed():
            return WorkingGroupState(formed=True, agenda_id=event.agenda_id,
                                     private_partners=event.private_partners,
                                     departments=event.departments)
        case _:
            return state


def fold_working_group(_stream_id: str, events: Iterable[Event]) -> WorkingGroupState:
    return fold(evolve, WorkingGroupState(), events)


def form_streams(cmd: FormWorkingGroup) -> tuple[str, ...]:
    return (working_group_stream(cmd.working_group_id), agenda_stream(cmd.agenda_id))


def decide_form(cmd: FormWorkingGroup, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A working group pairs private partners with departments on an open agenda."""
    stream = working_group_stream(cmd.working_group_id)
    rejection = (
        (refuse("working_group.already_formed", "working_group_id")
         if states[stream].formed else None)
        or (None if cmd.private_partners
            else refuse("working_group.no_private_partner", "private_partners"))
        or (None if cmd.departments else refuse("working_group.no_department", "departments"))
        or open_for_work(states[agenda_stream(cmd.agenda_id)], "agenda_id")
    )
    if rejection:
        return rejection
    event = WorkingGroupFormed(
        working_group_id=cmd.working_group_id, agenda_id=cmd.agenda_id, name=cmd.name,
        private_partners=cmd.private_partners, departments=cmd.departments, year=cmd.year,
    )
    return [Emit(stream_id=stream, event=event)]

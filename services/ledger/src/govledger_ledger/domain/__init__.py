"""The pure governance domain: decide and evolve per stream type, and the handler registry."""

from __future__ import annotations

from typing import Any

from govledger_contracts.commands import AppointMember, Command, ProposeAgenda

from govledger_ledger.domain import agenda, council
from govledger_ledger.domain.core import Context, Decision, Emit, Handler, Rejected

SECRETARIAT = "secretariat"
ADMIN = "admin"

HANDLERS: dict[type[Command], Handler[Any]] = {
    AppointMember: Handler(
        command=AppointMember,
        streams=lambda c: (council.COUNCIL_STREAM,),
        fold=council.fold_council,
        decide=council.decide_appoint,
        roles=frozenset({SECRETARIAT, ADMIN}),
        path="/v1/council/appointments",
        summary="협치회의 위원 위촉 / Appoint a council member",
    ),
    ProposeAgenda: Handler(
        command=ProposeAgenda,
        streams=lambda c: (agenda.agenda_stream(c.agenda_id),),
        fold=agenda.fold_agenda,
        decide=agenda.decide_propose,
        roles=frozenset({SECRETARIAT, ADMIN, "resident", "department_officer"}),
        path="/v1/agendas",
        summary="의제 제안 / Propose an agenda",
    ),
}

__all__ = ["HANDLERS", "Context", "Decision", "Emit", "Handler", "Rejected"]

"""Merge commands: the fusion & coordination meeting (의제융합·조정회의)."""

from __future__ import annotations

from govledger_contracts.commands.base import Command


class MergeAgendas(Command, frozen=True, kw_only=True):
    """Fuse two or more live agendas into a new agenda, closing the sources (의제 융합)."""

    agenda_id: str
    """The fused agenda's new id."""
    source_ids: tuple[str, ...]
    title: str
    summary: str = ""
    domains: tuple[str, ...] = ()
    """The fused agenda's domains; empty means the union of the sources' domains."""
    year: int
    meeting_id: str = ""

"""Merge family: the fusion & coordination meeting (의제융합·조정회의) fuses agendas (§2, §6.3)."""

from __future__ import annotations

from typing import ClassVar

from govledger_contracts.events.base import Event


class AgendasMerged(Event, frozen=True, kw_only=True, tag="agendas_merged"):
    """의제 융합: a fused agenda is born from two or more live agendas, keeping its sources."""

    family: ClassVar[str] = "merge"
    agenda_id: str
    """The fused agenda's id."""
    sources: tuple[str, ...]
    """The source agendas, in the order given (provenance)."""
    title: str
    summary: str
    domains: tuple[str, ...]
    year: int
    meeting_id: str = ""
    """The fusion & coordination meeting that decided it, if recorded."""


class AgendaMergedInto(Event, frozen=True, kw_only=True, tag="agenda_merged_into"):
    """A source agenda is closed as merged into a fused agenda."""

    family: ClassVar[str] = "merge"
    agenda_id: str
    merged_into: str

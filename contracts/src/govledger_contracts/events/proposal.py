"""Proposal family: agendas (의제) proposed through the ward's channels (§6.1)."""

from __future__ import annotations

from typing import ClassVar

from govledger_contracts.events.base import Event


class AgendaProposed(Event, tag="agenda_proposed"):
    """의제 제안: an agenda enters the board through a channel, with its domains (영역)."""

    family: ClassVar[str] = "proposal"
    agenda_id: str
    title: str
    summary: str
    channel: str
    """e.g. ``online``, ``resident_forum`` (공론장), ``open_subcommittee``, ``department``."""
    domains: tuple[str, ...]
    year: int

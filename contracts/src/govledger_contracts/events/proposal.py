"""Proposal family: agendas (의제) proposed, deliberated and withdrawn (§6.1)."""

from __future__ import annotations

from typing import ClassVar

from govledger_contracts.events.base import Event


class AgendaProposed(Event, frozen=True, kw_only=True, tag="agenda_proposed"):
    """의제 제안: an agenda enters the board through a channel, with its domains (영역)."""

    family: ClassVar[str] = "proposal"
    agenda_id: str
    title: str
    summary: str
    channel: str
    """e.g. ``online``, ``resident_forum`` (공론장), ``open_subcommittee``, ``department``."""
    domains: tuple[str, ...]
    year: int


class AgendaDeliberated(Event, frozen=True, kw_only=True, tag="agenda_deliberated"):
    """숙의·공론: a forum or working-group deliberation was held on the agenda."""

    family: ClassVar[str] = "proposal"
    agenda_id: str
    deliberation_id: str
    format: str
    """``resident_forum`` (공론장), ``small_forum`` (소규모 민·민 공론장), ``working_group``
    (워킹그룹 숙의), ``workshop`` (워크숍)."""
    participants: int
    summary: str = ""


class AgendaWithdrawn(Event, frozen=True, kw_only=True, tag="agenda_withdrawn"):
    """의제 철회: the agenda leaves the board; it can no longer be merged or voted on."""

    family: ClassVar[str] = "proposal"
    agenda_id: str

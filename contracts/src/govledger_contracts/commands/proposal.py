"""Proposal commands."""

from __future__ import annotations

from govledger_contracts.commands.base import Command


class ProposeAgenda(Command, frozen=True, kw_only=True):
    """Propose an agenda (의제 제안) through a channel, with its domains (영역)."""

    agenda_id: str
    title: str
    summary: str = ""
    channel: str
    domains: tuple[str, ...]
    year: int

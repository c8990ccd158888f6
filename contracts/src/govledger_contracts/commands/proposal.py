"""Proposal commands: agendas proposed, deliberated and withdrawn."""

from __future__ import annotations

from typing import Annotated

import msgspec

from govledger_contracts.commands.base import Command


class ProposeAgenda(Command, frozen=True, kw_only=True):
    """Propose an agenda (의제 제안) through a channel, with its domains (영역)."""

    agenda_id: str
    title: str
    summary: str = ""
    channel: Annotated[str, msgspec.Meta(description=(
        "How the agenda reached the board (제안 경로): online, resident_forum, small_forum, "
        "open_subcommittee, working_group, workshop or department (agenda.channel_unknown "
        "otherwise)."))]
    domains: tuple[str, ...]
    year: int


class RecordDeliberation(Command, frozen=True, kw_only=True):
    """Record a forum or working-group deliberation (숙의·공론장) held on agendas."""

    deliberation_id: str
    agenda_ids: tuple[str, ...]
    format: str
    """``resident_forum``, ``small_forum``, ``working_group`` or ``workshop``."""
    participants: int
    summary: str = ""


class WithdrawAgenda(Command, frozen=True, kw_only=True):
    """Withdraw an agenda from the board (의제 철회)."""

    agenda_id: str

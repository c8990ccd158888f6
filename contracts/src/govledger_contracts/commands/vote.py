"""Vote commands: residents' priority votes (우선순위 선정 주민투표).

``CastBallot`` is what the trusted vote gateway sends; the ledger turns it into the internal
``RecordBallot`` (the resident id replaced by its keyed pseudonym) before anything is read
or written, so the identifier never reaches a stream id or an event.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from govledger_contracts.commands.base import Command

AwareDatetime = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class OpenVote(Command, frozen=True, kw_only=True):
    """Open a priority vote over candidate agendas for a period (투표 개시)."""

    vote_id: str
    title: str
    year: int
    candidate_ids: tuple[str, ...]
    max_choices: int
    opens_at: AwareDatetime
    closes_at: AwareDatetime


class CastBallot(Command, frozen=True, kw_only=True):
    """A resident's ballot, relayed by the vote gateway (투표); only ``vote_gateway`` sends it."""

    vote_id: str
    resident_id: str
    """The resident's identifier at the gateway. Never stored: see ``RecordBallot``."""
    choices: tuple[str, ...]


class RecordBallot(Command, frozen=True, kw_only=True):
    """Internal: a ballot under its voter's pseudonym. Not an HTTP body; made by ``prepare``."""

    vote_id: str
    voter: str
    """Lowercase hex HMAC-SHA256(ward voter key, resident id)."""
    choices: tuple[str, ...]


class CloseVote(Command, frozen=True, kw_only=True):
    """Close a vote after its period and record the tally and turnout (투표 마감·집계)."""

    vote_id: str

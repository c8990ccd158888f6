"""Vote family: residents' priority votes (우선순위 선정 주민투표, §2).

Voters are pseudonymous: ``voter`` is HMAC-SHA256(ward voter key, resident id) in hex. The
resident's identifier itself is never recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec

from govledger_contracts.events.base import Event


class VoteOpened(Event, frozen=True, kw_only=True, tag="vote_opened"):
    """투표 개시: a vote opens over candidate agendas for a period, with a choice limit."""

    family: ClassVar[str] = "vote"
    vote_id: str
    title: str
    year: int
    candidates: tuple[str, ...]
    """Candidate agenda ids, in ballot order."""
    max_choices: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    """Ballots are accepted from ``opens_at`` up to, not including, ``closes_at``."""


class AgendaPutToVote(Event, frozen=True, kw_only=True, tag="agenda_put_to_vote"):
    """투표 회부: the agenda is a candidate of a vote; it can no longer be merged or withdrawn."""

    family: ClassVar[str] = "vote"
    agenda_id: str
    vote_id: str


class BallotCast(Event, frozen=True, kw_only=True, tag="ballot_cast"):
    """투표: one pseudonymous voter's choices (at most one ballot per voter per vote)."""

    family: ClassVar[str] = "vote"
    vote_id: str
    voter: str
    """Keyed pseudonym: lowercase hex HMAC-SHA256(ward voter key, resident id)."""
    choices: tuple[str, ...]


class CandidateTally(msgspec.Struct, frozen=True, kw_only=True):
    """One candidate's count and rank (1 = most votes; ties share a rank)."""

    agenda_id: str
    votes: int
    rank: int


class VoteClosed(Event, frozen=True, kw_only=True, tag="vote_closed"):
    """투표 마감·집계: the vote closes; the tally per candidate and the turnout are recorded."""

    family: ClassVar[str] = "vote"
    vote_id: str
    turnout: int
    """Number of ballots (= voters, one ballot each)."""
    tally: tuple[CandidateTally, ...]
    """Every candidate, in ballot order."""

"""Vote results view (주민투표 결과): tallies, turnout, and turnout by year."""

from __future__ import annotations

import datetime as dt

import msgspec


class TallyLine(msgspec.Struct, frozen=True, kw_only=True):
    agenda_id: str
    votes: int
    rank: int
    """1 = most votes; ties share a rank; 0 while the vote is open (a live count)."""


class VoteResult(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    vote_id: str
    title: str
    year: int
    candidates: tuple[str, ...]
    max_choices: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    """``open`` or ``closed``."""
    ballots: int = 0
    """Ballots recorded so far."""
    live: tuple[TallyLine, ...] = ()
    """Running count per candidate from the ballots (rank 0)."""
    turnout: int | None = None
    """The official turnout recorded at the close."""
    tally: tuple[TallyLine, ...] = ()
    """The official tally recorded at the close, in ballot order."""
    closed_position: int | None = None
    updated_position: int = 0


class YearTurnout(msgspec.Struct, frozen=True, kw_only=True):
    year: int
    votes: int
    turnout: int
    """Sum of the closed votes' turnout that year."""


class VotesSummary(msgspec.Struct, frozen=True, kw_only=True):
    open: int
    closed: int
    turnout_by_year: tuple[YearTurnout, ...]
    position: int
    """The ledger position of the last event that changed this summary's inputs (an entity
    of the model): the summary holds from there up to the views' head (``/lag``)."""

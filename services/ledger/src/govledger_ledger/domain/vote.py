"""우선순위 선정 주민투표 (priority vote): stream ``vote-<id>`` holds only its opening and its
closing, so a ballot reads it cheaply; the ballots live in the vote's ballot boxes (ballot.py).

Opening reads every candidate's agenda stream: a merged or withdrawn agenda is refused, and
each candidate is marked ``on_ballot`` so it cannot be merged or withdrawn afterwards.
Closing reads the vote and all 256 ballot boxes once and records the tally and turnout.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import CloseVote, OpenVote
from govledger_contracts.events import (
    AgendaPutToVote,
    CandidateTally,
    Event,
    VoteClosed,
    VoteOpened,
)
from govledger_ledger.domain.agenda import agenda_stream
from govledger_ledger.domain.core import Context, Decision, Emit, Rejected, effective_time, fold
from govledger_ledger.domain.rules import refuse

BALLOT_BOXES = 256
"""A voter's box is the first byte of their pseudonym: ``ballot-box-<vote>-<00..ff>``."""
MAX_VOTE_PERIOD = dt.timedelta(days=90)
"""The ward's priority votes ran 10, 3 and 5 days (2020-2022, §2); a quarter is ample, and a
longer period is more likely a mistyped year than a vote."""

_CANDIDATE_REFUSALS = {
    "none": "vote.candidate_unknown",
    "merged": "vote.candidate_merged",
    "withdrawn": "vote.candidate_withdrawn",
}


def vote_stream(vote_id: str) -> str:
    return f"vote-{vote_id}"


def box_stream(vote_id: str, voter: str) -> str:
    """The ballot box that holds every ballot of this voter for this vote."""
    return f"ballot-box-{vote_id}-{voter[:2]}"


def all_box_streams(vote_id: str) -> tuple[str, ...]:
    return tuple(f"ballot-box-{vote_id}-{i:02x}" for i in range(BALLOT_BOXES))


class VoteState(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "none"
    """none, open or closed."""
    candidates: tuple[str, ...] = ()
    max_choices: int = 0
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    turnout: int = 0


def evolve(state: VoteState, event: Event) -> VoteState:
    match event:
        case VoteOpened():
            return VoteState(status="open", candidates=event.candidates,
                             max_choices=event.max_choices, opens_at=event.opens_at,
                             closes_at=event.closes_at)
        case VoteClosed(turnout=turnout):
            return msgspec.structs.replace(state, status="closed", turnout=turnout)
        case _:
            return state


def fold_vote(_stream_id: str, events: Iterable[Event]) -> VoteState:
    return fold(evolve, VoteState(), events)


def open_streams(cmd: OpenVote) -> tuple[str, ...]:
    candidates = dict.fromkeys(cmd.candidate_ids)
    return (vote_stream(cmd.vote_id), *(agenda_stream(a) for a in candidates))


def _opening_invalid(cmd: OpenVote) -> Rejected | None:
    if len(set(cmd.candidate_ids)) != len(cmd.candidate_ids):
        return refuse("vote.duplicate_candidate", "candidate_ids")
    if len(cmd.candidate_ids) < 2:
        return refuse("vote.too_few_candidates", "candidate_ids")
    if not 1 <= cmd.max_choices <= len(cmd.candidate_ids):
        return refuse("vote.choice_limit_invalid", "max_choices")
    if cmd.closes_at <= cmd.opens_at:
        return refuse("vote.period_invalid", "closes_at")
    too_long = cmd.closes_at - cmd.opens_at > MAX_VOTE_PERIOD
    return refuse("vote.period_too_long", "closes_at") if too_long else None


def _candidate_refused(states: Mapping[str, Any], ids: tuple[str, ...]) -> Rejected | None:
    for agenda_id in ids:
        code = _CANDIDATE_REFUSALS.get(states[agenda_stream(agenda_id)].status)
        if code:
            return refuse(code, "candidate_ids")
    return None


def decide_open(cmd: OpenVote, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A vote opens once, over two or more live agendas, for a period, with a choice limit."""
    stream = vote_stream(cmd.vote_id)
    rejection = ((refuse("vote.already_opened", "vote_id")
                  if states[stream].status != "none" else None)
                 or _opening_invalid(cmd) or _candidate_refused(states, cmd.candidate_ids))
    if rejection:
        return rejection
    opened = VoteOpened(vote_id=cmd.vote_id, title=cmd.title, year=cmd.year,
                        candidates=cmd.candidate_ids, max_choices=cmd.max_choices,
                        opens_at=cmd.opens_at, closes_at=cmd.closes_at)
    marks = [Emit(stream_id=agenda_stream(a), event=AgendaPutToVote(agenda_id=a,
                                                                     vote_id=cmd.vote_id))
             for a in cmd.candidate_ids]
    return [Emit(stream_id=stream, event=opened), *marks]


def close_streams(cmd: CloseVote) -> tuple[str, ...]:
    return (vote_stream(cmd.vote_id), *all_box_streams(cmd.vote_id))


def tally(candidates: tuple[str, ...], counts: Counter[str]) -> tuple[CandidateTally, ...]:
    """Every candidate's votes, in ballot order; rank 1 is the most votes, ties share."""
    return tuple(CandidateTally(agenda_id=a, votes=counts[a],
                                rank=1 + sum(counts[b] > counts[a] for b in candidates))
                 for a in candidates)


def decide_close(cmd: CloseVote, states: Mapping[str, Any], ctx: Context) -> Decision:
    """An open vote closes once its period is over; the tally counts every box once."""
    stream = vote_stream(cmd.vote_id)
    vote: VoteState = states[stream]
    if vote.status != "open":
        return refuse("vote.not_open" if vote.status == "none" else "vote.closed", "vote_id")
    if vote.closes_at is None or effective_time(cmd, ctx) < vote.closes_at:
        return refuse("vote.period_not_over", "vote_id")
    boxes = [states[b] for b in all_box_streams(cmd.vote_id)]
    counts: Counter[str] = Counter(c for box in boxes for ballot in box.ballots for c in ballot)
    closed = VoteClosed(vote_id=cmd.vote_id, turnout=sum(len(b.voters) for b in boxes),
                        tally=tally(vote.candidates, counts))
    return [Emit(stream_id=stream, event=closed)]

"""Vote results (주민투표 결과): live counts while open, the official tally and turnout at the
close, and turnout by year (§2: 294 / 2,441 / 1,420 / 1,577 in 2019–2022)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from govledger_contracts.events import BallotCast, VoteClosed, VoteOpened
from govledger_contracts.views.votes import TallyLine, VoteResult, VotesSummary, YearTurnout
from govledger_projector.projections.base import Entry, Projection, View

MODEL = "votes"


def opened(event: VoteOpened, position: int) -> VoteResult:
    return VoteResult(
        key=event.vote_id, vote_id=event.vote_id, title=event.title, year=event.year,
        candidates=event.candidates, max_choices=event.max_choices, opens_at=event.opens_at,
        closes_at=event.closes_at, status="open",
        live=tuple(TallyLine(agenda_id=c, votes=0, rank=0) for c in event.candidates),
        updated_position=position)


def counted(vote: VoteResult, event: BallotCast, position: int) -> VoteResult:
    chosen = set(event.choices)
    live = tuple(TallyLine(agenda_id=line.agenda_id, rank=0,
                           votes=line.votes + (line.agenda_id in chosen)) for line in vote.live)
    return msgspec.structs.replace(vote, ballots=vote.ballots + 1, live=live,
                                   updated_position=position)


def closed(vote: VoteResult, event: VoteClosed, position: int) -> VoteResult:
    tally = tuple(TallyLine(agenda_id=t.agenda_id, votes=t.votes, rank=t.rank)
                  for t in event.tally)
    return msgspec.structs.replace(vote, status="closed", turnout=event.turnout, tally=tally,
                                   closed_position=position, updated_position=position)


def evolve(votes: Mapping[str, VoteResult], entry: Entry) -> dict[str, VoteResult]:
    event, position = entry.event, entry.envelope.position
    match event:
        case VoteOpened():
            return {event.vote_id: opened(event, position)}
        case BallotCast() if event.vote_id in votes:
            return {event.vote_id: counted(votes[event.vote_id], event, position)}
        case VoteClosed() if event.vote_id in votes:
            return {event.vote_id: closed(votes[event.vote_id], event, position)}
    return {}


def turnout_by_year(votes: Mapping[str, VoteResult]) -> tuple[YearTurnout, ...]:
    years: dict[int, list[int]] = {}
    for vote in votes.values():
        if vote.turnout is not None:
            years.setdefault(vote.year, []).append(vote.turnout)
    return tuple(YearTurnout(year=y, votes=len(t), turnout=sum(t))
                 for y, t in sorted(years.items()))


def summarize(view: View[Any]) -> VotesSummary:
    votes: Mapping[str, VoteResult] = view.entities
    return VotesSummary(
        open=sum(1 for v in votes.values() if v.status == "open"),
        closed=sum(1 for v in votes.values() if v.status == "closed"),
        turnout_by_year=turnout_by_year(votes), position=view.summary_position)


PROJECTION = Projection(model=MODEL, entity=VoteResult, evolve=evolve, summarize=summarize)

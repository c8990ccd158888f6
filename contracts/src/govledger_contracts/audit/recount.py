"""Recount a residents' vote from its ballots and compare with the tally the ledger recorded.

Pure: give it the log's envelopes (from the database, or read from an export's events.jsonl
with ``export_envelopes``) and a vote id. It applies the vote's rules as the ledger states
them (events/vote.py, §2): the ballots that count are the ``ballot_cast`` events for the vote
recorded before its ``vote_closed``; one ballot per voter (a repeated voter is an anomaly and
only the first counts); each choice is one vote for that candidate; rank 1 is the most votes
and ties share a rank; turnout is the number of voters. The recount matches when every
candidate's votes and rank, the candidate order and the turnout equal the recorded ones.

Run it on an export only after ``audit_export`` passed: a recount proves the arithmetic, the
audit proves the ballots are the ones the ledger signed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from govledger_contracts.envelope import ENVELOPE_DECODER, Envelope
from govledger_contracts.events import BallotCast, VoteClosed, VoteOpened, from_payload

VOTE_EVENT_TYPES = ("vote_opened", "ballot_cast", "vote_closed")


class CandidateRecount(msgspec.Struct, frozen=True, kw_only=True):
    """One candidate: what the ledger recorded and what the ballots add up to."""

    agenda_id: str
    recorded_votes: int | None
    counted_votes: int
    recorded_rank: int | None
    counted_rank: int


class RecountReport(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome: ``status`` is ``match``, ``mismatch``, ``not_closed`` or ``unknown_vote``."""

    vote_id: str
    status: str
    ballots: int = 0
    """Ballot events for the vote before its close (including repeated voters)."""
    recorded_turnout: int | None = None
    counted_turnout: int = 0
    candidates: tuple[CandidateRecount, ...] = ()
    anomalies: tuple[str, ...] = ()
    closed_at_position: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "match"


class _Collected(msgspec.Struct, kw_only=True):
    opened: VoteOpened | None = None
    closed: VoteClosed | None = None
    closed_position: int | None = None
    ballots: list[tuple[int, BallotCast]] = msgspec.field(default_factory=list)


def _collect(vote_id: str, envelopes: Iterable[Envelope]) -> _Collected:
    found = _Collected()
    for e in envelopes:
        if e.type not in VOTE_EVENT_TYPES or e.payload.get("vote_id") != vote_id:
            continue
        event = from_payload(e.payload)
        if isinstance(event, VoteOpened) and found.opened is None:
            found.opened = event
        elif isinstance(event, BallotCast):
            found.ballots.append((e.position, event))
        elif isinstance(event, VoteClosed) and found.closed is None:
            found.closed, found.closed_position = event, e.position
    return found


def _count(opened: VoteOpened, ballots: list[BallotCast]) -> tuple[Counter[str], int, list[str]]:
    """Votes per candidate, turnout and anomalies, one ballot per voter."""
    counts: Counter[str] = Counter()
    voters: set[str] = set()
    anomalies: list[str] = []
    for ballot in ballots:
        if ballot.voter in voters:
            anomalies.append(f"voter {ballot.voter[:12]}… cast more than one ballot")
            continue
        voters.add(ballot.voter)
        unknown = [c for c in ballot.choices if c not in opened.candidates]
        if unknown or len(set(ballot.choices)) != len(ballot.choices):
            anomalies.append(f"voter {ballot.voter[:12]}… chose {ballot.choices!r}")
        if len(ballot.choices) > opened.max_choices:
            anomalies.append(f"voter {ballot.voter[:12]}… chose more than {opened.max_choices}")
        counts.update(c for c in dict.fromkeys(ballot.choices) if c in opened.candidates)
    return counts, len(voters), anomalies


def _rank(candidates: tuple[str, ...], counts: Counter[str], agenda_id: str) -> int:
    return 1 + sum(counts[b] > counts[agenda_id] for b in candidates)


def recount(vote_id: str, envelopes: Iterable[Envelope]) -> RecountReport:
    """Recount ``vote_id`` from the ballots among ``envelopes`` (in position order)."""
    found = _collect(vote_id, envelopes)
    if found.opened is None:
        return RecountReport(vote_id=vote_id, status="unknown_vote")
    limit = found.closed_position or 2**63
    ballots = [b for position, b in found.ballots if position < limit]
    counts, turnout, anomalies = _count(found.opened, ballots)
    late = len(found.ballots) - len(ballots)
    if late:
        anomalies.append(f"{late} ballot(s) recorded after the vote closed (not counted)")
    recorded = {t.agenda_id: t for t in found.closed.tally} if found.closed else {}
    candidates = tuple(
        CandidateRecount(
            agenda_id=a, counted_votes=counts[a], counted_rank=_rank(found.opened.candidates,
                                                                     counts, a),
            recorded_votes=recorded[a].votes if a in recorded else None,
            recorded_rank=recorded[a].rank if a in recorded else None,
        )
        for a in found.opened.candidates
    )
    status = "not_closed" if found.closed is None else _verdict(found.closed, candidates, turnout)
    return RecountReport(
        vote_id=vote_id, status=status, ballots=len(ballots), counted_turnout=turnout,
        recorded_turnout=found.closed.turnout if found.closed else None, candidates=candidates,
        anomalies=tuple(anomalies), closed_at_position=found.closed_position,
    )


def _verdict(closed: VoteClosed, candidates: tuple[CandidateRecount, ...], turnout: int) -> str:
    same_order = tuple(t.agenda_id for t in closed.tally) == tuple(c.agenda_id for c in candidates)
    same_counts = all(
        (c.recorded_votes, c.recorded_rank) == (c.counted_votes, c.counted_rank)
        for c in candidates
    )
    return "match" if same_order and same_counts and closed.turnout == turnout else "mismatch"


def export_envelopes(directory: str | os.PathLike[str], vote_id: str) -> Iterator[Envelope]:
    """The envelopes of an export that may concern ``vote_id``, in file order.

    A line is decoded only if it contains the vote id as a JSON string (every vote event's
    payload does), so a recount reads a large export at close to disk speed.
    """
    needle = msgspec.json.encode(vote_id)
    with (Path(directory) / "events.jsonl").open("rb") as lines:
        for line in lines:
            if needle in line:
                yield ENVELOPE_DECODER.decode(line)


def format_report(report: RecountReport) -> str:
    """A few lines for a person: the verdict, then each candidate recorded vs counted."""
    head = {
        "match": "재검표 일치 / recount matches the recorded tally",
        "mismatch": "재검표 불일치 / recount DOES NOT match the recorded tally",
        "not_closed": "투표가 아직 마감되지 않았습니다 / the vote has not closed: no tally yet",
        "unknown_vote": "그런 투표가 없습니다 / no such vote in the log",
    }[report.status]
    lines = [f"{report.vote_id}: {head}"]
    if report.status == "unknown_vote":
        return "\n".join(lines)
    lines.append(f"  turnout: recorded {report.recorded_turnout}, counted {report.counted_turnout}"
                 f" ({report.ballots} {'ballot' if report.ballots == 1 else 'ballots'})")
    lines += [
        f"  {c.agenda_id}: recorded {c.recorded_votes} (rank {c.recorded_rank}),"
        f" counted {c.counted_votes} (rank {c.counted_rank})"
        for c in report.candidates
    ]
    lines += [f"  anomaly: {a}" for a in report.anomalies]
    return "\n".join(lines)

"""투표함 (ballot boxes): ``ballot-box-<vote>-<xx>``, where ``xx`` is the first byte of the
voter's pseudonym, so every ballot of one voter for one vote lands in the same box.

Once per voter, under concurrency: a ballot reads its box (which knows every voter in it)
and the vote stream (a guard: open, candidates, limit, period) and appends to the box at
the version it read. Of 100 concurrent ballots from one voter, one appends; the others meet
a version conflict, reload, find the voter in the box and are refused ``vote.already_voted``.
Cost: a ballot folds one box (1/256 of the ballots) plus the two-event vote stream; the
close folds each ballot exactly once. A per-(vote, voter) stream would fold less per ballot
but could not be enumerated to count the ballots at the close.

Privacy: ``CastBallot`` (from the vote gateway) carries the resident id; ``prepare`` turns
it into ``RecordBallot`` with HMAC-SHA256(ward voter key, resident id) before any stream is
named or read, so the id never reaches a stream id, an event or the decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.commands import CastBallot, RecordBallot
from govledger_contracts.events import BallotCast, Event
from govledger_ledger.domain.core import (
    Context,
    Decision,
    Emit,
    Rejected,
    effective_time,
    fold,
    pseudonymize,
)
from govledger_ledger.domain.rules import refuse
from govledger_ledger.domain.vote import VoteState, box_stream, vote_stream

_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


class BoxState(msgspec.Struct, frozen=True, kw_only=True):
    voters: frozenset[str] = frozenset()
    ballots: tuple[tuple[str, ...], ...] = ()


def evolve(state: BoxState, event: Event) -> BoxState:
    match event:
        case BallotCast(voter=voter, choices=choices):
            return BoxState(voters=state.voters | {voter}, ballots=(*state.ballots, choices))
        case _:
            return state


def fold_box(_stream_id: str, events: Iterable[Event]) -> BoxState:
    return fold(evolve, BoxState(), events)


def prepare_ballot(cmd: CastBallot, ctx: Context) -> RecordBallot:
    """Replace the resident's identifier by its keyed pseudonym (the only place it is used)."""
    return RecordBallot(
        vote_id=cmd.vote_id, voter=pseudonymize(ctx.voter_key, cmd.resident_id),
        choices=cmd.choices, reason=cmd.reason, occurred_at=cmd.occurred_at,
        expected_version=cmd.expected_version,
    )


def ballot_streams(cmd: RecordBallot) -> tuple[str, ...]:
    return (box_stream(cmd.vote_id, cmd.voter), vote_stream(cmd.vote_id))


def _vote_refused(vote: VoteState, cmd: RecordBallot, ctx: Context) -> Rejected | None:
    if vote.status != "open":
        return refuse("vote.not_open" if vote.status == "none" else "vote.closed", "vote_id")
    at = effective_time(cmd, ctx)
    if vote.opens_at is None or vote.closes_at is None or not vote.opens_at <= at < vote.closes_at:
        return refuse("vote.outside_period", "occurred_at")
    return None


def _choices_invalid(vote: VoteState, choices: tuple[str, ...]) -> Rejected | None:
    if not choices:
        return refuse("vote.no_choice", "choices")
    if len(set(choices)) != len(choices):
        return refuse("vote.duplicate_choice", "choices")
    if any(c not in vote.candidates for c in choices):
        return refuse("vote.not_a_candidate", "choices")
    return refuse("vote.too_many_choices", "choices") if len(choices) > vote.max_choices else None


def decide_ballot(cmd: RecordBallot, states: Mapping[str, Any], ctx: Context) -> Decision:
    """A voter casts one ballot while the vote is open, for its candidates, within its limit."""
    box_id = box_stream(cmd.vote_id, cmd.voter)
    vote: VoteState = states[vote_stream(cmd.vote_id)]
    rejection = (
        (None if ctx.voter_key else refuse("vote.voter_key_missing"))
        or (None if _PSEUDONYM.match(cmd.voter) else refuse("vote.voter_invalid", "voter"))
        or _vote_refused(vote, cmd, ctx) or _choices_invalid(vote, cmd.choices)
        or (refuse("vote.already_voted") if cmd.voter in states[box_id].voters else None)
    )
    if rejection:
        return rejection
    event = BallotCast(vote_id=cmd.vote_id, voter=cmd.voter, choices=cmd.choices)
    return [Emit(stream_id=box_id, event=event)]

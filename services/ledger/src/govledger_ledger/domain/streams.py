"""Which state a stream folds into, by its id: ``council``, ``agenda-<id>``, ``vote-<id>``..."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from govledger_contracts.events import Event
from govledger_ledger.domain import (
    agenda,
    ballot,
    meeting,
    mou,
    plan,
    project,
    roster,
    vote,
    working_group,
)
from govledger_ledger.domain.core import fold

StreamType = tuple[Any, Callable[[Any, Event], Any]]
"""A stream type's initial state and its evolve function."""

_BODY: StreamType = (roster.BodyState(), roster.evolve)
_BY_PREFIX: tuple[tuple[str, StreamType], ...] = (
    ("agenda-", (agenda.AgendaState(), agenda.evolve)),
    ("vote-", (vote.VoteState(), vote.evolve)),
    ("ballot-box-", (ballot.BoxState(), ballot.evolve)),
    ("working-group-", (working_group.WorkingGroupState(), working_group.evolve)),
    ("mou-", (mou.MouState(), mou.evolve)),
    ("project-", (project.ProjectState(), project.evolve)),
    ("meeting-", (meeting.MeetingState(), meeting.evolve)),
    ("plan-", (plan.PlanState(), plan.evolve)),
    ("subcommittee-", _BODY),
)
_FIXED = {"council": _BODY, "regional-cooperation": _BODY, "advisory-panel": _BODY}


def stream_type(stream_id: str) -> StreamType:
    fixed = _FIXED.get(stream_id)
    if fixed is not None:
        return fixed
    for prefix, kind in _BY_PREFIX:
        if stream_id.startswith(prefix):
            return kind
    raise ValueError(f"no stream type for {stream_id!r}")


def fold_stream(stream_id: str, events: Iterable[Event]) -> Any:
    """Fold any stream into its state; an absent stream folds from no events."""
    initial, evolve = stream_type(stream_id)
    return fold(evolve, initial, events)


def evolve_stream(stream_id: str, state: Any, events: Iterable[Event]) -> Any:
    """Carry a stream's folded state forward over events appended after it."""
    _, evolve = stream_type(stream_id)
    return fold(evolve, state, events)

"""The pure core's vocabulary: rejections, the decision context, and stream handlers.

A handler is one stream type's pure pair: ``decide(command, states, ctx)`` returns the new
events (each addressed to one of the streams it read) or a ``Rejected`` value, and
``evolve(state, event)`` folds one event into the state. No I/O, no clock, no randomness:
time and fresh ids come in through ``Context``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from govledger_contracts.commands import Command
from govledger_contracts.events import Event

S = TypeVar("S")
C = TypeVar("C", bound=Command)


class Rejected(msgspec.Struct, frozen=True, kw_only=True):
    """A command the rules refuse. ``code`` is stable and dotted (``council.seats_full``)."""

    code: str
    message_ko: str
    message_en: str
    status: int = 409
    """409 when the state forbids it now; 422 when the command itself is invalid."""
    field: str | None = None


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What decide may know of the world: the time and the actor's role."""

    now: dt.datetime
    actor_id: str
    actor_role: str


class Emit(msgspec.Struct, frozen=True, kw_only=True):
    """One new event for one stream."""

    stream_id: str
    event: Event


Decision = list[Emit] | Rejected


@dataclass(frozen=True, slots=True)
class Handler(Generic[C]):
    """How the application runs one command type.

    ``streams`` names every stream the decision reads (the first is the command's own);
    the application loads and folds each with ``fold``, calls ``decide``, and appends the
    emitted events with the versions it read as expected versions, so a rule that spans
    streams holds under concurrency (a conflict makes it reload and decide again).
    """

    command: type[C]
    streams: Callable[[C], tuple[str, ...]]
    fold: Callable[[str, Iterable[Event]], Any]
    decide: Callable[[C, Mapping[str, Any], Context], Decision]
    roles: frozenset[str]
    """Roles allowed to give this command (the role matrix)."""


def fold(evolve: Callable[[S, Event], S], initial: S, events: Iterable[Event]) -> S:
    """Current state is a left fold of evolve over the stream's events."""
    state = initial
    for event in events:
        state = evolve(state, event)
    return state


def reject(code: str, ko: str, en: str, *, status: int = 409, field: str | None = None) -> Rejected:
    return Rejected(code=code, message_ko=ko, message_en=en, status=status, field=field)

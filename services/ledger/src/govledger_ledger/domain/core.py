"""The pure core's vocabulary: rejections, the decision context, and stream handlers.

A handler is one command type's pure part: ``decide(command, states, ctx)`` returns the new
events (each addressed to one of the streams it read) or a ``Rejected`` value, and each
stream type's ``evolve(state, event)`` folds one event into the state. No I/O, no clock, no
randomness: time and the voter key come in through ``Context``, ids in the commands.

Time: a command that states ``occurred_at`` is judged at that moment (the ledger records
governance acts, often after the meeting that made them); otherwise at ``ctx.now``. A
command may not claim to have happened after ``ctx.now`` (see ``effective_time``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import msgspec

from govledger_contracts.commands import Command
from govledger_contracts.events import Event

KST = dt.timezone(dt.timedelta(hours=9), "KST")
"""Korea Standard Time: the ward's calendar (dates in commands are KST days)."""

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
    """What decide may know of the world: the time, the actor, and the ward's voter key."""

    now: dt.datetime
    actor_id: str
    actor_role: str
    voter_key: bytes = b""
    """The ward's secret for voter pseudonyms (HMAC-SHA256); never leaves the ledger."""


class Emit(msgspec.Struct, frozen=True, kw_only=True):
    """One new event for one stream."""

    stream_id: str
    event: Event


Decision = list[Emit] | Rejected


def _unchanged(command: Any, _ctx: Context) -> Any:
    return command


@dataclass(frozen=True, slots=True)
class Handler(Generic[C]):
    """How the application runs one command type.

    The application first turns the inbound command into the one decide sees with
    ``prepare(command, ctx)`` (identity for most; ``CastBallot`` becomes ``RecordBallot``, so
    the resident's identifier never reaches a stream id or an event). ``streams`` names every
    stream the decision reads (the first is the command's own); the application loads and
    folds each with ``fold``, calls ``decide``, and appends the emitted events with the
    versions it read as expected versions, so a rule that spans streams holds under
    concurrency (a conflict makes it reload and decide again).
    """

    command: type[Command]
    """The inbound command type (the HTTP body)."""
    streams: Callable[[C], tuple[str, ...]]
    fold: Callable[[str, Iterable[Event]], Any]
    decide: Callable[[C, Mapping[str, Any], Context], Decision]
    roles: frozenset[str]
    """Roles allowed to give this command (the role matrix, docs/domain.md)."""
    path: str = ""
    """The HTTP endpoint, in the ward's vocabulary, e.g. ``/v1/council/appointments``."""
    summary: str = ""
    """One line, Korean then English."""
    example: dict[str, Any] = field(default_factory=dict)
    """An OpenAPI example body, accepted after the seed and the examples registered before it."""
    prepare: Callable[[Any, Context], C] = _unchanged
    """Pure rewrite of the inbound command into the command ``streams`` and ``decide`` take."""


def fold(evolve: Callable[[S, Event], S], initial: S, events: Iterable[Event]) -> S:
    """Current state is a left fold of evolve over the stream's events."""
    state = initial
    for event in events:
        state = evolve(state, event)
    return state


def reject(code: str, ko: str, en: str, *, status: int = 409, field: str | None = None) -> Rejected:
    return Rejected(code=code, message_ko=ko, message_en=en, status=status, field=field)


def pseudonymize(key: bytes, resident_id: str) -> str:
    """A voter's keyed pseudonym: lowercase hex HMAC-SHA256(ward voter key, resident id)."""
    return hmac.new(key, resident_id.encode("utf-8"), hashlib.sha256).hexdigest()


def effective_time(cmd: Command, ctx: Context) -> dt.datetime:
    """When the act happened: the command's ``occurred_at`` if stated, else ``ctx.now``."""
    return cmd.occurred_at if cmd.occurred_at is not None else ctx.now


def effective_date(cmd: Command, ctx: Context) -> dt.date:
    """The act's calendar day in Seoul (KST, UTC+9), where the ward keeps its dates."""
    return effective_time(cmd, ctx).astimezone(KST).date()


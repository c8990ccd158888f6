"""Checks every command passes before its own rules: a plausible time, well-formed ids, and
titles, names, years and counts within the bounds a ward office would expect."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

from govledger_contracts.commands import Command
from govledger_ledger.domain.core import Context, Decision, Rejected
from govledger_ledger.domain.rules import refuse

C = TypeVar("C", bound=Command)

CLOCK_SKEW = dt.timedelta(minutes=5)
"""A client's clock may run this far ahead of the ledger's before ``occurred_at`` is refused."""
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
MAX_TEXT = 200
"""A title or a name is 1-200 characters (not only spaces): a heading, never a document."""
YEARS = range(2000, 2101)
"""Plan, agenda, vote, MOU and evaluation years: the ward's records begin in the 2010s."""
MAX_COUNT = 10_000
"""Attendance, participants and a motion's votes: more than the council or any forum holds
(their lower bounds are each rule's own: at least one attendee, no negative votes)."""
_TEXT_FIELDS = {"title": "command.title_invalid", "name": "command.name_invalid"}
_COUNT_FIELDS = frozenset({"attendees", "participants", "votes_for", "votes_against",
                           "abstentions"})


@functools.cache
def _id_fields(command_type: type[Command]) -> tuple[tuple[str, str], ...]:
    """(field name, kind) of every id field: ``one``, ``optional`` (default ``""``) or ``many``.

    Once per command type: ``msgspec.structs.fields`` resolves annotations on every call
    (~0.3 ms, more than the rest of a ballot's decision)."""
    out: list[tuple[str, str]] = []
    for f in msgspec.structs.fields(command_type):
        if f.name.endswith("_id") and f.name != "resident_id":
            out.append((f.name, "optional" if f.default == "" else "one"))
        elif f.name.endswith("_ids"):
            out.append((f.name, "many"))
    return tuple(out)


@functools.cache
def _bounded_fields(command_type: type[Command]) -> tuple[tuple[str, str], ...]:
    """(field name, kind) of every title or name (``text``), year and count field."""
    out: list[tuple[str, str]] = []
    for f in msgspec.structs.fields(command_type):
        if f.name in _TEXT_FIELDS:
            out.append((f.name, "text"))
        elif f.name == "year" or f.name.endswith("_year"):
            out.append((f.name, "year"))
        elif f.name in _COUNT_FIELDS:
            out.append((f.name, "count"))
    return tuple(out)


def _out_of_bounds(cmd: Command) -> Rejected | None:
    """The first title, name, year or count outside its bounds, naming its field."""
    for name, kind in _bounded_fields(type(cmd)):
        value = getattr(cmd, name)
        if kind == "text" and not (value.strip() and len(value) <= MAX_TEXT):
            return refuse(_TEXT_FIELDS[name], name)
        if kind == "year" and value not in YEARS:
            return refuse("command.year_out_of_range", name)
        if kind == "count" and value > MAX_COUNT:
            return refuse("command.count_too_large", name)
    return None


def _ids(cmd: Command) -> list[tuple[str, str]]:
    """Every id the command names; an optional id (default ``""``) may be left empty."""
    pairs: list[tuple[str, str]] = []
    for name, kind in _id_fields(type(cmd)):
        value = getattr(cmd, name)
        if kind == "many":
            pairs.extend((name, v) for v in value)
        elif not (kind == "optional" and value == ""):
            pairs.append((name, value))
    return pairs


def command_refused(cmd: Command, ctx: Context) -> Rejected | None:
    """A command may not claim a future time, its ids are safe stream-id parts, and its
    titles, names, years and counts are within bounds."""
    if cmd.occurred_at is not None and cmd.occurred_at > ctx.now + CLOCK_SKEW:
        return refuse("command.occurred_in_future", "occurred_at")
    bad = next((name for name, value in _ids(cmd) if not _ID.match(value)), None)
    return refuse("command.id_invalid", bad) if bad else _out_of_bounds(cmd)


def guarded(decide: Callable[[C, Mapping[str, Any], Context], Decision],
            ) -> Callable[[C, Mapping[str, Any], Context], Decision]:
    """``decide``, after the checks common to every command."""
    def run(cmd: C, states: Mapping[str, Any], ctx: Context) -> Decision:
        return command_refused(cmd, ctx) or decide(cmd, states, ctx)
    run.__doc__ = decide.__doc__
    run.__name__ = decide.__name__
    return run

"""Checks every command passes before its own rules: a plausible time and well-formed ids."""

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
    """A command may not claim a future time, and its ids are safe stream-id parts."""
    if cmd.occurred_at is not None and cmd.occurred_at > ctx.now + CLOCK_SKEW:
        return refuse("command.occurred_in_future", "occurred_at")
    bad = next((name for name, value in _ids(cmd) if not _ID.match(value)), None)
    return refuse("command.id_invalid", bad) if bad else None


def guarded(decide: Callable[[C, Mapping[str, Any], Context], Decision],
            ) -> Callable[[C, Mapping[str, Any], Context], Decision]:
    """``decide``, after the checks common to every command."""
    def run(cmd: C, states: Mapping[str, Any], ctx: Context) -> Decision:
        return command_refused(cmd, ctx) or decide(cmd, states, ctx)
    run.__doc__ = decide.__doc__
    run.__name__ = decide.__name__
    return run

"""Checks every command passes before its own rules: a plausible time and well-formed ids."""

from __future__ import annotations

import datetime as dt
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


def _ids(cmd: Command) -> list[tuple[str, str]]:
    """Every id the command names; an optional id (default ``""``) may be left empty."""
    pairs: list[tuple[str, str]] = []
    for f in msgspec.structs.fields(cmd):
        value = getattr(cmd, f.name)
        if f.name.endswith("_id") and f.name != "resident_id" and not (value == f.default == ""):
            pairs.append((f.name, value))
        elif f.name.endswith("_ids"):
            pairs.extend((f.name, v) for v in value)
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

"""Checks every command passes: a plausible time and well-formed ids."""

from __future__ import annotations

import datetime as dt

from ledger_builders import propose
from ledger_harness import NOW, MemoryLedger, code_of


def test_refuses_a_command_that_claims_to_have_happened_in_the_future() -> None:
    later = propose("a1", occurred_at=NOW + dt.timedelta(hours=1))
    assert code_of(MemoryLedger().run("resident", later)) == "command.occurred_in_future"


def test_tolerates_a_few_minutes_of_clock_skew() -> None:
    MemoryLedger().accept("resident", propose("a1", occurred_at=NOW + dt.timedelta(minutes=1)))


def test_refuses_ids_that_cannot_be_part_of_a_stream_id() -> None:
    decision = MemoryLedger().run("resident", propose("a 1/../x"))
    assert code_of(decision) == "command.id_invalid"
    assert decision.field == "agenda_id"  # type: ignore[union-attr]
    assert code_of(MemoryLedger().run("resident", propose(""))) == "command.id_invalid"

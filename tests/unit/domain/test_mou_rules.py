"""Working groups and MOUs (민관협치 협약): both sides, duties for each, staged goals."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_builders import GOALS, mou_steps, propose, sign, working_group
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import AmendMou, DutySpec, GoalSpec, TerminateMou
from govledger_contracts.events import MouAmended, MouSigned


def with_group() -> MemoryLedger:
    return MemoryLedger().load([("secretariat", propose("a1")), ("secretariat", working_group())])


def test_forms_a_working_group_for_an_open_agenda_once() -> None:
    ledger = MemoryLedger().load([("secretariat", propose("a1"))])
    ledger.accept("department_officer", working_group())
    assert code_of(ledger.run("department_officer", working_group())) == (
        "working_group.already_formed")


@pytest.mark.parametrize(("command", "code"), [
    (working_group(private_partners=()), "working_group.no_private_partner"),
    (working_group(departments=()), "working_group.no_department"),
    (working_group(agenda="a9"), "agenda.unknown"),
], ids=["no private partner", "no department", "an unknown agenda"])
def test_refuses_an_invalid_working_group(command: object, code: str) -> None:
    ledger = MemoryLedger().load([("secretariat", propose("a1"))])
    assert code_of(ledger.run("secretariat", command)) == code  # type: ignore[arg-type]


def test_signs_an_mou_naming_both_sides_their_duties_and_staged_goals() -> None:
    ledger = with_group()
    [emit] = ledger.accept("department_officer", sign())
    assert isinstance(emit.event, MouSigned)
    assert emit.event.agenda_id == "a1"
    assert {r.side for r in emit.event.responsibilities} == {"private", "public"}
    assert [g.goal_id for g in emit.event.goals] == ["g1", "g2"]
    assert code_of(ledger.run("department_officer", sign())) == "mou.already_signed"


@pytest.mark.parametrize(("command", "code"), [
    (sign(private_parties=()), "mou.private_side_missing"),
    (sign(departments=()), "mou.department_missing"),
    (sign(mayor=" "), "mou.mayor_missing"),
    (sign(duties=(DutySpec(side="press", duty="x"),)), "mou.side_unknown"),
    (sign(duties=(DutySpec(side="private", duty="x"),)), "mou.duties_missing"),
    (sign(goals=()), "mou.no_goal"),
    (sign(goals=(GOALS[0], GOALS[0])), "mou.goal_duplicate"),
    (sign(goals=(GoalSpec(goal_id="g", stage=0, description="x", due=dt.date(2024, 9, 1)),)),
     "mou.stage_invalid"),
    (sign(goals=(GoalSpec(goal_id="g", stage=1, description="x", due=dt.date(2023, 9, 1)),)),
     "mou.goal_due_invalid"),
    (sign(wg="wg9"), "mou.working_group_unknown"),
], ids=["no private side", "no department", "no mayor", "a duty of an unknown side",
        "no public duty", "no goal", "a goal id twice", "a stage 0 goal",
        "a goal due before the MOU's year", "an unformed working group"])
def test_refuses_an_incomplete_mou(command: object, code: str) -> None:
    assert code_of(with_group().run("department_officer", command)) == code  # type: ignore[arg-type]


def test_amends_goals_and_duties_of_an_mou_in_force() -> None:
    ledger = MemoryLedger().load(mou_steps())
    goal = GoalSpec(goal_id="g3", stage=1, description="확대", due=dt.date(2024, 12, 31))
    [emit] = ledger.accept("department_officer", AmendMou(mou_id="m1", goals=(goal,), reason="t"))
    assert isinstance(emit.event, MouAmended)
    assert emit.event.revision == 1
    assert ledger.state("mou-m1").goal_ids == ("g3",)
    empty = AmendMou(mou_id="m1", reason="t")
    refused = ledger.run("department_officer", empty)
    assert code_of(refused) == "mou.amendment_empty"
    assert refused.field == "duties"  # type: ignore[union-attr]
    lopsided = AmendMou(mou_id="m1", duties=(DutySpec(side="public", duty="x"),), reason="t")
    assert code_of(ledger.run("department_officer", lopsided)) == "mou.duties_missing"


def test_terminates_an_mou_once_and_then_it_cannot_be_amended() -> None:
    ledger = MemoryLedger().load(mou_steps())
    ledger.accept("department_officer", TerminateMou(mou_id="m1", reason="t"))
    assert code_of(ledger.run("department_officer", TerminateMou(mou_id="m1", reason="t"))) == (
        "mou.terminated")
    amend = AmendMou(mou_id="m1", goals=GOALS, reason="t")
    assert code_of(ledger.run("department_officer", amend)) == "mou.terminated"
    assert code_of(ledger.run("department_officer", TerminateMou(mou_id="m9", reason="t"))) == (
        "mou.not_signed")

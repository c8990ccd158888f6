"""Execution, evaluation against the MOU (half-yearly and annual) and feedback (§7)."""

from __future__ import annotations

import pytest
from ledger_builders import at, evaluate, mou_steps
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import RecordFeedback, ScoreSpec, StartExecution, TerminateMou
from govledger_contracts.events import EvaluationRecorded, ExecutionStarted


def start(project: str = "p1", mou: str = "m1") -> StartExecution:
    return StartExecution(project_id=project, mou_id=mou, reason="t", occurred_at=at(2024, 5, 1))


def feedback(year: int = 2024, into: int = 2025, findings: tuple[str, ...] = ("반영",),
             ) -> RecordFeedback:
    return RecordFeedback(project_id="p1", year=year, into_year=into, findings=findings,
                          reason="t", occurred_at=at(2024, 12, 20))


def signed() -> MemoryLedger:
    return MemoryLedger().load(mou_steps())


def test_starts_execution_once_under_a_signed_mou_for_its_project() -> None:
    ledger = signed()
    [emit] = ledger.accept("working_group", start())
    assert emit.event == ExecutionStarted(project_id="p1", mou_id="m1", year=2024)
    assert code_of(ledger.run("working_group", start())) == "project.already_started"
    assert code_of(ledger.run("working_group", start("p2"))) == "project.mou_mismatch"
    assert code_of(ledger.run("working_group", start(mou="m9"))) == "mou.not_signed"


def test_never_starts_execution_under_a_terminated_mou() -> None:
    ledger = signed().load([("secretariat", TerminateMou(mou_id="m1", reason="t"))])
    assert code_of(ledger.run("working_group", start())) == "mou.terminated"


def test_records_one_self_evaluation_per_project_per_half_year() -> None:
    ledger = signed()
    [emit] = ledger.accept("working_group", evaluate())
    assert isinstance(emit.event, EvaluationRecorded)
    assert [s.score for s in emit.event.goal_scores] == [80, 70]
    assert code_of(ledger.run("working_group", evaluate())) == "evaluation.duplicate"
    ledger.accept("department_officer", evaluate("monitoring"))
    ledger.accept("working_group", evaluate(half=2, occurred_at=at(2024, 12, 5)))


def test_records_the_annual_review_from_december() -> None:
    ledger = signed()
    early = evaluate("annual", 0, occurred_at=at(2024, 11, 30))
    assert code_of(ledger.run("secretariat", early)) == "evaluation.annual_before_december"
    ledger.accept("secretariat", evaluate("annual", 0))


@pytest.mark.parametrize(("command", "code"), [
    (evaluate("peer"), "evaluation.kind_unknown"),
    (evaluate(half=0), "evaluation.half_invalid"),
    (evaluate("annual", 1), "evaluation.half_invalid"),
    (evaluate(scores=(101, 70)), "evaluation.score_out_of_range"),
    (evaluate(private_role_score=-1), "evaluation.score_out_of_range"),
    (evaluate(mou_id="m9"), "evaluation.mou_not_signed"),
    (evaluate(project_id="p2"), "evaluation.project_mismatch"),
    (evaluate(year=2025, occurred_at=at(2025, 7, 10)), "evaluation.year_outside_mou"),
    (evaluate(scores=(80, 70, 60)), "evaluation.goal_unknown"),
    (evaluate(goal_scores=(ScoreSpec(goal_id="g1", score=1),) * 2), "evaluation.goal_unknown"),
    (evaluate(scores=(80,)), "evaluation.goals_unscored"),
    (evaluate(half=2, occurred_at=at(2024, 6, 30)), "evaluation.period_not_started"),
], ids=["an unknown kind", "a half-yearly kind without a half", "an annual with a half",
        "a goal scored over 100", "a negative role score", "an unsigned MOU",
        "another project's MOU", "a year the MOU does not cover", "a goal not in the MOU",
        "a goal scored twice", "a goal left unscored", "a half-year not yet begun"])
def test_refuses_an_invalid_evaluation(command: object, code: str) -> None:
    assert code_of(signed().run("working_group", command)) == code  # type: ignore[arg-type]


def test_feeds_a_years_annual_results_into_the_next_years_plan() -> None:
    ledger = signed()
    assert code_of(ledger.run("secretariat", feedback())) == "feedback.no_annual_evaluation"
    ledger.accept("secretariat", evaluate("annual", 0))
    ledger.accept("council_chair", feedback())
    assert code_of(ledger.run("secretariat", feedback(into=2026))) == (
        "feedback.into_year_invalid")
    assert code_of(ledger.run("secretariat", feedback(findings=()))) == "feedback.no_findings"

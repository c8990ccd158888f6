"""Agendas: proposal, deliberation, withdrawal and the fusion & coordination merge."""

from __future__ import annotations

import pytest
from ledger_builders import open_vote, propose
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import MergeAgendas, RecordDeliberation, WithdrawAgenda
from govledger_contracts.events import AgendaMergedInto, AgendasMerged
from govledger_ledger.domain.core import Rejected


def merge(target: str = "f1", sources: tuple[str, ...] = ("a1", "a2"),
          **kw: object) -> MergeAgendas:
    return MergeAgendas(agenda_id=target, source_ids=sources, title="융합", year=2024,
                        reason="t", **kw)  # type: ignore[arg-type]


def deliberate(agendas: tuple[str, ...] = ("a1",), fmt: str = "resident_forum",
               participants: int = 12) -> RecordDeliberation:
    return RecordDeliberation(deliberation_id="d1", agenda_ids=agendas, format=fmt,
                              participants=participants, reason="t")


def withdraw(agenda: str) -> WithdrawAgenda:
    return WithdrawAgenda(agenda_id=agenda, reason="t")


def three_agendas() -> MemoryLedger:
    return MemoryLedger().load([
        ("resident", propose("a1", ("복지",))), ("secretariat", propose("a2", ("청년", "복지"))),
        ("secretariat", propose("a3"))])


def test_proposes_an_agenda_once_with_a_domain() -> None:
    ledger = three_agendas()
    assert code_of(ledger.run("resident", propose("a1"))) == "agenda.already_proposed"
    assert code_of(ledger.run("resident", propose("a9", ()))) == "agenda.no_domain"
    assert code_of(ledger.run("resident", propose("a9", channel="carrier-pigeon"))) == \
        "agenda.channel_unknown"
    assert not isinstance(ledger.run("department_officer", propose("a9", channel="department")),
                          Rejected)


def test_merges_two_live_agendas_keeping_their_provenance() -> None:
    ledger = three_agendas()
    emits = ledger.accept("council_chair", merge())
    fused = emits[0].event
    assert isinstance(fused, AgendasMerged)
    assert (fused.sources, fused.domains) == (("a1", "a2"), ("복지", "청년"))
    assert [e.event for e in emits[1:]] == [AgendaMergedInto(agenda_id="a1", merged_into="f1"),
                                            AgendaMergedInto(agenda_id="a2", merged_into="f1")]
    assert ledger.state("agenda-a1").status == "merged"


def test_never_merges_a_merged_agenda_again() -> None:
    ledger = three_agendas().load([("council_chair", merge())])
    assert code_of(ledger.run("council_chair", merge("f2", ("a1", "a3")))) == (
        "merge.source_merged")


def test_a_fused_agenda_is_itself_live_and_may_be_merged() -> None:
    ledger = three_agendas().load([("council_chair", merge())])
    ledger.accept("council_chair", merge("f2", ("f1", "a3")))


@pytest.mark.parametrize(("command", "code"), [
    (merge(sources=("a1",)), "merge.too_few_sources"),
    (merge(sources=("a1", "a1")), "merge.duplicate_source"),
    (merge("a1", ("a1", "a2")), "merge.self_source"),
    (merge("a3"), "agenda.already_proposed"),
    (merge(sources=("a1", "nope")), "merge.source_unknown"),
], ids=["a single source", "a source named twice", "a fused agenda among its sources",
        "a fused id already in use", "an unknown source"])
def test_refuses_an_invalid_merge(command: MergeAgendas, code: str) -> None:
    assert code_of(three_agendas().run("council_chair", command)) == code


def test_never_merges_a_withdrawn_agenda_or_one_on_a_ballot() -> None:
    ledger = three_agendas().load([("secretariat", withdraw("a1")),
                                   ("secretariat", open_vote(candidates=("a2", "a3")))])
    assert code_of(ledger.run("council_chair", merge())) == "merge.source_withdrawn"
    assert code_of(ledger.run("council_chair", merge(sources=("a2", "a3")))) == (
        "merge.source_on_ballot")


def test_withdraws_an_agenda_once_and_not_after_it_was_put_to_a_vote() -> None:
    ledger = three_agendas().load([("secretariat", open_vote(candidates=("a2", "a3")))])
    ledger.accept("council_chair", withdraw("a1"))
    assert code_of(ledger.run("council_chair", withdraw("a1"))) == "agenda.closed"
    assert code_of(ledger.run("council_chair", withdraw("a2"))) == "agenda.on_ballot"
    assert code_of(ledger.run("council_chair", withdraw("a9"))) == "agenda.unknown"


def test_records_a_deliberation_on_each_agenda_it_covered() -> None:
    ledger = three_agendas()
    emits = ledger.accept("working_group", deliberate(("a1", "a2")))
    assert [e.stream_id for e in emits] == ["agenda-a1", "agenda-a2"]
    assert ledger.state("agenda-a1").status == "deliberated"


@pytest.mark.parametrize(("command", "code"), [
    (deliberate(()), "deliberation.no_agenda"),
    (deliberate(("a1", "a1")), "deliberation.duplicate_agenda"),
    (deliberate(fmt="party"), "deliberation.format_unknown"),
    (deliberate(participants=0), "deliberation.participants_invalid"),
    (deliberate(("a1", "a9")), "agenda.unknown"),
], ids=["no agenda", "an agenda twice", "an unknown format", "nobody present",
        "an unknown agenda"])
def test_refuses_an_invalid_deliberation(command: RecordDeliberation, code: str) -> None:
    assert code_of(three_agendas().run("working_group", command)) == code

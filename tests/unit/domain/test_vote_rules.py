"""Priority votes: opening, ballots (once per pseudonymous voter), closing with the tally."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from ledger_builders import at, ballot, open_vote, propose, voting_ledger_steps
from ledger_harness import MemoryLedger, code_of

from govledger_contracts.commands import CloseVote, MergeAgendas, RecordBallot, WithdrawAgenda
from govledger_contracts.events import BallotCast, CandidateTally, VoteClosed
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Rejected, pseudonymize
from govledger_ledger.domain.vote import all_box_streams


def close(vote_id: str = "v1", when: object = None) -> CloseVote:
    return CloseVote(vote_id=vote_id, reason="t", occurred_at=when or at(2024, 5, 6, 9))  # type: ignore[arg-type]


def voting() -> MemoryLedger:
    return MemoryLedger().load(voting_ledger_steps())


def test_opens_a_vote_and_puts_each_candidate_on_the_ballot() -> None:
    ledger = MemoryLedger().load([("secretariat", propose(a)) for a in ("a1", "a2", "a3")])
    emits = ledger.accept("secretariat", open_vote())
    assert [e.stream_id for e in emits] == ["vote-v1", "agenda-a1", "agenda-a2", "agenda-a3"]
    assert ledger.state("agenda-a1").status == "on_ballot"
    assert code_of(ledger.run("secretariat", open_vote())) == "vote.already_opened"


@pytest.mark.parametrize(("command", "code"), [
    (open_vote(candidates=("a1",), max_choices=1), "vote.too_few_candidates"),
    (open_vote(candidates=("a1", "a1")), "vote.duplicate_candidate"),
    (open_vote(max_choices=0), "vote.choice_limit_invalid"),
    (open_vote(max_choices=4), "vote.choice_limit_invalid"),
    (open_vote(closes_at=at(2024, 5, 1, 8)), "vote.period_invalid"),
    (open_vote(closes_at=at(2024, 7, 30, 9) + dt.timedelta(seconds=1)), "vote.period_too_long"),
    (open_vote(closes_at=at(2025, 5, 6, 9)), "vote.period_too_long"),
    (open_vote(candidates=("a1", "a9")), "vote.candidate_unknown"),
], ids=["one candidate", "a candidate twice", "no choice allowed", "more choices than candidates",
        "a period that ends before it starts", "a second over 90 days", "a mistyped year",
        "an unknown candidate"])
def test_refuses_an_invalid_vote(command: object, code: str) -> None:
    ledger = MemoryLedger().load([("secretariat", propose(a)) for a in ("a1", "a2", "a3")])
    assert code_of(ledger.run("secretariat", command)) == code  # type: ignore[arg-type]


def test_a_vote_may_run_for_90_days_and_the_refusal_of_a_longer_one_names_closes_at() -> None:
    ledger = MemoryLedger().load([("secretariat", propose(a)) for a in ("a1", "a2", "a3")])
    longer = ledger.run("secretariat", open_vote(closes_at=at(2024, 7, 31, 9)))
    assert isinstance(longer, Rejected)
    assert (longer.code, longer.status, longer.field) == ("vote.period_too_long", 422, "closes_at")
    ledger.accept("secretariat", open_vote(closes_at=at(2024, 7, 30, 9)))  # 1 May + 90 days


def test_never_puts_a_merged_or_withdrawn_agenda_to_a_vote() -> None:
    ledger = MemoryLedger().load([("secretariat", propose(a)) for a in ("a1", "a2", "a3", "a4")])
    ledger.accept("council_chair", MergeAgendas(agenda_id="f", source_ids=("a1", "a2"),
                                                title="f", year=2024, reason="t"))
    ledger.accept("secretariat", WithdrawAgenda(agenda_id="a3", reason="t"))
    merged = open_vote(candidates=("a1", "a4"), max_choices=1)
    assert code_of(ledger.run("secretariat", merged)) == "vote.candidate_merged"
    withdrawn = open_vote(candidates=("a3", "a4"), max_choices=1)
    assert code_of(ledger.run("secretariat", withdrawn)) == "vote.candidate_withdrawn"


def test_records_a_ballot_under_the_voters_pseudonym_never_the_resident_id() -> None:
    ledger = voting()
    [emit] = ledger.accept("vote_gateway", ballot("resident-7"))
    voter = pseudonymize(ledger.voter_key, "resident-7")
    assert emit.event == BallotCast(vote_id="v1", voter=voter, choices=("a1",))
    assert emit.stream_id == f"ballot-box-v1-{voter[:2]}"
    assert "resident-7" not in msgspec.json.encode(emit.event).decode()
    assert all("resident-7" not in s for s in ledger.streams)


def test_prepare_turns_the_gateways_ballot_into_a_pseudonymous_one() -> None:
    handler = HANDLERS[type(ballot("r"))]
    prepared = handler.prepare(ballot("r"), MemoryLedger().context("vote_gateway"))
    assert isinstance(prepared, RecordBallot)
    assert "resident_id" not in msgspec.structs.asdict(prepared)
    assert len(prepared.voter) == 64


def test_accepts_one_ballot_per_voter() -> None:
    ledger = voting().load([("vote_gateway", ballot("r1"))])
    again = ballot("r1", ("a2",), occurred_at=at(2024, 5, 3))
    assert code_of(ledger.run("vote_gateway", again)) == "vote.already_voted"


def test_of_a_hundred_concurrent_ballots_from_one_voter_one_is_recorded() -> None:
    """All decide on the same read and all name the same box; the store appends the first at
    the versions read, the other 99 conflict (the box moved on), reload, decide again and are
    refused — the application's loop, played out."""
    ledger = voting()
    handler = HANDLERS[type(ballot("r1"))]
    commands = [ballot("r1", (("a1", "a2", "a3")[i % 3],)) for i in range(100)]
    streams = {handler.streams(handler.prepare(c, ledger.context("vote_gateway")))
               for c in commands}
    assert len(streams) == 1
    [read] = streams
    versions = {s: len(ledger.events(s)) for s in read}
    assert all(not isinstance(ledger.decide("vote_gateway", c), Rejected) for c in commands)
    ledger.accept("vote_gateway", commands[0])
    for command in commands[1:]:
        assert any(len(ledger.events(s)) != v for s, v in versions.items())
        assert code_of(ledger.run("vote_gateway", command)) == "vote.already_voted"
    [box] = [s for s in read if s.startswith("ballot-box-")]
    assert len(ledger.events(box)) == 1


@pytest.mark.parametrize(("command", "code"), [
    (ballot("r", ()), "vote.no_choice"),
    (ballot("r", ("a1", "a1")), "vote.duplicate_choice"),
    (ballot("r", ("a9",)), "vote.not_a_candidate"),
    (ballot("r", ("a1", "a2", "a3")), "vote.too_many_choices"),
    (ballot("r", occurred_at=at(2024, 4, 30)), "vote.outside_period"),
    (ballot("r", occurred_at=at(2024, 5, 6, 9)), "vote.outside_period"),
    (ballot("r", vote_id="v9"), "vote.not_open"),
], ids=["no choice", "a candidate twice", "a non-candidate", "more than the limit",
        "before the vote opens", "when the vote closes", "an unopened vote"])
def test_refuses_an_invalid_ballot(command: object, code: str) -> None:
    assert code_of(voting().run("vote_gateway", command)) == code  # type: ignore[arg-type]


def test_refuses_ballots_when_the_ward_has_no_voter_key() -> None:
    ledger = MemoryLedger(voter_key=b"").load(voting_ledger_steps())
    assert code_of(ledger.run("vote_gateway", ballot("r1"))) == "vote.voter_key_missing"


def test_refuses_a_malformed_pseudonym() -> None:
    ledger = voting()
    handler = HANDLERS[type(ballot("r"))]
    bad = RecordBallot(vote_id="v1", voter="RESIDENT-1", choices=("a1",), reason="t",
                       occurred_at=at(2024, 5, 2))
    states = {s: ledger.state(s) for s in handler.streams(bad)}
    assert code_of(handler.decide(bad, states, ledger.context("vote_gateway"))) == (
        "vote.voter_invalid")


def test_closes_after_the_period_with_every_candidates_count_and_the_turnout() -> None:
    ledger = voting().load([("vote_gateway", ballot("r1", ("a1", "a2"))),
                            ("vote_gateway", ballot("r2", ("a1",))),
                            ("vote_gateway", ballot("r3", ("a3",)))])
    assert code_of(ledger.run("secretariat", close(when=at(2024, 5, 5)))) == (
        "vote.period_not_over")
    [emit] = ledger.accept("secretariat", close())
    assert emit.event == VoteClosed(vote_id="v1", turnout=3, tally=(
        CandidateTally(agenda_id="a1", votes=2, rank=1),
        CandidateTally(agenda_id="a2", votes=1, rank=2),
        CandidateTally(agenda_id="a3", votes=1, rank=2)))
    assert code_of(ledger.run("secretariat", close())) == "vote.closed"
    assert code_of(ledger.run("vote_gateway", ballot("r4", occurred_at=at(2024, 5, 3)))) == (
        "vote.closed")
    assert code_of(ledger.run("secretariat", close("v9"))) == "vote.not_open"


def test_a_close_reads_all_256_ballot_boxes_and_a_ballot_only_its_own() -> None:
    handler = HANDLERS[CloseVote]
    assert handler.streams(close()) == ("vote-v1", *all_box_streams("v1"))
    assert len(set(all_box_streams("v1"))) == 256

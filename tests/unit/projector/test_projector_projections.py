"""Each read model on literal envelopes: given events, when folded, then the view says so."""

from __future__ import annotations

import datetime as dt

from govledger_contracts.events import (
    AgendaDeliberated,
    AgendaMergedInto,
    AgendaProposed,
    AgendaPutToVote,
    AgendasMerged,
    AgendaWithdrawn,
    BallotCast,
    CandidateTally,
    EvaluationRecorded,
    ExecutionStarted,
    GoalScore,
    MemberAppointed,
    MouAmended,
    MouSigned,
    MouTerminated,
    Responsibility,
    StagedGoal,
    TermEnded,
    TermRenewed,
    VoteClosed,
    VoteOpened,
)
from govledger_contracts.views import Agenda, Member, Mou, VoteResult
from govledger_projector.projections import (
    PROJECTIONS,
    View,
    apply,
    as_of,
    empty_views,
    entry_of,
    fold_all,
)
from govledger_projector.projections.agenda import provenance
from govledger_projector.projections.roster import counts_on, expiring
from tests.unit.projector.envelopes import Log

D = dt.date
KST10 = dt.datetime(2023, 3, 1, 1, tzinfo=dt.UTC)


def appoint(n: int, sector: str = "private", body: str = "council") -> MemberAppointed:
    return MemberAppointed(member_id=f"m{n}", body=body, name=f"위원 {n}", sector=sector,  # type: ignore[arg-type]
                           route="recommendation", term_start=D(2021, 11, 23),
                           term_end=D(2023, 11, 22))


def propose(agenda_id: str, year: int = 2022) -> AgendaProposed:
    return AgendaProposed(agenda_id=agenda_id, title=f"의제 {agenda_id}", summary="",
                          channel="online", domains=("복지",), year=year)


def mou(mou_id: str = "mou-1", agenda_id: str = "a1") -> MouSigned:
    return MouSigned(
        mou_id=mou_id, project_id="p1", agenda_id=agenda_id, working_group_id="wg1",
        title="사업", year=2023, private_parties=("센터",), departments=("자치행정과",),
        mayor="성동구청장", responsibilities=(Responsibility(side="private", duty="실행"),
                                         Responsibility(side="public", duty="지원")),
        goals=(StagedGoal(goal_id="g1", stage=1, description="준비", due=D(2023, 6, 30)),
               StagedGoal(goal_id="g2", stage=2, description="운영", due=D(2023, 11, 30))))


def evaluation(half: int = 1, g1: int = 90, g2: int = 60, kind: str = "self") -> EvaluationRecorded:
    return EvaluationRecorded(
        project_id="p1", mou_id="mou-1", kind=kind, year=2023, half=half,
        goal_scores=(GoalScore(goal_id="g1", score=g1), GoalScore(goal_id="g2", score=g2)),
        private_role_score=80, public_role_score=70)


def test_a_seat_appears_on_the_roster_with_its_sector_and_term() -> None:
    views = as_of(Log().all(appoint(1)))
    member: Member = views["members"].entities["council.m1"]
    assert (member.sector, member.term_start, member.term_end) == (
        "private", D(2021, 11, 23), D(2023, 11, 22))


def test_the_private_share_counts_only_members_seated_that_day() -> None:
    log = Log()
    log.all(appoint(1), appoint(2), appoint(3, "public"),
            TermEnded(member_id="m2", body="council", ended_on=D(2022, 5, 1), cause="resigned"))
    members = as_of(log.envelopes)["members"].entities.values()
    before, after = counts_on(members, D(2022, 1, 1)), counts_on(members, D(2022, 6, 1))
    assert (before[0].seated, before[0].private_share) == (3, 66.7)
    assert (after[0].seated, after[0].private_share) == (2, 50.0)


def test_a_renewal_moves_the_term_end_and_counts_the_renewal() -> None:
    log = Log()
    log.all(appoint(1), TermRenewed(member_id="m1", body="council", term_start=D(2023, 11, 23),
                                    term_end=D(2025, 11, 22), renewal=1))
    member = as_of(log.envelopes)["members"].entities["council.m1"]
    assert (member.term_end, member.renewals) == (D(2025, 11, 22), 1)


def test_seats_ending_within_ninety_days_are_listed_as_expiring() -> None:
    members = as_of(Log().all(appoint(1)))["members"].entities.values()
    assert [m.key for m in expiring(members, D(2023, 9, 1))] == ["council.m1"]
    assert expiring(members, D(2023, 6, 1)) == ()


def test_an_agenda_moves_along_the_pipeline_to_evaluated() -> None:
    log = Log()
    log.all(propose("a1"), AgendaDeliberated(agenda_id="a1", deliberation_id="d1",
                                             format="small_forum", participants=12))
    log.all(VoteOpened(vote_id="v1", title="투표", year=2022, candidates=("a1", "a2"),
                       max_choices=1, opens_at=KST10, closes_at=KST10 + dt.timedelta(days=3)),
            AgendaPutToVote(agenda_id="a1", vote_id="v1"),
            VoteClosed(vote_id="v1", turnout=5, tally=(
                CandidateTally(agenda_id="a1", votes=4, rank=1),
                CandidateTally(agenda_id="a2", votes=1, rank=2))),
            mou(), ExecutionStarted(project_id="p1", mou_id="mou-1", year=2023), evaluation())
    agenda: Agenda = as_of(log.envelopes)["agendas"].entities["a1"]
    assert [m.stage for m in agenda.history] == [
        "proposed", "deliberated", "on_ballot", "prioritised", "agreed", "in_execution",
        "evaluated"]
    assert (agenda.vote_rank, agenda.vote_count, agenda.mous) == (1, 4, ("mou-1",))


def test_a_merge_keeps_its_sources_and_closes_them_as_merged_into() -> None:
    log = Log()
    log.all(propose("a1"), propose("a2"), propose("a3"))
    log.all(AgendasMerged(agenda_id="f1", sources=("a1", "a2"), title="융합", summary="",
                          domains=("복지", "공동체"), year=2022, meeting_id="m-fusion"),
            AgendaMergedInto(agenda_id="a1", merged_into="f1"),
            AgendaMergedInto(agenda_id="a2", merged_into="f1"))
    log.all(AgendasMerged(agenda_id="f2", sources=("f1", "a3"), title="재융합", summary="",
                          domains=("복지",), year=2022),
            AgendaMergedInto(agenda_id="f1", merged_into="f2"))
    agendas = as_of(log.envelopes)["agendas"].entities
    assert agendas["f1"].stage == "merged" and agendas["f1"].merge is not None
    assert agendas["f1"].merge.meeting_id == "m-fusion"
    assert (agendas["a1"].closed, agendas["a1"].merged_into) == ("merged_into", "f1")
    assert [(d, a.agenda_id) for d, a in provenance(agendas, "f2")] == [
        (0, "f2"), (1, "f1"), (2, "a1"), (2, "a2"), (1, "a3")]


def test_a_withdrawn_agenda_is_closed_and_leaves_the_live_counts() -> None:
    log = Log()
    log.all(propose("a1"), propose("a2"), AgendaWithdrawn(agenda_id="a1"))
    view = as_of(log.envelopes)["agendas"]
    summary = PROJECTIONS["agendas"].summarize(view)
    assert view.entities["a1"].closed == "withdrawn"
    assert (summary.live, summary.withdrawn) == (1, 1)  # type: ignore[attr-defined]


def test_ballots_count_live_and_the_close_records_the_official_tally() -> None:
    log = Log()
    log.all(VoteOpened(vote_id="v1", title="투표", year=2022, candidates=("a1", "a2"),
                       max_choices=2, opens_at=KST10, closes_at=KST10 + dt.timedelta(days=3)),
            BallotCast(vote_id="v1", voter="aa", choices=("a1", "a2")),
            BallotCast(vote_id="v1", voter="bb", choices=("a2",)))
    live: VoteResult = as_of(log.envelopes)["votes"].entities["v1"]
    assert (live.status, live.ballots, [line.votes for line in live.live]) == ("open", 2, [1, 2])
    log.record(VoteClosed(vote_id="v1", turnout=2, tally=(
        CandidateTally(agenda_id="a1", votes=1, rank=2),
        CandidateTally(agenda_id="a2", votes=2, rank=1))))
    closed: VoteResult = as_of(log.envelopes)["votes"].entities["v1"]
    assert (closed.status, closed.turnout, closed.tally[1].rank) == ("closed", 2, 1)


def test_turnout_is_summed_per_year() -> None:
    log = Log()
    for year, turnout in ((2021, 10), (2022, 7)):
        log.all(VoteOpened(vote_id=f"v{year}", title="t", year=year, candidates=("a", "b"),
                           max_choices=1, opens_at=KST10, closes_at=KST10),
                VoteClosed(vote_id=f"v{year}", turnout=turnout, tally=()))
    summary = PROJECTIONS["votes"].summarize(as_of(log.envelopes)["votes"])
    assert [(t.year, t.turnout) for t in summary.turnout_by_year] == [(2021, 10), (2022, 7)]  # type: ignore[attr-defined]


def test_an_mou_lists_both_sides_and_its_goals_pending_until_scored() -> None:
    signed: Mou = as_of(Log().all(mou()))["mous"].entities["mou-1"]
    assert {d.side for d in signed.responsibilities} == {"private", "public"}
    assert [(g.goal_id, g.status) for g in signed.goals] == [("g1", "pending"), ("g2", "pending")]


def test_an_evaluation_sets_each_goals_status_from_its_latest_score() -> None:
    log = Log()
    log.all(mou(), ExecutionStarted(project_id="p1", mou_id="mou-1", year=2023),
            evaluation(1, 90, 60), evaluation(2, 70, 85))
    scored: Mou = as_of(log.envelopes)["mous"].entities["mou-1"]
    assert scored.status == "in_execution"
    assert [(g.latest_score, g.status) for g in scored.goals] == [
        (70, "not_attained"), (85, "attained")]


def test_an_amendment_replaces_goals_and_keeps_the_scores_of_goals_it_keeps() -> None:
    log = Log()
    log.all(mou(), evaluation(1, 90, 60), MouAmended(mou_id="mou-1", revision=1, goals=(
        StagedGoal(goal_id="g1", stage=1, description="준비", due=D(2023, 6, 30)),
        StagedGoal(goal_id="g3", stage=2, description="확산", due=D(2023, 12, 15)))),
        MouTerminated(mou_id="mou-1"))
    amended: Mou = as_of(log.envelopes)["mous"].entities["mou-1"]
    assert [(g.goal_id, g.status) for g in amended.goals] == [("g1", "attained"),
                                                              ("g3", "pending")]
    assert (amended.revision, amended.status) == (1, "terminated")


def test_a_scorecard_is_kept_per_project_year_half_and_kind() -> None:
    log = Log()
    log.all(mou(), evaluation(1, 90, 60), evaluation(2, 70, 80),
            evaluation(0, 80, 80, kind="annual"))
    cards = as_of(log.envelopes)["evaluations"].entities
    assert sorted(cards) == ["p1.2023.0.annual", "p1.2023.1.self", "p1.2023.2.self"]
    assert cards["p1.2023.1.self"].goal_average == 75.0


def test_yearly_statistics_use_the_events_own_year_or_the_seoul_year() -> None:
    log = Log()
    log.record(propose("a1", year=2022), at=dt.datetime(2023, 1, 5, tzinfo=dt.UTC))
    log.record(appoint(1), at=dt.datetime(2022, 12, 31, 16, tzinfo=dt.UTC))  # 2023-01-01 KST
    stats = as_of(log.envelopes)["statistics"].entities
    assert (stats["2022"].agendas_proposed, stats["2023"].appointments) == (1, 1)


def test_a_redelivered_envelope_changes_nothing() -> None:
    envelopes = Log().all(appoint(1), appoint(2))
    view: View[Member] = View(model="members")
    for e in (*envelopes, envelopes[0], envelopes[1]):
        view = apply(view, e)
    assert (view.position, len(view.entities)) == (2, 2)


def test_a_view_as_of_a_position_or_a_day_folds_only_the_events_up_to_it() -> None:
    log = Log()
    log.record(propose("a1"), at=dt.datetime(2022, 3, 1, tzinfo=dt.UTC))
    log.record(propose("a2"), at=dt.datetime(2022, 4, 1, tzinfo=dt.UTC))
    assert sorted(as_of(log.envelopes, position=1)["agendas"].entities) == ["a1"]
    assert sorted(as_of(log.envelopes, day=D(2022, 3, 31))["agendas"].entities) == ["a1"]
    assert as_of(log.envelopes, position=1)["agendas"].hash == log.envelopes[0].hash


def test_an_event_type_this_reader_does_not_know_only_advances_the_position() -> None:
    envelope = Log().all(appoint(1))[0]
    unknown = type(envelope)(**{**{f: getattr(envelope, f) for f in envelope.__struct_fields__},
                                "type": "something_new", "payload": {"type": "something_new"}})
    view = apply(View(model="members"), unknown)
    assert (view.position, view.entities) == (1, {})


def test_a_summarys_position_is_the_last_event_that_changed_its_inputs() -> None:
    log = Log()
    log.record(VoteOpened(vote_id="v1", title="투표", year=2023, candidates=("a1", "a2"),
                          max_choices=1, opens_at=KST10, closes_at=KST10 + dt.timedelta(days=1)),
               at=KST10)
    log.record(BallotCast(vote_id="v1", voter="ab" * 32, choices=("a1",)), at=KST10)
    log.record(propose("a9"), at=KST10)  # no vote changes: the votes summary stays at 2
    views = as_of(log.envelopes)
    assert views["votes"].position == 3
    assert PROJECTIONS["votes"].summarize(views["votes"]).position == 2  # type: ignore[attr-defined]
    assert PROJECTIONS["agendas"].summarize(views["agendas"]).position == 3  # type: ignore[attr-defined]


def test_the_roster_summary_moves_to_a_new_latest_day_without_a_member_changing() -> None:
    log = Log()
    log.record(appoint(1), at=KST10)
    log.record(propose("a1"), at=KST10 + dt.timedelta(hours=1))  # the same Seoul day
    log.record(propose("a2"), at=KST10 + dt.timedelta(days=1))  # the next Seoul day
    log.record(propose("a3"), at=KST10 + dt.timedelta(days=1, hours=1))
    summary = PROJECTIONS["members"].summarize(as_of(log.envelopes)["members"])
    assert (summary.on, summary.position) == (D(2023, 3, 2), 3)  # type: ignore[attr-defined]


def test_summaries_are_the_same_however_the_log_is_batched() -> None:
    log = Log()
    for n in range(1, 4):
        log.record(appoint(n), at=KST10 + dt.timedelta(days=n))
        log.record(propose(f"a{n}"), at=KST10 + dt.timedelta(days=n, hours=1))
    log.record(AgendaWithdrawn(agenda_id="a1"), at=KST10 + dt.timedelta(days=9))
    whole = as_of(log.envelopes)
    views = empty_views()
    for start in range(0, len(log.envelopes), 2):  # batches of two, as the consumer folds
        views, _ = fold_all(views, [entry_of(e) for e in log.envelopes[start:start + 2]])
    for model, projection in PROJECTIONS.items():
        assert projection.summarize(views[model]) == projection.summarize(whole[model]), model

"""A summary kept from batch to batch (recounting only the entities a batch changed) is the
summary counted over every entity again, whatever the events and however they are batched."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from govledger_contracts.events import (
    AgendaDeliberated,
    AgendaMergedInto,
    AgendaProposed,
    AgendaPutToVote,
    AgendasMerged,
    AgendaWithdrawn,
    CandidateTally,
    EvaluationRecorded,
    Event,
    ExecutionStarted,
    GoalScore,
    MouSigned,
    Responsibility,
    StagedGoal,
    VoteClosed,
    VoteOpened,
    WorkingGroupFormed,
)
from govledger_projector.projections import (
    PROJECTIONS,
    count_views,
    empty_views,
    entry_of,
    fold_all,
    recount_views,
    summarize,
)
from tests.unit.projector.envelopes import Log

AT = dt.datetime(2023, 3, 1, 1, tzinfo=dt.UTC)
AGENDAS = [f"a{n}" for n in range(6)]


def agenda_event(kind: int, a: str, b: str) -> Event:
    """One of the events that move an agenda (ids from a small pool, so they collide)."""
    match kind:
        case 0:
            return AgendaProposed(agenda_id=a, title="의제", summary="", channel="online",
                                  domains=("복지",), year=2023)
        case 1:
            return AgendaDeliberated(agenda_id=a, deliberation_id=f"d-{a}", format="small_forum",
                                     participants=5)
        case 2:
            return AgendasMerged(agenda_id=f"f-{a}", sources=(a, b), title="융합", summary="",
                                 domains=("복지",), year=2023)
        case 3:
            return AgendaMergedInto(agenda_id=a, merged_into=f"f-{b}")
        case 4:
            return AgendaWithdrawn(agenda_id=a)
        case 5:
            return AgendaPutToVote(agenda_id=a, vote_id="v1")
        case 6:
            return VoteClosed(vote_id="v1", turnout=3, tally=(
                CandidateTally(agenda_id=a, votes=2, rank=1),
                CandidateTally(agenda_id=b, votes=1, rank=2)))
        case 7:
            return WorkingGroupFormed(working_group_id=f"wg-{a}", agenda_id=a, name="모임",
                                      private_partners=("센터",), departments=("자치행정과",),
                                      year=2023)
        case 8:
            return MouSigned(
                mou_id=f"mou-{a}", project_id=f"p-{a}", agenda_id=a, working_group_id=f"wg-{a}",
                title="사업", year=2023, private_parties=("센터",), departments=("자치행정과",),
                mayor="성동구청장", responsibilities=(Responsibility(side="private", duty="실행"),),
                goals=(StagedGoal(goal_id="g1", stage=1, description="준비",
                                  due=dt.date(2023, 6, 30)),))
        case 9:
            return ExecutionStarted(project_id=f"p-{a}", mou_id=f"mou-{a}", year=2023)
    return EvaluationRecorded(project_id=f"p-{a}", mou_id=f"mou-{a}", kind="self", year=2023,
                              half=1, goal_scores=(GoalScore(goal_id="g1", score=80),),
                              private_role_score=80, public_role_score=70)


EVENTS = st.lists(st.builds(agenda_event, st.integers(0, 10), st.sampled_from(AGENDAS),
                            st.sampled_from(AGENDAS)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(events=EVENTS, cuts=st.lists(st.integers(1, 8), min_size=1, max_size=20))
def test_a_summary_recounted_from_the_changed_entities_equals_one_counted_over_all(
    events: list[Event], cuts: list[int],
) -> None:
    log = Log()
    log.record(VoteOpened(vote_id="v1", title="투표", year=2023, candidates=tuple(AGENDAS),
                          max_choices=2, opens_at=AT, closes_at=AT + dt.timedelta(days=3)), at=AT)
    for event in events:
        log.record(event, at=AT)
    views = empty_views()
    counts = count_views(views)
    start, n = 0, 0
    while start < len(log.envelopes):  # batches of the drawn sizes, as the consumer folds
        size = cuts[n % len(cuts)]
        batch = [entry_of(e) for e in log.envelopes[start:start + size]]
        after, changed = fold_all(views, batch)
        counts = recount_views(counts, views, after, changed)
        views, start, n = after, start + size, n + 1
        assert counts == count_views(views)
        for model, projection in PROJECTIONS.items():
            assert summarize(views[model], counts) == projection.summarize(views[model]), model

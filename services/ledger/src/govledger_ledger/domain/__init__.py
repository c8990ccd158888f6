"""The pure governance domain: decide and evolve per stream type, and the handler registry.

One handler per inbound command (``HANDLERS``), in the order the examples build on each
other: each ``example`` is accepted on the ledger after the seed (seed.py) and the examples
registered before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from govledger_contracts.commands import (
    AmendMou,
    AppointAdvisor,
    AppointMember,
    AppointOpenMember,
    AppointRegionalMember,
    ApprovePlan,
    AssignSubcommitteeMember,
    CastBallot,
    CloseVote,
    Command,
    EndTerm,
    FormSubcommittee,
    FormWorkingGroup,
    HoldMeeting,
    MergeAgendas,
    OpenVote,
    ProposeAgenda,
    RecordAssemblyApproval,
    RecordDeliberation,
    RecordEvaluation,
    RecordFeedback,
    RenewTerm,
    ResolveCouncilMotion,
    ScheduleMeeting,
    SignMou,
    StartExecution,
    TerminateMou,
    WithdrawAgenda,
)
from govledger_ledger.domain import (
    advisory,
    agenda,
    ballot,
    council,
    meeting,
    merge,
    mou,
    plan,
    project,
    regional,
    subcommittee,
    terms,
    vote,
    working_group,
)
from govledger_ledger.domain.core import Context, Decision, Emit, Handler, Rejected
from govledger_ledger.domain.examples import EXAMPLES
from govledger_ledger.domain.guard import guarded
from govledger_ledger.domain.roles import (
    BALLOTS,
    CHAIRED,
    CO_OWNED,
    EVALUATORS,
    ON_THE_GROUND,
    PROPOSERS,
    RECORDS,
)
from govledger_ledger.domain.streams import fold_stream


def _h(command: type[Command], streams: Callable[[Any], tuple[str, ...]],
       decide: Callable[[Any, Mapping[str, Any], Context], Decision], roles: frozenset[str],
       path: str, summary: str, prepare: Callable[[Any, Context], Any] | None = None,
       ) -> Handler[Any]:
    extra = {"prepare": prepare} if prepare else {}
    return Handler(command=command, streams=streams, fold=fold_stream, decide=guarded(decide),
                   roles=roles, path=path, summary=summary,
                   example=EXAMPLES.get(command.__name__, {}), **extra)


def _council(_: Any) -> tuple[str, ...]:
    return (council.COUNCIL_STREAM,)


_REGISTRY: tuple[Handler[Any], ...] = (
    # appointment (위촉)
    _h(AppointMember, _council, council.decide_appoint, RECORDS, "/v1/council/appointments",
       "협치회의 위원 위촉 / Appoint a council member"),
    _h(RenewTerm, _council, council.decide_renew, RECORDS, "/v1/council/renewals",
       "협치위원 연임(1회) / Renew a council member's term (once)"),
    _h(EndTerm, terms.end_term_streams, terms.decide_end, RECORDS, "/v1/appointments/ends",
       "위원 임기 종료(사임·해촉) / End a member's seat"),
    _h(FormSubcommittee, lambda c: (subcommittee.subcommittee_stream(c.subcommittee_id),),
       subcommittee.decide_form, CHAIRED, "/v1/subcommittees",
       "분과위원회 구성 / Form a subcommittee"),
    _h(AssignSubcommitteeMember,
       lambda c: (subcommittee.subcommittee_stream(c.subcommittee_id), council.COUNCIL_STREAM),
       subcommittee.decide_assign, CHAIRED, "/v1/subcommittees/members",
       "협치위원 분과 배정 / Assign a council member to a subcommittee"),
    _h(AppointOpenMember, lambda c: (subcommittee.subcommittee_stream(c.subcommittee_id),),
       subcommittee.decide_open_member, RECORDS, "/v1/subcommittees/open-members",
       "열린분과원 위촉(1년) / Appoint an open subcommittee member (one year)"),
    _h(AppointRegionalMember, lambda c: (regional.REGIONAL_STREAM,),
       regional.decide_appoint_regional, RECORDS, "/v1/regional-cooperation/members",
       "지역협력분과 위원 위촉(동별 2인) / Appoint a regional member (two per dong)"),
    _h(AppointAdvisor, lambda c: (advisory.ADVISORY_STREAM,), advisory.decide_appoint_advisor,
       RECORDS, "/v1/advisory-panel/members",
       "협치자문단 위원 위촉 / Appoint a governance advisor"),
    # proposal, deliberation, merge (의제)
    _h(ProposeAgenda, lambda c: (agenda.agenda_stream(c.agenda_id),), agenda.decide_propose,
       PROPOSERS, "/v1/agendas", "의제 제안 / Propose an agenda"),
    _h(RecordDeliberation, agenda.deliberation_streams, agenda.decide_deliberate,
       ON_THE_GROUND, "/v1/agendas/deliberations",
       "숙의·공론장 기록 / Record a deliberation on agendas"),
    _h(MergeAgendas, merge.merge_streams, merge.decide_merge, CHAIRED, "/v1/agendas/merges",
       "의제 융합(의제융합·조정회의) / Merge agendas (fusion & coordination)"),
    _h(WithdrawAgenda, lambda c: (agenda.agenda_stream(c.agenda_id),), agenda.decide_withdraw,
       CHAIRED, "/v1/agendas/withdrawals", "의제 철회 / Withdraw an agenda"),
    # vote (우선순위 선정 주민투표)
    _h(OpenVote, vote.open_streams, vote.decide_open, RECORDS, "/v1/votes",
       "우선순위 주민투표 개시 / Open a priority vote"),
    _h(CastBallot, ballot.ballot_streams, ballot.decide_ballot, BALLOTS, "/v1/votes/ballots",
       "주민 투표(게이트웨이) / Cast a resident's ballot (vote gateway)",
       prepare=ballot.prepare_ballot),
    _h(CloseVote, vote.close_streams, vote.decide_close, RECORDS, "/v1/votes/close",
       "투표 마감·집계 / Close a vote and record its tally"),
    # council: meetings, resolutions, plans (협치회의)
    _h(ScheduleMeeting, lambda c: (meeting.meeting_stream(c.meeting_id),),
       meeting.decide_schedule, CHAIRED, "/v1/meetings",
       "회의 소집(정기·임시·융합조정·평가) / Call a meeting"),
    _h(HoldMeeting, meeting.with_council, meeting.decide_hold, CHAIRED, "/v1/meetings/held",
       "회의 개최 기록 / Record that a meeting was held"),
    _h(ResolveCouncilMotion, meeting.with_council, meeting.decide_resolve, CHAIRED,
       "/v1/meetings/motions", "협치회의 심의·의결 / Resolve a council motion"),
    _h(ApprovePlan, plan.approve_streams, plan.decide_approve, CHAIRED, "/v1/plans/approvals",
       "지역사회혁신계획 의결 / Approve the community innovation plan"),
    _h(RecordAssemblyApproval, lambda c: (plan.plan_stream(c.plan_id),), plan.decide_assembly,
       RECORDS, "/v1/plans/assembly-approvals",
       "구의회 승인 기록 / Record the ward assembly's approval"),
    # working groups, MOUs, execution, evaluation, feedback (협약·실행·평가·환류)
    _h(FormWorkingGroup, working_group.form_streams, working_group.decide_form, CO_OWNED,
       "/v1/working-groups", "워킹그룹 구성 / Form a working group"),
    _h(SignMou, mou.sign_streams, mou.decide_sign, CO_OWNED, "/v1/mous",
       "민관협치 협약 체결 / Sign a governance MOU"),
    _h(AmendMou, lambda c: (mou.mou_stream(c.mou_id),), mou.decide_amend, CO_OWNED,
       "/v1/mous/amendments", "협약 변경 / Amend an MOU"),
    _h(StartExecution, project.with_mou_streams, project.decide_start, ON_THE_GROUND,
       "/v1/projects/executions", "실행사업 착수 / Start a project's execution"),
    _h(RecordEvaluation, project.with_mou_streams, project.decide_evaluate, EVALUATORS,
       "/v1/evaluations", "성과평가 기록(자체·모니터링·중간·최종·연간) / Record an evaluation"),
    _h(RecordFeedback, lambda c: (project.project_stream(c.project_id),),
       project.decide_feedback, CHAIRED, "/v1/evaluations/feedback",
       "평가결과 환류 / Feed results into next year's plan"),
    _h(TerminateMou, lambda c: (mou.mou_stream(c.mou_id),), mou.decide_terminate, CO_OWNED,
       "/v1/mous/terminations", "협약 해지 / Terminate an MOU"),
)

HANDLERS: dict[type[Command], Handler[Any]] = {h.command: h for h in _REGISTRY}

__all__ = ["HANDLERS", "Context", "Decision", "Emit", "Handler", "Rejected"]

"""The seed's own data as commands: ``seed_commands()`` → ordered (actor role, command) pairs.

Real data from the seed: the 3rd council appointed 2021-11-23 (50 seats, ≥ 70% private, the
7 centre heads), the 4 subcommittees formed 2022-01-18 (§4); the priority votes' turnout
(2019: 294; 2020: 2,441 over 10 days; 2021: 1,420 over 3 days; 2022: 1,577 over 5 days, §2);
the 12 execution projects of §6.3 with their domains, private partners and departments.

Modelled where the seed is silent (so a reader can tell the two apart): member names
``위원 01``…``위원 50`` and the council's make-up (7 centre heads, 15 recommended, 15 openly
recruited, 3 assembly members, 10 ex officio: 37 private, 74%); subcommittee assignments
(round robin); vote dates and choice limits (the 2019 period is not stated: 7 days); ballots
from synthetic residents ``seed-voter-<year>-<nnnn>`` whose choices follow a fixed hash;
the 2019–2021 candidates, taken from the 2nd plan's achievements (§2); the two merges of the
2022 fusion & coordination meeting (project 5 joins its two named programmes, project 11
integrates two reservation systems); four §6.2 administrative-innovation tasks left on the
board as live agendas; 2023 MOU duties, goals, dates and evaluation scores. Project 1's
domain cell is blank in §6.3; its agenda is filed under ``협치 기반구축``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from govledger_contracts.commands import (
    AppointMember,
    ApprovePlan,
    AssignSubcommitteeMember,
    CastBallot,
    CloseVote,
    Command,
    DutySpec,
    FormSubcommittee,
    FormWorkingGroup,
    GoalSpec,
    HoldMeeting,
    MergeAgendas,
    OpenVote,
    ProposeAgenda,
    RecordAssemblyApproval,
    RecordDeliberation,
    RecordEvaluation,
    RecordFeedback,
    ResolveCouncilMotion,
    ScheduleMeeting,
    ScoreSpec,
    SignMou,
    StartExecution,
)
from govledger_ledger.domain.core import KST
from govledger_ledger.domain.council import CENTRES
from govledger_ledger.domain.seed_data import (
    ADMIN_TASKS,
    CENTRE_KO,
    COUNCIL_MAKEUP,
    EARLIER_CANDIDATES,
    MAX_CHOICES,
    MERGED,
    PROJECTS,
    SUBCOMMITTEES,
    TURNOUT,
    VOTE_PERIODS,
)

Step = tuple[str, Command]
R2, R4, R6 = "시드 §2 / seed §2", "시드 §4 / seed §4", "시드 §6.3 / seed §6.3"
R7 = "시드 §7 성과평가 및 환류 / seed §7"

def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=KST)


def member_id(n: int) -> str:
    return f"council-3-{n:02d}"


def project_no(n: int) -> str:
    return f"2023-{n:02d}"


def _council() -> list[Step]:
    steps: list[Step] = []
    routes = [(s, r) for count, s, r in COUNCIL_MAKEUP for _ in range(count)]
    for n, (sector, route) in enumerate(routes, start=1):
        centre = CENTRES[n - 1] if route == "centre_head" else ""
        steps.append(("secretariat", AppointMember(
            member_id=member_id(n), name=f"위원 {n:02d}", sector=sector,  # type: ignore[arg-type]
            route=route, term_start=dt.date(2021, 11, 23), term_end=dt.date(2023, 11, 22),
            centre=centre, affiliation=f"{CENTRE_KO[n - 1]} 중간지원조직 센터장" if centre else "",
            reason=f"제3기 성동구협치회의 위원 위촉 / {R4}", occurred_at=at(2021, 11, 23, 14))))
    return steps


def _subcommittees() -> list[Step]:
    formed: list[Step] = [("secretariat", FormSubcommittee(
        subcommittee_id=sid, name=name, reason=f"분과 구성 / {R4}", occurred_at=at(2022, 1, 18)))
        for sid, name in SUBCOMMITTEES]
    assigned: list[Step] = [("secretariat", AssignSubcommitteeMember(
        subcommittee_id=SUBCOMMITTEES[(n - 1) % 4][0], member_id=member_id(n),
        reason=f"분과 배정 / {R4}", occurred_at=at(2022, 1, 18, 15))) for n in range(1, 51)]
    return formed + assigned


def _propose(agenda_id: str, title: str, domains: tuple[str, ...], year: int,
             when: dt.datetime, channel: str = "resident_forum") -> Step:
    role = "department_officer" if channel == "department" else "secretariat"
    return (role, ProposeAgenda(agenda_id=agenda_id, title=title, channel=channel,
                                domains=domains, year=year, reason=f"의제 발굴 / {R2}",
                                occurred_at=when))


def _ballots(year: int, vote_id: str, candidates: tuple[str, ...],
             opens: dt.datetime, days: int) -> list[Step]:
    steps: list[Step] = []
    n = TURNOUT[year]
    for i in range(1, n + 1):
        resident = f"seed-voter-{year}-{i:04d}"
        digest = hashlib.sha256(resident.encode()).digest()
        pool = list(candidates)
        picks = []
        for k in range(1 + digest[0] % MAX_CHOICES[year]):
            picks.append(pool.pop((digest[k + 1] << 8 | digest[k + 9]) % len(pool)))
        when = opens + dt.timedelta(seconds=days * 86400 * i // (n + 1))
        steps.append(("vote_gateway", CastBallot(
            vote_id=vote_id, resident_id=resident, choices=tuple(picks),
            reason=f"우선순위 선정 주민투표 / {R2}", occurred_at=when)))
    return steps


def _vote(year: int, candidates: tuple[str, ...]) -> list[Step]:
    (month, day), days = VOTE_PERIODS[year]
    opens = at(year, month, day, 9)
    closes = opens + dt.timedelta(days=days)
    vote_id = f"priority-{year}"
    opened = ("secretariat", OpenVote(
        vote_id=vote_id, title=f"{year} 협치의제 우선순위 선정 주민투표", year=year,
        candidate_ids=candidates, max_choices=MAX_CHOICES[year], opens_at=opens,
        closes_at=closes, reason=f"우선순위 선정 주민투표 개시 / {R2}", occurred_at=opens))
    closed = ("secretariat", CloseVote(vote_id=vote_id, reason=f"투표 마감·집계 / {R2}",
                                       occurred_at=closes))
    return [opened, *_ballots(year, vote_id, candidates, opens, days), closed]


def _earlier_votes() -> list[Step]:
    steps: list[Step] = []
    for year, items in EARLIER_CANDIDATES.items():
        ids = tuple(f"a{year}-{k:02d}" for k in range(1, len(items) + 1))
        steps += [_propose(a, t, d, year, at(year, 7, 1))
                  for a, (t, d) in zip(ids, items, strict=True)]
        steps += _vote(year, ids)
    return steps


def agenda_of(n: int) -> str:
    return f"a2022-{n:02d}"


def _discovery_2022() -> list[Step]:
    """Agendas proposed in the short 2022 second-half discovery (§2 한계), deliberated."""
    steps: list[Step] = []
    for n, (title, domains, _, _) in enumerate(PROJECTS, start=1):
        if n in MERGED:
            steps += [_propose(f"{agenda_of(n)}{s}", t, d, 2022, at(2022, 8, 1), c)
                      for s, (t, d, c) in zip("ab", MERGED[n], strict=True)]
        else:
            steps.append(_propose(agenda_of(n), title, domains or ("협치 기반구축",), 2022,
                                  at(2022, 8, 1), "open_subcommittee"))
    steps += [_propose(f"a2022-admin-{k}", t, ("협치행정",), 2022, at(2022, 8, 2), "department")
              for k, t in enumerate(ADMIN_TASKS, start=1)]
    forums = {"health_welfare": (4, 6, 7, 8), "village_autonomy": (2, 3, 9, 12),
              "urban_environment": (10,), "education_culture": (1,)}
    for k, (sid, numbers) in enumerate(forums.items()):
        steps.append(("secretariat", RecordDeliberation(
            deliberation_id=f"d2022-{sid}", agenda_ids=tuple(agenda_of(n) for n in numbers),
            format="small_forum", participants=15 + 3 * k, reason=f"분과 소규모 공론장 / {R4}",
            occurred_at=at(2022, 8, 22 + k))))
    return steps


def _fusion_2022() -> list[Step]:
    """의제융합·조정회의: the meeting, and the fused agendas of projects 5 and 11."""
    meeting = "m-2022-fusion"
    steps: list[Step] = [
        ("secretariat", ScheduleMeeting(
            meeting_id=meeting, kind="fusion_coordination", scheduled_for=dt.date(2022, 9, 5),
            reason=f"의제융합·조정회의 소집 / {R2}", occurred_at=at(2022, 8, 29))),
        ("council_chair", HoldMeeting(
            meeting_id=meeting, attendees=30, reason=f"의제융합·조정회의 / {R2}",
            occurred_at=at(2022, 9, 5, 15))),
    ]
    for n in MERGED:
        title, domains, _, _ = PROJECTS[n - 1]
        steps.append(("council_chair", MergeAgendas(
            agenda_id=agenda_of(n), source_ids=(f"{agenda_of(n)}a", f"{agenda_of(n)}b"),
            title=title, domains=domains, year=2022, meeting_id=meeting,
            reason=f"의제융합·조정회의 융합 / {R6}", occurred_at=at(2022, 9, 5, 16))))
    return steps


def _approval_2022() -> list[Step]:
    """The council resolves the 2023–2025 plan; the ward assembly approves it."""
    m, motion = "m-2022-q4", "motion-2022-q4-1"
    title = "2023-2025 성동구 지역사회혁신계획 민·관 협치 활성화 기본계획"
    return [
        ("secretariat", ScheduleMeeting(
            meeting_id=m, kind="regular", quarter=4, scheduled_for=dt.date(2022, 11, 10),
            reason=f"4분기 정기회의 소집 / {R4}", occurred_at=at(2022, 11, 1))),
        ("council_chair", HoldMeeting(
            meeting_id=m, attendees=41, reason=f"4분기 정기회의 / {R4}",
            occurred_at=at(2022, 11, 10, 14))),
        ("council_chair", ResolveCouncilMotion(
            meeting_id=m, motion_id=motion, title=f"{title} 심의·의결", votes_for=39,
            votes_against=0, abstentions=2, reason=f"심의·의결 / {R4}",
            occurred_at=at(2022, 11, 10, 15))),
        ("council_chair", ApprovePlan(
            plan_id="plan-2023", title=title, start_year=2023, end_year=2025, meeting_id=m,
            motion_id=motion, project_ids=tuple(f"p{project_no(n)}" for n in range(1, 13)),
            reason=f"협치회의 최종 승인 / {R4}", occurred_at=at(2022, 11, 10, 15))),
        ("secretariat", RecordAssemblyApproval(
            plan_id="plan-2023", session_ref="성동구의회 2022년 제2차 정례회",
            reason="구의회 승인 이후 숙의 / 시드 §6.1", occurred_at=at(2022, 12, 20))),
    ]


def _mou(n: int) -> SignMou:
    title, _, partners, departments = PROJECTS[n - 1]
    return SignMou(
        mou_id=f"mou-{project_no(n)}", project_id=f"p{project_no(n)}",
        working_group_id=f"wg-{project_no(n)}", title=title, year=2023,
        private_parties=partners, departments=departments, mayor="성동구청장",
        duties=(DutySpec(side="private", duty="주민 참여 조직과 사업 실행, 활동 기록"),
                DutySpec(side="public", duty="예산·행정 지원, 관련 부서 협업 조정")),
        goals=(GoalSpec(goal_id="g1", stage=1, description="참여 주체 모집과 실행 준비",
                        due=dt.date(2023, 6, 30)),
               GoalSpec(goal_id="g2", stage=2, description="사업 운영과 성과 공유",
                        due=dt.date(2023, 11, 30))),
        reason="민관협치 협약식 / 시드 §6.2", occurred_at=at(2023, 2, 15))


def _evaluation(n: int, kind: str, half: int, when: dt.datetime) -> RecordEvaluation:
    base = 70 + (n * 7 + half * 5) % 25
    return RecordEvaluation(
        project_id=f"p{project_no(n)}", mou_id=f"mou-{project_no(n)}", kind=kind, year=2023,
        half=half, goal_scores=(ScoreSpec(goal_id="g1", score=base),
                                ScoreSpec(goal_id="g2", score=min(100, base + 4))),
        private_role_score=base + 2, public_role_score=base, reason=R7, occurred_at=when)


def _projects_2023() -> list[Step]:
    steps: list[Step] = []
    for n, (title, _, partners, departments) in enumerate(PROJECTS, start=1):
        pid = f"p{project_no(n)}"
        steps += [
            ("secretariat", FormWorkingGroup(
                working_group_id=f"wg-{project_no(n)}", agenda_id=agenda_of(n),
                name=f"{title} 워킹그룹",
                private_partners=partners, departments=departments, year=2023,
                reason=f"워킹그룹 구성 / {R6}", occurred_at=at(2023, 1, 10))),
            ("department_officer", _mou(n)),
            ("working_group", StartExecution(
                project_id=pid, mou_id=f"mou-{project_no(n)}", reason=f"실행 착수 / {R6}",
                occurred_at=at(2023, 3, 2))),
        ]
    steps += [("working_group", _evaluation(n, "self", 1, at(2023, 7, 14))) for n in range(1, 13)]
    steps += [("working_group", _evaluation(n, "self", 2, at(2023, 12, 8))) for n in range(1, 13)]
    steps += [("secretariat", _evaluation(n, "annual", 0, at(2023, 12, 20))) for n in range(1, 13)]
    steps += [("secretariat", RecordFeedback(
        project_id=f"p{project_no(n)}", year=2023, into_year=2024,
        findings=("12월 성과공유회 결과를 2024 시행계획 수립 시 영역별 공론장에서 검토",),
        reason=R7, occurred_at=at(2023, 12, 20, 16))) for n in range(1, 13)]
    return steps


def seed_commands() -> list[Step]:
    """Every command of the seed's data set, in the order the ledger accepts them."""
    candidates = tuple(agenda_of(n) for n in range(1, 13))
    return [*_council(), *_subcommittees(), *_earlier_votes(), *_discovery_2022(),
            *_fusion_2022(), *_vote(2022, candidates), *_approval_2022(), *_projects_2023()]

"""OpenAPI example bodies, one per command, in the ward's vocabulary.

Each is accepted on the ledger after the seed (seed.py) and the examples of the commands
registered before it (the registry's order), which tests/unit/domain checks. They tell a
small 2023–2024 story: the 4th council begins, a 2024 agenda is proposed, voted on,
agreed, executed and evaluated, and the council resolves the 2024 plan in 2023's Q3.
"""

from __future__ import annotations

from typing import Any

_R = "예시 / example"

EXAMPLES: dict[str, dict[str, Any]] = {
    "AppointMember": {
        "member_id": "council-4-01", "name": "위원 예시", "sector": "private",
        "route": "recommendation", "term_start": "2023-11-23", "term_end": "2025-11-22",
        "affiliation": "성동구사회복지사협회", "reason": f"제4기 협치위원 위촉 / {_R}",
        "occurred_at": "2023-11-23T14:00:00+09:00",
    },
    "RenewTerm": {
        "member_id": "council-3-02", "term_end": "2025-11-22",
        "reason": f"제3기 위원 연임 / {_R}", "occurred_at": "2023-11-01T10:00:00+09:00",
    },
    "EndTerm": {
        "member_id": "council-4-01", "body": "council", "ended_on": "2024-06-30",
        "cause": "resigned", "reason": f"개인 사정으로 사임 / {_R}",
        "occurred_at": "2024-06-30T10:00:00+09:00",
    },
    "FormSubcommittee": {
        "subcommittee_id": "youth_future", "name": "청년미래",
        "reason": f"협치회의 분과 신설 의결 / {_R}", "occurred_at": "2024-02-01T10:00:00+09:00",
    },
    "AssignSubcommitteeMember": {
        "subcommittee_id": "youth_future", "member_id": "council-3-02",
        "reason": f"분과 배정 / {_R}", "occurred_at": "2024-02-15T10:00:00+09:00",
    },
    "AppointOpenMember": {
        "subcommittee_id": "health_welfare", "member_id": "open-2024-001",
        "name": "열린분과원 예시",
        "term_start": "2024-03-01", "term_end": "2025-02-28",
        "reason": f"열린분과원 공개모집 / {_R}", "occurred_at": "2024-03-01T10:00:00+09:00",
    },
    "AppointRegionalMember": {
        "member_id": "regional-2024-01", "name": "지역협력위원 예시", "dong": "마장동",
        "term_start": "2024-01-01", "term_end": "2025-12-31",
        "reason": f"동 추천 / {_R}", "occurred_at": "2024-01-02T10:00:00+09:00",
    },
    "AppointAdvisor": {
        "member_id": "advisor-2024-01", "name": "자문위원 예시", "sector": "private",
        "route": "council_leadership", "term_start": "2024-01-01", "term_end": "2025-12-31",
        "reason": f"협치자문단 구성 / {_R}", "occurred_at": "2024-01-02T10:00:00+09:00",
    },
    "ProposeAgenda": {
        "agenda_id": "a2024-01", "title": "어르신 디지털 동행", "channel": "online",
        "summary": "키오스크·모바일 민원 이용을 돕는 주민 동행단",
        "domains": ["어르신", "스마트", "복지"],
        "year": 2024, "reason": f"온라인 의제 제안 / {_R}",
        "occurred_at": "2024-03-10T10:00:00+09:00",
    },
    "RecordDeliberation": {
        "deliberation_id": "d2024-01", "agenda_ids": ["a2024-01"], "format": "resident_forum",
        "participants": 24, "summary": "동행단 운영 방식과 참여 대상 숙의",
        "reason": f"주민 공론장 / {_R}", "occurred_at": "2024-04-05T19:00:00+09:00",
    },
    "MergeAgendas": {
        "agenda_id": "a2024-fused-01", "source_ids": ["a2022-admin-1", "a2022-admin-2"],
        "title": "협치행정 구조혁신", "year": 2024,
        "reason": f"의제융합·조정회의 / {_R}", "occurred_at": "2024-04-10T15:00:00+09:00",
    },
    "WithdrawAgenda": {
        "agenda_id": "a2022-admin-4", "reason": f"협치성동 밴드로 대체 운영 / {_R}",
        "occurred_at": "2024-04-10T16:00:00+09:00",
    },
    "OpenVote": {
        "vote_id": "priority-2024", "title": "2024 협치의제 우선순위 선정 주민투표", "year": 2024,
        "candidate_ids": ["a2024-01", "a2022-admin-3"], "max_choices": 1,
        "opens_at": "2024-05-01T09:00:00+09:00", "closes_at": "2024-05-06T09:00:00+09:00",
        "reason": f"투표 개시 / {_R}", "occurred_at": "2024-05-01T09:00:00+09:00",
    },
    "CastBallot": {
        "vote_id": "priority-2024", "resident_id": "gateway-resident-0001",
        "choices": ["a2024-01"], "reason": f"주민 투표 / {_R}",
        "occurred_at": "2024-05-02T12:00:00+09:00",
    },
    "CloseVote": {
        "vote_id": "priority-2024", "reason": f"투표 마감 / {_R}",
        "occurred_at": "2024-05-06T09:00:00+09:00",
    },
    "ScheduleMeeting": {
        "meeting_id": "m-2023-q3", "body": "council", "kind": "regular", "quarter": 3,
        "scheduled_for": "2023-09-14", "agenda_items": ["2024 시행계획 심의·의결"],
        "reason": f"3분기 정기회의 소집 / {_R}", "occurred_at": "2023-09-01T10:00:00+09:00",
    },
    "HoldMeeting": {
        "meeting_id": "m-2023-q3", "attendees": 38, "minutes_ref": "2023-3분기-회의록",
        "reason": f"3분기 정기회의 / {_R}", "occurred_at": "2023-09-14T14:00:00+09:00",
    },
    "ResolveCouncilMotion": {
        "meeting_id": "m-2023-q3", "motion_id": "motion-2023-q3-1",
        "title": "2024 지역사회혁신계획 시행계획 심의·의결", "votes_for": 35, "votes_against": 1,
        "abstentions": 2, "reason": f"심의·의결 / {_R}",
        "occurred_at": "2023-09-14T15:00:00+09:00",
    },
    "ApprovePlan": {
        "plan_id": "plan-2024", "title": "2024 지역사회혁신계획 시행계획", "start_year": 2024,
        "end_year": 2024, "meeting_id": "m-2023-q3", "motion_id": "motion-2023-q3-1",
        "reason": f"협치회의 의결 / {_R}", "occurred_at": "2023-09-14T15:10:00+09:00",
    },
    "RecordAssemblyApproval": {
        "plan_id": "plan-2024", "session_ref": "성동구의회 2023년 제2차 정례회",
        "budget_krw": 150000000, "reason": f"구의회 승인 / {_R}",
        "occurred_at": "2023-12-15T10:00:00+09:00",
    },
    "FormWorkingGroup": {
        "working_group_id": "wg-2024-01", "agenda_id": "a2024-01",
        "name": "어르신 디지털 동행 워킹그룹",
        "private_partners": ["성동구 50+센터", "디지털 동행 주민모임"],
        "departments": ["어르신장애인복지과 (어르신복지팀)", "정보통신과"], "year": 2024,
        "reason": f"워킹그룹 구성 / {_R}", "occurred_at": "2024-05-20T10:00:00+09:00",
    },
    "SignMou": {
        "mou_id": "mou-2024-01", "project_id": "p2024-01", "working_group_id": "wg-2024-01",
        "title": "어르신 디지털 동행", "year": 2024,
        "private_parties": ["성동구 50+센터", "디지털 동행 주민모임"],
        "departments": ["어르신장애인복지과 (어르신복지팀)", "정보통신과"], "mayor": "성동구청장",
        "duties": [{"side": "private", "duty": "동행단 모집·교육과 현장 운영"},
                   {"side": "public", "duty": "교육 공간·예산 지원, 민원 창구 협조"}],
        "goals": [{"goal_id": "g1", "stage": 1, "description": "동행단 20명 양성",
                   "due": "2024-07-31"},
                  {"goal_id": "g2", "stage": 2, "description": "어르신 300명 동행",
                   "due": "2024-11-30"}],
        "reason": f"민관협치 협약식 / {_R}", "occurred_at": "2024-06-03T10:00:00+09:00",
    },
    "AmendMou": {
        "mou_id": "mou-2024-01",
        "goals": [{"goal_id": "g1", "stage": 1, "description": "동행단 25명 양성",
                   "due": "2024-07-31"},
                  {"goal_id": "g2", "stage": 2, "description": "어르신 300명 동행",
                   "due": "2024-11-30"}],
        "reason": f"워킹그룹 요청으로 목표 상향 / {_R}", "occurred_at": "2024-06-20T10:00:00+09:00",
    },
    "StartExecution": {
        "project_id": "p2024-01", "mou_id": "mou-2024-01", "reason": f"실행 착수 / {_R}",
        "occurred_at": "2024-06-24T10:00:00+09:00",
    },
    "RecordEvaluation": {
        "project_id": "p2024-01", "mou_id": "mou-2024-01", "kind": "self", "year": 2024,
        "half": 1, "goal_scores": [{"goal_id": "g1", "score": 80}, {"goal_id": "g2", "score": 40}],
        "private_role_score": 85, "public_role_score": 78, "summary": "동행단 양성 순조",
        "reason": f"상반기 자체평가 / {_R}", "occurred_at": "2024-07-10T10:00:00+09:00",
    },
    "RecordFeedback": {
        "project_id": "p2023-01", "year": 2023, "into_year": 2024,
        "findings": ["열린분과원 참여 확대를 2024 시행계획에 반영"],
        "reason": f"성과공유회 환류 / {_R}", "occurred_at": "2024-01-15T10:00:00+09:00",
    },
    "TerminateMou": {
        "mou_id": "mou-2024-01", "reason": f"사업 종료에 따른 협약 해지 / {_R}",
        "occurred_at": "2024-12-31T10:00:00+09:00",
    },
}

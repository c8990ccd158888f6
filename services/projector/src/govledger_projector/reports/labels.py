"""Korean and English labels for the report's tables and columns (Korean first)."""

from __future__ import annotations

TABLES: dict[str, tuple[str, str]] = {
    "council": ("협치회의 위원 명단", "Council members"),
    "agendas": ("의제 추진 현황", "Agenda pipeline"),
    "merges": ("의제 융합 이력(출처)", "Merge provenance"),
    "turnout": ("연도별 주민투표 참여자", "Priority-vote turnout by year"),
    "vote_results": ("주민투표 결과", "Vote results"),
    "mous": ("민관협치 협약", "Governance MOUs"),
    "goals": ("협약 단계별 목표 달성", "MOU staged goals"),
    "evaluations": ("성과평가", "Evaluations"),
    "statistics": ("연도별 통계", "Yearly statistics"),
}

COLUMNS: dict[str, tuple[str, str]] = {
    "member_id": ("위원 ID", "Member id"), "name": ("이름", "Name"),
    "sector": ("부문", "Sector"), "route": ("위촉 경로", "Route"),
    "centre": ("센터", "Centre"), "affiliation": ("소속", "Affiliation"),
    "term_start": ("임기 시작", "Term start"), "term_end": ("임기 종료", "Term end"),
    "renewals": ("연임", "Renewals"), "ended_on": ("퇴임일", "Ended on"),
    "end_cause": ("퇴임 사유", "Cause"), "agenda_id": ("의제 ID", "Agenda id"),
    "title": ("제목", "Title"), "domains": ("영역", "Domains"), "channel": ("경로", "Channel"),
    "year": ("연도", "Year"), "stage": ("단계", "Stage"), "closed": ("종결", "Closed"),
    "merged_into": ("통합 대상", "Merged into"), "sources": ("원 의제", "Sources"),
    "vote_rank": ("투표 순위", "Vote rank"), "vote_count": ("득표", "Votes"),
    "projects": ("사업", "Projects"), "fused_agenda_id": ("융합 의제", "Fused agenda"),
    "fused_title": ("융합 의제명", "Fused title"),
    "source_agenda_id": ("원 의제", "Source agenda"), "source_title": ("원 의제명", "Source title"),
    "meeting_id": ("회의", "Meeting"), "merged_at": ("융합 일시", "Merged at"),
    "actor_role": ("기록 주체", "Recorded by"), "reason": ("근거", "Reason"),
    "position": ("원장 위치", "Ledger position"), "votes": ("투표 수", "Votes"),
    "turnout": ("참여자 수", "Turnout"), "vote_id": ("투표 ID", "Vote id"),
    "opens_at": ("개시", "Opens"), "closes_at": ("마감", "Closes"), "rank": ("순위", "Rank"),
    "mou_id": ("협약 ID", "MOU id"), "project_id": ("사업 ID", "Project id"),
    "private_parties": ("민간 주체", "Private parties"),
    "departments": ("행정 부서", "Departments"),
    "status": ("상태", "Status"), "revision": ("변경 차수", "Revision"),
    "signed_at": ("체결 일시", "Signed at"), "executed_at": ("착수 일시", "Started at"),
    "goal_id": ("목표", "Goal"), "description": ("내용", "Description"),
    "due": ("기한", "Due"), "latest_score": ("최근 점수", "Latest score"),
    "kind": ("평가 종류", "Kind"), "half": ("반기", "Half"),
    "goal_average": ("목표 평균", "Goal average"),
    "private_role_score": ("민간 역할", "Private role"),
    "public_role_score": ("행정 역할", "Public role"), "occurred_at": ("일시", "When"),
    "council_appointments": ("협치회의 위원 위촉", "Council members appointed"),
    "subcommittee_assignments": ("분과 배정(협치위원)", "Subcommittee assignments"),
    "appointments": ("위촉·배정 계(모든 기구)", "Seats filled, all bodies"),
    "seats_ended": ("퇴임(모든 기구)", "Seats ended, all bodies"),
    "agendas_proposed": ("의제 제안", "Agendas proposed"),
    "agenda_deliberations": ("의제 숙의", "Deliberations"), "merges": ("의제 융합", "Merges"),
    "agendas_withdrawn": ("의제 철회", "Withdrawn"), "votes_opened": ("투표 개시", "Votes opened"),
    "votes_closed": ("투표 마감", "Votes closed"), "ballots": ("투표지", "Ballots"),
    "mous_signed": ("협약 체결", "MOUs signed"), "mous_amended": ("협약 변경", "MOUs amended"),
    "mous_terminated": ("협약 해지", "MOUs terminated"),
    "executions_started": ("실행 착수", "Executions"), "evaluations": ("평가", "Evaluations"),
    "meetings_held": ("회의 개최", "Meetings"), "motions_resolved": ("의결", "Motions"),
    "plans_approved": ("계획 의결", "Plans approved"), "feedback": ("환류", "Feedback"),
    "events": ("전체 사건", "All events"),
}

STAGES: dict[str, tuple[str, str]] = {
    "proposed": ("제안", "Proposed"), "deliberated": ("숙의", "Deliberated"),
    "merged": ("융합", "Merged"), "on_ballot": ("투표 회부", "On ballot"),
    "prioritised": ("우선순위 선정", "Prioritised"), "agreed": ("협약", "Agreed"),
    "in_execution": ("실행", "In execution"), "evaluated": ("평가", "Evaluated"),
}

SECTORS: dict[str, tuple[str, str]] = {"private": ("민간", "Private"), "public": ("공공", "Public")}

ROUTES: dict[str, tuple[str, str]] = {
    "recommendation": ("추천", "Recommended"), "open_recruitment": ("공개모집", "Open recruitment"),
    "centre_head": ("중간지원조직 센터장", "Centre head"), "assembly": ("구의회", "Ward assembly"),
    "ex_officio": ("당연직", "Ex officio"),
    "council_member": ("협치위원 분과 배정", "Council member assigned"),
    "council_leadership": ("의장단", "Council leadership"),
    "subcommittee_head": ("분과장", "Subcommittee head"),
    "department_recommendation": ("부서 추천", "Department nominee"),
}
"""Council routes (§2), a council member's subcommittee seat, and the advisory routes (§6.2)."""

CENTRES: dict[str, tuple[str, str]] = {
    "welfare": ("복지", "Welfare"), "youth": ("청년", "Youth"), "sharing": ("공유", "Sharing"),
    "village": ("마을", "Village community"), "self_governance": ("자치", "Self-governance"),
    "volunteering": ("자원봉사", "Volunteering"),
    "social_economy": ("사회적경제", "Social economy"),
}
"""The 7 intermediary-support centres (중간지원조직, §2) whose heads sit on the council."""

END_CAUSES: dict[str, tuple[str, str]] = {
    "resigned": ("사임", "Resigned"), "dismissed": ("해촉", "Dismissed"),
    "expired": ("임기만료", "Term expired"), "other": ("기타", "Other"),
}

CHANNELS: dict[str, tuple[str, str]] = {
    "resident_forum": ("주민 공론장", "Residents' forum"),
    "small_forum": ("소규모 공론장", "Small forum"),
    "working_group": ("워킹그룹", "Working group"), "workshop": ("워크숍", "Workshop"),
    "department": ("부서 제안", "Department"), "online": ("온라인 제안", "Online"),
    "open_subcommittee": ("열린분과", "Open subcommittee"),
    "fusion_coordination": ("의제융합·조정회의", "Fusion & coordination meeting"),
}
"""How an agenda came to the board (a fused agenda: the fusion meeting)."""

CLOSED: dict[str, tuple[str, str]] = {
    "merged_into": ("융합되어 종결", "Merged into another"), "withdrawn": ("철회", "Withdrawn"),
}

ROLES: dict[str, tuple[str, str]] = {
    "secretariat": ("민관협력추진단", "Secretariat"), "council_chair": ("의장단", "Council chair"),
    "department_officer": ("부서", "Department officer"),
    "working_group": ("워킹그룹", "Working group"),
    "vote_gateway": ("투표 게이트웨이", "Vote gateway"),
    "auditor": ("감사인", "Auditor"), "admin": ("관리자", "Administrator"),
    "resident": ("주민", "Resident"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "signed": ("체결", "Signed"), "in_execution": ("실행 중", "In execution"),
    "terminated": ("해지", "Terminated"),
    "pending": ("평가 전", "Pending"), "attained": ("달성", "Attained"),
    "not_attained": ("미달성", "Not attained"),
}
"""An MOU's status and a staged goal's status (attained: latest score ≥ 80)."""

EVALUATION_KINDS: dict[str, tuple[str, str]] = {
    "self": ("자체평가", "Self-evaluation"), "monitoring": ("모니터링", "Monitoring"),
    "midterm": ("중간평가", "Midterm evaluation"), "final": ("최종평가", "Final evaluation"),
    "annual": ("연간 성과평가", "Annual review"),
}

HALVES: dict[str, tuple[str, str]] = {
    "0": ("연간", "Whole year"), "1": ("상반기", "First half"), "2": ("하반기", "Second half"),
}

VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "sector": SECTORS, "route": ROUTES, "centre": CENTRES, "end_cause": END_CAUSES,
    "channel": CHANNELS, "stage": STAGES, "closed": CLOSED, "actor_role": ROLES,
    "status": STATUSES, "kind": EVALUATION_KINDS, "half": HALVES,
}
"""Column → code → (Korean, English): every enumerated value the report shows. The open
data (CSV, JSON) keeps the codes; a code without a label is shown as it is."""

PHRASES: dict[str, tuple[str, str]] = {
    "no_records": ("해당 연도 기록이 없습니다.", "No records this year."),
    "rebuild": ("이 보고서는 다음 원장 위치까지의 사건으로 만들었습니다. 원장을 처음부터 다시 "
                "투영하면 같은 보고서가 나옵니다.",
                "This report was built from the ledger up to this position; rebuilding the "
                "views from the log gives the same report."),
    "times": ("시각은 서울 시간(KST)입니다. 원장에는 UTC로 저장됩니다.",
              "Times are Seoul time (KST); the ledger stores UTC."),
    "open_data": ("공공데이터(CSV·JSON)", "Open data (CSV, JSON)"),
    "seats_filled": ("위촉·배정 계는 협치회의 위원 위촉, 협치위원의 분과 배정, 열린분과원·"
                     "지역협력분과·협치자문단 위촉을 모두 셉니다. 한 사람이 여러 좌석을 가질 수 "
                     "있습니다.",
                     "Seats filled counts council appointments, council members' subcommittee "
                     "assignments, and open subcommittee, regional and advisory members "
                     "appointed: one person may hold several seats."),
}

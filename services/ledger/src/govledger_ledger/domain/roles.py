"""The role matrix: which bearer-token roles may give which command (docs/domain.md).

secretariat (민관협력추진단) records most administrative acts; council_chair (의장단)
chairs meetings, resolutions and the fusion meeting; department_officer (부서) co-owns
working groups, MOUs and monitoring; working_group (워킹그룹) records its deliberations,
execution and self-evaluation; vote_gateway relays residents' ballots and nothing else;
resident proposes agendas online; auditor (감사) reads and writes nothing; admin may give
every command except a ballot (ballots come only through the gateway, which holds the ids).
"""

from __future__ import annotations

SECRETARIAT = "secretariat"
COUNCIL_CHAIR = "council_chair"
DEPARTMENT = "department_officer"
WORKING_GROUP = "working_group"
VOTE_GATEWAY = "vote_gateway"
AUDITOR = "auditor"
ADMIN = "admin"
RESIDENT = "resident"

ALL_ROLES = (SECRETARIAT, COUNCIL_CHAIR, DEPARTMENT, WORKING_GROUP, VOTE_GATEWAY, AUDITOR, ADMIN,
             RESIDENT)

ROLE_NAMES: dict[str, tuple[str, str]] = {
    SECRETARIAT: ("민관협력추진단", "secretariat"), COUNCIL_CHAIR: ("의장단", "council chair"),
    DEPARTMENT: ("부서", "department officer"), WORKING_GROUP: ("워킹그룹", "working group"),
    VOTE_GATEWAY: ("투표 게이트웨이", "vote gateway"), AUDITOR: ("감사인", "auditor"),
    ADMIN: ("관리자", "administrator"), RESIDENT: ("주민", "resident"),
}
"""Each role in the ward's words (Korean, English), for the problems that name it."""


def roles(*names: str) -> frozenset[str]:
    """The given roles plus admin (the operator may record any act but a ballot)."""
    return frozenset({*names, ADMIN})


RECORDS = roles(SECRETARIAT)
CHAIRED = roles(SECRETARIAT, COUNCIL_CHAIR)
CO_OWNED = roles(SECRETARIAT, DEPARTMENT)
ON_THE_GROUND = roles(SECRETARIAT, DEPARTMENT, WORKING_GROUP)
PROPOSERS = roles(SECRETARIAT, DEPARTMENT, WORKING_GROUP, RESIDENT)
EVALUATORS = roles(SECRETARIAT, COUNCIL_CHAIR, DEPARTMENT, WORKING_GROUP)
BALLOTS = frozenset({VOTE_GATEWAY})

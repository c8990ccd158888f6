"""협치자문단 (governance advisory panel): stream ``advisory-panel`` (§6.2).

"10명 내외" — about ten: council leaders, subcommittee heads and department nominees. The
ledger reads "about ten" as a ceiling of 12 seats on any day (ten, give or take a fifth).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govledger_contracts.commands import AppointAdvisor
from govledger_contracts.events import MemberAppointed
from govledger_ledger.domain.core import Context, Decision, Emit
from govledger_ledger.domain.roster import (
    ADVISORY,
    BodyState,
    body_stream,
    overlapping,
    term_invalid,
)
from govledger_ledger.domain.rules import refuse

ADVISORY_STREAM = body_stream(ADVISORY)
MAX_ADVISORS = 12
ROUTES = frozenset({"council_leadership", "subcommittee_head", "department_recommendation"})


def decide_appoint_advisor(cmd: AppointAdvisor, states: Mapping[str, Any],
                           ctx: Context) -> Decision:
    """An advisor comes from the council's leadership, a subcommittee or a department."""
    state: BodyState = states[ADVISORY_STREAM]
    others = overlapping(state, cmd.term_start, cmd.term_end)
    rejection = (
        term_invalid(cmd.term_start, cmd.term_end)
        or (None if cmd.route in ROUTES else refuse("advisory.route_unknown", "route"))
        or (refuse("advisory.already_seated", "member_id")
            if any(s.member_id == cmd.member_id for s in others) else None)
        or (refuse("advisory.panel_full") if len(others) >= MAX_ADVISORS else None)
    )
    if rejection:
        return rejection
    event = MemberAppointed(
        member_id=cmd.member_id, body=ADVISORY, name=cmd.name, sector=cmd.sector,
        route=cmd.route, term_start=cmd.term_start, term_end=cmd.term_end,
        affiliation=cmd.affiliation,
    )
    return [Emit(stream_id=ADVISORY_STREAM, event=event)]

"""지역협력분과 (regional cooperation subcommittee): stream ``regional-cooperation`` (§6.1).

Two members per dong link dong-level agendas upward; the ledger refuses a third seat for a
dong on any day. The reference list is Seongdong-gu's 17 administrative dongs (행정동).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govledger_contracts.commands import AppointRegionalMember
from govledger_contracts.events import MemberAppointed
from govledger_ledger.domain.core import Context, Decision, Emit
from govledger_ledger.domain.roster import (
    REGIONAL,
    BodyState,
    body_stream,
    overlapping,
    term_invalid,
)
from govledger_ledger.domain.rules import refuse

REGIONAL_STREAM = body_stream(REGIONAL)
SEATS_PER_DONG = 2
DONGS = (
    "왕십리제2동", "왕십리도선동", "마장동", "사근동", "행당제1동", "행당제2동", "응봉동",
    "금호1가동", "금호2·3가동", "금호4가동", "옥수동", "성수1가제1동", "성수1가제2동",
    "성수2가제1동", "성수2가제3동", "송정동", "용답동",
)
"""성동구 행정동 17개 (Seongdong-gu's 17 administrative dongs)."""


def decide_appoint_regional(cmd: AppointRegionalMember, states: Mapping[str, Any],
                            ctx: Context) -> Decision:
    """A member represents one of the 17 dongs, at most two seated per dong on any day."""
    state: BodyState = states[REGIONAL_STREAM]
    others = overlapping(state, cmd.term_start, cmd.term_end)
    same_dong = sum(s.dong == cmd.dong for s in others)
    rejection = (
        term_invalid(cmd.term_start, cmd.term_end)
        or (None if cmd.dong in DONGS else refuse("regional.dong_unknown", "dong"))
        or (refuse("regional.already_seated", "member_id")
            if any(s.member_id == cmd.member_id for s in others) else None)
        or (refuse("regional.dong_full", "dong") if same_dong >= SEATS_PER_DONG else None)
    )
    if rejection:
        return rejection
    event = MemberAppointed(
        member_id=cmd.member_id, body=REGIONAL, name=cmd.name, sector=cmd.sector,
        route=cmd.route, term_start=cmd.term_start, term_end=cmd.term_end,
        affiliation=cmd.affiliation, dong=cmd.dong,
    )
    return [Emit(stream_id=REGIONAL_STREAM, event=event)]

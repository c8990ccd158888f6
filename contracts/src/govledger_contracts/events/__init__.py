"""The event catalogue: one tagged union of every event type, with one codec built once."""

from __future__ import annotations

from typing import Any

import msgspec

from govledger_contracts.events.appointment import MemberAppointed, Sector, TermEnded, TermRenewed
from govledger_contracts.events.base import Event
from govledger_contracts.events.council import (
    ExecutionStarted,
    FeedbackRecorded,
    MeetingHeld,
    MeetingScheduled,
    MotionResolved,
    PlanApproved,
    PlanApprovedByAssembly,
    SubcommitteeFormed,
    WorkingGroupFormed,
)
from govledger_contracts.events.evaluation import EvaluationRecorded, GoalScore
from govledger_contracts.events.merge import AgendaMergedInto, AgendasMerged
from govledger_contracts.events.mou import (
    MouAmended,
    MouSigned,
    MouTerminated,
    Responsibility,
    StagedGoal,
)
from govledger_contracts.events.proposal import AgendaDeliberated, AgendaProposed, AgendaWithdrawn
from govledger_contracts.events.vote import (
    AgendaPutToVote,
    BallotCast,
    CandidateTally,
    VoteClosed,
    VoteOpened,
)

DomainEvent = (
    # appointment
    MemberAppointed | TermRenewed | TermEnded
    # proposal
    | AgendaProposed | AgendaDeliberated | AgendaWithdrawn
    # merge
    | AgendasMerged | AgendaMergedInto
    # vote
    | VoteOpened | AgendaPutToVote | BallotCast | VoteClosed
    # mou
    | MouSigned | MouAmended | MouTerminated
    # evaluation
    | EvaluationRecorded
    # council
    | SubcommitteeFormed | WorkingGroupFormed | MeetingScheduled | MeetingHeld
    | MotionResolved | PlanApproved | PlanApprovedByAssembly | ExecutionStarted
    | FeedbackRecorded
)
"""Every event type the ledger records. Add new types here (and nowhere else)."""

EVENT_TYPES: tuple[type[Event], ...] = DomainEvent.__args__
EVENT_BY_TAG: dict[str, type[Event]] = {
    t.__struct_config__.tag: t for t in EVENT_TYPES  # type: ignore[misc]
}


def family_of(tag: str) -> str:
    return EVENT_BY_TAG[tag].family


def event_tag(event: Event) -> str:
    return type(event).__struct_config__.tag  # type: ignore[return-value]


def to_payload(event: Event) -> dict[str, Any]:
    """The event as JSON builtins, as stored in the envelope's payload (with its tag)."""
    payload: dict[str, Any] = msgspec.to_builtins(event)
    return payload


def from_payload(payload: dict[str, Any]) -> Event:
    """Decode a stored payload back into its event Struct."""
    event: Event = msgspec.convert(payload, DomainEvent)
    return event


__all__ = [
    "EVENT_BY_TAG",
    "EVENT_TYPES",
    "AgendaDeliberated",
    "AgendaMergedInto",
    "AgendaProposed",
    "AgendaPutToVote",
    "AgendaWithdrawn",
    "AgendasMerged",
    "BallotCast",
    "CandidateTally",
    "DomainEvent",
    "EvaluationRecorded",
    "Event",
    "ExecutionStarted",
    "FeedbackRecorded",
    "GoalScore",
    "MeetingHeld",
    "MeetingScheduled",
    "MemberAppointed",
    "MotionResolved",
    "MouAmended",
    "MouSigned",
    "MouTerminated",
    "PlanApproved",
    "PlanApprovedByAssembly",
    "Responsibility",
    "Sector",
    "StagedGoal",
    "SubcommitteeFormed",
    "TermEnded",
    "TermRenewed",
    "VoteClosed",
    "VoteOpened",
    "WorkingGroupFormed",
    "event_tag",
    "family_of",
    "from_payload",
    "to_payload",
]

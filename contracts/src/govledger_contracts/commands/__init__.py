"""Command bodies accepted over HTTP (strict: unknown fields are refused)."""

from govledger_contracts.commands.appointment import (
    AppointAdvisor,
    AppointMember,
    AppointOpenMember,
    AppointRegionalMember,
    AssignSubcommitteeMember,
    EndTerm,
    RenewTerm,
)
from govledger_contracts.commands.base import Command, ExpectedVersion
from govledger_contracts.commands.council import (
    ApprovePlan,
    FormSubcommittee,
    FormWorkingGroup,
    HoldMeeting,
    RecordAssemblyApproval,
    ResolveCouncilMotion,
    ScheduleMeeting,
    StartExecution,
)
from govledger_contracts.commands.evaluation import RecordEvaluation, RecordFeedback, ScoreSpec
from govledger_contracts.commands.merge import MergeAgendas
from govledger_contracts.commands.mou import AmendMou, DutySpec, GoalSpec, SignMou, TerminateMou
from govledger_contracts.commands.proposal import ProposeAgenda, RecordDeliberation, WithdrawAgenda
from govledger_contracts.commands.vote import CastBallot, CloseVote, OpenVote, RecordBallot

__all__ = [
    "AmendMou",
    "AppointAdvisor",
    "AppointMember",
    "AppointOpenMember",
    "AppointRegionalMember",
    "ApprovePlan",
    "AssignSubcommitteeMember",
    "CastBallot",
    "CloseVote",
    "Command",
    "DutySpec",
    "EndTerm",
    "ExpectedVersion",
    "FormSubcommittee",
    "FormWorkingGroup",
    "GoalSpec",
    "HoldMeeting",
    "MergeAgendas",
    "OpenVote",
    "ProposeAgenda",
    "RecordAssemblyApproval",
    "RecordBallot",
    "RecordDeliberation",
    "RecordEvaluation",
    "RecordFeedback",
    "RenewTerm",
    "ResolveCouncilMotion",
    "ScheduleMeeting",
    "ScoreSpec",
    "SignMou",
    "StartExecution",
    "TerminateMou",
    "WithdrawAgenda",
]

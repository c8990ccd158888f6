"""Agenda board view (의제 보드): proposed → deliberated → merged → on ballot → prioritised →
agreed → in execution → evaluated, with the full provenance of every merge."""

from __future__ import annotations

import datetime as dt

import msgspec

STAGES = ("proposed", "deliberated", "merged", "on_ballot", "prioritised", "agreed",
          "in_execution", "evaluated")
"""Pipeline stages in order. ``merged`` is the stage a fused agenda is born in; a source
agenda keeps its stage and is *closed* as ``merged_into``."""


class StageMark(msgspec.Struct, frozen=True, kw_only=True):
    stage: str
    position: int
    occurred_at: dt.datetime


class DeliberationRecord(msgspec.Struct, frozen=True, kw_only=True):
    deliberation_id: str
    format: str
    participants: int
    occurred_at: dt.datetime
    summary: str = ""


class MergeRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Who fused this agenda from which sources, when, where and why (provenance)."""

    sources: tuple[str, ...]
    meeting_id: str
    position: int
    occurred_at: dt.datetime
    actor_id: str
    actor_role: str
    reason: str


class Agenda(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    agenda_id: str
    title: str
    summary: str
    channel: str
    domains: tuple[str, ...]
    year: int
    stage: str
    closed: str = ""
    """``merged_into`` or ``withdrawn`` once the agenda left the board; else empty."""
    merged_into: str = ""
    merge: MergeRecord | None = None
    """For a fused agenda: how it was made."""
    history: tuple[StageMark, ...] = ()
    deliberations: tuple[DeliberationRecord, ...] = ()
    votes: tuple[str, ...] = ()
    vote_rank: int | None = None
    vote_count: int | None = None
    working_groups: tuple[str, ...] = ()
    mous: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    evaluations: int = 0
    proposed_position: int = 0
    updated_position: int = 0


class StageCount(msgspec.Struct, frozen=True, kw_only=True):
    stage: str
    count: int


class AgendaSummary(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    live: int
    merged_into: int
    withdrawn: int
    fused: int
    stages: tuple[StageCount, ...]
    position: int
    """The ledger position of the last event that changed this summary's inputs (an entity
    of the model): the summary holds from there up to the views' head (``/lag``)."""

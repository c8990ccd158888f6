"""Small builders for the commands the domain tests give; every field has a plain default."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govledger_contracts.commands import (
    AppointMember,
    CastBallot,
    DutySpec,
    FormWorkingGroup,
    GoalSpec,
    OpenVote,
    ProposeAgenda,
    RecordEvaluation,
    ScoreSpec,
    SignMou,
)
from govledger_ledger.domain.core import KST

REASON = "test"
START = dt.date(2024, 1, 1)
END = dt.date(2025, 12, 31)


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=KST)


def appoint(member: str, sector: str = "private", route: str = "recommendation",
            **kw: Any) -> AppointMember:
    fields: dict[str, Any] = {"name": member, "term_start": START, "term_end": END,
                              "occurred_at": at(2024, 1, 1)} | kw
    return AppointMember(member_id=member, sector=sector, route=route,  # type: ignore[arg-type]
                         reason=REASON, **fields)


def fill_council(private: int, public: int = 0, **kw: Any) -> list[tuple[str, AppointMember]]:
    """Appointments of ``private`` recommended and ``public`` ex officio members."""
    return ([("secretariat", appoint(f"p{i:02d}", **kw)) for i in range(private)]
            + [("secretariat", appoint(f"g{i:02d}", "public", "ex_officio", **kw))
               for i in range(public)])


def propose(agenda_id: str, domains: tuple[str, ...] = ("복지",), **kw: Any) -> ProposeAgenda:
    fields: dict[str, Any] = {"title": agenda_id, "channel": "online", "year": 2024,
                              "occurred_at": at(2024, 3, 1)} | kw
    return ProposeAgenda(agenda_id=agenda_id, domains=domains, reason=REASON, **fields)


def open_vote(vote_id: str = "v1", candidates: tuple[str, ...] = ("a1", "a2", "a3"),
              **kw: Any) -> OpenVote:
    fields: dict[str, Any] = {"title": vote_id, "year": 2024, "max_choices": 2,
                              "opens_at": at(2024, 5, 1, 9), "closes_at": at(2024, 5, 6, 9),
                              "occurred_at": at(2024, 5, 1, 9)} | kw
    return OpenVote(vote_id=vote_id, candidate_ids=candidates, reason=REASON, **fields)


def ballot(resident: str, choices: tuple[str, ...] = ("a1",), vote_id: str = "v1",
           **kw: Any) -> CastBallot:
    fields: dict[str, Any] = {"occurred_at": at(2024, 5, 2)} | kw
    return CastBallot(vote_id=vote_id, resident_id=resident, choices=choices, reason=REASON,
                      **fields)


def voting_ledger_steps(candidates: tuple[str, ...] = ("a1", "a2", "a3"),
                        **kw: Any) -> list[tuple[str, Any]]:
    """Agendas proposed and a vote ``v1`` opened over them (2024-05-01 to 05-06)."""
    return ([("secretariat", propose(a)) for a in candidates]
            + [("secretariat", open_vote(candidates=candidates, **kw))])


def working_group(wg: str = "wg1", agenda: str = "a1", **kw: Any) -> FormWorkingGroup:
    fields: dict[str, Any] = {"name": wg, "private_partners": ("주민모임",),
                              "departments": ("자치행정과",), "year": 2024,
                              "occurred_at": at(2024, 4, 1)} | kw
    return FormWorkingGroup(working_group_id=wg, agenda_id=agenda, reason=REASON, **fields)


DUTIES = (DutySpec(side="private", duty="실행"), DutySpec(side="public", duty="지원"))
GOALS = (GoalSpec(goal_id="g1", stage=1, description="준비", due=dt.date(2024, 6, 30)),
         GoalSpec(goal_id="g2", stage=2, description="운영", due=dt.date(2024, 11, 30)))


def sign(mou: str = "m1", project: str = "p1", wg: str = "wg1", **kw: Any) -> SignMou:
    fields: dict[str, Any] = {"title": mou, "year": 2024, "private_parties": ("주민모임",),
                              "departments": ("자치행정과",), "mayor": "성동구청장",
                              "duties": DUTIES, "goals": GOALS,
                              "occurred_at": at(2024, 4, 15)} | kw
    return SignMou(mou_id=mou, project_id=project, working_group_id=wg, reason=REASON, **fields)


def mou_steps() -> list[tuple[str, Any]]:
    """Agenda a1, working group wg1 and MOU m1 for project p1 (2024, goals g1 and g2)."""
    return [("secretariat", propose("a1")), ("secretariat", working_group()),
            ("secretariat", sign())]


def evaluate(kind: str = "self", half: int = 1, scores: tuple[int, ...] = (80, 70),
             **kw: Any) -> RecordEvaluation:
    fields: dict[str, Any] = {"project_id": "p1", "mou_id": "m1", "year": 2024,
                              "private_role_score": 80, "public_role_score": 75,
                              "occurred_at": at(2024, 7, 10) if half != 0 else at(2024, 12, 10),
                              "goal_scores": tuple(ScoreSpec(goal_id=f"g{i}", score=s)
                                                   for i, s in enumerate(scores, start=1))} | kw
    return RecordEvaluation(kind=kind, half=half, reason=REASON, **fields)

"""View contracts: read-model entities (the values in the KV buckets), summaries and the
change message. Like events, they change only by adding fields with defaults."""

from __future__ import annotations

from typing import Any

import msgspec

from govledger_contracts.views.agenda import STAGES, Agenda, AgendaSummary
from govledger_contracts.views.evaluations import EvaluationSummary, Scorecard
from govledger_contracts.views.messages import ViewChanged
from govledger_contracts.views.mous import Mou, MouSummary
from govledger_contracts.views.roster import Member, RosterSummary
from govledger_contracts.views.statistics import StatisticsSummary, YearStatistics
from govledger_contracts.views.votes import VoteResult, VotesSummary

MODELS: dict[str, tuple[type[msgspec.Struct], type[msgspec.Struct]]] = {
    "members": (Member, RosterSummary),
    "agendas": (Agenda, AgendaSummary),
    "votes": (VoteResult, VotesSummary),
    "mous": (Mou, MouSummary),
    "evaluations": (Scorecard, EvaluationSummary),
    "statistics": (YearStatistics, StatisticsSummary),
}
"""Read model name → (entity type, summary type)."""

SUMMARY_KEY = "summary"


def kv_bucket(ward: str, model: str) -> str:
    """The JetStream key-value bucket holding one read model of one ward."""
    return f"govledger_{ward}_{model}".replace("-", "_")


def view_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema (2020-12) of every view entity, summary and message."""
    out: dict[str, dict[str, Any]] = {
        "views/view_changed.schema.json": msgspec.json.schema(ViewChanged)}
    for model, (entity, summary) in MODELS.items():
        out[f"views/{model}.entity.schema.json"] = msgspec.json.schema(entity)
        out[f"views/{model}.summary.schema.json"] = msgspec.json.schema(summary)
    for doc in out.values():
        doc.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    return out


__all__ = [
    "MODELS",
    "STAGES",
    "SUMMARY_KEY",
    "Agenda",
    "AgendaSummary",
    "EvaluationSummary",
    "Member",
    "Mou",
    "MouSummary",
    "RosterSummary",
    "Scorecard",
    "StatisticsSummary",
    "ViewChanged",
    "VoteResult",
    "VotesSummary",
    "YearStatistics",
    "kv_bucket",
    "view_schemas",
]

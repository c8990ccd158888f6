"""Which fold a stream takes, by its id: ``council``, ``agenda-<id>``, ``vote-<id>``..."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from govledger_contracts.events import Event

from govledger_ledger.domain import agenda, ballot, meeting, mou, plan, project, vote, working_group
from govledger_ledger.domain.roster import fold_body

Fold = Callable[[str, Iterable[Event]], Any]

_BY_PREFIX: tuple[tuple[str, Fold], ...] = (
    ("agenda-", agenda.fold_agenda),
    ("vote-", vote.fold_vote),
    ("ballot-box-", ballot.fold_box),
    ("working-group-", working_group.fold_working_group),
    ("mou-", mou.fold_mou),
    ("project-", project.fold_project),
    ("meeting-", meeting.fold_meeting),
    ("plan-", plan.fold_plan),
    ("subcommittee-", fold_body),
)
_FIXED: dict[str, Fold] = {
    "council": fold_body,
    "regional-cooperation": fold_body,
    "advisory-panel": fold_body,
}


def fold_stream(stream_id: str, events: Iterable[Event]) -> Any:
    """Fold any stream into its state; an absent stream folds from no events."""
    fixed = _FIXED.get(stream_id)
    if fixed is not None:
        return fixed(stream_id, events)
    for prefix, fold in _BY_PREFIX:
        if stream_id.startswith(prefix):
            return fold(stream_id, events)
    raise ValueError(f"no stream type for {stream_id!r}")

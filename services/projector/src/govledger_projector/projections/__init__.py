"""Pure projections: one module per read model; ``fold`` and ``as_of`` over all of them.

Nothing here does I/O: a view at any ledger position or date is a fold of the envelopes up
to it, which is what the consumer, the rebuild and the auditor all compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from govledger_contracts.envelope import Envelope
from govledger_projector.projections import agenda, evaluations, mous, roster, statistics, votes
from govledger_projector.projections.base import (
    KST,
    Entry,
    Projection,
    View,
    apply_entry,
    entry_of,
    fold_entries,
    seoul_day,
)

PROJECTIONS: dict[str, Projection] = {p.model: p for p in (
    roster.PROJECTION, agenda.PROJECTION, votes.PROJECTION, mous.PROJECTION,
    evaluations.PROJECTION, statistics.PROJECTION)}
"""Every read model by name, in the order they are stored and published."""

PROJECTION_VERSION = 2
"""What the projections store for the same events; raise it when that changes (a new field, a
new meaning), so that a projector of the new release rebuilds views an older one wrote.
1: before the summaries were stored as rows and the statistics counted council appointments
apart from subcommittee seats; 2: since."""

Views = dict[str, View[Any]]


def empty_views() -> Views:
    return {name: View(model=name) for name in PROJECTIONS}


def apply(view: View[Any], envelope: Envelope) -> View[Any]:
    """One read model, one more event: ``apply(view, envelope) -> view``."""
    return apply_entry(view, PROJECTIONS[view.model], entry_of(envelope))


def fold_all(views: Mapping[str, View[Any]],
             entries: Sequence[Entry]) -> tuple[Views, dict[str, frozenset[str]]]:
    """Every read model over a batch; the new views and the keys changed per model."""
    out: Views = {}
    changed: dict[str, frozenset[str]] = {}
    for name, view in views.items():
        out[name], changed[name] = fold_entries(view, PROJECTIONS[name], entries)
    return out, changed


def as_of(envelopes: Iterable[Envelope], *, position: int | None = None,
          day: dt.date | None = None) -> Views:
    """Every read model as of a ledger position and/or the end of a Seoul calendar day."""
    entries = [entry_of(e) for e in envelopes
               if (position is None or e.position <= position)
               and (day is None or seoul_day(e.occurred_at) <= day)]
    return fold_all(empty_views(), entries)[0]


__all__ = ["KST", "PROJECTIONS", "PROJECTION_VERSION", "Entry", "View", "Views", "apply",
           "as_of", "empty_views", "entry_of", "fold_all", "seoul_day"]

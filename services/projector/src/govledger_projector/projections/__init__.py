"""Pure projections: one module per read model; ``fold`` and ``as_of`` over all of them.

Nothing here does I/O: a view at any ledger position or date is a fold of the envelopes up
to it, which is what the consumer, the rebuild and the auditor all compute.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from govledger_contracts.envelope import Envelope
from govledger_projector.projections import agenda, evaluations, mous, roster, statistics, votes
from govledger_projector.projections.base import (
    KST,
    Counts,
    Entry,
    Projection,
    View,
    apply_entry,
    count_all,
    entry_of,
    fold_entries,
    recount,
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


def count_views(views: Mapping[str, View[Any]]) -> dict[str, Counter[str]]:
    """The sums behind every summary that is a sum over its entities, counted in full."""
    return {name: count_all(p.count, views[name].entities.values())
            for name, p in PROJECTIONS.items() if p.count is not None}


def recount_views(counts: Mapping[str, Counts], before: Mapping[str, View[Any]],
                  after: Mapping[str, View[Any]],
                  changed: Mapping[str, Iterable[str]]) -> dict[str, Counter[str]]:
    """``count_views(after)``, from ``counts`` (of ``before``) and the keys a fold changed."""
    out = {}
    for name, model_counts in counts.items():
        count = PROJECTIONS[name].count
        assert count is not None, "count_views keeps only the models that count"
        out[name] = recount(count, model_counts, before[name].entities, after[name].entities,
                            changed.get(name, ()))
    return out


def summarize(view: View[Any], counts: Mapping[str, Counts] | None = None) -> msgspec.Struct:
    """The view's summary: from its sums in ``counts`` (``count_views``) when it has them,
    rather than over every entity again."""
    projection = PROJECTIONS[view.model]
    if counts is not None and view.model in counts and projection.summarize_counts is not None:
        return projection.summarize_counts(counts[view.model], view)
    return projection.summarize(view)


def as_of(envelopes: Iterable[Envelope], *, position: int | None = None,
          day: dt.date | None = None) -> Views:
    """Every read model as of a ledger position and/or the end of a Seoul calendar day."""
    entries = [entry_of(e) for e in envelopes
               if (position is None or e.position <= position)
               and (day is None or seoul_day(e.occurred_at) <= day)]
    return fold_all(empty_views(), entries)[0]


__all__ = ["KST", "PROJECTIONS", "PROJECTION_VERSION", "Counts", "Entry", "View", "Views", "apply",
           "as_of", "count_views", "empty_views", "entry_of", "fold_all", "recount_views",
           "seoul_day", "summarize"]

"""What every projection shares: the view value, the decoded log entry, the fold.

A projection is a pure function ``evolve(entities, entry) -> changed entities``. The view
keeps every entity by key with the ledger position and hash it reflects; ``apply`` and
``fold`` are the only ways to move it forward, so any view at any position is a fold of the
log up to that position.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from govledger_contracts.envelope import Envelope
from govledger_contracts.events import EVENT_BY_TAG, Event

E = TypeVar("E", bound=msgspec.Struct)
KST = dt.timezone(dt.timedelta(hours=9), "KST")
"""Seoul time: the ward's calendar. Stored times are UTC; days and years are Seoul's."""


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One envelope with its event decoded once (``None`` for a type this reader predates)."""

    envelope: Envelope
    event: Event | None


def entry_of(envelope: Envelope) -> Entry:
    """Decode once; an unknown type is skipped but still advances the position.

    Converting into the concrete type named by the envelope is ~20x faster than into the
    25-member union (``from_payload``), and the payload's own tag is still checked.
    """
    event_type = EVENT_BY_TAG.get(envelope.type)
    if event_type is None:
        return Entry(envelope=envelope, event=None)
    return Entry(envelope=envelope, event=msgspec.convert(envelope.payload, event_type))


class View(msgspec.Struct, Generic[E], frozen=True, kw_only=True):
    """One read model as of a ledger position."""

    model: str
    position: int = 0
    hash: str = ""
    as_of: dt.datetime | None = None
    """The latest ``occurred_at`` among the events applied (the ledger's own clock)."""
    entities: dict[str, E] = {}
    summary_position: int = 0
    """The position of the last event that changed what the summary is computed from: an
    entity of this model, or (for a summary of the latest day) the latest Seoul day. This,
    not ``position``, is the summary's ``position``, so the summary changes exactly when
    its inputs do, whatever the batching, and a fold as of any position agrees with it."""


Evolve = Callable[[Mapping[str, Any], Entry], dict[str, Any]]
Summarize = Callable[[View[Any]], msgspec.Struct]
Counts = Mapping[str, int]
"""Named sums over a view's entities (a missing name is 0)."""
Count = Callable[[Any], Counts]
SummarizeCounts = Callable[[Counts, View[Any]], msgspec.Struct]


@dataclass(frozen=True)
class Projection:
    model: str
    entity: type[msgspec.Struct]
    evolve: Evolve
    summarize: Summarize
    dated: bool = False
    """The summary depends on the latest Seoul day (``as_of``) as well as on the entities."""
    count: Count | None = None
    """What one entity adds to the summary, for a summary that is a sum over the entities
    (then ``summarize_counts`` makes it from the sums): a consumer keeps the sums from batch to
    batch with ``recount``, looking only at the entities a batch changed."""
    summarize_counts: SummarizeCounts | None = None


def count_all(count: Count, entities: Iterable[Any]) -> Counter[str]:
    total: Counter[str] = Counter()
    for entity in entities:
        total.update(count(entity))
    return total


def recount(count: Count, counts: Counts, before: Mapping[str, Any], after: Mapping[str, Any],
            keys: Iterable[str]) -> Counter[str]:
    """``counts`` of the entities ``before``, moved to those ``after`` a batch that changed
    ``keys`` (entities are added or replaced, never removed)."""
    out = Counter(counts)
    for key in keys:
        if key in before:
            out.subtract(count(before[key]))
        out.update(count(after[key]))
    return out


def seoul_day(at: dt.datetime) -> dt.date:
    return at.astimezone(KST).date()


def fold_entries(view: View[E], projection: Projection,
                 entries: Iterable[Entry]) -> tuple[View[E], frozenset[str]]:
    """Apply entries in order; return the new view and the keys that changed.

    The entity map is copied once per call and updated in place: the caller's view is
    never mutated, and a batch of N events costs one copy, not N.
    """
    entities: dict[str, E] = dict(view.entities)
    changed: set[str] = set()
    position, hash_, as_of = view.position, view.hash, view.as_of
    summary_position = view.summary_position
    for entry in entries:
        env = entry.envelope
        if env.position <= position:
            continue  # already reflected: redelivery changes nothing
        if entry.event is not None:
            delta = projection.evolve(entities, entry)
            if delta:
                entities.update(delta)
                changed.update(delta)
                summary_position = env.position
        position, hash_ = env.position, env.hash
        if as_of is None or env.occurred_at > as_of:
            if projection.dated and (as_of is None
                                     or seoul_day(env.occurred_at) != seoul_day(as_of)):
                summary_position = env.position  # a new latest day
            as_of = env.occurred_at
    new = View(model=view.model, position=position, hash=hash_, as_of=as_of, entities=entities,
               summary_position=summary_position)
    return new, frozenset(changed)


def apply_entry(view: View[E], projection: Projection, entry: Entry) -> View[E]:
    return fold_entries(view, projection, (entry,))[0]

"""Messages the projector publishes about views, on ``govledger.<ward>.views.<model>``."""

from __future__ import annotations

import datetime as dt

import msgspec


class ViewChanged(msgspec.Struct, frozen=True, kw_only=True):
    """A committed update of one read model: which keys changed, up to which ledger position.

    The new values are in the model's key-value bucket (``bucket``) under ``keys``, which
    include ``summary`` whenever the summary changed. Sent after the update is committed in
    PostgreSQL, at least once.
    """

    ward: str
    model: str
    bucket: str
    position: int
    """The ledger position the view reflects (JetStream sequence of the last event applied)."""
    hash: str
    """The ledger hash at ``position``: compare with the ledger head to audit."""
    keys: tuple[str, ...]
    """Every key put in the bucket: entity keys, then ``summary`` if it changed."""
    generation: int = 1
    """Bumped by a rebuild; a watcher may re-read the whole bucket when it changes."""
    as_of: dt.datetime | None = None
    """The latest ``occurred_at`` among the events applied."""

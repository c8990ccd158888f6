"""Pure filtering and paging of a view for the query API (no I/O)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from govledger_contracts.views import Member
from govledger_projector.projections.roster import expiring, seated_on

MAX_LIMIT = 500
SPECIAL = frozenset({"limit", "offset", "as_of_position", "as_of_date", "seated_on",
                     "expiring_within_days", "domain"})


class Page(msgspec.Struct, frozen=True, kw_only=True):
    model: str
    items: list[Any]
    total: int
    limit: int
    offset: int
    position: int
    """The ledger position the items reflect."""
    hash: str


class UnknownFilter(ValueError):
    """A query parameter that names no field of the model's entities."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def matches(entity: msgspec.Struct, filters: Mapping[str, str]) -> bool:
    """Equality on the entity's fields, compared as text (``year=2023``, ``status=open``)."""
    for name, wanted in filters.items():
        value = getattr(entity, name)
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if text != wanted:
            return False
    return True


class InvalidFilter(ValueError):
    """A filter value its field can never hold (``year=abc``): refused, not an empty page."""

    def __init__(self, field: str, kind: str) -> None:
        super().__init__(f"Expected `{kind}`, got `str`")
        self.field, self.kind = field, kind


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(text)
    return text == "true"


_SCALARS: dict[Any, tuple[str, Callable[[str], object]]] = {
    int: ("int", int), float: ("float", float), bool: ("bool", _boolean),
    dt.date: ("date", dt.date.fromisoformat),
}
"""Field types whose filter value is checked: (kind for the message, parser)."""


def check_filters(entity_type: type[msgspec.Struct], filters: Mapping[str, str]) -> None:
    """Every filter names a field of the entity, with a value that field could hold."""
    unknown = sorted(set(filters) - set(entity_type.__struct_fields__))
    if unknown:
        raise UnknownFilter(unknown[0], f"no such field to filter on: {', '.join(unknown)}")
    for f in msgspec.structs.fields(entity_type):
        scalar = _SCALARS.get(f.type) if f.name in filters else None
        if scalar is None:
            continue
        try:
            scalar[1](filters[f.name])
        except ValueError:
            raise InvalidFilter(f.name, scalar[0]) from None


MODEL_PARAMETERS = {"seated_on": "members", "expiring_within_days": "members",
                    "domain": "agendas"}
"""Parameters that mean something for one model only; on another they are refused, not
answered with an empty page."""


def check_model_parameters(model: str, query: Mapping[str, str]) -> None:
    for name, owner in MODEL_PARAMETERS.items():
        if name in query and model != owner:
            raise UnknownFilter(name, f"'{name}' applies to {owner} only, not {model}")


def select(entities: Iterable[Any], filters: Mapping[str, str], *,
           seated: dt.date | None = None, expiring_within: int | None = None,
           domain: str | None = None) -> list[Any]:
    items = [e for e in entities if matches(e, filters)]
    if domain is not None:
        items = [e for e in items if domain in getattr(e, "domains", ())]
    if seated is not None:
        members: list[Member] = [e for e in items if isinstance(e, Member)]
        items = (list(expiring(members, seated, expiring_within)) if expiring_within is not None
                 else [m for m in members if seated_on(m, seated)])
    return sorted(items, key=lambda e: e.key) if expiring_within is None else items


def page(model: str, items: list[Any], *, limit: int, offset: int, position: int,
         hash_: str) -> Page:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    return Page(model=model, items=items[offset:offset + limit], total=len(items), limit=limit,
                offset=offset, position=position, hash=hash_)

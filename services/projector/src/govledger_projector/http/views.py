"""Read endpoints: every read model with filters and paging, as of now or of the past."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.params import FromPath, QueryParameter

from govledger_contracts.problems import MAX_INTEGER
from govledger_contracts.views import MODELS
from govledger_projector.http.problems import missing
from govledger_projector.http.query import FILTERS
from govledger_projector.projections import PROJECTIONS, View, as_of
from govledger_projector.projections.agenda import provenance
from govledger_projector.queries import (
    SPECIAL,
    Page,
    check_filters,
    check_model_parameters,
    page,
    select,
)
from govledger_projector.source import PositionUnknown, read_range, stream_last_seq
from govledger_projector.store import fetch_entities, fetch_summary

Req = Request[Any, Any, Any]
MODEL_DOC = "One of: " + ", ".join(MODELS)
POSITION = "the view as of this ledger position (folded from the stream)"
DAY = "the view as of the end of this Seoul calendar day (folded from the stream)"
SEATED = "members: only seats held that day"
AsOfPosition = Annotated[int | None, QueryParameter(ge=0, le=MAX_INTEGER, description=POSITION)]
MAX_DAYS = 36_500
"""``expiring_within_days`` up to a century: a date beyond year 9999 cannot be computed."""


def _model(name: str) -> str:
    if name not in MODELS:
        raise missing(f"읽기 모델 '{name}'이(가) 없습니다. 다음 중 하나: {', '.join(MODELS)}",
                      f"no read model {name!r}; {MODEL_DOC}")
    return name


async def _past_view(request: Req, model: str, position: int | None,
                     day: dt.date | None) -> View[Any]:
    """Fold the stream from its first event: the view as it was (pure ``as_of``)."""
    settings = request.app.state.settings
    js = request.app.state.nats.jetstream()
    head = await stream_last_seq(js, settings.stream_name)
    if position is not None and position > head:
        raise PositionUnknown(position, head)  # at once, not after a read that times out
    end = position if position is not None else head
    envelopes = [e async for chunk in read_range(js, settings.stream_name, 1, end)
                 for e in chunk]
    return as_of(envelopes, position=position, day=day)[model]


async def _view(request: Req, model: str, position: int | None = None,
                day: dt.date | None = None) -> View[Any]:
    if position is not None or day is not None:
        return await _past_view(request, model, position, day)
    async with request.app.state.pool.acquire() as conn:
        return (await fetch_entities(conn, model))[1]


@get("/v1/views/{model:str}", summary="List a read model's entities (filters, paging, as of)",
     tags=["views"], description=f"{MODEL_DOC}. Any other query parameter filters on the entity "
     "field of that name (equality, compared as text), e.g. `?year=2023&status=closed`.",
     opt={FILTERS: True})  # so its filters are checked here, not refused as unknown
async def list_view(
    request: Req, model: FromPath[str],
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_INTEGER)] = 0,
    as_of_position: AsOfPosition = None,
    as_of_date: Annotated[dt.date | None, QueryParameter(description=DAY)] = None,
    seated_on: Annotated[dt.date | None, QueryParameter(description=SEATED)] = None,
    expiring_within_days: Annotated[int | None, QueryParameter(ge=0, le=MAX_DAYS)] = None,
    domain: Annotated[str | None, QueryParameter(description="agendas: has this domain")] = None,
) -> Page:
    _model(model)
    filters = {k: v for k, v in request.query_params.items() if k not in SPECIAL}
    check_filters(MODELS[model][0], filters)
    check_model_parameters(model, request.query_params)
    view = await _view(request, model, as_of_position, as_of_date)
    if expiring_within_days is not None and seated_on is None:
        seated_on = dt.datetime.now(dt.UTC).date()
    items = select(view.entities.values(), filters, seated=seated_on,
                   expiring_within=expiring_within_days, domain=domain)
    return page(model, items, limit=limit, offset=offset, position=view.position,
                hash_=view.hash)


@get("/v1/views/{model:str}/summary", summary="A read model's summary (the KV `summary` key)",
     tags=["views"], description="The same JSON as the bucket's `summary` key. Its `position` "
     "is the ledger position of the last event that changed the summary's inputs (an entity "
     "of the model; for `members` also a new latest day), not the head: compare `/lag`.")
async def view_summary(request: Req, model: FromPath[str],
                       as_of_position: AsOfPosition = None) -> Any:
    _model(model)
    if as_of_position is None:
        async with request.app.state.pool.acquire() as conn:
            stored = await fetch_summary(conn, model)
        if stored is not None:  # exactly what was published to the bucket
            return msgspec.json.decode(stored, type=MODELS[model][1])
    view = await _view(request, model, as_of_position)
    return PROJECTIONS[model].summarize(view)


@get("/v1/views/{model:str}/{key:str}", summary="One entity of a read model", tags=["views"])
async def view_entity(request: Req, model: FromPath[str], key: FromPath[str],
                      as_of_position: AsOfPosition = None) -> Any:
    view = await _view(request, _model(model), as_of_position)
    if key not in view.entities:
        raise missing(f"{model}에 위치 {view.position} 기준으로 '{key}'이(가) 없습니다.",
                      f"{model} has no {key!r} at position {view.position}")
    return view.entities[key]


@get("/v1/views/{model:str}/{agenda_id:str}/provenance",
     summary="agendas only: a fused agenda and every source it came from (depth-first)",
     tags=["views"])
async def agenda_provenance(request: Req, model: FromPath[str],
                            agenda_id: FromPath[str]) -> list[dict[str, Any]]:
    if model != "agendas":
        raise missing("출처(provenance)는 의제(agendas)에만 있습니다.",
                      "provenance is kept for agendas only")
    view = await _view(request, "agendas")
    if agenda_id not in view.entities:
        raise missing(f"의제 '{agenda_id}'이(가) 없습니다.", f"no agenda {agenda_id!r}")
    return [{"depth": depth, "agenda": agenda}
            for depth, agenda in provenance(view.entities, agenda_id)]


ROUTES = [list_view, view_summary, agenda_provenance, view_entity]

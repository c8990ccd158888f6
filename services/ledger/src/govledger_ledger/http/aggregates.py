"""``GET /v1/aggregates/{stream_id}?as_of=``: an aggregate's state at a position or time."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery

from govledger_ledger.aggregates import AggregateState, UnknownAggregate, aggregate_as_of
from govledger_ledger.http.openapi import MAY_NEED_TOKEN
from govledger_ledger.http.problems import missing
from govledger_ledger.http.reads import parse_as_of, parse_time
from govledger_ledger.http.security import require_reader


@get("/v1/aggregates/{stream_id:str}",
     summary="An aggregate's state (council, vote, agenda...) now or as of a position or time",
     tags=["log"], security=MAY_NEED_TOKEN)
async def get_aggregate(request: Request[Any, Any, Any], stream_id: FromPath[str],
                        as_of: FromQuery[str | None] = None,
                        occurred_by: FromQuery[str | None] = None) -> AggregateState:
    require_reader(request)
    point = None if as_of is None else parse_as_of(as_of)
    occurred = None if occurred_by is None else parse_time(occurred_by, "occurred_by")
    try:
        return await aggregate_as_of(request.app.state.store, stream_id, point,
                                     occurred_by=occurred)
    except UnknownAggregate as exc:
        raise missing(f"'{stream_id}'은(는) 어떤 집합체의 식별자도 아닙니다.", str(exc)) from None

"""The auditor-facing reads of the public log. These paths are a published contract."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Request, get
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from govledger_contracts.envelope import ENVELOPE_ENCODER, Envelope
from govledger_contracts.problems import MAX_INTEGER
from govledger_ledger.adapters.notifier import PostgresNotifier
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.aggregates import BeyondHead, position_as_of
from govledger_ledger.http.openapi import MAY_NEED_TOKEN
from govledger_ledger.http.problems import invalid, missing
from govledger_ledger.http.security import require_reader
from govledger_ledger.http.views import EventPage, StreamView

MAX_PAGE = 1000
LIVE_PAGE = 500
HEARTBEAT_SECONDS = 15.0


def _store(request: Request[Any, Any, Any]) -> PostgresEventStore:
    store: PostgresEventStore = request.app.state.store
    return store


@get("/v1/events", summary="The global log, in position order, paged", tags=["log"],
     security=MAY_NEED_TOKEN)
async def list_events(
    request: Request[Any, Any, Any],
    after: Annotated[int, QueryParameter(ge=0, le=MAX_INTEGER,
                                         description="Events after this position")] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
) -> EventPage:
    require_reader(request)
    store = _store(request)
    events = await store.read_all(after, limit)
    head, _ = await store.head()
    last = events[-1].position if events else after
    nxt = f"/v1/events?after={last}&limit={limit}" if last < head else None
    return EventPage(events=tuple(events), head_position=head, next=nxt)


@get("/v1/events/{event_id:str}", summary="One event by its id", tags=["log"],
     security=MAY_NEED_TOKEN)
async def get_event(request: Request[Any, Any, Any], event_id: FromPath[str]) -> Envelope:
    require_reader(request)
    check_uuid(event_id)
    envelope = await _store(request).get_event(event_id)
    if envelope is None:
        raise missing(f"이벤트 '{event_id}'이(가) 없습니다.", f"no event {event_id}")
    return envelope


def check_uuid(event_id: str, field: str = "event_id") -> None:
    try:
        uuid.UUID(event_id)
    except ValueError:
        raise invalid(field, f"'{field}'은(는) UUID여야 합니다.",
                      f"'{field}' must be a UUID, not {event_id!r}.") from None


def parse_time(value: str, field: str) -> dt.datetime:
    """An ISO 8601 time with a zone, or a 422 naming ``field``."""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise invalid(field, f"'{field}'은(는) 시간대가 있는 ISO 8601 시각이어야 합니다.",
                      f"'{field}' must be an ISO 8601 time with a zone.")
    return when


def parse_position(value: str, field: str) -> int | None:
    """``value`` as a ledger position if it is one (ASCII digits; ``isdigit`` alone also
    takes '²'); None if it is no number; a 422 if it is beyond any position PostgreSQL
    can hold (the database would refuse it with a DataError, a 500)."""
    if not (value.isascii() and value.isdigit()):
        return None
    if int(value) > MAX_INTEGER:
        raise invalid(field, f"'{field}'은(는) {MAX_INTEGER} 이하의 정수여야 합니다.",
                      f"'{field}' must be an integer at most {MAX_INTEGER}.")
    return int(value)


def parse_as_of(value: str, field: str = "as_of") -> int | dt.datetime:
    """A ledger position (digits) or an ISO 8601 time with a zone."""
    position = parse_position(value, field)
    if position is not None:
        return position
    try:
        return parse_time(value, field)
    except ValidationException:
        raise invalid(field, f"'{field}'은(는) 원장 위치 또는 시간대가 있는 ISO 8601 시각이어야 "
                      "합니다.", f"'{field}' must be a position or an ISO 8601 time with a zone."
                      ) from None


@get("/v1/streams/{stream_id:str}", summary="One stream's events (optionally as of a point)",
     tags=["log"], security=MAY_NEED_TOKEN)
async def get_stream(request: Request[Any, Any, Any], stream_id: FromPath[str],
                     as_of: FromQuery[str | None] = None) -> StreamView:
    require_reader(request)
    store = _store(request)
    position = None if as_of is None else await position_as_of(store, parse_as_of(as_of))
    stream = await store.read_stream(stream_id, up_to_position=position)
    if not stream.envelopes and position is None:
        raise missing(f"스트림 '{stream_id}'이(가) 없습니다.", f"no stream {stream_id}")
    return StreamView(stream_id=stream_id, version=stream.version, as_of_position=position,
                      events=stream.envelopes)


async def _appended(notifier: PostgresNotifier, seen: int, draining: asyncio.Event) -> bool:
    """Wait for an append after ``seen`` (True), the heartbeat interval or the server's
    shutdown (False), whichever comes first."""
    change = asyncio.ensure_future(notifier.wait(seen, HEARTBEAT_SECONDS))
    stop = asyncio.ensure_future(draining.wait())
    try:
        await asyncio.wait((change, stop), return_when=asyncio.FIRST_COMPLETED)
    finally:
        change.cancel()
        stop.cancel()
    return change.done() and not change.cancelled() and change.result()


async def _live(request: Request[Any, Any, Any],
                after: int) -> AsyncIterator[ServerSentEventMessage]:
    """Catch up from ``after``, then follow appends until the client or the server leaves;
    a stream that ends on shutdown is resumed by the client with Last-Event-ID."""
    store, notifier = _store(request), request.app.state.notifier
    draining: asyncio.Event = request.app.state.draining
    cursor = after
    while not draining.is_set():
        seen = notifier.generation
        events = await store.read_all(cursor, LIVE_PAGE)
        for e in events:
            yield ServerSentEventMessage(data=ENVELOPE_ENCODER.encode(e).decode(),
                                         event=e.type, id=str(e.position))
            cursor = e.position
        if (len(events) < LIVE_PAGE and not await _appended(notifier, seen, draining)
                and not draining.is_set()):
            yield ServerSentEventMessage(comment="heartbeat")


@get("/v1/events/live", summary="Server-Sent Events: catch up from a position, then live",
     tags=["log"], security=MAY_NEED_TOKEN)
async def live_events(
    request: Request[Any, Any, Any],
    after: Annotated[int | None, QueryParameter(ge=0, le=MAX_INTEGER)] = None,
    last_event_id: Annotated[str | None, HeaderParameter(name="Last-Event-ID")] = None,
) -> ServerSentEvent:
    require_reader(request)
    start, field = _resume_point(after, last_event_id)
    if start > 0:
        # A start past the head would wait, silently, for positions this log may never
        # reach (another ward's, a restored database): say where the log ends instead.
        head, _ = await _store(request).head()
        if start > head:
            raise BeyondHead(start, head, field)
    return ServerSentEvent(_live(request, start))


def _resume_point(after: int | None, last_event_id: str | None) -> tuple[int, str]:
    """Where a live stream starts, and the field that said so. ``Last-Event-ID`` wins over
    ``?after=``: a reconnecting EventSource repeats the URL it first opened and sends the id
    of the last event it got, so ``after`` names where the client began and the header where
    it got to."""
    if last_event_id:
        position = parse_position(last_event_id, "Last-Event-ID")
        if position is None:
            raise invalid("Last-Event-ID", "'Last-Event-ID'는 원장 위치(정수)여야 합니다.",
                          "'Last-Event-ID' must be a ledger position.")
        return position, "Last-Event-ID"
    return (after if after is not None else 0), "after"

"""The projector's composition root: ``create_app(settings)``. Nothing runs at import.

The lifespan owns the pool, the NATS connection and (unless disabled) the consumer task;
on shutdown the consumer finishes its batch before the connections close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig, ResponseSpec
from nats.aio.client import Client as NatsClient

from govledger_contracts.connection_log import connection_callbacks
from govledger_contracts.tokens import load_or_create_key
from govledger_projector.consumer import Projector
from govledger_projector.http import reports, views
from govledger_projector.http.openapi import ProblemResponses
from govledger_projector.http.problems import EXCEPTION_HANDLERS
from govledger_projector.http.query import DeclaredQueryOnly
from govledger_projector.http.readers import OPEN, readers_only
from govledger_projector.lag import Lag, read_lag
from govledger_projector.migrations import migrate
from govledger_projector.rebuild import rebuild_if_outdated
from govledger_projector.settings import Settings

log = logging.getLogger("govledger.projector")

Req = Request[Any, Any, Any]


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    checks: dict[str, str] = {}


@get("/health", summary="The process is up", tags=["ops"], sync_to_thread=False,
     opt={OPEN: True})
def health() -> Health:
    return Health(status="ok")


@get("/ready", summary="PostgreSQL and NATS are reachable", tags=["ops"], opt={OPEN: True},
     responses={503: ResponseSpec(Health, generate_examples=False,
                                  description="PostgreSQL or NATS is unreachable; checks says "
                                              "which. Retry after Retry-After seconds.")})
async def ready(request: Req) -> Response[Health]:
    checks = {"postgres": "ok", "nats": "ok"}
    try:
        async with request.app.state.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        checks["postgres"] = f"unreachable: {exc}"
    if not request.app.state.nats.is_connected:
        checks["nats"] = "unreachable"
    ok = all(v == "ok" for v in checks.values())
    return Response(Health(status="ready" if ok else "unavailable", checks=checks),
                    status_code=200 if ok else 503, headers=None if ok else {"Retry-After": "5"})


@get("/lag", summary="Events and seconds the views are behind the ledger head", tags=["ops"])
async def lag(request: Req) -> Lag:
    settings: Settings = request.app.state.settings
    async with request.app.state.pool.acquire() as conn:
        return await read_lag(conn, request.app.state.nats.jetstream(), settings.stream_name)


async def _upgrade(settings: Settings) -> None:
    try:
        await rebuild_if_outdated(settings)
    except asyncio.CancelledError:
        raise
    except Exception:  # the live views keep serving; `govledger project rebuild` can retry
        log.exception("rebuilding the read models for this release failed")


def create_app(settings: Settings, *, run_consumer: bool = True) -> Litestar:
    """The query API; with ``run_consumer`` the same process also projects (one process)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await migrate(settings.database_url)
        pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10)
        nc = NatsClient()
        await nc.connect(settings.nats_url, connect_timeout=5, max_reconnect_attempts=-1,
                         **connection_callbacks(log, "projector", lambda: nc.is_closed))
        projector = Projector(settings, pool, nc) if run_consumer else None
        task = asyncio.create_task(projector.run()) if projector else None
        # Views an older release wrote are rebuilt beside the live ones (see rebuild.py).
        upgrade = asyncio.create_task(_upgrade(settings)) if projector else None
        app.state.update(pool=pool, nats=nc, projector=projector, upgrade=upgrade)
        try:
            yield
        finally:
            if upgrade is not None and not upgrade.done():
                upgrade.cancel()  # a rebuild cut short leaves the serving generation as it was
                await asyncio.wait([upgrade])
            if projector is not None and task is not None:
                projector.stop()  # finishes the batch in hand: commit, publish, ack
                await task
            await nc.drain()
            await pool.close()

    closed = ([] if settings.public_reads else
              [readers_only(load_or_create_key(settings.data_dir, settings.jwt_secret))])
    return Litestar(
        route_handlers=[health, ready, lag, *views.ROUTES, *reports.ROUTES],
        lifespan=[lifespan], exception_handlers=EXCEPTION_HANDLERS,
        middleware=closed,  # before the query check: no token, nothing said of the query
        state=State({"settings": settings}),
        plugins=[ProblemResponses(skip=("/health", "/ready"), closed=not settings.public_reads),
                 DeclaredQueryOnly()],  # a query parameter a route does not take is a 422
        openapi_config=OpenAPIConfig(
            title="govledger projector", version="1.0.0",
            description="성동구 민관협치 원장의 읽기 모델 — the ward ledger's read models, "
                        "views over NATS and the annual transparency report."),
    )

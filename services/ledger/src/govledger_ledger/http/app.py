"""The ledger's composition root: ``create_app(settings)``. Nothing runs at import."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme

from govledger_ledger.adapters.merkle_store import MerkleProofs
from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.nats_link import NatsLink
from govledger_ledger.adapters.notifier import PostgresNotifier
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.auth import TokenCache, load_or_create_key
from govledger_ledger.checkpoints import verifier_key_text
from govledger_ledger.http.aggregates import get_aggregate
from govledger_ledger.http.commands import command_routes
from govledger_ledger.http.openapi import ProblemResponses
from govledger_ledger.http.problems import EXCEPTION_HANDLERS, RETRY_AFTER_SECONDS
from govledger_ledger.http.proofs import proof_routes
from govledger_ledger.http.query import DeclaredQueryOnly
from govledger_ledger.http.reads import get_event, get_stream, list_events, live_events
from govledger_ledger.http.views import Health
from govledger_ledger.ports import StoreUnavailable
from govledger_ledger.settings import Settings
from govledger_ledger.voter_key import load_or_create_voter_key


@get("/health", summary="The process is up", tags=["ops"], sync_to_thread=False)
def health() -> Health:
    return Health(status="ok")


@get("/ready", summary="PostgreSQL and NATS are reachable", tags=["ops"],
     responses={503: ResponseSpec(Health, generate_examples=False,
                                  description="PostgreSQL or NATS is unreachable; checks says "
                                              "which. Retry after Retry-After seconds.")})
async def ready(request: Request[Any, Any, Any]) -> Response[Health]:
    store: PostgresEventStore = request.app.state.store
    checks: dict[str, str] = {}
    head = backlog = lag = None
    try:
        head, _ = await store.head()
        backlog, lag = await store.relay_status()
        checks["postgres"] = "ok"
    except StoreUnavailable as exc:
        checks["postgres"] = f"unreachable: {exc}"
    link: NatsLink = request.app.state.nats
    checks["nats"] = "ok" if link.connected else "unreachable"
    ok = all(v == "ok" for v in checks.values())
    body = Health(status="ready" if ok else "unavailable", checks=checks, head_position=head,
                  relay_backlog=backlog, relay_lag_seconds=lag)
    headers = None if ok else {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return Response(body, status_code=200 if ok else 503, headers=headers)


def create_app(settings: Settings, *, run_migrations: bool = True) -> Litestar:
    """Build the ledger API; the lifespan owns the pool, the notifier and the NATS connection."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if run_migrations:
            await migrate(settings.database_url)
        pool = await create_pool(settings.database_url)
        store = PostgresEventStore(pool, max_event_bytes=settings.max_event_bytes)
        notifier = PostgresNotifier(settings.database_url)
        await notifier.start()
        link = NatsLink(settings.nats_url)
        await link.start()
        app.state.update(
            store=store, notifier=notifier, nats=link, proofs=MerkleProofs(pool),
            ledger=LedgerApplication(store, voter_key=load_or_create_voter_key(settings)),
        )
        try:
            yield
        finally:
            app.state.draining.set()  # under a server that did not say so before
            await store.close()
            await notifier.close()
            await link.close()
            await pool.close()

    return Litestar(
        route_handlers=[health, ready, list_events, live_events, get_event, get_stream,
                        get_aggregate, *proof_routes(), *command_routes()],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[DeclaredQueryOnly(),  # a query parameter a route does not take is a 422
                 ProblemResponses(skip=("/health", "/ready"))],
        # Counted on the bytes received, so a chunked body without Content-Length is capped
        # too; a Content-Length over the limit is refused before anything is read (413).
        request_max_body_size=settings.max_request_bytes,
        state=State({"settings": settings,
                     # Set when the server begins to shut down: live streams end (serving.py).
                     "draining": asyncio.Event(),
                     "tokens": TokenCache(load_or_create_key(settings.data_dir,
                                                             settings.jwt_secret)),
                     "verifier_key": verifier_key_text(settings)}),
        openapi_config=OpenAPIConfig(
            title="govledger", version="1.0.0",
            description="성동구 민관협치 원장 — the ward's governance ledger.",
            components=Components(security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
            }),
        ),
    )

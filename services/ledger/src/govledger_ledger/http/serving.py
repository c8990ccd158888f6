"""Serving the API with uvicorn, so that shutting down ends live streams instead of waiting.

On SIGTERM uvicorn stops accepting connections, asks open ones to close once their response
is complete, and waits up to ``timeout_graceful_shutdown`` for that before it runs the
lifespan shutdown. A live SSE stream is never complete by itself: uvicorn waited the full
timeout, then cancelled it and logged the CancelledError as an error. ``LedgerServer`` sets
the app's ``draining`` event as shutdown begins; every live stream watches it and ends, so
the process stops within a second and logs no traceback.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn


class LedgerServer(uvicorn.Server):
    """uvicorn that tells the app (``draining``) when it begins to shut down."""

    def __init__(self, config: uvicorn.Config, draining: asyncio.Event) -> None:
        super().__init__(config)
        self._draining = draining

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._draining.set()
        await super().shutdown(sockets)

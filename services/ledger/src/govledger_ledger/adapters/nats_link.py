"""NatsLink: a NATS connection that keeps trying in the background.

The API must start and append while NATS is down (the relay drains the backlog later), yet
``/ready`` should turn green once NATS is back. nats-py reconnects only after a first
successful connect, so the first connect is retried here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import nats
from nats.aio.client import Client

from govledger_contracts.connection_log import connection_callbacks

RETRY_SECONDS = 2.0
log = logging.getLogger("govledger.nats")


class NatsLink:
    def __init__(self, url: str) -> None:
        self._url = url
        self._client: Client | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    async def start(self) -> None:
        self._task = asyncio.create_task(self._connect(), name="govledger-nats-link")

    async def _connect(self) -> None:
        while self._client is None:
            try:
                self._client = await connect(self._url, log, "api")
            except (OSError, nats.errors.NoServersError, TimeoutError):
                await asyncio.sleep(RETRY_SECONDS)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None and not self._client.is_closed:
            await self._client.drain()


async def connect(url: str, logger: logging.Logger, who: str) -> Client:
    """``nats.connect`` that closes what it opened when it fails or is cancelled.

    Cancelled mid-handshake (a service stopped at once), nats-py leaves the half-open
    connection behind: a socket nobody closes until the garbage collector finds it.
    """
    client = Client()
    try:
        await client.connect(url, connect_timeout=2, allow_reconnect=True,
                             max_reconnect_attempts=-1,
                             **connection_callbacks(logger, who, lambda: client.is_closed))
    except BaseException:
        with contextlib.suppress(Exception):
            await client.close()
        raise
    return client

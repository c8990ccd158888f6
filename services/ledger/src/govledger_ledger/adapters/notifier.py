"""PostgresNotifier: wakes waiters when any ledger process commits an append (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg

from govledger_ledger.adapters.postgres_store import APPENDED_CHANNEL

RECONNECT_SECONDS = 1.0


class PostgresNotifier:
    """One LISTEN connection per process; ``generation`` counts notifications seen."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._conn: asyncpg.Connection | None = None
        self._changed = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self.generation = 0

    async def start(self) -> None:
        self._conn = await asyncpg.connect(self._url)
        await self._conn.add_listener(APPENDED_CHANNEL, self._on_notify)
        self._conn.add_termination_listener(self._on_lost)

    def _on_lost(self, *_: Any) -> None:
        # Until LISTEN is back, waiters still wake on their timeout and re-read the log.
        if not self._closing:
            self._spawn(self._reconnect())

    async def _reconnect(self) -> None:
        while not self._closing:
            try:
                await self.start()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await asyncio.sleep(RECONNECT_SECONDS)
            else:
                await self._bump()  # anything appended while deaf is read now
                return

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_notify(self, *_: Any) -> None:
        self._spawn(self._bump())

    async def _bump(self) -> None:
        async with self._changed:
            self.generation += 1
            self._changed.notify_all()

    async def wait(self, seen: int, seconds: float) -> bool:
        """Wait until a notification newer than ``seen`` arrives; False on timeout."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self.generation != seen), seconds
                )
            return self.generation != seen

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks:
            task.cancel()
        if self._conn is not None:
            with contextlib.suppress(OSError, asyncpg.InterfaceError):
                await self._conn.close()

"""PostgresNotifier: wakes waiters when any ledger process commits an append (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg

from govledger_ledger.adapters.postgres_store import APPENDED_CHANNEL


class PostgresNotifier:
    """One LISTEN connection per process; ``generation`` counts notifications seen."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._conn: asyncpg.Connection | None = None
        self._changed = asyncio.Condition()
        self.generation = 0

    async def start(self) -> None:
        self._conn = await asyncpg.connect(self._url)
        await self._conn.add_listener(APPENDED_CHANNEL, self._on_notify)

    def _on_notify(self, *_: Any) -> None:
        asyncio.get_running_loop().create_task(self._bump())

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
        if self._conn is not None:
            with contextlib.suppress(OSError, asyncpg.InterfaceError):
                await self._conn.close()

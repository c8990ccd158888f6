"""How every govledger process reports its NATS connection: one log line per event.

No NATS import here: these are the callbacks a service hands to ``nats.connect``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any


def connection_callbacks(log: logging.Logger, who: str,
                         closed: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """nats-py's callbacks as one log line each. Its default error callback logs every failed
    reconnect attempt with a full traceback, which buries the one line that matters."""

    async def error(exc: Exception) -> None:
        log.warning("%s: NATS error: %s: %s", who, type(exc).__name__, exc)

    async def disconnected() -> None:
        if closed():  # we closed it (a stop, or the work it served ended): no news
            log.info("%s: NATS connection closed", who)
        else:
            log.warning("%s: NATS connection lost; reconnecting", who)

    async def reconnected() -> None:
        log.info("%s: NATS connection restored", who)

    return {"error_cb": error, "disconnected_cb": disconnected, "reconnected_cb": reconnected}


class _OneLine(logging.Filter):
    """Folds a record's exception into its message: ``... (ConnectionRefusedError: ...)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = None
            record.exc_info = record.exc_text = None
        return True


def one_line_connection_errors() -> None:
    """asyncpg's pool logs each failed reconnect while PostgreSQL is away with a traceback;
    an operator needs the one line. Called once by each service's entry point."""
    pool_log = logging.getLogger("asyncpg.pool")
    if not any(isinstance(f, _OneLine) for f in pool_log.filters):
        pool_log.addFilter(_OneLine())

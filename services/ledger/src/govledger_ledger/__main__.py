"""Service entry points: ``python -m govledger_ledger api`` and ``… relay``.

Each reads its settings from ``GOVLEDGER_*`` environment variables; SIGTERM drains and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from govledger_contracts.connection_log import one_line_connection_errors
from govledger_ledger.settings import Settings, settings_from_env

STARTUP_FAILURE = 3
"""uvicorn's exit status when the server never started (the port taken, the lifespan failed)."""


def _api(settings: Settings) -> int:
    import uvicorn

    from govledger_ledger.http.app import create_app
    from govledger_ledger.http.serving import LedgerServer

    app = create_app(settings)
    server = LedgerServer(uvicorn.Config(app, host=settings.http_host, port=settings.http_port,
                                         log_level="info", timeout_graceful_shutdown=10),
                          draining=app.state.draining)
    # uvicorn re-raises the signal that stopped it once it has drained; SIGINT then arrives
    # as KeyboardInterrupt, SIGTERM ends the process with its default action.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0 if server.started else STARTUP_FAILURE


async def _relay(settings: Settings) -> None:
    from govledger_ledger.relay import run_relay

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run_relay(settings, stop)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    one_line_connection_errors()
    if len(argv) != 1 or argv[0] not in ("api", "relay"):
        print("usage: python -m govledger_ledger {api|relay}", file=sys.stderr)
        return 2
    try:
        settings = settings_from_env()
    except ValueError as exc:
        print(f"govledger: {exc}", file=sys.stderr)
        return 2
    if argv[0] == "api":
        return _api(settings)
    asyncio.run(_relay(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

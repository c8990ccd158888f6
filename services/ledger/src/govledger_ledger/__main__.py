"""Service entry points: ``python -m govledger_ledger api`` and ``… relay``.

Each reads its settings from ``GOVLEDGER_*`` environment variables; SIGTERM drains and stops.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from govledger_ledger.settings import Settings, settings_from_env


def _api(settings: Settings) -> None:
    import uvicorn

    from govledger_ledger.http.app import create_app

    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port,
                log_level="info", timeout_graceful_shutdown=10)


async def _relay(settings: Settings) -> None:
    from govledger_ledger.relay import run_relay

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run_relay(settings, stop)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if len(argv) != 1 or argv[0] not in ("api", "relay"):
        print("usage: python -m govledger_ledger {api|relay}", file=sys.stderr)
        return 2
    try:
        settings = settings_from_env()
    except ValueError as exc:
        print(f"govledger: {exc}", file=sys.stderr)
        return 2
    if argv[0] == "api":
        _api(settings)
    else:
        asyncio.run(_relay(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

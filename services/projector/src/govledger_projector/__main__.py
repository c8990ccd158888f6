"""``python -m govledger_projector``: the consumer and the query API in one process.

Settings from ``GOVLEDGER_*`` (see settings.py); the API listens on
``GOVLEDGER_PROJECTOR_HTTP_PORT`` (default 8001). SIGTERM drains: uvicorn stops taking
requests, the lifespan stops the consumer after its current batch, then closes.
"""

from __future__ import annotations

import logging
import sys

from govledger_contracts.connection_log import one_line_connection_errors
from govledger_projector.settings import settings_from_env


def main() -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    one_line_connection_errors()
    try:
        settings = settings_from_env()
    except ValueError as exc:
        print(f"govledger-projector: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from govledger_projector.http.app import create_app

    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port,
                log_level="info", timeout_graceful_shutdown=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The API process as a deployment runs it: SIGTERM with live SSE clients connected."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import httpx

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.settings import Settings
from tests.integration.ledger.helpers import write
from tests.integration.projector.helpers import free_port

STOPPED = (0, -signal.SIGTERM)
"""uvicorn drains, then re-raises the SIGTERM it caught (exit status -15)."""


def api_env(settings: Settings, port: int) -> dict[str, str]:
    return {**os.environ, "GOVLEDGER_DATABASE_URL": settings.database_url,
            "GOVLEDGER_NATS_URL": settings.nats_url, "GOVLEDGER_WARD": settings.ward,
            "GOVLEDGER_STREAM_NAME": settings.stream_name,
            "GOVLEDGER_DATA_DIR": str(settings.data_dir), "GOVLEDGER_HTTP_PORT": str(port)}


async def wait_until_up(http: httpx.AsyncClient, api: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        assert api.returncode is None, "the API exited while starting"
        try:
            if (await http.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("the API did not come up")


async def read_live(http: httpx.AsyncClient, opened: asyncio.Event) -> list[str]:
    """Read one live stream to its end; ``opened`` once the first event arrived."""
    ids: list[str] = []
    async with http.stream("GET", "/v1/events/live?after=0") as response:
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                ids.append(line[3:].strip())
                opened.set()
    return ids


async def test_sigterm_ends_live_streams_at_once_and_logs_no_traceback(
    store: PostgresEventStore, ledger_settings: Settings,
) -> None:
    await store.append(write("agenda-a1"))
    port = free_port()
    api = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "govledger_ledger", "api", env=api_env(ledger_settings, port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output = asyncio.create_task(api.communicate())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await wait_until_up(http, api)
            opened = [asyncio.Event() for _ in range(2)]
            readers = [asyncio.create_task(read_live(http, o)) for o in opened]
            await asyncio.wait_for(asyncio.gather(*(o.wait() for o in opened)), 20)
            await asyncio.sleep(0.3)  # both streams now wait for the next append
            started = time.monotonic()
            api.send_signal(signal.SIGTERM)
            ids = await asyncio.wait_for(asyncio.gather(*readers), 10)
            log = (await asyncio.wait_for(output, 10))[0].decode(errors="replace")
            took = time.monotonic() - started
    finally:
        if api.returncode is None:
            api.kill()
            await api.wait()
    assert ids == [["1"], ["1"]]  # each stream ended cleanly after what it had
    assert api.returncode in STOPPED, log
    assert took < 3, f"shutdown took {took:.1f}s\n{log}"
    assert "Traceback" not in log and "ERROR" not in log, log

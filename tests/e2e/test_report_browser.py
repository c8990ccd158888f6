"""The 2023 transparency report as the council meets it: the seed loaded through the ledger,
relayed to JetStream, projected, written by ``write_report`` and opened in headless Chromium."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from govledger_contracts.envelope import Actor
from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.seed import seed_commands
from govledger_ledger.relay import Relay
from govledger_ledger.settings import Settings as LedgerSettings
from govledger_projector.http.app import create_app
from govledger_projector.report_files import write_report
from govledger_projector.settings import Settings
from tests.integration.projector.helpers import wait_for_position

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                       "(apt-get install -y chromium); the report is still unit-tested"),
]


def chromium(*args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--virtual-time-budget=2000", *args],
        capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


async def load_seed(store: PostgresEventStore) -> int:
    ledger = LedgerApplication(store, voter_key=b"e2e-voter-key")
    for role, command in seed_commands():
        result = await ledger.handle(command, Actor(id=f"seed-{role}", role=role))
        assert not isinstance(result, Rejected), result
    return (await store.head())[0]


@pytest.fixture
async def seeded_report(fresh_database: Callable[[], Awaitable[str]], nats_url: str,
                        tmp_path: Path) -> Path:
    ward = f"e{uuid.uuid4().hex[:10]}"
    ledger_settings = LedgerSettings(database_url=await fresh_database(), nats_url=nats_url,
                                     data_dir=tmp_path / "data", ward=ward,
                                     stream_name=f"GOVLEDGER_{ward.upper()}")
    settings = Settings(database_url=ledger_settings.database_url, nats_url=nats_url, ward=ward,
                        stream_name=ledger_settings.stream_name,
                        views_stream_name=f"GOVLEDGER_VIEWS_{ward.upper()}")
    await migrate(ledger_settings.database_url)
    pool = await create_pool(ledger_settings.database_url)
    store = PostgresEventStore(pool)
    relay = Relay(ledger_settings)
    relay_task = asyncio.create_task(relay.run())
    app = create_app(settings)
    try:
        async with app.lifespan():
            head = await load_seed(store)
            await wait_for_position(settings.database_url, head, within=180)
        await write_report(settings, 2023, tmp_path / "report")
    finally:
        relay.stop()
        await relay_task
        await store.close()
        await pool.close()
    return tmp_path / "report" / "govledger-report-2023.html"


async def test_chromium_renders_the_2023_report_with_the_seeds_figures(
    seeded_report: Path, tmp_path: Path,
) -> None:
    url = seeded_report.as_uri()
    dom = await asyncio.to_thread(chromium, "--dump-dom", url)
    assert '<html lang="ko">' in dom
    assert "2023년 성동구 민관협치 투명성 보고서" in dom and "1. 협치회의 구성" in dom
    for figure in ("294", "2,441", "1,420", "1,577", "74.0%"):
        assert figure in dom, figure
    mous = dom.split('id="table-mous"', 1)[1].split("</table>", 1)[0]
    assert mous.count("<tr><td>mou-2023-") == 12  # the 12 projects of §6.3
    assert "커피박 업사이클링" in dom and "신속예약시스템 통합 구축" in dom
    assert "1. Council composition" in dom and '<body class="both">' in dom  # both, no script
    # A saved page opened from disk: its script shows one language for ?lang=, as the
    # server does (progressive enhancement; without it the page stays bilingual).
    english = await asyncio.to_thread(chromium, "--dump-dom", url + "?lang=en")
    assert '<html lang="en">' in english and '<body class="both only-en">' in english
    shot = tmp_path / "report-2023.png"
    await asyncio.to_thread(chromium, f"--screenshot={shot}", "--window-size=1280,3000", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000

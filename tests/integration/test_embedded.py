"""The embedded PostgreSQL and NATS servers, and how commands find the running system."""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import nats
import pytest

from govledger_launcher.embedded import (
    PG_USER,
    EmbeddedNats,
    EmbeddedPostgres,
    LauncherError,
    pid_alive,
)
from govledger_launcher.runtime import NoLedger, RuntimeInfo, resolve_servers, write_runtime


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Under /tmp rather than tmp_path: see tests/conftest.py (embedded_root).
    root = Path(tempfile.mkdtemp(prefix="govledger-embedded-"))
    yield root / "data"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def other_process() -> Iterator[int]:
    """A live process that is not PostgreSQL, to stand for a reused pid."""
    process = subprocess.Popen(["sleep", "60"])
    yield process.pid
    process.kill()
    process.wait()


async def fetch_rows(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [row["note"] for row in await conn.fetch("SELECT note FROM kept ORDER BY note")]
    finally:
        await conn.close()


async def add_row(url: str, note: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS kept (note text)")
        await conn.execute("INSERT INTO kept VALUES ($1)", note)
    finally:
        await conn.close()


# --------------------------------------------------------------------------- PostgreSQL


async def test_postgres_serves_stops_and_keeps_rows_across_restart(data_dir: Path) -> None:
    server = EmbeddedPostgres(data_dir).start()
    assert server.url.startswith("postgresql://postgres@127.0.0.1:")
    assert server.database_url.endswith("/govledger")
    await add_row(server.database_url, "first")
    pid = server.process.pid if server.process else 0
    server.stop()
    assert not pid_alive(pid)
    assert not server.running

    with EmbeddedPostgres(data_dir) as again:
        assert await fetch_rows(again.database_url) == ["first"]
        assert (data_dir / "postgres" / "PG_VERSION").exists()
    assert not again.running


@pytest.mark.skipif(os.geteuid() != 0, reason="only root needs a separate PostgreSQL account")
def test_postgres_runs_as_its_own_account_when_started_by_root(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir) as server:
        assert server.process is not None
        owner = Path(f"/proc/{server.process.pid}").stat().st_uid
        assert owner == pwd.getpwnam(PG_USER).pw_uid
        assert (data_dir / "postgres").stat().st_uid == owner


async def test_postgres_restarts_over_the_pid_file_of_a_killed_server(
    data_dir: Path, other_process: int
) -> None:
    server = EmbeddedPostgres(data_dir).start()
    await add_row(server.database_url, "before the crash")
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    # The worst case: the dead postmaster's pid now belongs to some other live process.
    pidfile = data_dir / "postgres" / "postmaster.pid"
    lines = pidfile.read_text().split("\n")
    pidfile.write_text("\n".join([str(other_process), *lines[1:]]))

    with EmbeddedPostgres(data_dir) as again:
        assert await fetch_rows(again.database_url) == ["before the crash"]


async def test_a_second_postgres_on_the_same_data_is_refused(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir) as server:
        with pytest.raises(LauncherError, match="already runs"):
            EmbeddedPostgres(data_dir).start()
        assert await fetch_rows_or_none(server.database_url) is None  # still serving


async def fetch_rows_or_none(url: str) -> object:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT to_regclass('kept')")
    finally:
        await conn.close()


async def test_fresh_database_gives_each_test_its_own_database(
    fresh_database: Callable[[], Awaitable[str]], pg_admin_url: str
) -> None:
    first, second = await fresh_database(), await fresh_database()
    assert first != second
    conn = await asyncpg.connect(first)
    try:
        assert await conn.fetchval("SELECT current_database()") == first.rsplit("/", 1)[1]
    finally:
        await conn.close()


# --------------------------------------------------------------------------- NATS


async def test_nats_serves_jetstream_and_keeps_streams_across_restart(data_dir: Path) -> None:
    server = EmbeddedNats(data_dir).start()
    port = server.port
    nc = await nats.connect(server.url)
    js = nc.jetstream()
    assert (await js.account_info()).streams == 0
    await js.add_stream(name="KEPT", subjects=["kept.>"])
    await js.publish("kept.one", b"survives")
    await nc.close()
    server.stop()
    assert not server.running

    server.start()
    assert server.port == port  # clients holding the URL can reconnect
    nc = await nats.connect(server.url)
    try:
        info = await nc.jetstream().stream_info("KEPT")
        assert info.state.messages == 1
    finally:
        await nc.close()
        server.stop()
    assert (data_dir / "nats" / "jetstream").is_dir()


# --------------------------------------------------------------------------- ports


@pytest.mark.usefixtures("no_configured_servers")
def test_a_restarted_ledger_keeps_its_ports_so_subscribers_reconnect(data_dir: Path) -> None:
    with resolve_servers(data_dir, create=True) as first:  # as `govledger up` starts them
        urls = (first.database_url, first.nats_url)
    with resolve_servers(data_dir, create=True) as second:  # a new process, in effect
        assert (second.database_url, second.nats_url) == urls
    assert json.loads((data_dir / "ports.json").read_text()) == {
        server.name: server.port for server in second.embedded}


@pytest.mark.usefixtures("no_configured_servers")
def test_a_port_taken_meanwhile_is_replaced_and_the_log_says_so(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with EmbeddedNats(data_dir) as server:
        old = server.port
    assert old is not None
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", old))
        squatter.listen()
        with caplog.at_level(logging.WARNING, "govledger.embedded"), \
                EmbeddedNats(data_dir) as moved:
            assert moved.port != old
            assert f"embedded nats: port {old} (its port last time) is taken; listening on " \
                   f"{moved.port} instead" in caplog.text
    with EmbeddedNats(data_dir) as again:  # the new port is the one remembered now
        assert again.port == moved.port


def test_a_crashed_server_restarts_only_on_its_own_port(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Services hold the server's URL: a restart elsewhere would strand them, so it waits."""
    with EmbeddedNats(data_dir) as server:
        port, process = server.port, server.process
        assert port is not None and process is not None
        process.kill()
        process.wait()
        assert not server.running
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", port))
            squatter.listen()
            with caplog.at_level(logging.ERROR, "govledger.embedded"):
                assert server.restart() is False
            assert f"embedded nats cannot restart: port {port} is taken" in caplog.text
            assert not server.running
        assert server.restart() is True
        assert server.running and server.port == port
        assert server.process is not process


# --------------------------------------------------------------------------- resolve_servers


def test_configured_urls_win_and_start_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVLEDGER_DATABASE_URL", "postgresql://db.example/ledger")
    monkeypatch.setenv("GOVLEDGER_NATS_URL", "nats://nats.example:4222")
    with resolve_servers(data_dir) as servers:
        assert servers.database_url == "postgresql://db.example/ledger"
        assert servers.nats_url == "nats://nats.example:4222"
        assert servers.embedded == ()
    assert not data_dir.exists()


@pytest.fixture
def no_configured_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVLEDGER_DATABASE_URL", raising=False)
    monkeypatch.delenv("GOVLEDGER_NATS_URL", raising=False)


@pytest.mark.usefixtures("no_configured_servers")
async def test_without_a_running_system_the_embedded_servers_run_for_the_command(
    data_dir: Path,
) -> None:
    with resolve_servers(data_dir, create=True) as servers:  # as `govledger up` makes it
        await add_row(servers.database_url, "made by up")
    with resolve_servers(data_dir) as servers:
        await add_row(servers.database_url, "from a command")
        assert [server.running for server in servers.embedded] == [True, True]
        assert await fetch_rows(servers.database_url) == ["from a command", "made by up"]
    assert [server.running for server in servers.embedded] == [False, False]


@pytest.mark.usefixtures("no_configured_servers")
def test_a_command_refuses_to_start_servers_on_a_ledger_that_is_not_there(
    data_dir: Path,
) -> None:
    with (pytest.raises(NoLedger, match=r"no ledger found: .* does not exist — run this where"),
          resolve_servers(data_dir)):
        pytest.fail("started servers")
    assert not data_dir.exists()
    data_dir.mkdir()  # e.g. keys only, from an `up` that used GOVLEDGER_DATABASE_URL
    with (pytest.raises(NoLedger, match=r"no embedded postgres in .* set it here too"),
          resolve_servers(data_dir)):
        pytest.fail("started servers")
    assert list(data_dir.iterdir()) == []


@pytest.mark.usefixtures("no_configured_servers")
def test_a_running_up_is_found_through_its_runtime_file(
    data_dir: Path, other_process: int, pg_admin_url: str, nats_url: str
) -> None:
    if "127.0.0.1" not in pg_admin_url:
        pytest.skip("needs servers on this machine")
    info = RuntimeInfo(other_process, pg_admin_url, nats_url, "http://127.0.0.1:1")
    write_runtime(data_dir, info)
    assert json.loads((data_dir / "runtime.json").read_text())["pid"] == other_process
    with resolve_servers(data_dir) as servers:
        assert (servers.database_url, servers.nats_url) == (pg_admin_url, nats_url)
        assert servers.embedded == ()
    assert not (data_dir / "postgres").exists()


@pytest.mark.usefixtures("no_configured_servers")
def test_the_runtime_file_of_a_dead_up_is_ignored(data_dir: Path, nats_url: str) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    write_runtime(data_dir, RuntimeInfo(dead.pid, "postgresql://x@127.0.0.1:1/x", nats_url, ""))
    with resolve_servers(data_dir, create=True) as servers:
        assert servers.nats_url != nats_url
        assert len(servers.embedded) == 2

"""``govledger up`` as a user meets it: one command, the whole system, Ctrl-C to stop."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import signal
import subprocess
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import asyncpg
import nats
import pytest

from govledger_launcher.embedded import free_port

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        importlib.util.find_spec("govledger_ledger.__main__") is None,
        reason="the ledger services have no entry point yet (govledger_ledger.__main__)",
    ),
]

GOVLEDGER = str(Path(sysconfig.get_path("scripts")) / "govledger")
READY_LINE = "Press Ctrl-C to stop."
START_TIMEOUT = 120.0
STOP_TIMEOUT = 60.0


class Up:
    """A ``govledger up`` child process and everything it printed."""

    def __init__(self, data_dir: Path | None, http_port: int, cwd: Path | None = None) -> None:
        """``data_dir=None``: no --data-dir; ``up`` finds it from ``cwd`` as the README says."""
        # Embedded servers, like a user without any configuration.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVLEDGER_")}
        where = ["--data-dir", str(data_dir)] if data_dir is not None else []
        self.process = subprocess.Popen(
            [GOVLEDGER, "up", *where, "--http-port", str(http_port),
             "--projector-port", str(free_port())],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env, cwd=cwd,
        )  # fmt: skip
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if READY_LINE in line:
                self.ready.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_ready(self) -> dict[str, str]:
        deadline = time.monotonic() + START_TIMEOUT
        while not self.ready.wait(0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"govledger up did not become ready:\n{self.output}")
        return self.printed()

    def printed(self) -> dict[str, str]:
        """The banner's ``name: value`` lines."""
        found = (re.match(r"^\s+([a-zA-Z ]+):\s+(\S+)$", line) for line in self.lines)
        return {m.group(1).strip(): m.group(2) for m in found if m}

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"govledger up did not stop on {sig.name}:\n{self.output}")
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code


def http_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status)


def processes_using(data_dir: Path) -> list[str]:
    """Live processes whose command line, working directory or environment names data_dir."""
    needle = str(data_dir).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            cwd = os.readlink(entry / "cwd").encode()
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (needle in cmdline or cwd.startswith(needle) or needle in environ):
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {command}")
    return found


def assert_nothing_left(data_dir: Path) -> None:
    deadline = time.monotonic() + 10
    while processes_using(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_using(data_dir) == []
    assert not (data_dir / "runtime.json").exists()


def second_up_is_refused(data_dir: Path) -> str:
    result = subprocess.run(
        [GOVLEDGER, "up", "--data-dir", str(data_dir), "--http-port", str(free_port()),
         "--projector-port", str(free_port())],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    return result.stderr


async def marker_rows(database_url: str, add: str | None = None) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS e2e_marker (note text)")
        if add is not None:
            await conn.execute("INSERT INTO e2e_marker VALUES ($1)", add)
        return [r["note"] for r in await conn.fetch("SELECT note FROM e2e_marker ORDER BY note")]
    finally:
        await conn.close()


async def jetstream_answers(nats_url: str) -> bool:
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().account_info()
        return True
    finally:
        await nc.close()


async def test_up_serves_stops_cleanly_and_continues_on_the_same_data(data_dir: Path) -> None:
    port = free_port()
    first = Up(data_dir, port)
    printed = first.wait_ready()
    try:
        assert printed["API"] == f"http://127.0.0.1:{port}"
        assert printed["database"].startswith("postgresql://postgres@127.0.0.1:")
        assert printed["NATS"].startswith("nats://127.0.0.1:")
        assert printed["admin token"].count(".") == 2  # a JWT
        assert http_status(f"{printed['API']}/health") == 200
        assert await jetstream_answers(printed["NATS"])
        assert await marker_rows(printed["database"], add="written by the first run") != []
        assert (data_dir / "runtime.json").exists()
        assert "already runs" in second_up_is_refused(data_dir)
    finally:
        code = first.stop()
    assert code == 0, first.output
    assert "NATS connection lost" not in first.output  # a clean stop is no outage
    assert_nothing_left(data_dir)

    second = Up(data_dir, port)
    first_printed, printed = printed, second.wait_ready()
    try:
        assert http_status(f"{printed['API']}/health") == 200
        # The same URLs: a ward service's subscriber reconnects after the restart.
        assert (printed["database"], printed["NATS"]) == (first_printed["database"],
                                                          first_printed["NATS"])
        assert await marker_rows(printed["database"]) == ["written by the first run"]
    finally:
        code = second.stop(signal.SIGINT)  # what Ctrl-C sends
    assert code == 0, second.output
    # Services we stopped are "stopped", not "stopped api (exit code -15)" like a crash.
    stopped = [line.split("govledger: ", 1)[1] for line in second.lines
               if "govledger: stopped " in line]
    assert stopped == ["stopped api", "stopped relay", "stopped projector"], second.output
    assert_nothing_left(data_dir)


def server_pid(data_dir: Path, program: str) -> int:
    for line in processes_using(data_dir):
        pid, command = line.split(": ", 1)
        if Path(command.split(" ", 1)[0]).name == program:  # not its backends ("postgres: …")
            return int(pid)
    raise AssertionError(f"no {program} runs on {data_dir}")


def nats_server_pid(data_dir: Path) -> int:
    return server_pid(data_dir, "nats-server")


def kill_postgres_and_wait(up: Up, data_dir: Path, api: str) -> None:
    before = server_pid(data_dir, "postgres")
    os.kill(before, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if "embedded postgres restarted" in up.output and ready_status(api) == 200:
            break
    assert ready_status(api) == 200, up.output
    assert server_pid(data_dir, "postgres") != before


def ready_status(api: str) -> int:
    try:
        return http_status(f"{api}/ready")
    except urllib.error.HTTPError as error:
        return error.code


def kill_nats_append_and_wait(up: Up, data_dir: Path, api: str, token: str) -> None:
    """SIGKILL the embedded NATS, append at once (appends do not need NATS), wait for /ready."""
    before = nats_server_pid(data_dir)
    os.kill(before, signal.SIGKILL)
    request = urllib.request.Request(
        f"{api}/v1/agendas", method="POST",
        data=json.dumps({"agenda_id": "a2025-99", "title": "복구 시험", "channel": "online",
                         "summary": "NATS가 죽어도 잃지 않는다", "domains": ["it"],
                         "year": 2025, "reason": "복구 시험 / restart test"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
    except urllib.error.HTTPError as error:
        raise AssertionError(error.read().decode()) from None
    deadline = time.monotonic() + 60
    while ready_status(api) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ready_status(api) == 200, up.output
    assert up.process.poll() is None, up.output  # up itself went on
    assert nats_server_pid(data_dir) != before


async def test_up_restarts_an_embedded_server_that_dies_and_loses_no_event(
    data_dir: Path,
) -> None:
    up = Up(data_dir, free_port())
    printed = up.wait_ready()
    try:
        kill_nats_append_and_wait(up, data_dir, printed["API"], printed["admin token"])
        nc = await nats.connect(printed["NATS"])
        try:
            js = nc.jetstream()
            deadline = time.monotonic() + 60
            while (await js.stream_info("GOVLEDGER")).state.messages < 1:
                assert time.monotonic() < deadline, up.output
                await asyncio.sleep(0.2)
            message = await js.get_last_msg("GOVLEDGER", "govledger.>")
            assert message.subject.endswith(".agenda_proposed")
        finally:
            await nc.close()
        assert "embedded nats stopped unexpectedly" in up.output
        assert "embedded nats restarted" in up.output
        kill_postgres_and_wait(up, data_dir, printed["API"])
        await asyncio.sleep(2)  # the services notice and reconnect: what would they print?
        # Each service says in one line what it lost: no tracebacks in the operator's log.
        assert "NATS connection lost" in up.output
        assert "Traceback" not in up.output, up.output
    finally:
        code = up.stop()
    assert code == 0, up.output
    assert_nothing_left(data_dir)


def readme_subscriber_sample() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Subscribing from a ward service", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_subscriber_sample_runs_on_a_new_ledger(data_dir: Path, tmp_path: Path) -> None:
    """A ward service tries the README's sample the day the ledger starts, before any vote."""
    sample = tmp_path / "subscriber.py"
    sample.write_text(readme_subscriber_sample())
    up = Up(data_dir, free_port())
    printed = up.wait_ready()
    try:
        result = subprocess.run(
            [sysconfig.get_path("scripts") + "/python", str(sample)],
            env={**os.environ, "NATS_URL": printed["NATS"]},
            capture_output=True, text=True, timeout=35, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", result.stderr  # no drain timeout, no traceback
    finally:
        code = up.stop()
    assert code == 0, up.output

"""Shared bench plumbing: a PostgreSQL server, timing and ratio printing."""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A server-level URL: GOVLEDGER_DATABASE_URL's server, or an embedded one for the run."""
    configured = os.environ.get("GOVLEDGER_DATABASE_URL")
    if configured:
        yield configured
        return
    from govledger_launcher.embedded import EmbeddedPostgres

    with tempfile.TemporaryDirectory(prefix="govledger-bench-") as tmp:
        server = EmbeddedPostgres(Path(tmp) / "pg").start()
        try:
            yield server.url
        finally:
            server.stop()


@contextlib.contextmanager
def nats_server() -> Iterator[str]:
    """The API connects to NATS for readiness; give it a real one, as in production."""
    configured = os.environ.get("GOVLEDGER_NATS_URL")
    if configured:
        yield configured
        return
    from govledger_launcher.embedded import EmbeddedNats

    with (tempfile.TemporaryDirectory(prefix="govledger-audit-bench-") as tmp,
          EmbeddedNats(Path(tmp) / "nats") as server):
        yield server.url


async def fresh_database(server_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def _postgres_cpu() -> float | None:
    """CPU seconds used so far by this machine's PostgreSQL processes (exited backends count
    through the postmaster's reaped-children times); None where /proc cannot tell."""
    total, ticks = 0, os.sysconf("SC_CLK_TCK")
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name, _, rest = stat.partition(" (")[2].rpartition(")")
        if name != "postgres":
            continue
        fields = rest.split()
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


class CpuMeter:
    """CPU spent per event by this process (the client) and by PostgreSQL (the server), for a
    server on this machine: on a small machine the two share the cores, so CPU per event says
    what the design costs where wall-clock throughput only says who waited for whom."""

    def __init__(self, server_url: str) -> None:
        host = server_url.split("@")[-1].split("/")[0].rsplit(":", 1)[0]
        self.local = host in {"127.0.0.1", "localhost", "::1", "[::1]"}
        self.client: float | None = None
        self.server: float | None = None

    def __enter__(self) -> CpuMeter:
        self._client = self._client_now()
        self._server = _postgres_cpu() if self.local else None
        return self

    def __exit__(self, *exc: object) -> None:
        self.client = self._client_now() - self._client
        after = _postgres_cpu() if self.local else None
        if self._server is not None and after is not None:
            self.server = after - self._server

    @staticmethod
    def _client_now() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime


class Result:
    def __init__(self, name: str, count: int, seconds: float, latencies: list[float]) -> None:
        self.name, self.count, self.seconds = name, count, seconds
        self.latencies = sorted(latencies)
        self.cpu: tuple[float, float | None] | None = None
        """(client, server) CPU microseconds per event, where measured."""

    def measured(self, meter: CpuMeter) -> Result:
        if meter.client is not None:
            server = None if meter.server is None else meter.server / self.count * 1e6
            self.cpu = (meter.client / self.count * 1e6, server)
        return self

    def cpu_text(self) -> str:
        if self.cpu is None:
            return ""
        client, server = self.cpu
        if server is None:
            return f"  CPU/event: client {client:5.0f} us"
        total = client + server
        return f"  CPU/event: client {client:5.0f} + server {server:5.0f} = {total:5.0f} us"

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, int(q * len(self.latencies)))
        return self.latencies[index] * 1000

    def line(self) -> str:
        lat = ""
        if self.latencies:
            lat = f"  p50 {self.pct(0.5):7.2f} ms  p99 {self.pct(0.99):7.2f} ms"
        return f"{self.name:<48} {self.rate:>10,.0f} ev/s{lat}{self.cpu_text()}"


def median_ratio(label: str, values: list[float], target: float) -> str:
    value = statistics.median(values)
    verdict = "meets" if value >= target else "BELOW"
    spread = f"(rounds: {', '.join(f'{v:.2f}' for v in values)})"
    return f"  {label:<58} {value:6.2f}x  (target >= {target:g}x: {verdict}) {spread}"


def clock() -> float:
    return time.perf_counter()


def median(values: list[float]) -> float:
    return statistics.median(values)

"""Shared bench plumbing: a PostgreSQL server, timing and ratio printing."""

from __future__ import annotations

import contextlib
import os
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


class Result:
    def __init__(self, name: str, count: int, seconds: float, latencies: list[float]) -> None:
        self.name, self.count, self.seconds = name, count, seconds
        self.latencies = sorted(latencies)

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
        return f"{self.name:<48} {self.rate:>10,.0f} ev/s{lat}"


def median_ratio(label: str, values: list[float], target: float) -> str:
    value = statistics.median(values)
    verdict = "meets" if value >= target else "BELOW"
    spread = f"(rounds: {', '.join(f'{v:.2f}' for v in values)})"
    return f"  {label:<58} {value:6.2f}x  (target >= {target:g}x: {verdict}) {spread}"


def clock() -> float:
    return time.perf_counter()


def median(values: list[float]) -> float:
    return statistics.median(values)

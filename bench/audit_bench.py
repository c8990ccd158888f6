"""The auditor's toolkit at scale: proof latency over HTTP, checkpoint cost, audit throughput.

    .venv/bin/python bench/audit_bench.py [--events 1000000] [--requests 2000]

1. Writes N events straight into a fresh ledger database with COPY (correct canonical leaves
   and chain hashes, realistic ballot/agenda payloads), then builds the Merkle tree with the
   checkpointer's own round (``checkpoint_round``) and signs a checkpoint.
2. Checkpoint cost: 1,000 more events, then one round (extend + sign + store), several times.
3. Inclusion and consistency proofs over HTTP (uvicorn in a subprocess, one keep-alive
   client): p50/p99 (target p99 < 10 ms); a sample of the answers is verified.
4. ``govledger export`` of the log, then ``govledger audit``'s verifier on it against a raw
   read + SHA-256 of the same events.jsonl in the same run (target >= 50%), plus the cost of
   the per-event hashing alone (chain + tree, no JSON) in one process and on every core: the
   ceiling for a Python auditor. The chain hash and the leaf hash each take every byte through
   SHA-256 (two passes against the baseline's one), and every call pays OpenSSL's per-call cost.

Uses GOVLEDGER_DATABASE_URL's server when set, else an embedded PostgreSQL for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import gc
import hashlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _common import fresh_database, nats_server, postgres_server

from govledger_contracts.audit.chunks import chunk_bounds, default_jobs
from govledger_contracts.audit.leaves import line_leaf
from govledger_contracts.audit.merkle import CompactRange, verify_consistency
from govledger_contracts.audit.note import SignerKey, generate_signer_key, ledger_origin
from govledger_contracts.audit.verify import audit_export
from govledger_contracts.canonical import GENESIS_HASH
from govledger_contracts.envelope import ENVELOPE_ENCODER, Actor, Envelope
from govledger_contracts.ids import uuid7
from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.postgres_store import init_connection
from govledger_ledger.checkpoints import checkpoint_round
from govledger_ledger.export import export_log

WARD = "seongdong"
COLUMNS = ("position", "event_id", "stream_id", "stream_version", "type", "occurred_at",
           "recorded_at", "actor_id", "actor_role", "reason", "correlation_id", "causation_id",
           "payload", "prev_hash", "hash")
CHUNK = 50_000
GATEWAY = Actor(id="vote-gateway-01", role="vote_gateway")
SECRETARIAT = Actor(id="secretariat-01", role="secretariat")


# --------------------------------------------------------------------------- servers


# --------------------------------------------------------------------------- the log


class Generator:
    """Envelopes as the ledger records them: mostly ballots, some agendas; hashes chained."""

    def __init__(self) -> None:
        self.prev = GENESIS_HASH
        self.position = 0
        self.versions: dict[str, int] = {}
        self.rng = random.Random(6962)
        self.start = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)

    def _payload(self) -> tuple[str, str, dict[str, Any], Actor]:
        if self.position % 10:
            voter = hashlib.sha256(f"resident-{self.position}".encode()).hexdigest()
            choices = self.rng.sample(["a1", "a2", "a3", "a4", "a5"], 2)
            return (f"ballot-box-2024-priority-{voter[:2]}", "ballot_cast",
                    {"type": "ballot_cast", "vote_id": "2024-priority", "voter": voter,
                     "choices": choices}, GATEWAY)
        agenda = f"a{self.position}"
        return (f"agenda-{agenda}", "agenda_proposed",
                {"type": "agenda_proposed", "agenda_id": agenda,
                 "title": f"골목 공원 조성 {self.position}호", "summary": "주민 제안 의제",
                 "channel": "online", "domains": ["환경", "복지"], "year": 2024}, SECRETARIAT)

    def next(self) -> Envelope:
        self.position += 1
        stream, kind, payload, actor = self._payload()
        version = self.versions[stream] = self.versions.get(stream, 0) + 1
        when = self.start + dt.timedelta(seconds=self.position, microseconds=self.position % 997)
        draft = Envelope(
            event_id=str(uuid7()), position=self.position, stream_id=stream,
            stream_version=version, type=kind, occurred_at=when, recorded_at=when,
            actor=actor, reason="bench", correlation_id=str(uuid7()), payload=payload,
            prev_hash=self.prev.hex(), hash="",
        )
        leaf = line_leaf(ENVELOPE_ENCODER.encode(draft))[3]
        self.prev = hashlib.sha256(self.prev + leaf).digest()
        return Envelope(**{**{f: getattr(draft, f) for f in draft.__struct_fields__},
                           "hash": self.prev.hex()})


def record(e: Envelope) -> tuple[Any, ...]:
    return (e.position, uuid.UUID(e.event_id), e.stream_id, e.stream_version, e.type,
            e.occurred_at, e.recorded_at, e.actor.id, e.actor.role, e.reason, e.correlation_id,
            e.causation_id, e.payload, bytes.fromhex(e.prev_hash), bytes.fromhex(e.hash))


async def write_events(conn: asyncpg.Connection, gen: Generator, count: int) -> None:
    """COPY ``count`` more events and move the head, as one append would."""
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        rows = [record(gen.next()) for _ in range(n)]
        async with conn.transaction():
            await conn.copy_records_to_table("events", schema_name="ledger", columns=COLUMNS,
                                             records=rows)
            await conn.execute("UPDATE ledger.head SET position = $1, hash = $2",
                               gen.position, gen.prev)
        done += n


# --------------------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVER = """
import sys, uvicorn
from govledger_ledger.http.app import create_app
from govledger_ledger.settings import settings_from_env
settings = settings_from_env()
uvicorn.run(create_app(settings, run_migrations=False), host="127.0.0.1",
            port=settings.http_port, log_level="warning")
"""


@contextlib.contextmanager
def api_server(database_url: str, nats_url: str, data_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "GOVLEDGER_DATABASE_URL": database_url,
           "GOVLEDGER_NATS_URL": nats_url, "GOVLEDGER_DATA_DIR": str(data_dir),
           "GOVLEDGER_HTTP_PORT": str(port), "GOVLEDGER_WARD": WARD}
    process = subprocess.Popen([sys.executable, "-c", SERVER], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/health").status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def p50_p99(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def time_requests(client: httpx.Client, urls: list[str]) -> tuple[list[float], list[Any]]:
    latencies, answers = [], []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
        answers.append(response.json())
    return latencies, answers


def proof_latency(api: str, event_ids: list[str], size: int, requests: int,
                  rounds: int = 3) -> None:
    """``rounds`` rounds of ``requests`` proofs of each kind; the verdict is on the median
    p99 (this machine's speed drifts from one round to the next)."""
    rng = random.Random(9162)
    results: dict[str, list[tuple[float, float]]] = {"inclusion": [], "consistency": []}
    # The bench process holds a million events' worth of objects by now; its own garbage
    # collector would stop the clock, not the server. Park what exists outside the collector.
    gc.collect()
    gc.freeze()
    with httpx.Client(base_url=api, timeout=30) as client:
        for _ in range(rounds):
            inclusion = [f"/v1/proofs/inclusion?event_id={rng.choice(event_ids)}"
                         f"&tree_size={size}" for _ in range(requests)]
            consistency = [f"/v1/proofs/consistency?from={rng.randint(1, size)}&to={size}"
                           for _ in range(requests)]
            time_requests(client, inclusion[:100] + consistency[:100])  # warm up
            lat_in, _ = time_requests(client, inclusion)
            lat_co, answers = time_requests(client, consistency)
            results["inclusion"].append(p50_p99(lat_in))
            results["consistency"].append(p50_p99(lat_co))
            for answer in answers[:200]:
                proof = [bytes.fromhex(h) for h in answer["hashes"]]
                assert verify_consistency(answer["from_size"], answer["to_size"], proof,
                                          bytes.fromhex(answer["from_root"]),
                                          bytes.fromhex(answer["to_root"])), answer
    gc.unfreeze()
    for kind, figures in results.items():
        p50 = statistics.median(f[0] for f in figures)
        p99 = statistics.median(f[1] for f in figures)
        verdict = "meets" if p99 < 10 else "ABOVE"
        each = ", ".join(f"{f[1]:.1f}" for f in figures)
        print(f"  {kind} proof, {rounds} x {requests} requests   p50 {p50:6.2f} ms  "
              f"p99 {p99:6.2f} ms  (median; rounds' p99: {each})  (target p99 < 10 ms: {verdict})")


# --------------------------------------------------------------------------- audit


def raw_sha256(path: Path) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return time.perf_counter() - started


def hashing_only(path: Path) -> float:
    """Per-event chain and tree hashing over each line's bytes: no decoding, no re-encoding."""
    started = time.perf_counter()
    prev, edge, sha256 = GENESIS_HASH, CompactRange(), hashlib.sha256
    with path.open("rb") as f:
        for line in f:
            prev = sha256(prev + line).digest()
            edge.append(sha256(b"\x00" + line).digest())
    return time.perf_counter() - started


def _hash_lines(path: str, start: int, end: int) -> bytes:
    """One chunk's per-event hashing, as ``hashing_only`` does it, in a worker process."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    prev, sha256, leaves = GENESIS_HASH, hashlib.sha256, bytearray()
    for line in data.splitlines(keepends=True):
        prev = sha256(prev + line).digest()
        leaves += sha256(b"\x00" + line).digest()
    return bytes(leaves)


def hashing_only_parallel(path: Path, jobs: int) -> float:
    """``hashing_only`` on every core: workers hash chunks' lines, this process grows the tree
    from their leaf hashes. What any auditor written in Python could reach here at most."""
    started = time.perf_counter()
    edge = CompactRange()
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(_hash_lines, str(path), start, end)
                   for start, end in chunk_bounds(path)]
        for future in futures:
            leaves = future.result()
            for offset in range(0, len(leaves), 32):
                edge.append(leaves[offset:offset + 32])
    return time.perf_counter() - started


def audit_throughput(directory: Path, count: int) -> None:
    events = directory / "events.jsonl"
    size_mb = events.stat().st_size / 1e6
    raw_sha256(events)  # page cache warm for every contender
    raw = min(raw_sha256(events) for _ in range(3))
    jobs = default_jobs()
    timings = {}
    for workers in sorted({1, jobs}):
        started = time.perf_counter()
        report = audit_export(directory, jobs=workers)
        timings[workers] = time.perf_counter() - started
        assert report.ok, report.problem
    floor = hashing_only(events)
    floor_all = hashing_only_parallel(events, jobs) if jobs > 1 else floor
    print(f"  events.jsonl: {count:,} events, {size_mb:,.0f} MB")
    print(f"  raw read + SHA-256 of the file        {count / raw:>12,.0f} ev/s  ({raw:.2f} s)")
    for workers, audited in timings.items():
        label = f"govledger audit, {workers} process{'es' if workers > 1 else ''}"
        print(f"  {label:<37}{count / audited:>12,.0f} ev/s  "
              f"({audited:.2f} s, {audited / count * 1e6:.1f} us/event)")
    print(f"  per-event chain+tree hashing only     {count / floor:>12,.0f} ev/s  ({floor:.2f} s)")
    ratio = raw / timings[jobs]
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"  audit ({jobs} processes) / raw             {ratio:6.1%}  (target >= 50%: {verdict})")
    print(f"  per-event hashing only, {jobs} processes   {count / floor_all:>12,.0f} ev/s  "
          f"({floor_all:.2f} s)")
    print(f"  hashing-only / raw (ceiling of one Python process) {raw / floor:6.1%}")
    print(f"  hashing-only on {jobs} processes / raw (ceiling on this machine) "
          f"{raw / floor_all:6.1%}")


# --------------------------------------------------------------------------- main


async def build(database_url: str, gen: Generator, count: int) -> asyncpg.Connection:
    await migrate(database_url)
    conn = await asyncpg.connect(database_url)
    await init_connection(conn)
    started = time.perf_counter()
    await write_events(conn, gen, count)
    print(f"  generated and COPYed {count:,} events in {time.perf_counter() - started:.1f} s")
    return conn


async def checkpoint_costs(conn: asyncpg.Connection, gen: Generator, count: int,
                           signer: SignerKey) -> None:
    started = time.perf_counter()
    first = await checkpoint_round(conn, signer, wait=True)
    built = time.perf_counter() - started
    assert first is not None
    assert first.size == count
    print(f"  tree built by the checkpointer: {count:,} leaves in {built:.1f} s "
          f"({count / built:,.0f} leaves/s), first checkpoint signed")
    costs = []
    for _ in range(5):
        await write_events(conn, gen, 1000)
        started = time.perf_counter()
        assert await checkpoint_round(conn, signer, wait=True) is not None
        costs.append(time.perf_counter() - started)
    print(f"  checkpoint after 1,000 new events (extend + sign + store): "
          f"median {statistics.median(costs) * 1000:.0f} ms, max {max(costs) * 1000:.0f} ms")


async def run(events: int, requests: int) -> None:
    with postgres_server() as server, tempfile.TemporaryDirectory() as tmp:
        database_url = await fresh_database(server)
        gen, signer = Generator(), generate_signer_key(ledger_origin(WARD))
        print(f"audit bench: {events:,} events")
        conn = await build(database_url, gen, events)
        await checkpoint_costs(conn, gen, events, signer)
        # What autovacuum does to a table after a bulk load, done now rather than while the
        # proofs are timed: a long-running ledger reads a vacuumed log.
        await conn.execute("RESET ROLE")
        await conn.execute("VACUUM (ANALYZE)")
        size = gen.position
        rows = await conn.fetch("SELECT event_id::text FROM ledger.events"
                                " TABLESAMPLE SYSTEM (1) LIMIT 5000")
        await conn.close()
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        with nats_server() as nats_url, api_server(database_url, nats_url, data_dir) as api:
            proof_latency(api, [r["event_id"] for r in rows], size, requests)
        started = time.perf_counter()
        summary = await export_log(database_url, Path(tmp) / "export", signer=signer)
        print(f"  govledger export: {summary.events:,} events in "
              f"{time.perf_counter() - started:.1f} s (checkpoint at {summary.checkpoint_size:,})")
        audit_throughput(Path(tmp) / "export", summary.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(run(args.events, args.requests))


if __name__ == "__main__":
    main()

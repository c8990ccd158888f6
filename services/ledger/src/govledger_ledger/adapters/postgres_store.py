"""PostgresEventStore: the hash-chained, gap-free global log on PostgreSQL (asyncpg).

Ordering and gap-freedom. Every append transaction first locks the single row of
``ledger.head`` FOR UPDATE, reads the last position and hash, writes its events at the
next positions, moves the head and commits. The row lock is held until commit, so append
transactions across every ledger process are serialised by PostgreSQL itself: positions are
handed out in commit order, a rolled-back transaction hands none out (no sequence, hence no
gaps), and a transaction can only take the lock after the previous holder's commit is
visible — so no reader can ever see position N+1 before N.

Throughput (group commit). Holding one lock per transaction would cost one commit (one WAL
flush) per command. Instead each process funnels its appends through one writer task that
takes every request waiting in its queue and commits them together in one transaction, one
lock, one COPY and one flush; each request still succeeds or fails on its own (a version
conflict rejects only that request). The eventsourcing library takes an EXCLUSIVE table lock
per insert transaction; here the lock is a single row and is amortised over the batch.

Fast path. Each round trip costs as much as the rest of a batch, so the writer bets: it
plans the batch against the head it predicts and the versions the requests expect, and sends
one statement (``ledger.append_batch``, migration 004) that takes the same head lock, checks
the head (position and hash), every expected version and every Idempotency-Key, and writes
only if all hold — in the statement's own transaction. When the bet fails (another process
moved the head, a version or key differs) nothing is written and the batch takes the locked
path above, which reads under the lock and settles each request on its own.

Pipelining. The writer does not wait for a batch's answer before planning and sending the
next: batch N+1 (at most 32 requests a batch) is planned on top of N's predicted head and
sent on another connection while N is out, so PostgreSQL parses it while N commits and
hands it the head lock the moment N's commit is flushed, and Python plans and settles while
the database works. Two batches are out at most. If N+1 reaches the lock first it finds the
head short of its base ('behind'), waits for N and asks again. If N's bet fails, N+1 fails
its head check too (the hash differs even where the position matches) and falls back; the
writer then stops betting until every batch in flight has settled and the locked path has
read the true head.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import msgspec

from govledger_contracts.envelope import ENVELOPE_ENCODER, Actor, Envelope
from govledger_ledger.adapters.batch import BatchPlan, plan_batch
from govledger_ledger.ports import (
    DEFAULT_MAX_EVENT_BYTES,
    AppendRequest,
    AppendResult,
    CommitOutcomeUnknown,
    IdempotencyMismatch,
    IdempotencyRecord,
    InvalidData,
    StoreUnavailable,
    StreamSlice,
    touched,
)

APPENDED_CHANNEL = "govledger_appended"
_EVENT_COLUMNS = (
    "position", "event_id", "stream_id", "stream_version", "type", "occurred_at",
    "recorded_at", "actor_id", "actor_role", "reason", "correlation_id", "causation_id",
    "payload", "prev_hash", "hash",
)
_SELECT = "SELECT " + ", ".join(_EVENT_COLUMNS) + " FROM ledger.events"
_COLUMN_TYPES = ("bigint", "uuid", "text", "integer", "text", "timestamptz", "timestamptz",
                 "text", "text", "text", "text", "text", "jsonb", "bytea", "bytea")
# The fast path (migration 004): plan against the predicted head, write in one statement.
_APPEND_BATCH = "SELECT ledger.append_batch($1, $2, $3, $4, $5, $6, $7, $8)"
# One round trip for the whole batch: each column travels as one array.
_INSERT = (
    "INSERT INTO ledger.events (" + ", ".join(_EVENT_COLUMNS) + ") SELECT * FROM unnest("
    + ", ".join(f"${i}::{t}[]" for i, t in enumerate(_COLUMN_TYPES, start=1)) + ")"
)
_UNAVAILABLE = (OSError, asyncpg.PostgresConnectionError, asyncpg.OperatorInterventionError,
                asyncpg.CannotConnectNowError, asyncpg.ConnectionDoesNotExistError,
                asyncpg.InterfaceError, asyncio.TimeoutError)
_decode_json = msgspec.json.Decoder().decode
_encode_json = msgspec.json.Encoder().encode


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Json(bytes):
    """JSON text already encoded: handed to a jsonb parameter as it is."""


def _jsonb_encode(value: Any) -> bytes:
    # jsonb's binary wire format is a version byte (1) followed by the JSON text.
    if isinstance(value, _Json):
        return b"\x01" + value
    text = value.encode() if isinstance(value, str) else _encode_json(value)
    return b"\x01" + text


def _jsonb_decode(data: bytes) -> Any:
    return _decode_json(data[1:])


async def init_connection(conn: asyncpg.Connection) -> None:
    """Per-connection setup: JSON codecs, and the least-privileged role (INSERT/SELECT only)."""
    await conn.set_type_codec("jsonb", encoder=_jsonb_encode, decoder=_jsonb_decode,
                              schema="pg_catalog", format="binary")
    await conn.execute("SET ROLE govledger_writer")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Give a connection back to the pool as it is: no ``RESET ALL`` round trip.

    The pool's connections hold no session state beyond what ``init_connection`` set (the
    role and codecs, which must stay): nothing here LISTENs, takes session advisory locks or
    leaves cursors (the relay, notifier, verifier and exporter use connections of their own),
    and asyncpg still rolls back a transaction left open before calling this. Skipping the
    default reset saves a round trip on every checkout — a third of a small append's cost.
    """


async def create_pool(database_url: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    try:
        pool = await asyncpg.create_pool(
            database_url, min_size=min_size, max_size=max_size, init=init_connection,
            reset=_keep_session, command_timeout=30,
        )
    except _UNAVAILABLE as exc:
        raise StoreUnavailable(str(exc)) from exc
    assert pool is not None
    return pool


def _jsonb_key(key: str) -> tuple[int, bytes]:
    raw = key.encode()
    return len(raw), raw


def jsonb_ordered(value: Any) -> Any:
    """``value`` with every object's members, at every depth, in the order a jsonb column
    gives them back: shorter keys first, keys of one length by their UTF-8 bytes
    (PostgreSQL's ``lengthCompareJsonbStringValue``). Arrays keep their order."""
    if isinstance(value, dict):
        return {k: jsonb_ordered(value[k]) for k in sorted(value, key=_jsonb_key)}
    if isinstance(value, list | tuple):
        return [jsonb_ordered(item) for item in value]
    return value


def as_read_back(e: Envelope) -> Envelope:
    """``e`` as this store reads it back once it is written: the payload in jsonb's member
    order and both times in UTC (timestamptz keeps the instant, not the zone it was given in).

    For answers made from envelopes just appended (a command's 201), so that they are the
    bytes of every later read: an idempotent replay, ``GET /v1/events/{id}``, the relay's
    NATS message. Never needed on the append path: the hash is over canonical bytes, which
    neither the order of members nor a time's zone changes.
    """
    return msgspec.structs.replace(
        e, occurred_at=e.occurred_at.astimezone(dt.UTC),
        recorded_at=e.recorded_at.astimezone(dt.UTC), payload=jsonb_ordered(e.payload),
    )


def row_to_envelope(row: asyncpg.Record) -> Envelope:
    return Envelope(
        event_id=str(row["event_id"]), position=row["position"], stream_id=row["stream_id"],
        stream_version=row["stream_version"], type=row["type"],
        occurred_at=row["occurred_at"], recorded_at=row["recorded_at"],
        actor=Actor(id=row["actor_id"], role=row["actor_role"]), reason=row["reason"],
        correlation_id=row["correlation_id"], causation_id=row["causation_id"],
        payload=row["payload"], prev_hash=row["prev_hash"].hex(), hash=row["hash"].hex(),
    )


async def _landing(tasks: set[asyncio.Task[None]]) -> None:
    """Wait until every task in the set is done, without cancelling any of them."""
    if tasks:
        await asyncio.wait(set(tasks))


def _record(e: Envelope) -> tuple[Any, ...]:
    return (
        e.position, uuid.UUID(e.event_id), e.stream_id, e.stream_version, e.type,
        e.occurred_at, e.recorded_at, e.actor.id, e.actor.role, e.reason, e.correlation_id,
        e.causation_id, e.payload, bytes.fromhex(e.prev_hash),
        bytes.fromhex(e.hash),
    )


Connection = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy
"""A connection or the pool's proxy for one: both run queries the same way."""
_Pending = tuple[AppendRequest, "asyncio.Future[AppendResult]"]


class PostgresEventStore:
    """The event store port on PostgreSQL, with in-process group commit."""

    def __init__(self, pool: asyncpg.Pool, *, max_batch: int = 32, writers: int = 1,
                 pipeline: int = 2, clock: Callable[[], dt.datetime] = utc_now,
                 max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._pool = pool
        self._max_event_bytes = max_event_bytes
        self._max_batch = max_batch
        self._writer_count = writers
        self._clock = clock
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._writers: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sender = asyncio.Semaphore(max(1, pipeline))
        """Held while a batch's statement is out: ``pipeline`` of them at most."""
        self._last_sent: asyncio.Task[None] | None = None
        self._head: tuple[int, bytes] | None = None
        """The head after every batch sent so far, if they all commit: the fast path's bet.
        None when unknown (at start, after a failed bet): then the locked path reads it."""

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        """A pooled connection; driver connection failures become StoreUnavailable here."""
        try:
            async with self._pool.acquire() as conn:
                yield conn
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc) or type(exc).__name__) from exc

    async def append(self, request: AppendRequest) -> AppendResult:
        """Queue the request for the next group commit and wait for its own outcome."""
        # One writer per process by default: the fast path plans against one predicted head.
        self._writers = [w for w in self._writers if not w.done()]
        while len(self._writers) < self._writer_count:
            self._writers.append(asyncio.create_task(self._write_loop(), name="govledger-writer"))
        future: asyncio.Future[AppendResult] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((request, future))
        return await future

    async def close(self) -> None:
        for writer in self._writers:
            writer.cancel()
        await asyncio.gather(*self._writers, return_exceptions=True)
        # Batches already sent settle their callers; none is abandoned half-way. (``wait``,
        # unlike ``gather``, never cancels what it waits for.)
        await _landing(self._in_flight)
        while not self._queue.empty():  # never taken by a writer: nothing of theirs was written
            _, future = self._queue.get_nowait()
            if not future.done():
                future.set_exception(StoreUnavailable("the event store is shutting down"))

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = [(r, f) for r, f in batch if not f.cancelled()]
            if not live:
                continue
            try:
                await self._dispatch(live)
            except asyncio.CancelledError:
                # Closing before this batch went out (a batch caught mid-commit has been told
                # its outcome is unknown by ``_settle``): nothing of it was written.
                self._fail(live, StoreUnavailable("the event store shut down before the commit"))
                raise
            except Exception as exc:  # a bug while planning fails this batch, not the writer
                self._fail(live, exc)

    async def _dispatch(self, live: list[_Pending]) -> None:
        """Send one batch: on the fast path as a task of its own, else the locked path here."""
        requests = [request for request, _ in live]
        fast = self._fast_plan(requests)
        if fast is None:
            # The locked path needs the true head: let every batch in flight land first.
            await _landing(self._in_flight)
            await self._settle(live, self._locked_commit(requests, learn_head=True))
            return
        plan, expected, base = fast
        last = plan.envelopes[-1]
        self._head = (last.position, bytes.fromhex(last.hash))
        # Planned while earlier batches were out; sent while at most one other is.
        await self._sender.acquire()
        before = self._last_sent if self._last_sent in self._in_flight else None
        task = asyncio.create_task(
            self._settle(live, self._send(requests, plan, expected, base, before)))
        self._in_flight.add(task)
        self._last_sent = task
        task.add_done_callback(self._in_flight.discard)

    async def _send(self, requests: Sequence[AppendRequest], plan: BatchPlan,
                    expected: dict[str, int], base: tuple[int, bytes],
                    before: asyncio.Task[None] | None) -> BatchPlan:
        try:
            return await self._fast_or_locked(requests, plan, expected, base, before)
        finally:
            self._sender.release()  # the next batch goes out while this one's callers hear

    async def _settle(self, batch: list[_Pending], commit: Awaitable[BatchPlan]) -> None:
        try:
            plan = await commit
        except asyncio.CancelledError:
            # Cancelled while the commit was out: it may or may not have landed.
            self._fail(batch, CommitOutcomeUnknown("the event store shut down mid-commit"))
            raise
        except CommitOutcomeUnknown as exc:
            self._fail(batch, exc)
            return
        except _UNAVAILABLE as exc:
            self._fail(batch, StoreUnavailable(str(exc)))
            return
        except Exception as exc:  # settle every waiter with the real error, never swallow it
            self._fail(batch, exc)
            return
        for (_, future), outcome in zip(batch, plan.outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            elif outcome is not None:
                future.set_result(outcome)

    def _fail(self, batch: list[_Pending], exc: Exception) -> None:
        self._head = None
        for _, future in batch:
            if not future.done():
                future.set_exception(exc)

    async def _fast_or_locked(self, requests: Sequence[AppendRequest], plan: BatchPlan,
                              expected: dict[str, int], base: tuple[int, bytes],
                              before: asyncio.Task[None] | None) -> BatchPlan:
        """The fast path when its bet holds (one round trip), else the locked path."""
        status = "stale" if self._head is None else await self._try_fast(plan, expected, base)
        if status == "behind" and before is not None:
            # Sent after the batch it was planned on but reached the lock first: wait for that
            # one to land and ask again (if it committed, its head is this batch's base).
            await asyncio.wait([before])
            if self._head is not None:
                status = await self._try_fast(plan, expected, base)
        if status == "ok":
            return plan
        self._head = None  # the writer stops betting until everything in flight has landed
        return await self._locked_commit(requests, learn_head=False)

    def _fast_plan(self, requests: Sequence[AppendRequest],
                   ) -> tuple[BatchPlan, dict[str, int], tuple[int, bytes]] | None:
        """Plan against the predicted head and the versions the requests say they expect.

        Only a plan that needs nothing more from the database qualifies: no ``any`` writes,
        no conflicts or replays inside the batch. Anything else takes the locked path.
        """
        base = self._head
        if base is None:
            return None
        expected: dict[str, int] = {}
        for request in requests:
            for stream, version in touched(request):
                if version == "any":
                    return None
                expected.setdefault(stream, 0 if version == "no_stream" else version)
        plan = plan_batch(requests, head_position=base[0], head_hash=base[1],
                          versions=expected, known_keys={}, recorded_at=self._clock(),
                          max_event_bytes=self._max_event_bytes)
        settled = all(isinstance(o, AppendResult | InvalidData) for o in plan.outcomes)
        if not plan.envelopes or plan.replays or not settled:
            return None
        return plan, expected, base

    async def _try_fast(self, plan: BatchPlan, expected: dict[str, int],
                        base: tuple[int, bytes]) -> str:
        """``ok``, or why nothing was written: ``behind``, ``stale`` or ``conflict``."""
        last = plan.envelopes[-1]
        idempotency = [
            {"subject": r[0], "key": r[1], "fingerprint": r[2].hex(), "positions": r[3]}
            for r in plan.idempotency_rows
        ]
        async with self._pool.acquire() as conn:
            try:
                status = await conn.fetchval(
                    _APPEND_BATCH, base[0], base[1], last.position, bytes.fromhex(last.hash),
                    _Json(_encode_json(expected)), _Json(ENVELOPE_ENCODER.encode(plan.envelopes)),
                    _Json(_encode_json(idempotency)), self._clock(),
                )
            except asyncpg.UniqueViolationError:
                status = "conflict"  # another process recorded the same key or id meanwhile
            except _UNAVAILABLE as exc:
                # The statement commits by itself: if the connection died, nobody knows.
                raise CommitOutcomeUnknown(str(exc) or type(exc).__name__) from exc
        return str(status)

    async def _locked_commit(self, requests: Sequence[AppendRequest], *,
                             learn_head: bool) -> BatchPlan:
        async with self._pool.acquire() as conn:
            transaction = conn.transaction()
            await transaction.start()
            try:
                plan, head_after = await self._plan_and_write(conn, requests)
            except BaseException:
                with contextlib.suppress(*_UNAVAILABLE):
                    await transaction.rollback()
                raise
            try:
                await transaction.commit()
            except _UNAVAILABLE as exc:
                # The COMMIT may or may not have reached the disk: say so, never "nothing".
                raise CommitOutcomeUnknown(str(exc) or type(exc).__name__) from exc
            if learn_head:  # only with nothing in flight is this the head to bet on
                self._head = head_after
            return plan

    async def _plan_and_write(self, conn: Connection, requests: Sequence[AppendRequest],
                              ) -> tuple[BatchPlan, tuple[int, bytes]]:
        # The serialisation point: see the module docstring.
        head = await conn.fetchrow("SELECT position, hash FROM ledger.head FOR UPDATE")
        assert head is not None, "migration 001 inserts the head row"
        streams = sorted({stream for r in requests for stream, _ in touched(r)})
        rows = await conn.fetch(
            "SELECT stream_id, max(stream_version) AS v FROM ledger.events"
            " WHERE stream_id = ANY($1::text[]) GROUP BY stream_id", streams,
        )
        known = await self._known_keys(conn, requests)
        plan = plan_batch(
            requests, head_position=head["position"], head_hash=head["hash"],
            versions={r["stream_id"]: r["v"] for r in rows}, known_keys=known,
            recorded_at=self._clock(), max_event_bytes=self._max_event_bytes,
        )
        await self._write(conn, plan)
        last = plan.envelopes[-1] if plan.envelopes else None
        head_after = ((last.position, bytes.fromhex(last.hash)) if last is not None
                      else (head["position"], bytes(head["hash"])))
        return await self._resolve_replays(conn, plan), head_after

    async def _known_keys(self, conn: Connection,
                          requests: Sequence[AppendRequest]) -> dict[tuple[str, str], Any]:
        keys = [r.idempotency for r in requests if r.idempotency is not None]
        if not keys:
            return {}
        rows = await conn.fetch(
            "SELECT subject, key, fingerprint, positions FROM ledger.idempotency"
            " WHERE (subject, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
            [k.subject for k in keys], [k.key for k in keys],
        )
        return {(r["subject"], r["key"]): (r["fingerprint"], tuple(r["positions"])) for r in rows}

    async def _write(self, conn: Connection, plan: BatchPlan) -> None:
        if not plan.envelopes:
            return
        columns = list(zip(*(_record(e) for e in plan.envelopes), strict=True))
        await conn.execute(_INSERT, *columns)
        if plan.idempotency_rows:
            await conn.executemany(
                "INSERT INTO ledger.idempotency (subject, key, fingerprint, positions, created_at)"
                " VALUES ($1, $2, $3, $4, $5)", plan.idempotency_rows,
            )
        last = plan.envelopes[-1]
        # NOTIFY is transactional: listeners (relay, live SSE) hear it only after commit.
        await conn.execute(
            "WITH moved AS (UPDATE ledger.head SET position = $1, hash = $2)"
            " SELECT pg_notify($3, $1::text)",
            last.position, bytes.fromhex(last.hash), APPENDED_CHANNEL,
        )

    async def _resolve_replays(self, conn: Connection, plan: BatchPlan) -> BatchPlan:
        wanted = sorted({p for positions in plan.replays.values() for p in positions})
        if not wanted:
            return plan
        rows = await conn.fetch(_SELECT + " WHERE position = ANY($1::bigint[])", wanted)
        return plan.with_replayed({r["position"]: row_to_envelope(r) for r in rows})

    async def find_idempotent(self, record: IdempotencyRecord) -> AppendResult | None:
        """The original result of a command with this key, if one was recorded."""
        async with self._connection() as conn:
            row = await conn.fetchrow(
                "SELECT fingerprint, positions FROM ledger.idempotency"
                " WHERE subject = $1 AND key = $2", record.subject, record.key,
            )
            if row is None:
                return None
            if row["fingerprint"] != record.fingerprint:
                raise IdempotencyMismatch(record.key)
            rows = await conn.fetch(
                _SELECT + " WHERE position = ANY($1::bigint[]) ORDER BY position",
                list(row["positions"]),
            )
        return AppendResult(envelopes=tuple(row_to_envelope(r) for r in rows), replayed=True)

    async def read_stream(self, stream_id: str, *,
                          up_to_position: int | None = None) -> StreamSlice:
        limit = up_to_position if up_to_position is not None else 2**62
        async with self._connection() as conn:
            rows = await conn.fetch(
                _SELECT + " WHERE stream_id = $1 AND position <= $2 ORDER BY stream_version",
                stream_id, limit,
            )
        envelopes = tuple(row_to_envelope(r) for r in rows)
        version = envelopes[-1].stream_version if envelopes else 0
        return StreamSlice(stream_id=stream_id, version=version, envelopes=envelopes)

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, StreamSlice]:
        """Several streams in one query (a decision may read hundreds of ballot boxes)."""
        async with self._connection() as conn:
            rows = await conn.fetch(
                _SELECT + " WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version",
                list(stream_ids),
            )
        grouped: dict[str, list[Envelope]] = {s: [] for s in stream_ids}
        for row in rows:
            grouped[row["stream_id"]].append(row_to_envelope(row))
        return {s: StreamSlice(stream_id=s, version=es[-1].stream_version if es else 0,
                               envelopes=tuple(es)) for s, es in grouped.items()}

    async def read_all(self, after: int, limit: int) -> list[Envelope]:
        async with self._connection() as conn:
            rows = await conn.fetch(
                _SELECT + " WHERE position > $1 ORDER BY position LIMIT $2", after, limit
            )
        return [row_to_envelope(r) for r in rows]

    async def get_event(self, event_id: str) -> Envelope | None:
        async with self._connection() as conn:
            row = await conn.fetchrow(_SELECT + " WHERE event_id = $1", uuid.UUID(event_id))
        return None if row is None else row_to_envelope(row)

    async def head(self) -> tuple[int, str]:
        async with self._connection() as conn:
            row = await conn.fetchrow("SELECT position, hash FROM ledger.head")
        assert row is not None, "migration 001 inserts the head row"
        return row["position"], row["hash"].hex()

    async def relay_status(self) -> tuple[int, float]:
        """Relay backlog (events not yet published) and lag (age of the oldest of them, s)."""
        async with self._connection() as conn:
            row = await conn.fetchrow(
                "SELECT h.position - r.position AS backlog,"
                " coalesce(extract(epoch FROM now() - e.recorded_at), 0) AS lag"
                " FROM ledger.head h CROSS JOIN ledger.relay_state r"
                " LEFT JOIN ledger.events e ON e.position = r.position + 1"
            )
        assert row is not None, "migration 001 inserts the head and relay rows"
        return int(row["backlog"]), float(row["lag"])

    async def position_at(self, when: dt.datetime) -> int:
        """The last position recorded at or before ``when`` (0 if none)."""
        async with self._connection() as conn:
            value = await conn.fetchval(
                "SELECT coalesce(max(position), 0) FROM ledger.events WHERE recorded_at <= $1",
                when,
            )
        return int(value)



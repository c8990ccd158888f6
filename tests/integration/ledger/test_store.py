"""The event store contract against real PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random

import asyncpg
import msgspec
import pytest

from govledger_contracts.envelope import ENVELOPE_ENCODER
from govledger_ledger.adapters.postgres_store import (
    PostgresEventStore,
    as_read_back,
    create_pool,
    jsonb_ordered,
)
from govledger_ledger.ports import (
    DEFAULT_MAX_EVENT_BYTES,
    AppendRequest,
    CommitOutcomeUnknown,
    ConcurrencyConflict,
    EventTooLarge,
    Guard,
    IdempotencyMismatch,
    IdempotencyRecord,
    InvalidData,
    StoreUnavailable,
    StreamWrite,
)
from govledger_ledger.settings import Settings
from tests.integration.ledger.helpers import event, write


async def test_exactly_one_of_100_concurrent_appends_with_the_same_expected_version_wins(
    store: PostgresEventStore,
) -> None:
    await store.append(write("agenda-a", "no_stream"))
    results = await asyncio.gather(*(store.append(write("agenda-a", 1)) for _ in range(100)),
                                   return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, ConcurrencyConflict)]
    assert len(winners) == 1
    assert len(losers) == 99
    assert {c.actual for c in losers} == {2}
    assert (await store.read_stream("agenda-a")).version == 2


async def test_positions_are_gap_free_and_the_chain_links_every_event(
    store: PostgresEventStore,
) -> None:
    await asyncio.gather(*(store.append(write(f"s-{i % 7}", count=1 + i % 3)) for i in range(60)))
    events = await store.read_all(0, 1000)
    assert [e.position for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == "00" * 32
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert all(e.computed_hash() == e.hash for e in events)
    assert await store.head() == (len(events), events[-1].hash)


async def test_a_guard_refuses_the_append_when_the_guarded_stream_moved(
    store: PostgresEventStore,
) -> None:
    await store.append(write("vote-1", "no_stream"))
    await store.append(write("vote-1", 1))
    guarded = AppendRequest(writes=write("ballot-1", "no_stream").writes,
                            guards=(Guard(stream_id="vote-1", expected=1),))
    with pytest.raises(ConcurrencyConflict) as caught:
        await store.append(guarded)
    assert (caught.value.stream_id, caught.value.actual) == ("vote-1", 2)
    assert (await store.read_stream("ballot-1")).version == 0


async def test_an_idempotent_retry_appends_once_and_a_different_body_is_refused(
    store: PostgresEventStore,
) -> None:
    key = IdempotencyRecord(subject="s", key="k-1", fingerprint=b"body-1")
    first = await store.append(AppendRequest(writes=write("a").writes, idempotency=key))
    again = await asyncio.gather(*(store.append(
        AppendRequest(writes=write("a").writes, idempotency=key)) for _ in range(5)))
    assert all(r.replayed and r.envelopes == first.envelopes for r in again)
    assert (await store.head())[0] == 1
    other = IdempotencyRecord(subject="s", key="k-1", fingerprint=b"body-2")
    with pytest.raises(IdempotencyMismatch):
        await store.append(AppendRequest(writes=write("a").writes, idempotency=other))
    assert (await store.find_idempotent(key)) is not None


async def test_a_failed_request_in_a_batch_writes_nothing_and_spares_the_others(
    store: PostgresEventStore,
) -> None:
    bad = AppendRequest(writes=(StreamWrite(stream_id="x", expected="any",
                                            events=(event(text="nul\x00"),)),))
    results = await asyncio.gather(store.append(write("y")), store.append(bad),
                                   store.append(write("z")), return_exceptions=True)
    assert isinstance(results[1], InvalidData)
    assert [e.stream_id for e in await store.read_all(0, 10)] == ["y", "z"]


async def test_an_event_over_the_size_limit_fails_only_its_own_request_in_a_batch(
    store: PostgresEventStore,
) -> None:
    """The limit is on the event's canonical encoding (the leaf), envelope fields included."""
    big = AppendRequest(writes=(StreamWrite(stream_id="x", expected="any", events=(
        event(text="x" * DEFAULT_MAX_EVENT_BYTES),)),))
    results = await asyncio.gather(store.append(write("y")), store.append(big),
                                   store.append(write("z")), return_exceptions=True)
    assert isinstance(results[1], EventTooLarge)
    assert results[1].limit == DEFAULT_MAX_EVENT_BYTES < results[1].size
    assert [e.stream_id for e in await store.read_all(0, 10)] == ["y", "z"]


async def test_the_event_size_limit_is_the_stores_to_set(
    ledger_settings: Settings,
) -> None:
    pool = await create_pool(ledger_settings.database_url)
    small = PostgresEventStore(pool, max_event_bytes=1024)
    try:
        with pytest.raises(EventTooLarge):
            await small.append(AppendRequest(writes=(StreamWrite(
                stream_id="x", expected="any", events=(event(text="x" * 1024),)),)))
        await small.append(write("y"))
        assert [e.stream_id for e in await small.read_all(0, 10)] == ["y"]
    finally:
        await small.close()
        await pool.close()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger.events SET reason = 'edited'",
    "DELETE FROM ledger.events",
    "TRUNCATE ledger.events",
])
async def test_the_database_refuses_to_change_recorded_events_even_for_the_owner(
    store: PostgresEventStore, ledger_settings: Settings, statement: str,
) -> None:
    await store.append(write("a"))
    conn = await asyncpg.connect(ledger_settings.database_url)  # the owner, not the writer role
    try:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute(statement)
        await conn.execute("SET ROLE govledger_writer")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(statement)
    finally:
        await conn.close()
    assert len(await store.read_all(0, 10)) == 1


async def test_a_time_with_no_utc_form_fails_only_its_own_request_in_a_batch(
    store: PostgresEventStore,
) -> None:
    edge = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    bad = AppendRequest(writes=(StreamWrite(stream_id="x", expected="any", events=(
        msgspec.structs.replace(event(), occurred_at=edge),)),))
    results = await asyncio.gather(store.append(write("y")), store.append(bad),
                                   store.append(write("z")), return_exceptions=True)
    assert isinstance(results[1], InvalidData)
    assert [e.stream_id for e in await store.read_all(0, 10)] == ["y", "z"]


async def test_two_stores_taking_turns_keep_one_chain_when_each_ones_head_goes_stale(
    store: PostgresEventStore, ledger_settings: Settings,
) -> None:
    pool = await create_pool(ledger_settings.database_url)
    other = PostgresEventStore(pool)
    try:
        for turn in range(10):
            await store.append(write(f"a{turn}", "no_stream"))
            await other.append(write(f"b{turn}", "no_stream"))
        with pytest.raises(ConcurrencyConflict):
            await store.append(write("b3", "no_stream"))  # written by the other store
    finally:
        await other.close()
        await pool.close()
    events = await store.read_all(0, 100)
    assert [e.position for e in events] == list(range(1, 21))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert all(e.computed_hash() == e.hash for e in events)


async def test_a_bet_on_the_right_position_but_another_hash_writes_nothing_of_its_own(
    store: PostgresEventStore,
) -> None:
    await store.append(write("first", "no_stream"))
    position, _ = await store.head()
    # A head that a pipelined batch could predict after an earlier batch fell back and was
    # re-planned: same position, another hash. Chaining onto it would break the log.
    store._head = (position, b"\x01" * 32)
    await store.append(write("second", "no_stream"))
    events = await store.read_all(0, 10)
    assert [e.stream_id for e in events] == ["first", "second"]
    assert events[1].prev_hash == events[0].hash
    assert all(e.computed_hash() == e.hash for e in events)


async def test_pipelined_batches_from_two_stores_racing_keep_one_gap_free_chain(
    store: PostgresEventStore, ledger_settings: Settings,
) -> None:
    pool = await create_pool(ledger_settings.database_url)
    other = PostgresEventStore(pool)
    rng = random.Random(7)

    async def writer(target: PostgresEventStore, name: str) -> list[int]:
        positions = []
        for version in range(15):
            await asyncio.sleep(rng.random() / 500)  # arrivals out of step: batches overlap
            result = await target.append(write(name, version or "no_stream"))
            positions.append(result.envelopes[0].position)
        return positions

    try:
        acknowledged = await asyncio.gather(
            *(writer(store if w % 2 else other, f"w{w}") for w in range(20)))
    finally:
        await other.close()
        await pool.close()
    events = await store.read_all(0, 1000)
    assert [e.position for e in events] == list(range(1, 301))
    assert sorted(p for ps in acknowledged for p in ps) == list(range(1, 301))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert all(e.computed_hash() == e.hash for e in events)


async def test_closing_the_store_settles_every_caller_and_loses_nothing_acknowledged(
    ledger_settings: Settings,
) -> None:
    pool = await create_pool(ledger_settings.database_url)
    closing = PostgresEventStore(pool)
    try:
        calls = []
        for wave in range(3):  # one batch in flight, one waiting for it, one still queued
            calls += [asyncio.ensure_future(closing.append(write(f"c{wave}-{i}", "no_stream")))
                      for i in range(100)]
            await asyncio.sleep(0.0005)
        await closing.close()
        outcomes = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 10)
        async with pool.acquire() as conn:
            rows = await conn.fetch("SELECT stream_id FROM ledger.events")
        stored = {r["stream_id"] for r in rows}
    finally:
        await pool.close()
    acknowledged = {o.envelopes[0].stream_id for o in outcomes if not isinstance(o, Exception)}
    assert acknowledged <= stored
    assert all(isinstance(o, StoreUnavailable | CommitOutcomeUnknown)
               for o in outcomes if isinstance(o, Exception))


async def test_a_batch_that_reaches_the_lock_before_the_one_it_builds_on_is_told_so(
    store: PostgresEventStore,
) -> None:
    await store.append(write("first", "no_stream"))
    position, _ = await store.head()
    ahead = (position + 1, b"\x02" * 32)  # as if planned on a batch not yet committed
    store._head = ahead
    fast = store._fast_plan([write("later", "no_stream")])
    assert fast is not None
    plan, expected, base = fast
    assert await store._try_fast(plan, expected, base) == "behind"
    assert [e.stream_id for e in await store.read_all(0, 10)] == ["first"]


async def test_closing_while_the_writer_waits_for_a_batch_in_flight_settles_both_callers(
    ledger_settings: Settings,
) -> None:
    pool = await create_pool(ledger_settings.database_url)
    closing = PostgresEventStore(pool)
    blocker = await asyncpg.connect(ledger_settings.database_url)
    try:
        await closing.append(write("warm", "no_stream"))  # the locked path learns the head
        held = blocker.transaction()
        await held.start()
        await blocker.execute("SELECT * FROM ledger.head FOR UPDATE")  # keep the next one out
        fast = asyncio.ensure_future(closing.append(write("fast", "no_stream")))
        await asyncio.sleep(0.2)
        # An "any" write takes the locked path, which first waits for the batch in flight.
        locked = asyncio.ensure_future(closing.append(write("anything", "any")))
        await asyncio.sleep(0.2)
        shutting = asyncio.ensure_future(closing.close())
        await asyncio.sleep(0.2)
        await held.rollback()
        await asyncio.wait_for(shutting, 10)
        done, _ = await asyncio.wait([fast, locked], timeout=10)
        assert done == {fast, locked}
        assert fast.result().envelopes[0].stream_id == "fast"  # it committed: it is told so
        assert isinstance(locked.exception(), StoreUnavailable)  # never sent: nothing written
        stored = [e.stream_id for e in await PostgresEventStore(pool).read_all(0, 10)]
        assert stored == ["warm", "fast"]
    finally:
        await blocker.close()
        await pool.close()


TANGLED = {
    "zeta": 1, "a": {"side": "private", "duty": "모집", "ab": [{"é": 1, "z": 2, "가": 3}]},
    "가나": "two Korean syllables: six bytes", "ÿ": "two bytes", "b": None, "": "empty",
    "aa": [[{"long key": True, "k": False}], "text"], "duties": [{"side": "s", "duty": "d"}],
}
"""Members in no order jsonb keeps: keys of every length, one length by bytes, not letters
(``ÿ`` is two bytes, ``가`` three), objects in arrays in objects."""


async def test_an_envelope_as_read_back_is_the_bytes_the_store_gives_back(
    store: PostgresEventStore,
) -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    new = msgspec.structs.replace(event(0, **TANGLED),
                                  occurred_at=dt.datetime(2024, 6, 3, 10, tzinfo=seoul))
    [written] = (await store.append(AppendRequest(writes=(
        StreamWrite(stream_id="mou-1", expected="no_stream", events=(new,)),)))).envelopes
    [read] = (await store.read_stream("mou-1")).envelopes
    # The order of members and the zone are not kept (and the hash never covered them):
    assert written == read and written.hash == read.hash
    assert ENVELOPE_ENCODER.encode(written) != ENVELOPE_ENCODER.encode(read)
    assert ENVELOPE_ENCODER.encode(as_read_back(written)) == ENVELOPE_ENCODER.encode(read)
    assert msgspec.json.encode(jsonb_ordered(new.payload)) == msgspec.json.encode(read.payload)

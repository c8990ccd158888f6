"""The application layer's retry semantics over the real store."""

from __future__ import annotations

import asyncio

from govledger_contracts.commands import ProposeAgenda, WithdrawAgenda
from govledger_contracts.envelope import Actor
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.domain.core import Rejected
from govledger_ledger.ports import AppendResult, ConcurrencyConflict, IdempotencyRecord
from govledger_ledger.settings import Settings

COMMAND = ProposeAgenda(agenda_id="a-1", title="어르신 돌봄", channel="online",
                        domains=("welfare",), year=2023, reason="주민 제안")
ACTOR = Actor(id="secretariat-01", role="secretariat")


class LookedBeforeTheOriginalCommitted(PostgresEventStore):
    """A retry's first look for its key ran just before the original request committed."""

    looked = False

    async def find_idempotent(self, record: IdempotencyRecord) -> AppendResult | None:
        if not self.looked:
            self.looked = True
            return None
        return await super().find_idempotent(record)


async def test_a_retry_that_raced_its_original_gets_the_original_result_not_a_rejection(
    store: PostgresEventStore, ledger_settings: Settings,
) -> None:
    original = await LedgerApplication(store).handle(COMMAND, ACTOR, idempotency_key="k-1")
    assert isinstance(original, AppendResult)
    pool = await create_pool(ledger_settings.database_url)
    try:
        racing = LedgerApplication(LookedBeforeTheOriginalCommitted(pool))
        retry = await racing.handle(COMMAND, ACTOR, idempotency_key="k-1")
    finally:
        await pool.close()
    assert isinstance(retry, AppendResult)
    assert retry.replayed
    assert [e.hash for e in retry.envelopes] == [e.hash for e in original.envelopes]


WITHDRAW = WithdrawAgenda(agenda_id="a-1", reason="제안자 요청")


async def _stream_types(store: PostgresEventStore) -> list[str]:
    return [e.type for e in (await store.read_stream("agenda-a-1")).envelopes]


async def test_a_decision_on_a_stale_cached_state_is_caught_at_commit_and_decided_again(
    store: PostgresEventStore,
) -> None:
    here, elsewhere = LedgerApplication(store), LedgerApplication(store)  # two processes
    assert isinstance(await here.handle(COMMAND, ACTOR), AppendResult)  # cached: proposed
    assert isinstance(await elsewhere.handle(WITHDRAW, ACTOR), AppendResult)
    again = await here.handle(WITHDRAW, ACTOR)  # the cache still says "proposed"
    assert isinstance(again, Rejected)
    assert await _stream_types(store) == ["agenda_proposed", "agenda_withdrawn"]


async def test_a_process_that_never_saw_a_stream_decides_on_the_log_not_on_its_guess(
    store: PostgresEventStore,
) -> None:
    assert isinstance(await LedgerApplication(store).handle(COMMAND, ACTOR), AppendResult)
    # A new process guesses the stream is empty, is refused by the rules, and reads the log.
    result = await LedgerApplication(store).handle(WITHDRAW, ACTOR)
    assert isinstance(result, AppendResult)
    assert await _stream_types(store) == ["agenda_proposed", "agenda_withdrawn"]


async def test_creating_a_stream_that_exists_elsewhere_is_refused_not_recorded_twice(
    store: PostgresEventStore,
) -> None:
    assert isinstance(await LedgerApplication(store).handle(COMMAND, ACTOR), AppendResult)
    again = await LedgerApplication(store).handle(COMMAND, ACTOR)
    assert isinstance(again, Rejected)
    assert await _stream_types(store) == ["agenda_proposed"]


async def test_a_version_the_client_names_is_judged_against_the_log_not_the_cache(
    store: PostgresEventStore,
) -> None:
    here, elsewhere = LedgerApplication(store), LedgerApplication(store)
    assert isinstance(await here.handle(COMMAND, ACTOR), AppendResult)  # cached at version 1
    assert isinstance(await elsewhere.handle(WITHDRAW, ACTOR), AppendResult)  # now version 2
    named = await here.handle(WithdrawAgenda(agenda_id="a-1", reason="재요청",
                                             expected_version=2), ACTOR)
    assert isinstance(named, Rejected)  # withdrawn already: decided on version 2, not 1
    assert await _stream_types(store) == ["agenda_proposed", "agenda_withdrawn"]


async def test_commands_naming_consecutive_versions_at_once_never_both_pass_on_one_state(
    store: PostgresEventStore,
) -> None:
    app = LedgerApplication(store)
    assert isinstance(await app.handle(COMMAND, ACTOR), AppendResult)
    first = WithdrawAgenda(agenda_id="a-1", reason="첫 요청", expected_version=1)
    second = WithdrawAgenda(agenda_id="a-1", reason="둘째 요청", expected_version=2)
    results = await asyncio.gather(app.handle(first, ACTOR), app.handle(second, ACTOR),
                                   return_exceptions=True)
    assert isinstance(results[0], AppendResult)
    # Read at version 1 or 2: either the version it names is not the one it was judged on
    # (409), or it is judged on the withdrawn agenda (refused). Never a second withdrawal.
    assert isinstance(results[1], ConcurrencyConflict | Rejected)
    assert await _stream_types(store) == ["agenda_proposed", "agenda_withdrawn"]


async def test_any_as_the_expected_version_still_judges_a_consistent_state(
    store: PostgresEventStore,
) -> None:
    app = LedgerApplication(store)
    assert isinstance(await app.handle(COMMAND, ACTOR), AppendResult)
    withdrawals = [WithdrawAgenda(agenda_id="a-1", reason=f"요청 {i}", expected_version="any")
                   for i in range(5)]
    results = await asyncio.gather(*(app.handle(w, ACTOR) for w in withdrawals))
    assert sum(isinstance(r, AppendResult) for r in results) == 1
    assert await _stream_types(store) == ["agenda_proposed", "agenda_withdrawn"]

"""The application layer's retry semantics over the real store."""

from __future__ import annotations

from govledger_contracts.commands import ProposeAgenda
from govledger_contracts.envelope import Actor
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.ports import AppendResult, IdempotencyRecord
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

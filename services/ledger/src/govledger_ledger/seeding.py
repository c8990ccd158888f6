"""Record the seed's data set (``govledger seed load``) through the application layer.

Every (role, command) pair of ``seed_commands()`` is handled by ``LedgerApplication`` over
the ledger's own PostgreSQL store, with the ledger's voter key and the real clock, so the
seed meets exactly the rules an HTTP client meets (docs/seed.md). The actor is
``seed-loader`` in the pair's role; every event of the load carries the correlation id
``seed-v1``.

Loading twice changes nothing: command number *i* carries the Idempotency-Key
``seed-v1-<i>``, so a second load replays every command and appends no event. The keys are
bound to the prepared command, which for a ballot holds the voter's pseudonym, so a second
load under a different voter key is refused (``IdempotencyMismatch``) instead of recording
the ballots again.

Order and concurrency: commands run one after the other in the seed's order, except the
ballots of one vote, which run concurrently in batches of ``BALLOT_BATCH``. That is safe:
ballots of different voters do not depend on one another (the vote's tally is taken at the
close, after the last batch), and two ballots that meet in one ballot box are serialised by
the store's version check (the loser reloads and decides again). The store is shared safely
with a running ``govledger up``: appends from every process serialise on the log's head.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence

import msgspec

from govledger_contracts.commands import CastBallot, Command
from govledger_contracts.envelope import Actor
from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.seed import seed_commands
from govledger_ledger.ports import AppendResult
from govledger_ledger.settings import Settings
from govledger_ledger.voter_key import load_or_create_voter_key

SEED_VERSION = "seed-v1"
"""Prefix of every seed Idempotency-Key and the load's correlation id; a new data set is v2."""
SEED_ACTOR = "seed-loader"
BALLOT_BATCH = 128
"""Ballots in flight at once: enough for group commit to pay, few enough that ballots meeting
in one of a vote's 256 boxes (and so retrying) stay rare."""

Progress = Callable[[int, int], None]
Numbered = tuple[int, str, Command]


class SeedReport(msgspec.Struct, frozen=True, kw_only=True):
    """What a load did: commands run, events appended, commands replayed (already recorded)."""

    commands: int
    appended: int
    replayed: int
    seconds: float


class SeedRejected(Exception):
    """A seed command broke a rule: a bug in the seed data, never expected."""

    def __init__(self, index: int, command: Command, rejection: Rejected) -> None:
        super().__init__(f"seed command {index} ({type(command).__name__}) was refused: "
                         f"{rejection.code} ({rejection.message_en})")
        self.index = index
        self.rejection = rejection


def seed_key(index: int) -> str:
    """The Idempotency-Key of the seed's command number ``index``."""
    return f"{SEED_VERSION}-{index}"


def _ballot_vote(command: Command) -> str | None:
    return command.vote_id if isinstance(command, CastBallot) else None


def batches(steps: Sequence[tuple[str, Command]]) -> Iterator[list[Numbered]]:
    """The numbered steps in order; consecutive ballots of one vote grouped by BALLOT_BATCH."""
    batch: list[Numbered] = []
    batch_vote: str | None = None
    for index, (role, command) in enumerate(steps):
        vote = _ballot_vote(command)
        if batch and (vote is None or vote != batch_vote or len(batch) >= BALLOT_BATCH):
            yield batch
            batch = []
        batch.append((index, role, command))
        batch_vote = vote
    if batch:
        yield batch


class _Tally:
    def __init__(self) -> None:
        self.appended = 0
        self.replayed = 0

    def count(self, result: AppendResult) -> None:
        if result.replayed:
            self.replayed += 1
        else:
            self.appended += len(result.envelopes)


async def _run(app: LedgerApplication, step: Numbered) -> AppendResult:
    index, role, command = step
    result = await app.handle(command, Actor(id=SEED_ACTOR, role=role),
                              idempotency_key=seed_key(index), correlation_id=SEED_VERSION)
    if isinstance(result, Rejected):
        raise SeedRejected(index, command, result)
    return result


async def record_seed(app: LedgerApplication, *, progress: Progress | None = None) -> SeedReport:
    """Handle every seed command through ``app``; see the module docstring."""
    started = time.monotonic()
    steps = seed_commands()
    tally, done = _Tally(), 0
    for batch in batches(steps):
        # Let every command of the batch settle before raising, so none is left in flight.
        results = await asyncio.gather(*(_run(app, step) for step in batch),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
            tally.count(result)
        done += len(batch)
        if progress is not None:
            progress(done, len(steps))
    return SeedReport(commands=len(steps), appended=tally.appended, replayed=tally.replayed,
                      seconds=round(time.monotonic() - started, 3))


async def load_seed(settings: Settings, *, progress: Progress | None = None) -> SeedReport:
    """Migrate the ledger's database if needed and record the seed's data set once."""
    await migrate(settings.database_url)
    pool = await create_pool(settings.database_url)
    store = PostgresEventStore(pool)
    try:
        app = LedgerApplication(store, voter_key=load_or_create_voter_key(settings))
        return await record_seed(app, progress=progress)
    finally:
        await store.close()
        await pool.close()

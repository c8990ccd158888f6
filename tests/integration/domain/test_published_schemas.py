"""Every event the relay publishes validates against its exported JSON Schema.

The ledger records a complete slice of the seed (every command, but only a few ballots a
vote) and then every handler's OpenAPI example, which together emit every event type; the
relay publishes the log to JetStream, and each message's envelope and payload are checked
against ``all_schemas()`` — with ``jsonschema`` when it is installed, else by a strict
msgspec decode into the contract types plus the schemas' required fields.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Iterator
from typing import Any

import msgspec
import nats
import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from govledger_contracts.commands import CastBallot, Command
from govledger_contracts.envelope import Envelope
from govledger_contracts.events import EVENT_BY_TAG
from govledger_contracts.schema import all_schemas
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.application import LedgerApplication
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.roles import ADMIN
from govledger_ledger.domain.seed import seed_commands
from govledger_ledger.relay import Relay
from govledger_ledger.settings import Settings
from tests.integration.domain.helpers import accept

BALLOTS_PER_VOTE = 8
TIMEOUT = 60.0
SCHEMAS = all_schemas()


def _jsonschema_validator() -> Any:
    """jsonschema's 2020-12 validator class, or None when jsonschema is not installed."""
    try:
        return importlib.import_module("jsonschema").Draft202012Validator
    except ImportError:  # the fallback in check(); jsonschema is the stricter check
        return None


VALIDATOR = _jsonschema_validator()


def _required(schema: dict[str, Any]) -> set[str]:
    name = schema["$ref"].rsplit("/", 1)[-1]
    return set(schema["$defs"][name]["required"])


def check(instance: dict[str, Any], schema_name: str, struct: type[Any]) -> None:
    """``instance`` is valid under the exported schema (and decodes into its contract type)."""
    schema = SCHEMAS[schema_name]
    if VALIDATOR is not None:
        errors = [e.message for e in VALIDATOR(schema).iter_errors(instance)]
        assert not errors, (schema_name, errors)
    missing = _required(schema) - set(instance)
    assert not missing, (schema_name, missing)
    msgspec.json.decode(msgspec.json.encode(instance), type=struct, strict=True)


def seed_slice() -> Iterator[tuple[str, Command]]:
    """Every seed command except all but the first few ballots of each vote."""
    cast: dict[str, int] = {}
    for role, command in seed_commands():
        if isinstance(command, CastBallot):
            cast[command.vote_id] = cast.get(command.vote_id, 0) + 1
            if cast[command.vote_id] > BALLOTS_PER_VOTE:
                continue
        yield role, command


def examples() -> Iterator[tuple[str, Command]]:
    """Every handler's OpenAPI example, in registry order, in its least powerful role."""
    for command_type, handler in HANDLERS.items():
        body = msgspec.json.encode(handler.example)
        yield min(handler.roles - {ADMIN}, default=ADMIN), msgspec.json.decode(
            body, type=command_type)


async def last_seq(js: JetStreamContext, name: str) -> int:
    try:
        return int((await js.stream_info(name)).state.last_seq)
    except NotFoundError:  # the relay creates the stream when it starts
        return 0


async def published(js: JetStreamContext, settings: Settings, total: int) -> list[bytes]:
    """Every message of the ward's stream, once the relay has published ``total`` of them."""
    async def reached() -> None:
        while await last_seq(js, settings.stream_name) < total:
            await asyncio.sleep(0.05)

    relay = Relay(settings)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(reached(), TIMEOUT)
    finally:
        relay.stop()
        await asyncio.wait_for(task, 30)
    sub = await js.pull_subscribe(f"govledger.{settings.ward}.>", stream=settings.stream_name)
    out: list[bytes] = []
    while len(out) < total:
        for msg in await sub.fetch(500, timeout=5):
            out.append(msg.data)
            await msg.ack()
    await sub.unsubscribe()
    return out


async def test_every_published_event_validates_against_its_exported_schema(
    app: LedgerApplication, store: PostgresEventStore, domain_settings: Settings,
) -> None:
    for role, command in [*seed_slice(), *examples()]:
        await accept(app, role, command)
    total, _ = await store.head()
    nc = await nats.connect(domain_settings.nats_url)
    try:
        messages = await published(nc.jetstream(), domain_settings, total)
    finally:
        await nc.close()
    seen: set[str] = set()
    for data in messages:
        envelope = json.loads(data)
        check(envelope, "envelope.schema.json", Envelope)
        payload = envelope["payload"]
        assert payload["type"] == envelope["type"]
        check(payload, f"events/{envelope['type']}.schema.json", EVENT_BY_TAG[envelope["type"]])
        seen.add(envelope["type"])
    assert len(messages) == total
    assert seen == set(EVENT_BY_TAG), set(EVENT_BY_TAG) - seen


def test_the_schema_check_refuses_a_payload_without_a_required_field() -> None:
    payload = {"type": "vote_closed", "vote_id": "priority-2024", "tally": []}
    with pytest.raises((AssertionError, msgspec.ValidationError)):
        check(payload, "events/vote_closed.schema.json", EVENT_BY_TAG["vote_closed"])

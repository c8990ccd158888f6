"""The checkpointer signs the tree it builds from the log; every proof served over HTTP verifies."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import nacl.signing
import nats
import pytest

from govledger_contracts.audit.merkle import (
    MemorySubtreeSource,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from govledger_contracts.audit.note import open_checkpoint, parse_note, parse_verifier_key
from govledger_contracts.audit.proofs import accept_checkpoint, verify_inclusion_proof_bundle
from govledger_contracts.envelope import ENVELOPE_ENCODER, Envelope
from govledger_contracts.subjects import checkpoint_subject
from govledger_ledger.adapters.merkle_store import LogCorrupted
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.audit_commands import key_show
from govledger_ledger.relay import run_relay
from govledger_ledger.settings import Settings
from tests.integration.audit.conftest import (
    Client,
    all_events,
    append,
    owner_execute,
    sign_now,
)


def leaf_hashes(events: list[Envelope]) -> list[bytes]:
    return [leaf_hash(e.leaf_bytes()) for e in events]


async def grow_with_checkpoints(store: PostgresEventStore, settings: Settings,
                                sizes: list[int]) -> list[Envelope]:
    """Append up to each size and sign a checkpoint there."""
    have = 0
    for size in sizes:
        await append(store, size - have)
        checkpoint = await sign_now(settings)
        assert checkpoint is not None and checkpoint.size == size
        have = size
    return await all_events(store)


async def test_the_checkpoint_signs_the_root_of_the_log_and_verifies_with_pynacl(
        store: PostgresEventStore, ledger_settings: Settings, client: Client) -> None:
    await append(store, 37)
    checkpoint = await sign_now(ledger_settings)
    assert checkpoint is not None and checkpoint.size == 37
    expected = MemorySubtreeSource.from_leaf_hashes(leaf_hashes(await all_events(store))).root()
    assert checkpoint.root == expected

    key_text = (await client.get("/v1/key")).text.strip()
    assert key_text == key_show(ledger_settings)
    note_text = (await client.get("/v1/checkpoint")).text
    assert note_text == checkpoint.signed_note
    assert open_checkpoint(note_text, parse_verifier_key(key_text)).size == 37
    # The independent implementation: PyNaCl checks the Ed25519 signature over the note text.
    key, note = parse_verifier_key(key_text), parse_note(note_text)
    (signature,) = note.signatures
    nacl.signing.VerifyKey(key.public_key).verify(note.text.encode(), signature.signature)
    assert note.text.split("\n")[:3] == [
        f"govledger.{ledger_settings.ward}", "37", base64.b64encode(expected).decode()]


async def test_a_second_round_without_new_events_signs_nothing(
        store: PostgresEventStore, ledger_settings: Settings) -> None:
    await append(store, 5)
    assert await sign_now(ledger_settings) is not None
    assert await sign_now(ledger_settings) is None


async def test_inclusion_proofs_over_http_verify_for_many_sizes_and_indexes(
        store: PostgresEventStore, ledger_settings: Settings, client: Client) -> None:
    sizes = [1, 2, 3, 5, 8, 13, 16, 17, 31, 32, 33, 64, 70]
    events = await grow_with_checkpoints(store, ledger_settings, sizes)
    source = MemorySubtreeSource.from_leaf_hashes(leaf_hashes(events))
    key = (await client.get("/v1/key")).text.strip()
    checked = 0
    for size in sizes:
        root = MemorySubtreeSource.from_leaf_hashes(leaf_hashes(events[:size])).root()
        for index in sorted({0, size // 3, size // 2, size - 2, size - 1} - {-1}):
            event = events[index]
            body = (await client.get("/v1/proofs/inclusion", params={
                "event_id": event.event_id, "tree_size": size})).json()
            hashes = [bytes.fromhex(h) for h in body["hashes"]]
            assert body["leaf_index"] == index and body["root"] == root.hex()
            assert body["leaf_hash"] == leaf_hash(event.leaf_bytes()).hex()
            assert hashes == inclusion_proof(source, index, size)
            assert verify_inclusion(leaf_hash(event.leaf_bytes()), index, size, hashes, root)
            bundle = verify_inclusion_proof_bundle(
                ENVELOPE_ENCODER.encode(event), body["hashes"], index, size, body["checkpoint"],
                key)
            assert bundle.ok, bundle.problem
            checked += 1
    assert checked > 50


async def test_consistency_proofs_between_checkpoints_verify_and_advance_trust(
        store: PostgresEventStore, ledger_settings: Settings, client: Client,
        tmp_path: Path) -> None:
    sizes = [1, 4, 6, 7, 8, 20, 33, 50]
    events = await grow_with_checkpoints(store, ledger_settings, sizes)
    roots = {n: MemorySubtreeSource.from_leaf_hashes(leaf_hashes(events[:n])).root()
             for n in sizes}
    for i, size1 in enumerate(sizes):
        for size2 in sizes[i:]:
            body = (await client.get("/v1/proofs/consistency",
                                     params={"from": size1, "to": size2})).json()
            proof = [bytes.fromhex(h) for h in body["hashes"]]
            assert verify_consistency(size1, size2, proof, roots[size1], roots[size2])
    state = tmp_path / "trusted.json"
    key = (await client.get("/v1/key")).text.strip()
    previous = 0
    for size in sizes:
        note = (await client.get(f"/v1/checkpoints/{size}")).text
        hashes: list[str] = []
        if previous:
            hashes = (await client.get("/v1/proofs/consistency",
                                       params={"from": previous, "to": size})).json()["hashes"]
        report = accept_checkpoint(note, hashes, state_file=state, verifier_key=key)
        assert report.ok and report.head is not None and report.head.size == size
        previous = size


async def test_proofs_refuse_sizes_beyond_the_signed_tree(
        store: PostgresEventStore, ledger_settings: Settings, client: Client) -> None:
    await append(store, 10)
    await sign_now(ledger_settings)
    await append(store, 5)  # not in the tree yet
    events = await all_events(store)
    late = await client.get("/v1/proofs/inclusion", params={"event_id": events[-1].event_id})
    assert late.status_code == 422 and late.json()["code"] == "proof.tree_size_unavailable"
    big = await client.get("/v1/proofs/inclusion",
                           params={"event_id": events[0].event_id, "tree_size": 15})
    assert big.status_code == 422 and big.json()["code"] == "proof.tree_size_unavailable"
    too_far = await client.get("/v1/proofs/consistency", params={"from": 3, "to": 11})
    assert too_far.status_code == 422
    backwards = await client.get("/v1/proofs/consistency", params={"from": 9, "to": 3})
    assert backwards.status_code == 422 and backwards.json()["code"] == "request.invalid"
    assert (await client.get("/v1/checkpoints/11")).status_code == 404
    unknown = "01900000-0000-7000-8000-000000000000"
    assert (await client.get("/v1/proofs/inclusion",
                             params={"event_id": unknown})).status_code == 404


async def test_the_checkpointer_refuses_to_sign_a_log_edited_behind_its_back(
        store: PostgresEventStore, ledger_settings: Settings) -> None:
    await append(store, 12)
    await sign_now(ledger_settings)
    await append(store, 6)
    await owner_execute(ledger_settings,
                        "UPDATE ledger.events SET payload = '{\"n\": 999}' WHERE position = 15")
    with pytest.raises(LogCorrupted) as refused:
        await sign_now(ledger_settings)
    assert refused.value.position == 15


async def test_the_relay_process_checkpoints_after_n_events_and_publishes_on_nats(
        store: PostgresEventStore, ledger_settings: Settings) -> None:
    nc = await nats.connect(ledger_settings.nats_url)
    received: list[str] = []

    async def collect(msg: Any) -> None:
        received.append(msg.data.decode())

    await nc.subscribe(checkpoint_subject(ledger_settings.ward), cb=collect)
    stop = asyncio.Event()
    relay = asyncio.create_task(run_relay(ledger_settings, stop))
    try:
        await append(store, 25)
        for _ in range(100):
            if any(n.split("\n")[1] == "25" for n in received):
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await relay
        await nc.close()
    key = parse_verifier_key(key_show(ledger_settings))
    sizes = [open_checkpoint(n, key).size for n in received]
    assert sizes[-1] == 25 and sizes == sorted(sizes)
    assert (ledger_settings.data_dir / "checkpoint.key").stat().st_mode & 0o777 == 0o600


async def test_signed_notes_and_the_key_are_utf8_text_naming_the_charset_once(
        store: PostgresEventStore, ledger_settings: Settings, client: Client) -> None:
    await append(store, 3)
    await sign_now(ledger_settings)
    for path in ("/v1/checkpoint", "/v1/checkpoints/3", "/v1/key"):
        response = await client.get(path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/plain; charset=utf-8", path

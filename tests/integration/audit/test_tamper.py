"""Tampering with a real PostgreSQL log or with an export is detected, and named.

Each case is made with a tamperer's powers: the database owner with the append-only
triggers disabled, or a text editor on the export. A fork is a rewritten history that is
re-chained, re-treed and signed with the ledger's own key: internally perfect, so only the
checkpoint an auditor accepted before exposes it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from govledger_contracts.audit.merkle import leaf_hash as hash_leaf
from govledger_contracts.audit.merkle import root_from_leaf_hashes
from govledger_contracts.audit.note import Checkpoint, sign_checkpoint
from govledger_contracts.audit.proofs import accept_checkpoint
from govledger_contracts.audit.verify import audit_export
from govledger_contracts.canonical import GENESIS_HASH
from govledger_contracts.envelope import ENVELOPE_DECODER, ENVELOPE_ENCODER, Envelope
from govledger_ledger.adapters.merkle_store import MerkleProofs
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.audit_commands import audit, export
from govledger_ledger.checkpoints import load_or_create_signer
from govledger_ledger.export import export_log
from govledger_ledger.settings import Settings
from tests.integration.audit.conftest import all_events, append, owner_execute, sign_now

SIZE = 40


async def export_to(settings: Settings, directory: Path) -> Path:
    await export_log(settings.database_url, directory, signer=load_or_create_signer(settings))
    return directory


async def signed_log(store: PostgresEventStore, settings: Settings, size: int = SIZE) -> None:
    await append(store, size)
    assert await sign_now(settings) is not None


SWAP_17_AND_18 = (
    "UPDATE ledger.events SET position = 1000 WHERE position = 17",
    "UPDATE ledger.events SET position = 17 WHERE position = 18",
    "UPDATE ledger.events SET position = 18 WHERE position = 1000",
)
DATABASE_TAMPERS = {
    "edited payload": (("UPDATE ledger.events SET payload = '{\"n\": 999}' WHERE position = 17",),
                       "event.hash_mismatch", 17),
    "deleted event": (("DELETE FROM ledger.events WHERE position = 17",), "chain.gap", 17),
    # Rows trade places: the event now at 17 links to 17's old hash, not to 16's.
    "two swapped events": (SWAP_17_AND_18, "chain.prev_mismatch", 17),
    "truncated tail": (("DELETE FROM ledger.events WHERE position > 35",),
                       "checkpoint.size_exceeds_log", 36),
}


async def test_a_clean_export_verifies_and_the_cli_prints_the_signed_head(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    await append(store, SIZE)
    assert await asyncio.to_thread(export, ledger_settings, tmp_path / "x") == 0
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "checkpoint", "events.jsonl", "key.pub"]
    report = audit_export(tmp_path / "x")
    assert report.ok and report.events == SIZE and report.head is not None
    assert report.head.size == SIZE  # the export signed a checkpoint covering itself
    assert audit(tmp_path / "x") == 0
    assert "verified: 40 events; signed tree size 40" in capsys.readouterr().out


@pytest.mark.parametrize("case", list(DATABASE_TAMPERS))
async def test_tampering_with_the_database_is_named_by_the_audit_of_its_export(
        case: str, store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    statements, code, position = DATABASE_TAMPERS[case]
    await signed_log(store, ledger_settings)
    await owner_execute(ledger_settings, *statements)
    report = audit_export(await export_to(ledger_settings, tmp_path / "x"))
    assert not report.ok and report.problem is not None
    assert (report.problem.code, report.problem.position) == (code, position)
    assert audit(tmp_path / "x") == 1
    assert code in capsys.readouterr().err


@pytest.mark.parametrize("case", list(DATABASE_TAMPERS))
async def test_an_export_of_a_tampered_database_is_written_but_names_the_bad_position(
        case: str, store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    statements, code, position = DATABASE_TAMPERS[case]
    await signed_log(store, ledger_settings)
    await owner_execute(ledger_settings, *statements)
    assert await asyncio.to_thread(export, ledger_settings, tmp_path / "x") == 1
    out, err = capsys.readouterr()
    assert out.startswith("exported ")
    assert err.startswith(f"govledger: error: the log does not verify at position {position}: ")
    assert "exported all the same, as evidence" in err
    assert err.count("\n") == 1, err
    # The evidence is all there, and the offline audit names the same place.
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "checkpoint", "events.jsonl", "key.pub"]
    report = audit_export(tmp_path / "x")
    assert report.problem is not None
    assert (report.problem.code, report.problem.position) == (code, position)


async def test_an_export_of_unsigned_tampered_events_says_so_in_one_line(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    await signed_log(store, ledger_settings)
    await append(store, 5)  # 41..45, not in the tree yet: the export's own round meets them
    await owner_execute(ledger_settings,
                        "UPDATE ledger.events SET reason = 'x' WHERE position = 43")
    assert await asyncio.to_thread(export, ledger_settings, tmp_path / "x") == 1
    err = capsys.readouterr().err
    assert err.startswith("govledger: error: the log does not verify at position 43: ")
    assert err.count("\n") == 1, err


async def test_govledger_export_exits_1_on_a_row_edited_behind_the_ledgers_back(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path) -> None:
    await signed_log(store, ledger_settings)
    statements, _, position = DATABASE_TAMPERS["edited payload"]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GOVLEDGER_")},
           "GOVLEDGER_DATABASE_URL": ledger_settings.database_url,
           "GOVLEDGER_NATS_URL": ledger_settings.nats_url, "GOVLEDGER_WARD": ledger_settings.ward}
    command = [sys.executable, "-m", "govledger_launcher.cli", "export",
               "--data-dir", str(ledger_settings.data_dir)]

    def run(out: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, "--out", str(out)], env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    clean = await asyncio.to_thread(run, tmp_path / "before")
    assert (clean.returncode, clean.stderr) == (0, "")
    await owner_execute(ledger_settings, *statements)
    result = await asyncio.to_thread(run, tmp_path / "after")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"govledger: error: the log does not verify at position {position}: the stored hash "
        "does not match the event's content (edited) — exported all the same")
    assert result.stderr.count("\n") == 1, result.stderr
    assert (tmp_path / "after" / "events.jsonl").is_file()


def _edit_payload(lines: list[bytes]) -> None:
    envelope = ENVELOPE_DECODER.decode(lines[16])
    edited = msgspec.structs.replace(envelope, payload={**envelope.payload, "n": 999})
    lines[16] = ENVELOPE_ENCODER.encode(edited) + b"\n"


def _delete(lines: list[bytes]) -> None:
    del lines[16]


def _swap(lines: list[bytes]) -> None:
    lines[16], lines[17] = lines[17], lines[16]


def _truncate(lines: list[bytes]) -> None:
    del lines[35:]


EXPORT_TAMPERS: dict[str, tuple[Callable[[list[bytes]], None], str, int]] = {
    "edited payload": (_edit_payload, "event.hash_mismatch", 17),
    "deleted event": (_delete, "chain.gap", 17),
    "two swapped events": (_swap, "chain.order", 17),
    "truncated tail": (_truncate, "checkpoint.size_exceeds_log", 36),
}


@pytest.mark.parametrize("case", list(EXPORT_TAMPERS))
async def test_tampering_with_an_export_is_named_by_the_audit(
        case: str, store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path) -> None:
    tamper, code, position = EXPORT_TAMPERS[case]
    await signed_log(store, ledger_settings)
    directory = await export_to(ledger_settings, tmp_path / "x")
    events = directory / "events.jsonl"
    lines = events.read_bytes().splitlines(keepends=True)
    tamper(lines)
    events.write_bytes(b"".join(lines))
    report = audit_export(directory)
    assert not report.ok and report.problem is not None
    assert (report.problem.code, report.problem.position) == (code, position)


def rechain(envelopes: list[Envelope], edit_at: int) -> list[Envelope]:
    """The log with event ``edit_at`` (1-based) edited and every later hash recomputed."""
    forged = envelopes[: edit_at - 1]
    prev = bytes.fromhex(forged[-1].hash) if forged else GENESIS_HASH
    for e in envelopes[edit_at - 1:]:
        if e.position == edit_at:
            e = msgspec.structs.replace(e, payload={**e.payload, "n": -1})
        e = msgspec.structs.replace(e, prev_hash=prev.hex())
        e = msgspec.structs.replace(e, hash=e.computed_hash())
        forged.append(e)
        prev = bytes.fromhex(e.hash)
    return forged


async def _fork_database(store: PostgresEventStore, settings: Settings, edit_at: int) -> None:
    """Rewrite history in the database, drop the tree and checkpoints, let the ledger re-sign."""
    forged = rechain(await all_events(store), edit_at)
    updates = [
        f"UPDATE ledger.events SET payload = '{msgspec.json.encode(e.payload).decode()}',"
        f" prev_hash = '\\x{e.prev_hash}', hash = '\\x{e.hash}' WHERE position = {e.position}"
        for e in forged[edit_at - 1:]
    ]
    await owner_execute(settings, *updates, "DELETE FROM ledger.merkle_subtrees",
                        "DELETE FROM ledger.checkpoints",
                        f"UPDATE ledger.head SET hash = '\\x{forged[-1].hash}'")


async def test_a_forked_database_log_signed_with_the_right_key_is_refused(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path) -> None:
    await signed_log(store, ledger_settings, 30)
    state = tmp_path / "trusted.json"
    first = audit_export(await export_to(ledger_settings, tmp_path / "a"), state_file=state)
    assert first.ok and first.state_updated
    await _fork_database(store, ledger_settings, edit_at=12)
    await append(store, 5)
    forked = await export_to(ledger_settings, tmp_path / "b")
    alone = audit_export(forked)
    assert alone.ok  # re-chained, re-treed and signed with our key: perfect on its own
    refused = audit_export(forked, state_file=state)
    assert not refused.ok and refused.problem is not None
    assert refused.problem.code == "checkpoint.consistency"
    assert "positions 1..16" in refused.problem.detail  # the subtree where history differs
    # Online too: the server's consistency proof cannot link the trusted head to the fork.
    pool = await create_pool(ledger_settings.database_url)
    try:
        proof = (await MerkleProofs(pool).consistency(30, 35)).hashes
    finally:
        await pool.close()
    note = (forked / "checkpoint").read_text()
    online = accept_checkpoint(note, [h.hex() for h in proof], state_file=state)
    assert not online.ok and online.problem is not None
    assert online.problem.code == "checkpoint.consistency"


async def test_a_forked_export_signed_with_the_right_key_is_refused(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path) -> None:
    await signed_log(store, ledger_settings, 30)
    state = tmp_path / "trusted.json"
    original = await export_to(ledger_settings, tmp_path / "a")
    assert audit_export(original, state_file=state).ok
    lines = (original / "events.jsonl").read_bytes().splitlines()
    forged = rechain([ENVELOPE_DECODER.decode(line) for line in lines], edit_at=25)
    fork = tmp_path / "b"
    fork.mkdir()
    (fork / "events.jsonl").write_bytes(b"".join(ENVELOPE_ENCODER.encode(e) + b"\n"
                                                 for e in forged))
    signer = load_or_create_signer(ledger_settings)
    root = root_from_leaf_hashes(hash_leaf(e.leaf_bytes()) for e in forged)
    (fork / "checkpoint").write_text(
        sign_checkpoint(Checkpoint(origin=signer.name, size=30, root=root), signer))
    (fork / "key.pub").write_bytes((original / "key.pub").read_bytes())
    assert audit_export(fork).ok
    refused = audit_export(fork, state_file=state)
    assert not refused.ok and refused.problem is not None
    assert refused.problem.code == "checkpoint.consistency"
    assert "positions 25..28" in refused.problem.detail

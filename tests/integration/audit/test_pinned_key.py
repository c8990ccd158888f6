"""An audit that did not pin the ward's key says that a pass only proves self-consistency.

Without ``--key`` (and no state file remembering one) the audit trusts the key that came
with what it audits — the export's ``key.pub`` or the server's ``/v1/key`` — so a forger's
self-signed export passes it. The verdict and exit status stay the same; a warning on
stderr, Korean first, says what the pass is worth and how to pin the key.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.audit_commands import audit, audit_proof, export, key_show
from govledger_ledger.auth import issue_token
from govledger_ledger.settings import Settings
from tests.integration.audit.conftest import all_events, append, sign_now
from tests.integration.conftest import serving

WARNING = "govledger: warning: 검증 키를 고정하지 않았습니다"
EXPORT_ENGLISH = ("the verifier key was not pinned: the export's own key.pub was trusted, so "
                  "this only proves the export is self-consistent; pin the ward's published "
                  "key with --key KEY")


async def test_an_audit_without_a_pinned_key_warns_that_it_only_proves_self_consistency(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    await append(store, 12)
    assert await asyncio.to_thread(export, ledger_settings, tmp_path / "x") == 0
    capsys.readouterr()

    assert audit(tmp_path / "x") == 0
    out, err = capsys.readouterr()
    assert "검증 완료 / verified: 12 events" in out
    assert err.startswith(WARNING) and EXPORT_ENGLISH in err
    assert err.count("\n") == 1

    assert audit(tmp_path / "x", key=key_show(ledger_settings)) == 0
    assert capsys.readouterr().err == ""
    key_file = tmp_path / "ward.pub"
    key_file.write_text(key_show(ledger_settings) + "\n")
    assert audit(tmp_path / "x", key=str(key_file)) == 0
    assert capsys.readouterr().err == ""

    state = tmp_path / "trusted.json"  # first use: the state takes key.pub's key on trust
    assert audit(tmp_path / "x", state_file=state) == 0
    assert EXPORT_ENGLISH in capsys.readouterr().err
    assert audit(tmp_path / "x", state_file=state) == 0  # now the state pins it
    assert capsys.readouterr().err == ""


async def test_a_failed_audit_without_a_key_keeps_its_status_and_adds_no_warning(
        store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    await append(store, 12)
    assert await asyncio.to_thread(export, ledger_settings, tmp_path / "x") == 0
    events = tmp_path / "x" / "events.jsonl"
    events.write_bytes(events.read_bytes().replace(b'"n":3', b'"n":4', 1))
    capsys.readouterr()
    assert audit(tmp_path / "x") == 1
    err = capsys.readouterr().err
    assert "audit FAILED" in err
    assert "warning" not in err


async def test_a_proof_checked_with_the_servers_own_key_warns_likewise(
        store: PostgresEventStore, ledger_settings: Settings, live_server: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    await append(store, 9)
    assert await sign_now(ledger_settings) is not None
    event_id = (await all_events(store))[4].event_id

    assert await asyncio.to_thread(audit_proof, event_id, api_url=live_server) == 0
    out, err = capsys.readouterr()
    assert "is position 5 of the signed tree" in out
    assert err.startswith(WARNING)
    assert "the audited server's own key was trusted" in err

    pinned = key_show(ledger_settings)
    assert await asyncio.to_thread(audit_proof, event_id, api_url=live_server, key=pinned) == 0
    assert capsys.readouterr().err == ""


async def test_a_proof_from_a_ledger_with_closed_reads_takes_a_token_and_says_why_without(
        store: PostgresEventStore, ledger_settings: Settings,
        capsys: pytest.CaptureFixture[str]) -> None:
    await append(store, 9)
    assert await sign_now(ledger_settings) is not None
    event_id = (await all_events(store))[4].event_id
    closed = msgspec.structs.replace(ledger_settings, public_reads=False)
    pinned = key_show(ledger_settings)
    async with serving(closed) as url:
        assert await asyncio.to_thread(audit_proof, event_id, api_url=url, key=pinned) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert "cannot get the proof: HTTP 401: " in err
        assert "set GOVLEDGER_TOKEN or pass --token" in err
        token = issue_token(ledger_settings.data_dir, ledger_settings.jwt_secret,
                            subject="auditor-01", role="auditor")
        assert await asyncio.to_thread(audit_proof, event_id, api_url=url, key=pinned,
                                       token=token + "x") == 2
        err = capsys.readouterr().err
        assert "HTTP 401: " in err and "GOVLEDGER_TOKEN" not in err  # it was sent: no hint
        assert await asyncio.to_thread(audit_proof, event_id, api_url=url, key=pinned,
                                       token=token) == 0
        assert "is position 5 of the signed tree" in capsys.readouterr().out

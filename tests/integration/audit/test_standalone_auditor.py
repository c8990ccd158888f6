"""``govledger-audit``: an auditor with only govledger-contracts audits, proves and recounts.

The checks run in a separate interpreter where the service's packages and its I/O libraries
cannot be imported at all, so a dependency on them anywhere on the offline path fails here,
not on the auditor's machine."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.audit_commands import export, key_show
from govledger_ledger.settings import Settings
from tests.integration.audit.conftest import Client, sign_now
from tests.integration.audit.test_recount_and_as_of import hold_a_vote

FORBIDDEN = ("asyncpg", "litestar", "nats", "uvicorn", "govledger_ledger", "govledger_projector",
             "govledger_launcher")
ISOLATED = f"""
import sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {FORBIDDEN!r}:
            raise ImportError(f"{{name}} is not installed on the auditor's machine")
        return None

sys.meta_path.insert(0, Refuse())
from govledger_contracts.audit.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def offline(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", ISOLATED, *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=False)


async def test_an_auditor_with_only_the_contracts_package_audits_proves_and_recounts(
        store: PostgresEventStore, ledger_settings: Settings, client: Client,
        tmp_path: Path) -> None:
    closed = (await hold_a_vote(store)).envelopes[0]
    await sign_now(ledger_settings)
    directory = tmp_path / "audit-2024"
    assert await asyncio.to_thread(export, ledger_settings, directory) == 0
    key = key_show(ledger_settings)
    answer = await client.get("/v1/proofs/inclusion", params={"event_id": closed.event_id})
    bundle = tmp_path / "proof.json"
    bundle.write_text(answer.text)

    audited = offline(directory, "--key", key)
    assert audited.returncode == 0, audited.stderr
    assert audited.stdout.startswith(f"검증 완료 / verified: {closed.position} events")
    assert audited.stderr == ""  # the key was pinned: no warning

    recounted = offline("recount", "v1", "--export", directory, "--key", key)
    assert recounted.returncode == 0, recounted.stderr
    assert "recount matches" in recounted.stdout

    proved = offline("proof", "--bundle", bundle, "--key", key)
    assert proved.returncode == 0, proved.stderr
    assert f"event {closed.event_id} is position {closed.position}" in proved.stdout

    events = directory / "events.jsonl"
    events.write_bytes(events.read_bytes().replace(b'"title":"a2"', b'"title":"a9"', 1))
    tampered = offline(directory, "--key", key)
    assert tampered.returncode == 1
    assert "event.hash_mismatch at position 2" in tampered.stderr


def test_the_offline_command_says_what_it_needs_in_one_line(tmp_path: Path) -> None:
    no_source = offline("proof", "0190a5d0-0000-7000-8000-000000000000")
    assert no_source.returncode == 2
    assert "give --api URL (the ledger's API) or --bundle FILE" in no_source.stderr
    no_export = offline("recount", "v1")
    assert no_export.returncode == 2 and "needs --export DIR" in no_export.stderr
    missing = offline(tmp_path / "nothing-here")
    assert missing.returncode == 2 and "export.missing_file" in missing.stderr
    assert offline().returncode == 2


def test_govledger_audit_is_installed_as_a_command_of_its_own() -> None:
    command = Path(sys.executable).with_name("govledger-audit")
    assert command.exists(), "the contracts package declares the govledger-audit script"
    shown = subprocess.run([str(command), "--help"], capture_output=True, text=True,
                           timeout=60, check=False)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: govledger-audit DIR")

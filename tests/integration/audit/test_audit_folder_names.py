"""An export in a folder named ``proof`` or ``recount`` is audited as ``govledger audit ./proof``;
``govledger audit proof`` stays the subcommand, and says so when such a folder is there."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.audit_commands import export, key_show
from govledger_ledger.settings import Settings
from tests.integration.audit.conftest import append

GOVLEDGER = str(Path(sysconfig.get_path("scripts")) / "govledger")


def audit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVLEDGER_")}
    return subprocess.run([GOVLEDGER, "audit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("folder", ["proof", "recount"])
async def test_an_export_in_a_folder_named_like_a_subcommand_is_audited_as_dot_slash_name(
        folder: str, store: PostgresEventStore, ledger_settings: Settings,
        tmp_path: Path) -> None:
    await append(store, 8)
    assert await asyncio.to_thread(export, ledger_settings, tmp_path / folder) == 0
    key = key_show(ledger_settings)

    audited = await asyncio.to_thread(audit, tmp_path, f"./{folder}", "--key", key)
    assert audited.returncode == 0, audited.stderr
    assert "verified: 8 events" in audited.stdout

    mistaken = await asyncio.to_thread(audit, tmp_path, folder, "--key", key)
    assert mistaken.returncode == 2
    assert mistaken.stderr == (
        f"govledger: error: `govledger audit {folder}` is the {folder} subcommand and needs "
        f"{'an EVENT_ID or --bundle FILE' if folder == 'proof' else 'a VOTE_ID'}; to audit the "
        f"export in the folder {folder}, run `govledger audit ./{folder}`\n")

    shutil.rmtree(tmp_path / folder)  # without such a folder, the subcommand's own complaint
    plain = await asyncio.to_thread(audit, tmp_path, folder, "--key", key)
    assert plain.returncode == 2
    assert "./" not in plain.stderr

"""Every ``govledger`` command finds the ledger ``up`` runs from any directory below it, and
refuses — one line, exit status 2, nothing created — where there is none, unless what it
needs is configured."""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from govledger_contracts.audit.note import format_signer_key, generate_signer_key, ledger_origin
from govledger_launcher.runtime import resolve_servers
from govledger_launcher.supervisor import create_keys, issue_admin_token, run_migrations
from govledger_ledger.auth import load_or_create_key, verify_token
from govledger_ledger.checkpoints import verifier_key_text
from govledger_ledger.settings import Settings

GOVLEDGER = str(Path(sysconfig.get_path("scripts")) / "govledger")


def govledger(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command as a user without any GOVLEDGER_* configuration runs it, in ``cwd``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVLEDGER_")}
    return subprocess.run([GOVLEDGER, *args], cwd=cwd, env={**clean, **env},
                          capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture
def root() -> Iterator[Path]:
    # Under /tmp, not tmp_path: PostgreSQL's own account must traverse into the data dir.
    made = Path(tempfile.mkdtemp(prefix="govledger-cli-"))
    for ancestor in made.parents:
        if (ancestor / ".govledger").is_dir():
            pytest.skip(f"{ancestor}/.govledger would be found above the test's directories")
    yield made
    shutil.rmtree(made, ignore_errors=True)


@pytest.fixture
def no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("GOVLEDGER_"):
            monkeypatch.delenv(name)


NEEDS_A_LEDGER = {
    "key show": ["key", "show"],
    "token issue": ["token", "issue", "--role", "auditor", "--subject", "lee"],
    "verify": ["verify"],
    "migrate": ["migrate"],
    "export": ["export", "--out", "ex"],
    "seed load": ["seed", "load"],
    "report": ["report", "--year", "2024", "--out", "report"],
    "project rebuild": ["project", "rebuild"],
    "audit recount": ["audit", "recount", "v1"],
}


@pytest.mark.parametrize("command", list(NEEDS_A_LEDGER))
def test_a_command_run_where_there_is_no_ledger_refuses_and_creates_nothing(
    root: Path, command: str
) -> None:
    result = govledger(root, *NEEDS_A_LEDGER[command])
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(
        f"govledger: error: no ledger found: {root / '.govledger'} does not exist — "
        "run this where `govledger up` runs, or pass --data-dir (or set ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    assert list(root.iterdir()) == []


@pytest.mark.usefixtures("no_configuration")
def test_commands_in_a_subdirectory_find_the_ledger_up_made_above_it(root: Path) -> None:
    ledger = root / ".govledger"
    with resolve_servers(ledger, use_running=False, create=True) as servers:  # as up does
        run_migrations(servers.database_url)
        create_keys(ledger, servers)
        issue_admin_token(ledger)
        settings = Settings(database_url=servers.database_url, nats_url=servers.nats_url,
                            data_dir=ledger)
        ward_key = verifier_key_text(settings)
    made = sorted(p.name for p in ledger.iterdir())
    below = root / "minutes" / "2024"
    below.mkdir(parents=True)

    shown = govledger(below, "key", "show")
    assert (shown.returncode, shown.stdout.strip()) == (0, ward_key), shown.stderr
    issued = govledger(below, "token", "issue", "--role", "auditor", "--subject", "lee")
    assert issued.returncode == 0, issued.stderr
    principal = verify_token(issued.stdout.strip(), load_or_create_key(ledger, None))
    assert (principal.subject, principal.role) == ("lee", "auditor")
    verified = govledger(below, "verify")  # embedded servers, on the ledger above
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("ok: 0 events")
    assert sorted(p.name for p in ledger.iterdir()) == made
    assert list(below.iterdir()) == []


@pytest.mark.usefixtures("no_configuration")
@pytest.mark.parametrize(("command", "refusal"), [
    (["key", "show"], "no checkpoint signing key: {}/checkpoint.key does not exist"),
    (["token", "issue", "--role", "auditor", "--subject", "lee"],
     "no token signing key: {}/jwt.key does not exist"),
])
def test_a_key_that_up_did_not_make_is_refused_not_made(
    root: Path, command: list[str], refusal: str
) -> None:
    ledger = root / ".govledger"
    ledger.mkdir()
    result = govledger(ledger, *command)  # the current directory itself is found too
    assert result.returncode == 2
    assert refusal.format(ledger) in result.stderr
    assert list(ledger.iterdir()) == []


def test_configured_servers_and_keys_need_no_data_directory(
    root: Path, ledger_settings: Settings
) -> None:
    signer = format_signer_key(generate_signer_key(ledger_origin(ledger_settings.ward)))
    env = {"GOVLEDGER_DATABASE_URL": ledger_settings.database_url,
           "GOVLEDGER_NATS_URL": ledger_settings.nats_url, "GOVLEDGER_WARD": ledger_settings.ward,
           "GOVLEDGER_CHECKPOINT_KEY": signer, "GOVLEDGER_JWT_SECRET": "configured secret"}
    for command in (["verify"], ["key", "show"],
                    ["token", "issue", "--role", "auditor", "--subject", "lee"]):
        result = govledger(root, *command, **env)
        assert result.returncode == 0, result.stderr
    assert list(root.iterdir()) == []

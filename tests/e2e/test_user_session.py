"""One session as the ward's users meet the system: ``govledger up``, a secretariat officer
records two acts over HTTP, a ward service's view shows them, an auditor verifies the chain
and audits an export offline — all through the commands the README gives."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from govledger_launcher.embedded import free_port
from tests.e2e.test_up import GOVLEDGER, Up

pytestmark = pytest.mark.e2e


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVLEDGER_")}
    return subprocess.run([GOVLEDGER, *args, "--data-dir", str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def post(url: str, body: dict[str, Any], token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        result: dict[str, Any] = json.load(response)
        return result


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def wait_for(check: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_recorded_act_reaches_views_and_passes_verification_and_audit(data_dir: Path) -> None:
    up = Up(data_dir, free_port())
    printed = up.wait_ready()
    try:
        api, projector = printed["API"], printed["projector"]
        issued = cli(data_dir, "token", "issue", "--role", "secretariat", "--subject", "kim")
        assert issued.returncode == 0, issued.stderr
        token = issued.stdout.strip()
        post(f"{api}/v1/council/appointments", {
            "member_id": "m-0101", "name": "위원 101", "sector": "private",
            "route": "open_recruitment", "term_start": "2025-11-23", "term_end": "2027-11-22",
            "reason": "제4기 공개모집 위촉 / open recruitment"}, token)
        post(f"{api}/v1/agendas", {
            "agenda_id": "a2025-07", "title": "어르신 디지털 동행", "channel": "online",
            "domains": ["seniors"], "year": 2025, "reason": "온라인 의제 제안"}, token)

        wait_for(lambda: get(f"{projector}/lag")["events_behind"] == 0
                 and get(f"{projector}/lag")["position"] == 2, "the projector to catch up")
        members = get(f"{projector}/v1/views/members")
        assert [m["member_id"] for m in members["items"]] == ["m-0101"]

        verified = cli(data_dir, "verify")
        assert verified.returncode == 0, verified.stderr
        assert "2 events" in verified.stdout
        export = data_dir.parent / "export"
        exported = cli(data_dir, "export", "--out", str(export))
        assert exported.returncode == 0, exported.stderr
        audited = subprocess.run([GOVLEDGER, "audit", str(export)], capture_output=True,
                                 text=True, timeout=120, check=False)
        assert audited.returncode == 0, audited.stderr
        assert "verified: 2 events" in audited.stdout
    finally:
        code = up.stop()
    assert code == 0, up.output


def run_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command as the README gives it: no flags, no configuration, in directory ``cwd``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVLEDGER_")}
    return subprocess.run([GOVLEDGER, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_commands_below_where_up_runs_use_its_ledger_and_elsewhere_refuse(data_dir: Path) -> None:
    ward = data_dir.parent / "ward"
    below, elsewhere = ward / "minutes" / "2024", data_dir.parent / "elsewhere"
    below.mkdir(parents=True)
    elsewhere.mkdir()
    up = Up(None, free_port(), cwd=ward)
    printed = up.wait_ready()
    try:
        api = printed["API"]
        assert printed["data dir"] == str(ward / ".govledger")
        shown = run_in(below, "key", "show")
        assert shown.returncode == 0, shown.stderr
        with urllib.request.urlopen(f"{api}/v1/key", timeout=10) as response:
            assert shown.stdout.strip() == response.read().decode().strip()
        issued = run_in(below, "token", "issue", "--role", "secretariat", "--subject", "kim")
        assert issued.returncode == 0, issued.stderr
        post(f"{api}/v1/agendas", {  # 201, not 401: the token is signed with the ward's key
            "agenda_id": "a2025-07", "title": "어르신 디지털 동행", "channel": "online",
            "domains": ["seniors"], "year": 2025, "reason": "온라인 의제 제안"},
            issued.stdout.strip())
        verified = run_in(below, "verify")
        assert verified.returncode == 0, verified.stderr
        assert "1 events" in verified.stdout
        exported = run_in(below, "export", "--out", "ex")
        assert exported.returncode == 0, exported.stderr
        audited = run_in(below, "audit", "ex", "--key", shown.stdout.strip())
        assert audited.returncode == 0, audited.stderr

        for command in (["key", "show"], ["verify"], ["export", "--out", "ex"],
                        ["token", "issue", "--role", "secretariat", "--subject", "kim"]):
            refused = run_in(elsewhere, *command)
            assert refused.returncode == 2, refused.stdout
            assert refused.stderr.startswith("govledger: error: no ledger found: "), command
        assert list(elsewhere.iterdir()) == []
    finally:
        code = up.stop()
    assert code == 0, up.output

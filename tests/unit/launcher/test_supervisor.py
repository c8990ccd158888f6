"""How ``govledger up`` reports the services it stops: a stop we asked for is not a crash."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pytest

from govledger_launcher.supervisor import Service, ServiceSpec, running_services, stop_services

# Each child says it is ready (its signal handling is in place) by creating a file.
SLEEPS = "import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); time.sleep(60)"
FAILS_ON_SIGTERM = (
    "import pathlib, signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))\n"
    "pathlib.Path(sys.argv[1]).touch()\n"
    "time.sleep(60)\n"
)
EXITS_CLEANLY = FAILS_ON_SIGTERM.replace("sys.exit(3)", "sys.exit(0)")


def wait_for(paths: list[Path], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not all(p.exists() for p in paths):
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)


def test_services_stopped_by_our_sigterm_are_reported_as_stopped_and_failures_with_their_code(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ready = [tmp_path / name for name in ("api", "relay", "projector")]
    specs = [
        ServiceSpec("api", (sys.executable, "-c", SLEEPS, str(ready[0]))),  # killed by SIGTERM
        ServiceSpec("relay", (sys.executable, "-c", EXITS_CLEANLY, str(ready[1]))),
        ServiceSpec("projector", (sys.executable, "-c", FAILS_ON_SIGTERM, str(ready[2]))),
    ]
    with caplog.at_level(logging.INFO, "govledger.up"), \
            running_services(specs, dict(os.environ)):
        wait_for(ready)
    stopped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("stopped")]
    assert stopped == ["stopped api", "stopped relay", "stopped projector (exit code 3)"]
    assert [r.levelname for r in caplog.records if r.getMessage() in stopped] == [
        "INFO", "INFO", "WARNING"]


def test_a_service_that_ignores_sigterm_is_killed_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ready = tmp_path / "stubborn"
    ignores = FAILS_ON_SIGTERM.replace("lambda *_: sys.exit(3)", "signal.SIG_IGN")
    service = Service(ServiceSpec("stubborn", (sys.executable, "-c", ignores, str(ready))),
                      dict(os.environ))
    service.start()
    wait_for([ready])
    with caplog.at_level(logging.INFO, "govledger.up"):
        stop_services([service], timeout=0.5)
    assert "killed stubborn: it did not stop within 0.5s" in caplog.text
    assert service.process is None

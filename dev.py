#!/usr/bin/env python3
"""Bootstrap for a bare machine: ``python3 dev.py up [args]`` and ``python3 dev.py test [args]``.

Needs only Python >= 3.11 and access to PyPI. Finds ``uv`` on PATH, else installs it into
``.tools/uv`` (a venv of its own), makes ``.venv`` match the committed ``uv.lock`` exactly
(``uv sync --locked``), then hands over to ``.venv/bin/govledger up`` or
``.venv/bin/python -m pytest``. Standard library only; safe and quick to run again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
TOOLS_UV = ROOT / ".tools" / "uv"
MIN_UV = (0, 13, 0)
"""uv.lock is written by uv 0.13 (lock revision 5); an older uv may misread it."""
USAGE = "usage: python3 dev.py {up|test} [args...]"


class BootstrapError(Exception):
    pass


def _run(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    except OSError as error:
        raise BootstrapError(f"{what}: {error}") from None
    if result.returncode != 0:
        raise BootstrapError(f"{what} failed (exit code {result.returncode})")


def _uv_version(uv: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([uv, "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    if out.returncode != 0 or len(out.stdout.split()) < 2:
        return None
    try:  # "uv 0.13.9 (abc 2025-01-01)"
        return tuple(int(part) for part in out.stdout.split()[1].split(".")[:3])
    except ValueError:
        return None


def _usable(uv: str | None) -> bool:
    version = _uv_version(uv) if uv else None
    return version is not None and version >= MIN_UV


def find_uv() -> str:
    """uv from PATH if recent enough, else ours in .tools/uv (installed on first use)."""
    on_path = shutil.which("uv")
    if _usable(on_path):
        assert on_path is not None
        return on_path
    ours = TOOLS_UV / "bin" / "uv"
    if not _usable(str(ours)):
        _install_uv()
    return str(ours)


def _install_uv() -> None:
    print("dev.py: installing uv into .tools/uv (once)", file=sys.stderr, flush=True)
    python = TOOLS_UV / "bin" / "python"
    if not python.exists():
        shutil.rmtree(TOOLS_UV, ignore_errors=True)  # a half-made venv from an interrupted run
        _run(
            [sys.executable, "-m", "venv", str(TOOLS_UV)],
            "python3 -m venv .tools/uv (on Debian: apt-get install python3-venv)",
        )
    minimum = ".".join(str(part) for part in MIN_UV)
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"uv>={minimum}"],
        "pip install uv into .tools/uv (is PyPI reachable?)",
    )  # fmt: skip


def sync(uv: str) -> None:
    """Make .venv exactly what uv.lock says (a no-op taking milliseconds when it already is)."""
    if not (ROOT / "uv.lock").exists():
        raise BootstrapError("uv.lock is missing; it must be committed")
    if not VENV.exists():
        print("dev.py: creating .venv from uv.lock", file=sys.stderr, flush=True)
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env["UV_PROJECT_ENVIRONMENT"] = str(VENV)  # the commands below expect it there
    # Trust the machine's certificate store, as pip does: behind a TLS-inspecting proxy,
    # uv's built-in roots fail to reach PyPI unless SSL_CERT_FILE happens to be set.
    env.setdefault("UV_SYSTEM_CERTS", "1")
    _run(
        # --python: this interpreter, so uv never tries to download one.
        [uv, "sync", "--locked", "--quiet", "--python", sys.executable],
        "uv sync --locked (if uv.lock is out of date, run `uv lock` and commit it)",
        env,
    )


def command_line(command: str, args: list[str]) -> list[str]:
    if command == "up":
        return [str(VENV / "bin" / "govledger"), "up", *args]
    return [str(VENV / "bin" / "python"), "-m", "pytest", *args]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("up", "test"):
        print(USAGE, file=sys.stderr)
        return 2
    # This file may be run by any python3; say so plainly instead of failing later.
    if sys.version_info < (3, 11):  # noqa: UP036
        print("dev.py: error: Python 3.11 or newer is required", file=sys.stderr)
        return 1
    try:
        sync(find_uv())
    except BootstrapError as error:
        print(f"dev.py: error: {error}", file=sys.stderr)
        return 1
    argv_out = command_line(argv[0], argv[1:])
    os.chdir(ROOT)
    sys.stdout.flush()
    sys.stderr.flush()
    # exec: the exit status (pytest's included) becomes this command's, and signals such as
    # Ctrl-C reach the program directly.
    os.execv(argv_out[0], argv_out)
    return 127  # not reached: execv replaced this process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

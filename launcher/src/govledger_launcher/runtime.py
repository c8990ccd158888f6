"""How every ``govledger`` command finds the database and NATS that ``govledger up`` runs.

In order:

1. ``GOVLEDGER_DATABASE_URL`` / ``GOVLEDGER_NATS_URL`` when set (an operator's servers);
2. ``<data_dir>/runtime.json``, written by a running ``govledger up``, when that process is
   alive and its ports answer;
3. otherwise the embedded servers, started on the same data directory for the duration of
   the command, so that e.g. ``govledger verify`` works on a stopped system's ledger.

The data directory is ``GOVLEDGER_DATA_DIR`` or ``.govledger`` in the current directory.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from govledger_launcher.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    EmbeddedServer,
    pid_alive,
    port_answers,
)

DEFAULT_DATA_DIR = ".govledger"
RUNTIME_FILE = "runtime.json"


@dataclass(frozen=True)
class Servers:
    database_url: str
    nats_url: str
    embedded: tuple[EmbeddedServer, ...] = field(default=(), compare=False, repr=False)
    """The servers started for us (to watch them); empty when they are someone else's."""


@dataclass(frozen=True)
class RuntimeInfo:
    """What a running ``govledger up`` publishes in ``<data_dir>/runtime.json``."""

    pid: int
    database_url: str
    nats_url: str
    api_url: str

    @property
    def servers(self) -> Servers:
        return Servers(self.database_url, self.nats_url)


def data_dir_from(value: Path | str | None = None) -> Path:
    """The absolute data directory: ``value``, else ``GOVLEDGER_DATA_DIR``, else ``.govledger``."""
    chosen = value or os.environ.get("GOVLEDGER_DATA_DIR") or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().absolute()


def _env(name: str) -> str | None:
    return os.environ.get(f"GOVLEDGER_{name}") or None


# --------------------------------------------------------------------------- runtime.json


def write_runtime(data_dir: Path, info: RuntimeInfo) -> None:
    """Publish atomically, so a reader never sees half a file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f".{RUNTIME_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(asdict(info), indent=2) + "\n")
    temporary.replace(data_dir / RUNTIME_FILE)


def remove_runtime(data_dir: Path, pid: int) -> None:
    """Remove the file only if it is still ``pid``'s (never another ``up``'s)."""
    info = _read_runtime(data_dir)
    if info is not None and info.pid == pid:
        (data_dir / RUNTIME_FILE).unlink(missing_ok=True)


def live_runtime(data_dir: Path) -> RuntimeInfo | None:
    """The running ``up`` on ``data_dir``, or None if there is none (or it died)."""
    info = _read_runtime(data_dir)
    if info is None or info.pid == os.getpid() or not pid_alive(info.pid):
        return None
    if not (_url_answers(info.database_url) and _url_answers(info.nats_url)):
        return None
    return info


def _read_runtime(data_dir: Path) -> RuntimeInfo | None:
    try:
        raw = json.loads((data_dir / RUNTIME_FILE).read_text())
        return RuntimeInfo(
            pid=int(raw["pid"]),
            database_url=str(raw["database_url"]),
            nats_url=str(raw["nats_url"]),
            api_url=str(raw.get("api_url", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _url_answers(url: str) -> bool:
    parts = urlsplit(url)
    return parts.hostname is not None and port_answers(parts.hostname, parts.port or 0)


# --------------------------------------------------------------------------- resolution


@contextlib.contextmanager
def resolve_servers(
    data_dir: Path | str | None = None, *, use_running: bool = True
) -> Iterator[Servers]:
    """Yield the servers to use; embedded ones started here are stopped on exit.

    ``use_running=False`` skips step 2: ``govledger up`` itself must own its servers.
    """
    directory = data_dir_from(data_dir)
    database_url, nats_url = _env("DATABASE_URL"), _env("NATS_URL")
    if database_url and nats_url:
        yield Servers(database_url, nats_url)
        return
    running = live_runtime(directory) if use_running else None
    if running is not None:
        yield Servers(database_url or running.database_url, nats_url or running.nats_url)
        return
    with contextlib.ExitStack() as stack:
        started: list[EmbeddedServer] = []
        if database_url is None:
            postgres = stack.enter_context(EmbeddedPostgres(directory))
            database_url = postgres.database_url
            started.append(postgres)
        if nats_url is None:
            nats = stack.enter_context(EmbeddedNats(directory))
            nats_url = nats.url
            started.append(nats)
        yield Servers(database_url, nats_url, tuple(started))

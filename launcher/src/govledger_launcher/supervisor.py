"""``govledger up``: the whole system, supervised, in the foreground.

Order of start: servers (embedded unless ``GOVLEDGER_*_URL`` say otherwise), migrations,
the ward's keys and an admin token, then each service as a separate child process started
exactly as a deployment starts it (``python -m govledger_ledger api`` ...), configured only
through ``GOVLEDGER_*`` variables. A crashed child, or embedded server, is restarted with
backoff. Ctrl-C or SIGTERM
stops the services first (they still need the servers to finish cleanly), then the servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from govledger_launcher.embedded import (
    EmbeddedServer,
    LauncherError,
    UsageError,
    die_with_parent,
    port_is_free,
    terminate,
)
from govledger_launcher.runtime import (
    RuntimeInfo,
    Servers,
    live_runtime,
    remove_runtime,
    resolve_servers,
    write_runtime,
)

log = logging.getLogger("govledger.up")

ADMIN_TOKEN_TTL_SECONDS = 24 * 3600
HEALTH_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
POLL_SECONDS = 0.25
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0
"""A child that ran this long before crashing starts again from the first backoff step."""


@dataclass(frozen=True)
class UpOptions:
    data_dir: Path
    http_port: int = 8000
    http_host: str = "127.0.0.1"
    projector_port: int = 8001

    @property
    def _host(self) -> str:
        return "127.0.0.1" if self.http_host in ("0.0.0.0", "") else self.http_host

    @property
    def api_url(self) -> str:
        return f"http://{self._host}:{self.http_port}"

    @property
    def projector_url(self) -> str:
        return f"http://{self._host}:{self.projector_port}"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    argv: tuple[str, ...]


def service_specs() -> list[ServiceSpec]:
    python = sys.executable
    return [
        ServiceSpec("api", (python, "-m", "govledger_ledger", "api")),
        ServiceSpec("relay", (python, "-m", "govledger_ledger", "relay")),
        ServiceSpec("projector", (python, "-m", "govledger_projector")),
    ]


# --------------------------------------------------------------------------- ledger calls


def issue_admin_token(data_dir: Path) -> str:
    """A bearer token for the operator, signed like the API expects.

    Called before the services start, so that on a first start the signing key in
    ``data_dir`` is created here, once (unless ``GOVLEDGER_JWT_SECRET`` gives it).
    """
    # Imported lazily, like every service module: ``govledger --help`` must stay fast.
    from govledger_ledger.auth import issue_token

    secret = os.environ.get("GOVLEDGER_JWT_SECRET") or None
    return issue_token(
        data_dir, secret, subject="admin", role="admin", ttl_seconds=ADMIN_TOKEN_TTL_SECONDS
    )


def create_keys(data_dir: Path, servers: Servers) -> None:
    """The checkpoint and voter keys, generated into ``data_dir`` unless configured.

    ``up`` is the only command that creates keys: made here, before the services start, they
    exist for every other command (``key show``, ``export``, ``seed load``) as soon as the
    banner is printed, and those commands refuse rather than make up a key of their own.
    """
    from govledger_launcher.ledger_commands import ledger_settings
    from govledger_ledger.checkpoints import load_or_create_signer
    from govledger_ledger.voter_key import load_or_create_voter_key

    settings = ledger_settings(servers, data_dir)
    try:
        load_or_create_signer(settings)
    except ValueError as exc:  # a configured key named for another ward
        raise LauncherError(str(exc)) from None
    load_or_create_voter_key(settings)


def run_migrations(database_url: str) -> None:
    """Bring the ledger schema up to date (``migrate`` is idempotent)."""
    from govledger_ledger.adapters.migrations import migrate

    applied = asyncio.run(migrate(database_url))
    log.info("migrations applied: %s", ", ".join(applied) if applied else "none (up to date)")


# --------------------------------------------------------------------------- children


class Service:
    """One supervised child process and its restart schedule."""

    def __init__(self, spec: ServiceSpec, env: Mapping[str, str]) -> None:
        self.spec = spec
        self.env = dict(env)
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.backoff = FIRST_BACKOFF_SECONDS

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.spec.argv,
            env=self.env,
            stdin=subprocess.DEVNULL,
            # Own session: the terminal's Ctrl-C reaches only the supervisor, which decides
            # the order of shutdown. If the supervisor is killed outright, the child gets
            # SIGTERM from the kernel instead of running on as an orphan.
            start_new_session=True,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        log.info("started %s (pid %d)", self.spec.name, self.process.pid)

    def check(self, now: float) -> None:
        """Notice a crash and schedule the restart; do the restart when it is due."""
        if self.process is None:
            if self.restart_at is not None and now >= self.restart_at:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        ran = now - self.started_at
        if ran >= STABLE_AFTER_SECONDS:
            self.backoff = FIRST_BACKOFF_SECONDS
        log.warning(
            "%s exited with code %d after %.1fs; restarting in %.0fs",
            self.spec.name, code, ran, self.backoff,
        )  # fmt: skip
        self.process = None
        self.restart_at = now + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF_SECONDS)


STOPPED_AS_ASKED = frozenset({0, -signal.SIGTERM, -signal.SIGINT})
"""Exit codes of a child that stopped because we asked (killed by our SIGTERM, as uvicorn
re-raises it after its graceful shutdown, or exited cleanly on it); any other is reported."""


def stop_services(services: Sequence[Service], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """SIGTERM all at once (they stop in parallel), then wait; SIGKILL the slow ones."""
    running = [s for s in services if s.process is not None and s.process.poll() is None]
    for service in running:
        assert service.process is not None
        with contextlib.suppress(ProcessLookupError):
            service.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for service in running:
        assert service.process is not None
        # Wait, without a second SIGTERM: one arriving while a child exits on the first could
        # kill it mid-exit and turn its own exit status (a real failure's) into -15.
        try:
            code = service.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            terminate(service.process, signal.SIGKILL)
            log.warning("killed %s: it did not stop within %gs", service.spec.name, timeout)
            continue
        if code in STOPPED_AS_ASKED:
            log.info("stopped %s", service.spec.name)
        else:
            log.warning("stopped %s (exit code %d)", service.spec.name, code)
    for service in services:
        service.process, service.restart_at = None, None


@contextlib.contextmanager
def running_services(
    specs: Sequence[ServiceSpec], env: Mapping[str, str]
) -> Iterator[list[Service]]:
    services = [Service(spec, env) for spec in specs]
    try:
        for service in services:
            service.start()
        yield services
    finally:
        stop_services(services)


def service_env(options: UpOptions, servers: Servers) -> dict[str, str]:
    return {
        **os.environ,
        "GOVLEDGER_DATABASE_URL": servers.database_url,
        "GOVLEDGER_NATS_URL": servers.nats_url,
        "GOVLEDGER_DATA_DIR": str(options.data_dir),
        "GOVLEDGER_HTTP_HOST": options.http_host,
        "GOVLEDGER_HTTP_PORT": str(options.http_port),
        "GOVLEDGER_PROJECTOR_HTTP_PORT": str(options.projector_port),
        "PYTHONUNBUFFERED": "1",  # the children's logs appear as they happen
    }


# --------------------------------------------------------------------------- signals


class ShutdownRequested(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM, so every ``with`` block unwinds in order.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it.
    """


@contextlib.contextmanager
def shutdown_on_signals() -> Iterator[None]:
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def request_shutdown(signum: int, _frame: FrameType | None) -> None:
        # Once only: the shutdown that follows must not itself be interrupted.
        for sig in signals:
            signal.signal(sig, signal.SIG_IGN)
        log.info("received %s, stopping", signal.Signals(signum).name)
        raise ShutdownRequested

    for sig in signals:
        signal.signal(sig, request_shutdown)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --------------------------------------------------------------------------- up


def run_up(options: UpOptions) -> int:
    """Run until Ctrl-C or SIGTERM; 0 after a clean stop."""
    check_settings()
    _refuse_second_up(options)
    try:
        with shutdown_on_signals():
            _serve(options)
    except ShutdownRequested:
        log.info("stopped")
    return 0


def _serve(options: UpOptions) -> None:
    with resolve_servers(options.data_dir, use_running=False, create=True) as servers:
        run_migrations(servers.database_url)
        create_keys(options.data_dir, servers)
        token = issue_admin_token(options.data_dir)
        with running_services(service_specs(), service_env(options, servers)) as services:
            info = RuntimeInfo(os.getpid(), servers.database_url, servers.nats_url, options.api_url)
            write_runtime(options.data_dir, info)
            watches = [ServerWatch(server) for server in servers.embedded]
            try:
                healthy = _wait_healthy(options.api_url, services, watches)
                print(banner(options, servers, token, healthy), flush=True)
                while True:
                    _supervise(services, watches)
                    time.sleep(POLL_SECONDS)
            finally:
                remove_runtime(options.data_dir, os.getpid())


def check_settings() -> None:
    """The services' ``GOVLEDGER_*`` settings, read as each service will read them, before
    any server starts: a bad value is one line now, not children failing over and over."""
    from govledger_ledger.settings import settings_from_env as ledger_settings
    from govledger_projector.settings import settings_from_env as projector_settings

    for read in (ledger_settings, projector_settings):
        try:
            read(database_url="postgresql://settings-check", nats_url="nats://settings-check")
        except ValueError as exc:
            raise UsageError(str(exc)) from None


def _refuse_second_up(options: UpOptions) -> None:
    running = live_runtime(options.data_dir)
    if running is not None:
        raise LauncherError(
            f"govledger up already runs on {options.data_dir} (pid {running.pid}, "
            f"API {running.api_url})"
        )
    if not port_is_free(options.http_port, options.http_host):
        raise LauncherError(
            f"HTTP port {options.http_port} is in use; choose another with --http-port"
        )
    if not port_is_free(options.projector_port, options.http_host):
        raise LauncherError(
            f"projector port {options.projector_port} is in use; choose another with "
            "--projector-port"
        )


class ServerWatch:
    """An embedded server that died is started again, on its port, with backoff.

    The services keep running meanwhile: they hold the server's URL and reconnect (the API
    answers 503 on /ready and to writes while PostgreSQL is away; appends go on while NATS
    is away and the relay drains the backlog when it is back). Stopping everything instead
    would turn a crash of one process into an outage of all.
    """

    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.backoff = FIRST_BACKOFF_SECONDS

    def check(self, now: float) -> None:
        server = self.server
        if server.running:
            return
        if self.down_since is None:
            code = server.process.poll() if server.process is not None else None
            log.error(
                "embedded %s stopped unexpectedly (exit code %s); restarting it on port %s; "
                "its log: %s", server.name, code, server.port, server.log_path,
            )  # fmt: skip
            self.down_since, self.retry_at = now, now
            self.backoff = FIRST_BACKOFF_SECONDS
        if now < self.retry_at:
            return
        if server.restart():
            log.warning("embedded %s restarted after %.1fs down", server.name,
                        time.monotonic() - self.down_since)
            self.down_since = None
            return
        log.error("embedded %s did not restart; trying again in %.0fs (log: %s)",
                  server.name, self.backoff, server.log_path)
        self.retry_at = time.monotonic() + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF_SECONDS)


def _supervise(services: Sequence[Service], watches: Sequence[ServerWatch]) -> None:
    for watch in watches:
        watch.check(time.monotonic())
    now = time.monotonic()
    for service in services:
        service.check(now)


def _wait_healthy(
    api_url: str, services: Sequence[Service], watches: Sequence[ServerWatch]
) -> bool:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if _health_ok(api_url):
            return True
        _supervise(services, watches)
        time.sleep(POLL_SECONDS)
    log.warning("the API did not answer %s/health within %.0fs", api_url, HEALTH_TIMEOUT_SECONDS)
    return False


def _health_ok(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def banner(options: UpOptions, servers: Servers, token: str, healthy: bool) -> str:
    state = "govledger is up" if healthy else "govledger started (API not healthy yet)"
    return "\n".join(
        [
            state,
            f"  API:         {options.api_url}",
            f"  OpenAPI:     {options.api_url}/schema",
            f"  projector:   {options.projector_url}",
            f"  database:    {servers.database_url}",
            f"  NATS:        {servers.nats_url}",
            f"  data dir:    {options.data_dir}",
            f"  admin token: {token}",
            "Send it as 'Authorization: Bearer <admin token>' (valid for 24 hours).",
            "Press Ctrl-C to stop.",
        ]
    )

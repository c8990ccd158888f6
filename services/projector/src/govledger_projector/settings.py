"""Projector settings, read once from the environment by the composition root."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from govledger_contracts.config import flag
from govledger_contracts.subjects import DEFAULT_WARD, STREAM_NAME, VIEWS_STREAM_NAME


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    nats_url: str
    data_dir: Path = Path(".govledger")
    ward: str = DEFAULT_WARD
    stream_name: str = STREAM_NAME
    """The ledger's event stream (JetStream sequence = ledger position)."""
    views_stream_name: str = VIEWS_STREAM_NAME
    """Where view-change messages go; never the ledger's event stream."""
    consumer_name: str = "govledger-projector"
    """The durable pull consumer every projector process shares."""
    http_host: str = "127.0.0.1"
    http_port: int = 8001
    batch_size: int = 500
    fetch_timeout: float = 0.5
    """Seconds a pull waits for messages before the loop checks for work to publish."""
    ack_wait_seconds: int = 30
    public_reads: bool = True
    """``False``: the views, reports and lag need a bearer token the ledger issued."""
    jwt_secret: str | None = None
    """The ledger's token signing key; when unset, the one in ``data_dir`` (as the ledger)."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"GOVLEDGER_{name}")
    return value if value not in (None, "") else default


def settings_from_env(**overrides: object) -> Settings:
    """``GOVLEDGER_*`` variables; the HTTP port is ``GOVLEDGER_PROJECTOR_HTTP_PORT`` (the
    launcher gives ``GOVLEDGER_HTTP_PORT`` to the ledger's API)."""
    values: dict[str, object] = {
        "database_url": _env("DATABASE_URL"),
        "nats_url": _env("NATS_URL"),
        "data_dir": Path(_env("DATA_DIR", ".govledger") or ".govledger"),
        "ward": _env("WARD", DEFAULT_WARD),
        "stream_name": _env("STREAM_NAME", STREAM_NAME),
        "views_stream_name": _env("VIEWS_STREAM_NAME", VIEWS_STREAM_NAME),
        "consumer_name": _env("PROJECTOR_CONSUMER", "govledger-projector"),
        "http_host": _env("HTTP_HOST", "127.0.0.1"),
        "http_port": int(_env("PROJECTOR_HTTP_PORT", "8001") or 8001),
        "batch_size": int(_env("PROJECTOR_BATCH_SIZE", "500") or 500),
        "public_reads": flag("GOVLEDGER_PUBLIC_READS", _env("PUBLIC_READS"), default=True),
        "jwt_secret": _env("JWT_SECRET"),
    }
    values.update(overrides)
    if not values["database_url"] or not values["nats_url"]:
        raise ValueError("GOVLEDGER_DATABASE_URL and GOVLEDGER_NATS_URL must be set")
    return msgspec.convert(values, Settings, strict=False)

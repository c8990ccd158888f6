"""Ledger settings, read once from the environment by the composition root."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

import msgspec

from govledger_contracts.config import flag
from govledger_contracts.subjects import DEFAULT_WARD, STREAM_NAME
from govledger_ledger.ports import DEFAULT_MAX_EVENT_BYTES

KIB = 1024
NATS_MAX_PAYLOAD = 1024 * KIB
"""NATS's default ``max_payload``: the largest message the relay may publish."""
MAX_EVENT_BYTES_CEILING = NATS_MAX_PAYLOAD - 64 * KIB
"""Room under ``max_payload`` for what a published envelope adds to its canonical encoding
(the two hashes) and for the message's headers, so every recorded event can be published."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    nats_url: str
    data_dir: Path = Path(".govledger")
    ward: str = DEFAULT_WARD
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    stream_name: str = STREAM_NAME
    duplicate_window_seconds: int = 120
    """JetStream's de-duplication window for ``Nats-Msg-Id``."""
    jwt_secret: str | None = None
    """HS256 signing key; when unset, a key is generated into ``data_dir`` on first start."""
    public_reads: bool = True
    """Reads of the public log need no token unless this is false."""
    voter_secret: str | None = None
    """HMAC key for voter pseudonyms; generated into ``data_dir`` when unset."""
    checkpoint_every_events: int = 1000
    """Sign a Merkle checkpoint after this many new events..."""
    checkpoint_every_seconds: float = 10.0
    """...or after this many seconds, if any event arrived since the last one."""
    checkpoint_key: str | None = None
    """Ed25519 checkpoint signer (``PRIVATE+KEY+govledger.<ward>+...``); else generated into
    ``data_dir/checkpoint.key``."""
    max_request_bytes: Annotated[int, msgspec.Meta(ge=1)] = 512 * KIB
    """A request body larger than this is refused (413) before it is read in full."""
    max_event_bytes: Annotated[int, msgspec.Meta(ge=KIB, le=MAX_EVENT_BYTES_CEILING)] = (
        DEFAULT_MAX_EVENT_BYTES)
    """An event whose canonical encoding is larger than this is refused (413), so the relay
    can always publish it within NATS's ``max_payload``."""


_FIELD = re.compile(r"`\$\.(\w+)`")
"""Where msgspec says a value failed: ``… - at `$.max_event_bytes```."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"GOVLEDGER_{name}")
    return value if value not in (None, "") else default


def settings_from_env(**overrides: object) -> Settings:
    """Build settings from ``GOVLEDGER_*`` variables; keyword overrides win."""
    values: dict[str, object] = {
        "database_url": _env("DATABASE_URL"),
        "nats_url": _env("NATS_URL"),
        "data_dir": Path(_env("DATA_DIR", ".govledger") or ".govledger"),
        "ward": _env("WARD", DEFAULT_WARD),
        "http_host": _env("HTTP_HOST", "127.0.0.1"),
        "http_port": int(_env("HTTP_PORT", "8000") or 8000),
        "stream_name": _env("STREAM_NAME", STREAM_NAME),
        "duplicate_window_seconds": int(_env("DUPLICATE_WINDOW_SECONDS", "120") or 120),
        "jwt_secret": _env("JWT_SECRET"),
        "public_reads": flag("GOVLEDGER_PUBLIC_READS", _env("PUBLIC_READS"), default=True),
        "voter_secret": _env("VOTER_SECRET"),
        "checkpoint_every_events": int(_env("CHECKPOINT_EVERY_EVENTS", "1000") or 1000),
        "checkpoint_every_seconds": float(_env("CHECKPOINT_EVERY_SECONDS", "10") or 10),
        "checkpoint_key": _env("CHECKPOINT_KEY"),
        "max_request_bytes": int(_env("MAX_REQUEST_BYTES", str(512 * KIB)) or 0),
        "max_event_bytes": int(_env("MAX_EVENT_BYTES", str(DEFAULT_MAX_EVENT_BYTES)) or 0),
    }
    values.update(overrides)
    if not values["database_url"] or not values["nats_url"]:
        raise ValueError("GOVLEDGER_DATABASE_URL and GOVLEDGER_NATS_URL must be set")
    try:
        return msgspec.convert(values, Settings, strict=False)
    except msgspec.ValidationError as exc:  # name the variable the operator set, not the field
        raise ValueError(_FIELD.sub(lambda m: f"GOVLEDGER_{m[1].upper()}", str(exc))) from None

"""The ward's voter-pseudonym key (HMAC), from settings or generated into the data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from govledger_ledger.settings import Settings

VOTER_KEY_FILE = "voter.key"


def _create_once(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("utf-8").strip()
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def load_or_create_voter_key(settings: Settings) -> bytes:
    if settings.voter_secret:
        return settings.voter_secret.encode("utf-8")
    path = settings.data_dir / VOTER_KEY_FILE
    text = path.read_text("utf-8").strip() if path.exists() else _create_once(path)
    return text.encode("utf-8")

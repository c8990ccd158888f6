"""What the ledger's bearer tokens are, for every process that checks one: the issuer, the
roles, and the signing key one installation shares.

The ledger issues the tokens and checks them on writes (and on reads unless they are public);
the projector checks them on reads when ``GOVLEDGER_PUBLIC_READS=false``. Both read the key
from here so that they agree on it: from settings, or generated into the data folder on first
use (``jwt.key``, mode 0600). No JWT library here: each service verifies with its own.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ISSUER = "govledger"
KEY_FILE = "jwt.key"
ROLES = frozenset({
    "secretariat", "council_chair", "department_officer", "working_group", "vote_gateway",
    "auditor", "admin", "resident",
})


def load_or_create_key(data_dir: Path, jwt_secret: str | None) -> str:
    """The configured secret, else the one in ``data_dir``, created on first use."""
    if jwt_secret:
        return jwt_secret
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text("utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, one creates the key and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key

"""NATS subject names. See docs/adr/0003.

Events:      ``govledger.<ward>.<family>.<event_type>``
Views:       ``govledger.<ward>.views.<model>``
Checkpoints: ``govledger.<ward>.checkpoints``
"""

from __future__ import annotations

import re

DEFAULT_WARD = "seongdong"
STREAM_NAME = "GOVLEDGER"
VIEWS_STREAM_NAME = "GOVLEDGER_VIEWS"
CHECKPOINTS_STREAM_NAME = "GOVLEDGER_CHECKPOINTS"
FAMILIES = ("appointment", "proposal", "merge", "vote", "mou", "evaluation", "council")

_TOKEN = re.compile(r"^[a-z0-9_-]+$")


def check_token(token: str) -> str:
    """A subject token: lowercase letters, digits, ``_`` and ``-``; no dots or wildcards."""
    if not _TOKEN.match(token):
        raise ValueError(f"not a valid subject token: {token!r}")
    return token


def event_subject(ward: str, family: str, event_type: str) -> str:
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    return f"govledger.{check_token(ward)}.{family}.{check_token(event_type)}"


def event_stream_subjects(ward: str = "*") -> list[str]:
    """The ``GOVLEDGER`` stream's subjects: one per family, so views and checkpoints never
    land in the event stream (a stream on ``govledger.>`` would capture them too)."""
    prefix = "govledger.*" if ward == "*" else f"govledger.{check_token(ward)}"
    return [f"{prefix}.{family}.*" for family in FAMILIES]


def view_subject(ward: str, model: str) -> str:
    return f"govledger.{check_token(ward)}.views.{check_token(model)}"


def checkpoint_subject(ward: str) -> str:
    return f"govledger.{check_token(ward)}.checkpoints"

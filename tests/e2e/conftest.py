"""Fixtures for driving the running system as a user does."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data directory of its own for one ``govledger up``, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="govledger-e2e-"))
    yield root / "data"
    shutil.rmtree(root, ignore_errors=True)

"""Bearer tokens: signed, role-bearing, cached only while valid."""

import time
from pathlib import Path

import pytest

from govledger_ledger.auth import AuthError, TokenCache, issue_token, load_or_create_key


def test_a_cached_token_is_refused_once_it_expires(tmp_path: Path) -> None:
    token = issue_token(tmp_path, None, subject="kim", role="secretariat", ttl_seconds=1)
    cache = TokenCache(load_or_create_key(tmp_path, None))
    assert cache.verify(token, time.time()).subject == "kim"
    time.sleep(1.1)
    with pytest.raises(AuthError):
        cache.verify(token, time.time())


def test_a_token_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    token = issue_token(tmp_path / "other", None, subject="kim", role="admin")
    with pytest.raises(AuthError):
        TokenCache(load_or_create_key(tmp_path, None)).verify(token, time.time())


def test_an_unknown_role_cannot_be_issued(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        issue_token(tmp_path, None, subject="kim", role="mayor")

"""Who may write is settled before what is written: 401 and 403 come before any word about
the body, and each says, in Korean and English, why."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import jwt
import msgspec
from litestar.testing import AsyncTestClient

from govledger_contracts.commands import ProposeAgenda
from govledger_ledger.auth import issue_token, load_or_create_key
from govledger_ledger.domain import HANDLERS
from govledger_ledger.http.app import create_app
from govledger_ledger.settings import Settings

Client = AsyncTestClient  # type: ignore[type-arg]
Headers = Callable[..., dict[str, str]]
PROPOSE = HANDLERS[ProposeAgenda]
BODIES = [b"{not json", b'{"agenda_id": 7}', b"[]", b""]
"""Not JSON, the wrong shape, not an object, nothing: each a 400 or 422 for a caller who may
write, and none of the business of one who may not."""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refused_tokens(settings: Settings, tmp_path: Path) -> dict[str, dict[str, str]]:
    """Authorization headers, by the reason each is refused."""
    key = load_or_create_key(settings.data_dir, settings.jwt_secret)
    now = dt.datetime.now(dt.UTC)
    stranger = {"iss": "someone-else", "sub": "kim", "role": "admin", "iat": now,
                "exp": now + dt.timedelta(hours=1)}
    return {
        "token_missing": {},
        "token_malformed": bearer("not.a.token"),
        "token_expired": bearer(issue_token(settings.data_dir, None, subject="kim",
                                            role="admin", ttl_seconds=-60)),
        "token_bad_signature": bearer(issue_token(tmp_path / "another-ledger", None,
                                                  subject="kim", role="admin")),
        "token_invalid": bearer(jwt.encode(stranger, key, algorithm="HS256")),
    }


def assert_korean_then_english(text: str) -> None:
    korean, _, english = text.partition(" / ")
    assert re.search(r"[가-힣]", korean), text
    assert english and not re.search(r"[가-힣]", english), text


async def test_a_caller_who_may_not_write_hears_401_whatever_the_body(
    client: Client, ledger_settings: Settings, tmp_path: Path,
) -> None:
    for reason, headers in refused_tokens(ledger_settings, tmp_path).items():
        for body in BODIES:
            response = await client.post(PROPOSE.path, content=body, headers=headers)
            assert response.status_code == 401, (reason, body, response.text)
            problem = response.json()
            assert (problem["code"], problem["reason"]) == ("auth.unauthenticated", reason)
            assert response.headers["www-authenticate"].startswith('Bearer realm="govledger"')


async def test_each_refused_token_is_explained_in_its_own_words_never_the_librarys(
    client: Client, ledger_settings: Settings, tmp_path: Path,
) -> None:
    details = {}
    for reason, headers in refused_tokens(ledger_settings, tmp_path).items():
        problem = (await client.post(PROPOSE.path, json={}, headers=headers)).json()
        assert_korean_then_english(problem["detail"])
        assert problem["detail"] == f"{problem['message_ko']} / {problem['message_en']}"
        details[reason] = problem["detail"]
    assert len(set(details.values())) == len(details), details
    for library_words in ("Signature has expired", "Signature verification failed",
                          "Not enough segments", "Invalid issuer", "Invalid header padding"):
        assert not any(library_words in d for d in details.values()), details


async def test_a_role_that_may_not_give_the_command_hears_403_whatever_the_body(
    client: Client, token: Headers,
) -> None:
    for body in BODIES:
        response = await client.post(PROPOSE.path, content=body, headers=token("auditor"))
        assert response.status_code == 403, (body, response.text)
        assert response.json()["code"] == "auth.role_forbidden"


async def test_a_403_names_the_role_and_the_command_in_korean_and_english(
    client: Client, token: Headers,
) -> None:
    problem = (await client.post(PROPOSE.path, json={},
                                 headers=token("vote_gateway"))).json()
    assert (problem["role"], problem["command"]) == ("vote_gateway", "ProposeAgenda")
    assert_korean_then_english(problem["detail"])
    assert "투표 게이트웨이" in problem["message_ko"]
    assert "의제 제안" in problem["message_ko"] and "ProposeAgenda" in problem["message_ko"]
    assert "vote gateway" in problem["message_en"]
    assert "ProposeAgenda" in problem["message_en"]
    assert "Propose an agenda" in problem["message_en"]


async def test_a_caller_who_may_write_still_hears_what_is_wrong_with_the_body(
    client: Client, token: Headers,
) -> None:
    broken = await client.post(PROPOSE.path, content=b"{not json", headers=token())
    assert broken.status_code == 400
    wrong = await client.post(PROPOSE.path, content=b'{"agenda_id": 7}', headers=token())
    assert wrong.status_code == 422


async def test_a_caller_without_a_token_hears_401_before_any_word_about_the_query(
    ledger_settings: Settings,
) -> None:
    """Closed reads and every command: an unknown parameter is nobody's business but a
    caller's who may ask; the 422 naming the parameters a route takes comes after the 401."""
    closed = msgspec.structs.replace(ledger_settings, public_reads=False)
    async with AsyncTestClient(create_app(closed)) as client:
        for response in (await client.get("/v1/events?bogus=1"),
                         await client.get("/v1/streams/council?as_off=3"),
                         await client.post(f"{PROPOSE.path}?bogus=1", content=b"{}")):
            assert response.status_code == 401, response.text
            assert response.json()["code"] == "auth.unauthenticated"
        admin = bearer(issue_token(closed.data_dir, closed.jwt_secret, subject="kim",
                                   role="auditor"))
        allowed = await client.get("/v1/events?bogus=1", headers=admin)
        assert allowed.status_code == 422 and allowed.json()["field"] == "bogus"
    async with AsyncTestClient(create_app(ledger_settings)) as client:  # reads open
        assert (await client.get("/v1/events?bogus=1")).status_code == 422

"""Input limits: a body too large to read, an event too large to publish, a body that is no
command at all. Each is a problem a client can act on, and none writes anything."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest

from govledger_ledger.settings import Settings
from tests.integration.ledger.test_http import (
    PROPOSE,
    Client,
    Headers,
    assert_korean_first,
    head,
    proposal,
)

KIB = 1024


def oversized_body(size: int) -> bytes:
    """A well-formed proposal of at least ``size`` bytes."""
    return json.dumps(proposal("a-1", summary="x" * size)).encode()


def assert_too_large(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413, response.text
    problem = response.json()
    assert (problem["code"], problem["max_bytes"]) == ("request.too_large", limit)
    assert f"{limit}" in problem["message_ko"] and f"{limit} bytes" in problem["message_en"]
    assert_korean_first(problem["title"])
    assert_korean_first(problem["detail"])


async def log_head(base_url: str) -> int:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        return int((await http.get("/v1/events?limit=1")).json()["head_position"])


async def test_a_body_over_the_limit_is_a_413_naming_the_limit_and_writes_nothing(
    client: Client, token: Headers, ledger_settings: Settings,
) -> None:
    limit = ledger_settings.max_request_bytes
    assert limit == 512 * KIB  # GOVLEDGER_MAX_REQUEST_BYTES's default
    response = await client.post(PROPOSE.path, content=oversized_body(limit + 1),
                                 headers={**token(), "Content-Type": "application/json"})
    assert_too_large(response, limit)
    assert await head(client) == 0


async def test_an_announced_length_over_the_limit_is_refused_before_the_body_is_sent(
    live_server: str, token: Headers, ledger_settings: Settings,
) -> None:
    """The answer comes after the headers alone: the server does not wait for the body."""
    url = urlsplit(live_server)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    lines = [f"POST {PROPOSE.path} HTTP/1.1", f"Host: {url.netloc}",
             f"Authorization: {token()['Authorization']}", "Content-Type: application/json",
             f"Content-Length: {ledger_settings.max_request_bytes + 1}", "", ""]
    writer.write("\r\n".join(lines).encode() + b'{"reason": ')
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status_line.split()[1] == b"413", status_line
    assert await log_head(live_server) == 0


async def test_a_chunked_body_without_content_length_is_capped_too(
    live_server: str, token: Headers, ledger_settings: Settings,
) -> None:
    limit = ledger_settings.max_request_bytes
    body = oversized_body(2 * limit)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16 * KIB):
            yield body[start:start + 16 * KIB]

    async with httpx.AsyncClient(base_url=live_server, timeout=20) as http:
        request = http.build_request("POST", PROPOSE.path, content=chunks(),
                                     headers={**token(), "Content-Type": "application/json"})
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        response = await http.send(request)
    assert_too_large(response, limit)
    assert await log_head(live_server) == 0


async def test_a_chunked_body_within_the_limit_is_recorded(
    live_server: str, token: Headers,
) -> None:
    body = json.dumps(proposal("a-1")).encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield body[:10]
        yield body[10:]

    async with httpx.AsyncClient(base_url=live_server, timeout=20) as http:
        response = await http.post(PROPOSE.path, content=chunks(),
                                   headers={**token(), "Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    assert await log_head(live_server) == 1


async def test_an_event_over_the_limit_is_a_413_and_writes_nothing(
    client: Client, token: Headers, ledger_settings: Settings,
) -> None:
    """A body within the request limit whose event would not be: 300 KB of Korean text."""
    limit = ledger_settings.max_event_bytes
    assert limit == 256 * KIB  # GOVLEDGER_MAX_EVENT_BYTES's default
    body = json.dumps(proposal("a-1", summary="가" * 100_000), ensure_ascii=False).encode()
    assert limit < len(body) < ledger_settings.max_request_bytes
    response = await client.post(PROPOSE.path, content=body,
                                 headers={**token(), "Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    problem = response.json()
    assert (problem["code"], problem["max_bytes"]) == ("event.too_large", limit)
    assert f"{limit} bytes" in problem["message_en"]
    assert_korean_first(problem["detail"])
    assert await head(client) == 0


async def test_an_event_just_within_the_limit_is_recorded(
    client: Client, token: Headers,
) -> None:
    response = await client.post(PROPOSE.path, headers=token(),
                                 json=proposal("a-1", summary="x" * 255 * KIB))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("body", [b"", b"  \r\n"], ids=["empty", "whitespace"])
@pytest.mark.parametrize("content_type", [None, "application/json"])
async def test_an_empty_body_is_a_400_malformed_json_and_writes_nothing(
    client: Client, token: Headers, body: bytes, content_type: str | None,
) -> None:
    headers = token() if content_type is None else {**token(), "Content-Type": content_type}
    response = await client.post(PROPOSE.path, content=body, headers=headers)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["code"] == "request.malformed_json"
    assert "empty" in problem["message_en"]
    assert_korean_first(problem["title"])
    assert_korean_first(problem["detail"])
    assert await head(client) == 0


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"null", b"7"])
async def test_a_body_that_is_json_but_not_an_object_is_a_422_about_the_whole_body(
    client: Client, token: Headers, body: bytes,
) -> None:
    response = await client.post(PROPOSE.path, content=body,
                                 headers={**token(), "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "request.invalid"
    assert "field" in problem and problem["field"] is None  # the body itself, not a field in it
    assert problem["message_en"] == "The request body must be an object."
    assert problem["message_ko"] == "요청 본문은 JSON 객체여야 합니다."
    assert await head(client) == 0

"""What the projector's query API takes, and whom it answers: a query parameter no endpoint
takes is a 422 (as on the ledger), and closed reads need the ledger's bearer token."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import jwt
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from govledger_contracts.tokens import ISSUER, load_or_create_key
from govledger_projector.http.app import create_app
from govledger_projector.settings import Settings

Client = AsyncTestClient  # type: ignore[type-arg]
CLOSED_READS = {"/v1/views/agendas": 200, "/v1/views/agendas/summary": 200,
                "/v1/views/agendas/a-1": 404, "/v1/reports/2023": 200,
                "/v1/reports/2023/council.csv": 200, "/lag": 200}
"""Each closed read, and what it answers one who may read it (``a-1`` was never proposed)."""


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings, run_consumer=False)) as test_client:
        yield test_client


@pytest.fixture
async def closed(settings: Settings) -> AsyncIterator[Client]:
    """The projector with ``GOVLEDGER_PUBLIC_READS=false``."""
    app = create_app(msgspec.structs.replace(settings, public_reads=False), run_consumer=False)
    async with AsyncTestClient(app) as test_client:
        yield test_client


def bearer(settings: Settings, *, role: str = "auditor", key: str | None = None,
           expires_in: int = 3600) -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    claims = {"iss": ISSUER, "sub": "kim", "role": role, "iat": now,
              "exp": now + dt.timedelta(seconds=expires_in)}
    signing = key or load_or_create_key(settings.data_dir, settings.jwt_secret)
    return {"Authorization": f"Bearer {jwt.encode(claims, signing, algorithm='HS256')}"}


@pytest.mark.parametrize(("path", "takes"), [
    ("/v1/views/agendas/summary?as_of=3", "as_of_position"),
    ("/v1/views/agendas/a-1?as_of=3", "as_of_position"),
    ("/v1/views/agendas/a-1/provenance?depth=2", None),
    ("/v1/reports/2023?language=en", "lang"),
    ("/v1/reports/2023/council.csv?lang=en", None),
    ("/lag?verbose=1", None),
    ("/health?x=1", None),
])
async def test_a_query_parameter_the_endpoint_does_not_take_is_a_422_naming_it(
    client: Client, path: str, takes: str | None,
) -> None:
    response = await client.get(path)
    assert response.status_code == 422, response.text
    problem = response.json()
    unknown = path.split("?")[1].split("=")[0]
    assert (problem["code"], problem["field"]) == ("request.invalid", unknown)
    assert [(e["key"], e["source"]) for e in problem["errors"]] == [(unknown, "query")]
    assert (takes or "takes no query parameters") in problem["message_en"]


async def test_a_view_list_still_takes_any_field_of_its_model_as_a_filter(
    client: Client,
) -> None:
    listed = await client.get("/v1/views/agendas?year=2023&closed=&limit=5")
    assert listed.status_code == 200, listed.text
    unknown = await client.get("/v1/views/agendas?colour=blue")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "view.filter_unknown")


async def test_reads_are_open_by_default(client: Client) -> None:
    for path, status in CLOSED_READS.items():
        assert (await client.get(path)).status_code == status, path


async def test_closed_reads_refuse_a_caller_without_a_valid_token_before_the_query(
    closed: Client, settings: Settings, tmp_path: Path,
) -> None:
    refused = {
        "token_missing": {},
        "token_malformed": {"Authorization": "Bearer not.a.token"},
        "token_expired": bearer(settings, expires_in=-60),
        "token_bad_signature": bearer(settings, key="another ledger's key, long enough for HS256"),
        "token_invalid": bearer(settings, role="mayor"),
    }
    for path in [*CLOSED_READS, "/v1/views/agendas/summary?bogus=1"]:
        for reason, headers in refused.items():
            response = await closed.get(path, headers=headers)
            assert response.status_code == 401, (path, reason, response.text)
            problem = response.json()
            assert (problem["code"], problem["reason"]) == ("auth.unauthenticated", reason)
            assert problem["message_ko"] and problem["message_en"]
            assert response.headers["www-authenticate"].startswith("Bearer")


async def test_closed_reads_answer_a_token_the_ledger_issued(
    closed: Client, settings: Settings,
) -> None:
    for path, status in CLOSED_READS.items():
        response = await closed.get(path, headers=bearer(settings))
        assert response.status_code == status, (path, response.text)


async def test_closed_reads_keep_health_readiness_and_the_schema_open(closed: Client) -> None:
    for path in ("/health", "/ready", "/schema/openapi.json"):
        assert (await closed.get(path)).status_code == 200, path


async def test_closed_reads_document_their_401_on_every_closed_route(closed: Client) -> None:
    spec = (await closed.get("/schema/openapi.json")).json()
    for path, item in spec["paths"].items():
        documented = set(item["get"]["responses"])
        assert ("401" in documented) == (path not in ("/health", "/ready")), path


async def test_a_method_a_path_does_not_take_is_a_405_problem_with_allow(client: Client) -> None:
    """The same code as the ledger's (http.405), and the Allow header HTTP requires."""
    response = await client.post("/v1/views/members")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "http.405"
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("path", [
    "/v1/views/agendas?seated_on=2022-01-01", "/v1/views/agendas?expiring_within_days=30",
    "/v1/views/members?domain=welfare", "/v1/views/votes?seated_on=2022-01-01",
])
async def test_a_parameter_of_another_model_is_refused_not_answered_with_nothing(
    client: Client, path: str,
) -> None:
    response = await client.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "view.filter_unknown"
    assert response.json()["field"] == path.split("?")[1].split("=")[0]

"""The ledger's OpenAPI document: the problems each route answers, named as the ledger sends
them, and an example for every command."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from litestar.testing import AsyncTestClient

from govledger_contracts.commands import ProposeAgenda
from govledger_contracts.problems import MEDIA_TYPE
from govledger_ledger.domain import HANDLERS

Client = AsyncTestClient  # type: ignore[type-arg]
Headers = Callable[..., dict[str, str]]
Spec = dict[str, Any]
PROPOSE = HANDLERS[ProposeAgenda]
PROBLEM = "#/components/schemas/Problem"
UUID = "01890a5d-ac96-774b-bcce-b302099a8057"


def operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def problems(operation: dict[str, Any]) -> dict[int, str | None]:
    """The operation's problem responses: status → the $ref of its schema."""
    return {int(status): response["content"][MEDIA_TYPE]["schema"].get("$ref")
            for status, response in operation["responses"].items()
            if MEDIA_TYPE in response.get("content", {})}


def proposal(agenda_id: str, **changes: Any) -> dict[str, Any]:
    return {"reason": "주민 제안 / resident proposal", "agenda_id": agenda_id, "title": "돌봄",
            "summary": "", "channel": "online", "domains": ["welfare"], "year": 2023, **changes}


async def real_problems(client: Client, token: Headers) -> list[tuple[str, httpx.Response]]:
    """Problems the ledger really answers, with the documented path each came from."""
    first = await client.post(PROPOSE.path, json=proposal("a-1", expected_version="no_stream"),
                              headers=token())
    assert first.status_code == 201, first.text
    sent = [
        (PROPOSE.path, await client.post(PROPOSE.path, json=proposal("a-1", year="next"),
                                         headers=token())),
        (PROPOSE.path, await client.post(PROPOSE.path, content=b"{not json", headers=token())),
        (PROPOSE.path, await client.post(PROPOSE.path, json=proposal("a-2"))),
        (PROPOSE.path, await client.post(PROPOSE.path, json=proposal("a-2"),
                                         headers=token("auditor"))),
        (PROPOSE.path, await client.post(PROPOSE.path, json=proposal("a-1"), headers=token())),
        (PROPOSE.path, await client.post(PROPOSE.path, headers=token(),
                                         json=proposal("a-3", expected_version=3))),
        ("/v1/events/{event_id}", await client.get(f"/v1/events/{UUID}")),
        ("/v1/events/{event_id}", await client.get("/v1/events/not-a-uuid")),
        ("/v1/streams/{stream_id}", await client.get("/v1/streams/agenda-a-1?as_of=99")),
        ("/v1/events", await client.get("/v1/events?limit=0&bogus=1")),
        (PROPOSE.path, await client.post(PROPOSE.path, headers=token(),
                                         json=proposal("a-4", summary="x" * 300_000))),
        (PROPOSE.path, await client.post(PROPOSE.path, headers=token(),
                                         json=proposal("a-5", summary="x" * 600_000))),
    ]
    statuses = sorted(response.status_code for _, response in sent)
    assert statuses == [400, 401, 403, 404, 409, 409, 413, 413, 422, 422, 422, 422], statuses
    return sent


async def test_the_openapi_document_names_the_problems_each_route_answers(
    client: Client, token: Headers,
) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    commands = reads_with_a_path = 0
    for path, method, operation in operations(spec):
        answered = problems(operation)
        failures = {int(s) for s in operation["responses"] if int(s) >= 400}
        if path in ("/health", "/ready"):
            assert not answered, path
            continue
        # Every failure a route documents is a problem, with the Problem schema and words.
        assert failures == set(answered), (method, path)
        assert set(answered.values()) == {PROBLEM}, (method, path)
        assert all(operation["responses"][str(s)]["description"] for s in answered)
        if method == "POST":
            assert {400, 401, 403, 409, 413, 422, 503} <= set(answered), (path, answered)
            commands += 1
        if method == "GET" and "{" in path:
            assert 404 in answered, path
            reads_with_a_path += 1
        if method == "GET":
            assert 422 in answered, path
    assert (commands, reads_with_a_path) == (len(HANDLERS), 4)
    assert spec["paths"]["/ready"]["get"]["responses"]["503"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/Health"}

    schemas = spec["components"]["schemas"]
    members, field_members = set(schemas["Problem"]["properties"]), set(
        schemas["FieldError"]["properties"])
    sent: set[str] = set()
    sent_of_fields: set[str] = set()
    for path, response in await real_problems(client, token):
        body = response.json()
        assert response.headers["content-type"].startswith(MEDIA_TYPE), response.text
        assert set(schemas["Problem"]["required"]) <= set(body) <= members, body
        for error in body.get("errors", ()):
            assert set(error) <= field_members, error
            sent_of_fields |= set(error)
        method = response.request.method.lower()
        assert response.status_code in problems(spec["paths"][path][method]), (path, body)
        sent |= set(body)
    # ...and the schema names no member the ledger does not send.
    assert (sent, sent_of_fields) == (members, field_members)


def inline_objects(node: Any, where: str) -> Iterator[str]:
    """Where an object schema with its own properties stands outside the components."""
    if isinstance(node, dict):
        if "properties" in node and not where.startswith("components/schemas/"):
            yield where
        for key, value in node.items():
            yield from inline_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from inline_objects(value, f"{where}/{index}")


async def test_every_schema_in_the_openapi_document_is_named(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    assert list(inline_objects(spec["paths"], "paths")) == []
    schemas = spec["components"]["schemas"]
    # A generated name (a module path, a "_" joined pair) means two types fought over one.
    assert [n for n in schemas if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", n)] == []
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', str(spec).replace("'", '"')))
    assert refs <= set(schemas)


async def test_every_command_documents_an_example_of_its_body(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    for handler in HANDLERS.values():
        body = spec["paths"][handler.path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"]["examples"] == [handler.example], handler.path


async def test_the_signed_notes_are_documented_as_the_text_they_are(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    for path in ("/v1/checkpoint", "/v1/checkpoints/{size}", "/v1/key"):
        assert list(spec["paths"][path]["get"]["responses"]["200"]["content"]) == [
            "text/plain"], path
    assert (await client.get("/v1/key")).headers["content-type"].startswith("text/plain")

"""The ledger's HTTP API as a client meets it: commands, errors, idempotency, reads, SSE."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from govledger_contracts.commands import ProposeAgenda
from govledger_ledger.domain import HANDLERS

Client = AsyncTestClient  # type: ignore[type-arg]
Headers = Callable[..., dict[str, str]]
PROPOSE = HANDLERS[ProposeAgenda]
BIG = "99999999999999999999"
"""More than a 64-bit integer: PostgreSQL's bigint cannot hold it."""
UUID = "01890a5d-ac96-774b-bcce-b302099a8057"


def proposal(agenda_id: str, **changes: Any) -> dict[str, Any]:
    body = {"reason": "주민 제안 / resident proposal", "agenda_id": agenda_id,
            "title": "어르신 돌봄 공동체", "summary": "", "channel": "online",
            "domains": ["welfare"], "year": 2023}
    return {**body, **changes}


async def head(client: Client) -> int:
    return int((await client.get("/v1/events?limit=1")).json()["head_position"])


async def test_a_command_records_an_event_whose_actor_comes_from_the_token(
    client: Client, token: Headers,
) -> None:
    response = await client.post(PROPOSE.path, json=proposal("a-1"),
                                 headers=token("secretariat", "kim"))
    assert response.status_code == 201, response.text
    [event] = response.json()["events"]
    assert event["actor"] == {"id": "kim", "role": "secretariat"}
    assert event["position"] == 1
    assert event["type"] == "agenda_proposed"
    assert event["prev_hash"] == "00" * 32


async def test_a_body_that_claims_an_actor_is_refused_and_writes_nothing(
    client: Client, token: Headers,
) -> None:
    body = {**proposal("a-1"), "actor": {"id": "mayor", "role": "admin"}}
    response = await client.post(PROPOSE.path, json=body, headers=token())
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await head(client) == 0


async def test_bad_input_gets_a_problem_naming_the_field_and_writes_nothing(
    client: Client, token: Headers,
) -> None:
    response = await client.post(PROPOSE.path, json=proposal("a-1", year="next"),
                                 headers=token())
    problem = response.json()
    assert response.status_code == 422
    assert problem["status"] == 422
    assert problem["field"] == "year"
    assert await head(client) == 0
    broken = await client.post(PROPOSE.path, content=b"{not json", headers=token())
    assert broken.status_code == 400
    assert broken.json()["code"] == "request.malformed_json"
    assert_korean_first(broken.json()["detail"])
    assert await head(client) == 0


@pytest.mark.parametrize(("field", "value", "korean"), [
    ("year", "2025", "'year'은(는) 정수여야 합니다."),
    ("year", 2025.0, "'year'은(는) 정수여야 합니다."),
    ("domains", "복지", None),
    ("title", 7, None),
])
async def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(
    client: Client, token: Headers, field: str, value: object, korean: str | None,
) -> None:
    """A record keeps what was sent: "2025" is not the year 2025, nor 2025.0."""
    response = await client.post(PROPOSE.path, json=proposal("a-1", **{field: value}),
                                 headers=token())
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["field"] == field
    assert problem["errors"][0]["source"] == "body"
    if korean is not None:
        assert problem["message_ko"] == korean
    assert_korean_first(problem["detail"])
    assert await head(client) == 0


async def test_a_field_given_twice_is_refused_not_resolved_by_the_parser(
    client: Client, token: Headers,
) -> None:
    """RFC 7493: which of two values a reader keeps is not for the ledger to guess."""
    body = (b'{"reason": "r", "agenda_id": "a-1", "agenda_id": "a-2", "title": "t",'
            b' "channel": "online", "domains": ["welfare"], "year": 2023}')
    response = await client.post(PROPOSE.path, content=body,
                                 headers={**token(), "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["field"] == "agenda_id"
    assert problem["message_ko"] == "항목 'agenda_id'이(가) 두 번 이상 있습니다."
    assert await head(client) == 0


def assert_korean_first(text: str) -> None:
    """Text residents read: Korean, then ' / ', then the English."""
    korean, _, english = text.partition(" / ")
    assert re.search(r"[가-힣]", korean), text
    assert english and not re.search(r"[가-힣]", english), text


FIELDS_AS_SENT = [
    ("/v1/aggregates/council?occurred_by=abc", "occurred_by"),
    ("/v1/proofs/consistency?from=-1", "from"),
    ("/v1/proofs/consistency?from=1&to=0", "to"),
    ("/v1/proofs/inclusion", "event_id"),
    ("/v1/proofs/inclusion?event_id=x", "event_id"),
    ("/v1/streams/x?as_of=yesterday", "as_of"),
    ("/v1/events?limit=0", "limit"),
    ("/v1/events?after=abc", "after"),
]


@pytest.mark.parametrize(("path", "field"), FIELDS_AS_SENT)
async def test_a_bad_parameter_is_a_problem_naming_it_as_the_client_sent_it(
    client: Client, path: str, field: str,
) -> None:
    response = await client.get(path)
    problem = response.json()
    assert response.status_code == 422, response.text
    assert (problem["code"], problem["field"]) == ("request.invalid", field)
    assert [e["key"] for e in problem["errors"]] == [field]
    assert_korean_first(problem["detail"])
    assert problem["message_ko"] and problem["message_en"]
    assert all(e.get("source", "query") == "query" for e in problem["errors"])


MISSPELT = [
    ("/v1/aggregates/council?as_off=5", "as_off", "as_of, occurred_by"),
    ("/v1/events?afterr=6000&limit=2", "afterr", "after, limit"),
    (f"/v1/proofs/inclusion?event_id={UUID}&treesize=5", "treesize", "event_id, tree_size"),
    ("/v1/streams/council?occurred_by=2022-01-18T23:59:59Z", "occurred_by", "as_of"),
    ("/v1/proofs/consistency?from_size=3", "from_size", "from, to"),
    ("/v1/events/live?last_event_id=3", "last_event_id", "after"),
]


async def refused(client: Client, url: str, method: str = "GET",
                  headers: dict[str, str] | None = None) -> httpx.Response:
    """The answer to a request that should be refused. The app is told it is shutting down
    first, so that /v1/events/live, if it took the query, ends at once (an empty stream)
    instead of following the log forever."""
    client.app.state.draining.set()
    return await client.request(method, url, headers=headers)


@pytest.mark.parametrize(("path", "field", "takes"), MISSPELT)
async def test_a_query_parameter_the_endpoint_does_not_take_is_refused_naming_it(
    client: Client, token: Headers, path: str, field: str, takes: str,
) -> None:
    await client.post(PROPOSE.path, json=proposal("a-1"), headers=token())
    response = await refused(client, path)
    problem = response.json()
    assert response.status_code == 422, response.text
    assert (problem["code"], problem["field"]) == ("request.invalid", field)
    assert problem["errors"] == [{"key": field, "source": "query",
                                  "message": problem["message_en"],
                                  "message_ko": problem["message_ko"]}]
    assert problem["message_en"] == (
        f"Unknown query parameter '{field}'; this endpoint takes: {takes}.")
    assert problem["message_ko"].startswith(f"알 수 없는 쿼리 매개변수 '{field}'")
    assert takes in problem["message_ko"]
    assert_korean_first(problem["detail"])


async def test_every_unknown_query_parameter_is_named_once_in_the_order_sent(
    client: Client,
) -> None:
    problem = (await client.get("/v1/key?b=1&limit=2&b=3")).json()
    assert [e["key"] for e in problem["errors"]] == ["b", "limit"]
    assert problem["message_en"] == (
        "Unknown query parameter 'b'; this endpoint takes no query parameters.")


SAMPLE_PATH_VALUES = {"str": "council", "int": "1"}


async def test_every_route_refuses_a_query_parameter_it_does_not_take(
    client: Client, token: Headers,
) -> None:
    """Every route of the app, found by walking it, so a new route cannot forget; each takes
    exactly the query parameters its OpenAPI operation documents. Only the documentation
    pages under /schema let a query pass."""
    spec = (await client.get("/schema/openapi.json?cache=1")).json()
    app = client.app
    checked = 0
    for route in app.routes:
        for method in getattr(route, "route_handler_map", {}):
            if method == "OPTIONS":
                continue
            url = re.sub(r"\{(\w+):(\w+)\}",
                         lambda m: SAMPLE_PATH_VALUES[m.group(2)], route.path)
            # A caller who may ask: a command's 401 would come first (test_http_auth.py).
            response = await refused(client, f"{url}?bogus=1", method, headers=token("admin"))
            if route.path == "/schema" or route.path.startswith("/schema/"):
                assert response.status_code != 422, (method, url)
                continue
            problem = response.json()
            assert response.status_code == 422, (method, url, response.text)
            assert (problem["code"], problem["field"]) == ("request.invalid", "bogus"), url
            operation = spec["paths"][route.path_format][method.lower()]
            documented = [p["name"] for p in operation.get("parameters", ())
                          if p["in"] == "query"]
            takes = (f"takes: {', '.join(documented)}." if documented
                     else "takes no query parameters.")
            assert problem["message_en"].endswith(takes), (method, url, documented)
            checked += 1
    assert checked >= 25  # the reads, the audit routes, /health, /ready and every command


async def test_a_body_missing_a_field_names_it_alike_in_field_and_errors(
    client: Client, token: Headers,
) -> None:
    body = proposal("a-1")
    del body["title"]
    response = await client.post(PROPOSE.path, json=body, headers=token())
    problem = response.json()
    assert response.status_code == 422
    assert problem["field"] == "title"
    assert [e["key"] for e in problem["errors"]] == ["title"]
    assert_korean_first(problem["detail"])
    assert await head(client) == 0


async def test_writes_need_a_valid_bearer_token_and_a_permitted_role(
    client: Client, token: Headers,
) -> None:
    missing = await client.post(PROPOSE.path, json=proposal("a-1"))
    assert missing.status_code == 401
    assert missing.json()["code"] == "auth.unauthenticated"
    forged = await client.post(PROPOSE.path, json=proposal("a-1"),
                               headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401
    auditor = await client.post(PROPOSE.path, json=proposal("a-1"), headers=token("auditor"))
    assert auditor.status_code == 403
    assert await head(client) == 0


async def test_an_idempotent_retry_returns_the_original_and_a_new_body_is_a_409(
    client: Client, token: Headers,
) -> None:
    headers = {**token(), "Idempotency-Key": "propose-a-1"}
    first = await client.post(PROPOSE.path, json=proposal("a-1"), headers=headers)
    retries = await asyncio.gather(*(client.post(PROPOSE.path, json=proposal("a-1"),
                                                 headers=headers) for _ in range(5)))
    assert first.status_code == 201
    for retry in retries:
        assert retry.status_code == 201
        assert retry.headers["idempotent-replayed"] == "true"
        assert retry.content == first.content
    other = await client.post(PROPOSE.path, json=proposal("a-1", title="다른 제목"),
                              headers=headers)
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency.key_reused"
    assert await head(client) == 1


EXAMPLES = {h.command.__name__: h for h in HANDLERS.values()}


async def test_an_idempotent_replay_is_the_original_answer_byte_for_byte(
    client: Client, token: Headers,
) -> None:
    """An MOU: objects in arrays in the payload, times given in Seoul's zone."""
    for name in ("ProposeAgenda", "FormWorkingGroup"):
        handler = EXAMPLES[name]
        assert (await client.post(handler.path, json=handler.example,
                                  headers=token("admin"))).status_code == 201
    sign = EXAMPLES["SignMou"]
    assert "+09:00" in sign.example["occurred_at"]
    headers = {**token("admin"), "Idempotency-Key": "sign-mou-2024-01"}
    first = await client.post(sign.path, json=sign.example, headers=headers)
    again = await client.post(sign.path, json=sign.example, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert again.headers["content-length"] == first.headers["content-length"]
    for event in first.json()["events"]:
        read = await client.get(f"/v1/events/{event['event_id']}")
        assert read.content in first.content  # the very bytes, not an equal document
    # jsonb's order, in objects in arrays too: "duty" before "side", "due" before "stage"
    assert b'"responsibilities":[{"duty":' in first.content
    assert b'"goals":[{"due":' in first.content


async def test_a_stale_expected_version_is_a_409_that_reports_the_current_version(
    client: Client, token: Headers,
) -> None:
    ok = await client.post(PROPOSE.path, json=proposal("a-1", expected_version="no_stream"),
                           headers=token())
    assert ok.status_code == 201
    stale = await client.post(PROPOSE.path, json=proposal("a-2", expected_version=3),
                              headers=token())
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 0
    zero = await client.post(PROPOSE.path, json=proposal("a-1", expected_version=0),
                             headers=token())
    assert zero.status_code == 409
    assert (zero.json()["expected_version"], zero.json()["current_version"]) == (0, 1)
    assert await head(client) == 1


async def test_the_global_log_pages_in_order_and_single_events_and_streams_are_readable(
    client: Client, token: Headers,
) -> None:
    for i in range(5):
        await client.post(PROPOSE.path, json=proposal(f"a-{i}"), headers=token())
    page = (await client.get("/v1/events?after=1&limit=2")).json()
    assert [e["position"] for e in page["events"]] == [2, 3]
    assert page["next"] == "/v1/events?after=3&limit=2"
    assert page["head_position"] == 5
    last = (await client.get("/v1/events?after=3&limit=2")).json()
    assert last["next"] is None
    one = page["events"][0]
    assert (await client.get(f"/v1/events/{one['event_id']}")).json() == one
    stream = (await client.get(f"/v1/streams/{one['stream_id']}")).json()
    assert stream["version"] == 1
    assert stream["events"] == [one]
    as_of = (await client.get(f"/v1/streams/{one['stream_id']}?as_of=1")).json()
    assert as_of["events"] == []


async def test_unknown_and_malformed_reads_are_problems(client: Client) -> None:
    missing = await client.get("/v1/events/01890a5d-ac96-774b-bcce-b302099a8057")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/v1/events/not-a-uuid")).status_code == 422
    assert (await client.get("/v1/streams/nothing-here")).status_code == 404
    assert (await client.get("/v1/events?limit=0")).status_code == 422
    assert (await client.get("/v1/streams/x?as_of=yesterday")).status_code == 422


@pytest.mark.parametrize(("path", "field"), [
    (f"/v1/events?after={BIG}", "after"),
    (f"/v1/events/live?after={BIG}", "after"),
    (f"/v1/streams/council?as_of={BIG}", "as_of"),
    (f"/v1/aggregates/council?as_of={BIG}", "as_of"),
    (f"/v1/checkpoints/{BIG}", "size"),
    (f"/v1/proofs/inclusion?event_id={UUID}&tree_size={BIG}", "tree_size"),
    (f"/v1/proofs/consistency?from=1&to={BIG}", "to"),
    (f"/v1/proofs/consistency?from={BIG}&to=2", "from"),
    ("/v1/streams/council?as_of=²", "as_of"),
])
async def test_an_integer_too_large_for_the_database_is_a_422_naming_it(
    client: Client, path: str, field: str,
) -> None:
    response = await client.get(path)
    assert response.status_code == 422, response.text
    assert (response.json()["code"], response.json()["field"]) == ("request.invalid", field)


async def test_a_last_event_id_too_large_for_the_database_is_a_422_naming_it(
    client: Client,
) -> None:
    response = await client.get("/v1/events/live", headers={"Last-Event-ID": BIG})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "Last-Event-ID"


async def test_the_largest_64_bit_integer_is_answered_not_a_500(client: Client) -> None:
    top = str(2**63 - 1)
    assert (await client.get(f"/v1/events?after={top}")).status_code == 200
    assert (await client.get(f"/v1/checkpoints/{top}")).status_code == 404
    assert (await client.get(f"/v1/aggregates/council?as_of={top}")).status_code < 500
    assert (await client.get(f"/v1/proofs/consistency?from=1&to={top}")).status_code < 500


@pytest.mark.parametrize("path", ["/v1/streams/agenda-a-1", "/v1/aggregates/agenda-a-1"])
async def test_as_of_a_position_the_log_has_not_reached_is_refused_naming_the_head(
    client: Client, token: Headers, path: str,
) -> None:
    for i in (1, 2):
        await client.post(PROPOSE.path, json=proposal(f"a-{i}"), headers=token())
    beyond = await client.get(f"{path}?as_of=999999")
    problem = beyond.json()
    assert beyond.status_code == 422, beyond.text
    assert (problem["code"], problem["field"], problem["head_position"]) == (
        "as_of.beyond_head", "as_of", 2)
    assert_korean_first(problem["detail"])
    at_head = await client.get(f"{path}?as_of=2")
    assert at_head.status_code == 200
    assert at_head.json()["as_of_position"] == 2


@pytest.mark.parametrize(("path", "code"), [
    ("/v1/streams/nothing-here", "not_found"),
    ("/v1/events/01890a5d-ac96-774b-bcce-b302099a8057", "not_found"),
    ("/v1/aggregates/no-such-kind-of-stream", "not_found"),
    ("/v1/checkpoint", "not_found"),
    ("/v1/checkpoints/7", "not_found"),
    ("/v1/proofs/consistency?from=1", "not_found"),
    ("/v1/no-such-path", "not_found"),
    ("/v1/events?limit=0", "request.invalid"),
])
async def test_generic_problems_read_korean_first_and_keep_their_codes(
    client: Client, path: str, code: str,
) -> None:
    problem = (await client.get(path)).json()
    assert problem["code"] == code
    assert_korean_first(problem["title"])
    assert_korean_first(problem["detail"])
    assert problem["detail"] == f"{problem['message_ko']} / {problem['message_en']}"


async def test_auth_and_rule_problems_read_korean_first(client: Client, token: Headers) -> None:
    unauthenticated = (await client.post(PROPOSE.path, json=proposal("a-1"))).json()
    forbidden = (await client.post(PROPOSE.path, json=proposal("a-1"),
                                   headers=token("auditor"))).json()
    await client.post(PROPOSE.path, json=proposal("a-1"), headers=token())
    rule = (await client.post(PROPOSE.path, json=proposal("a-1"), headers=token())).json()
    assert [p["code"] for p in (unauthenticated, forbidden, rule)] == [
        "auth.unauthenticated", "auth.role_forbidden", "agenda.already_proposed"]
    for problem in (unauthenticated, forbidden, rule):
        assert_korean_first(problem["title"])
        assert_korean_first(problem["detail"])
    assert rule["title"] == "이미 제안된 의제입니다. / The agenda was already proposed."


async def test_live_events_catch_up_then_follow_new_appends(
    live_server: str, token: Headers,
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as http:
        await http.post(PROPOSE.path, json=proposal("a-1"), headers=token())
        received: list[dict[str, Any]] = []

        async def listen() -> None:
            async with http.stream("GET", "/v1/events/live?after=0") as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        received.append(json.loads(line[5:]))
                        if len(received) == 2:
                            return

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.5)
        await http.post(PROPOSE.path, json=proposal("a-2"), headers=token())
        await asyncio.wait_for(listener, 20)
    assert [e["position"] for e in received] == [1, 2]


async def test_health_readiness_and_the_openapi_document(client: Client) -> None:
    assert (await client.get("/health")).json()["status"] == "ok"
    ready = await client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"postgres": "ok", "nats": "ok"}
    spec = (await client.get("/schema/openapi.json")).json()
    operation = spec["paths"][PROPOSE.path]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["examples"]
    assert "Envelope" in spec["components"]["schemas"]
    assert "ProposeAgenda" in spec["components"]["schemas"]


async def test_a_time_outside_the_utc_calendar_is_a_422_not_a_500(
    client: Client, token: Headers,
) -> None:
    response = await client.post(PROPOSE.path, headers=token(), json=proposal(
        "a-1", occurred_at="0001-01-01T00:00:00+01:00"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await head(client) == 0


EMPTY_LISTS = [
    ("RecordDeliberation", "agenda_ids", "deliberation.no_agenda"),
    ("MergeAgendas", "source_ids", "merge.too_few_sources"),
    ("OpenVote", "candidate_ids", "vote.too_few_candidates"),
]


@pytest.mark.parametrize(("command", "field", "code"), EMPTY_LISTS)
async def test_a_command_naming_an_empty_list_of_streams_is_refused_and_writes_nothing(
    client: Client, token: Headers, command: str, field: str, code: str,
) -> None:
    handler = next(h for h in HANDLERS.values() if h.command.__name__ == command)
    body = {**handler.example, field: []}
    response = await client.post(handler.path, json=body, headers=token("admin"))
    problem = response.json()
    assert response.status_code == 422, response.text
    assert (problem["code"], problem["field"]) == (code, field)
    assert await head(client) == 0


async def _first_live_position(http: httpx.AsyncClient, url: str,
                               headers: dict[str, str]) -> int:
    async with http.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                return int(line[3:])
    raise AssertionError("the stream ended without an event")


async def test_a_reconnect_resumes_from_last_event_id_even_when_the_url_says_after(
    live_server: str, token: Headers,
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as http:
        for i in range(3):
            await http.post(PROPOSE.path, json=proposal(f"a-{i}"), headers=token())
        url = "/v1/events/live?after=0"
        assert await _first_live_position(http, url, {}) == 1
        assert await _first_live_position(http, url, {"Last-Event-ID": "2"}) == 3
        assert await _first_live_position(http, "/v1/events/live",
                                          {"Last-Event-ID": "1"}) == 2
        bad = await http.get(url, headers={"Last-Event-ID": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "Last-Event-ID"

"""The projector's query API as a client meets it: media types, and problems for bad input.

The consumer is off (``run_consumer=False``): these answers need no projected events.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import nats
import pytest
from litestar.testing import AsyncTestClient

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.relay import Relay
from govledger_projector.http.app import create_app
from govledger_projector.settings import Settings
from govledger_projector.source import stream_last_seq
from tests.integration.projector.helpers import append_events, eventually, vote_opened

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings, run_consumer=False)) as test_client:
        yield test_client


async def test_the_report_and_its_tables_name_their_charset_once(client: Client) -> None:
    html = await client.get("/v1/reports/2023")
    assert html.status_code == 200, html.text
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    csv = await client.get("/v1/reports/2023/council.csv")
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    data = await client.get("/v1/reports/2023.json")
    assert data.headers["content-type"] == "application/json"


async def test_the_report_at_a_trailing_slash_redirects_to_where_its_relative_links_work(
        client: Client) -> None:
    moved = await client.get("/v1/reports/2023/?lang=en", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == "/v1/reports/2023?lang=en"
    page = await client.get("/v1/reports/2023/", follow_redirects=True)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = re.findall(r'href="(govledger-report-[^"]+)"', page.text)
    assert links
    for link in links:  # resolved against /v1/reports/2023, as a browser does
        assert (await client.get(f"/v1/reports/{link}")).status_code == 200, link


BIG = "99999999999999999999"


def assert_korean_first(text: str) -> None:
    korean, _, english = text.partition(" / ")
    assert re.search(r"[가-힣]", korean), text
    assert english and not re.search(r"[가-힣]", english), text


@pytest.mark.parametrize(("query", "field"), [
    ("limit=abc", "limit"), ("limit=501", "limit"), ("offset=-1", "offset"),
    ("as_of_date=abc", "as_of_date"), ("as_of_position=-1", "as_of_position"),
    ("seated_on=2023-02-30", "seated_on"), ("year=abc", "year"), ("renewals=1.5", "renewals"),
    ("term_start=soon", "term_start"),
    (f"as_of_position={BIG}", "as_of_position"), (f"offset={BIG}", "offset"),
    (f"limit={BIG}", "limit"), (f"expiring_within_days={BIG}", "expiring_within_days"),
    ("expiring_within_days=36501", "expiring_within_days"),
])
async def test_a_bad_parameter_is_a_422_naming_it_in_korean_first(
    client: Client, query: str, field: str,
) -> None:
    model = "members" if query.split("=")[0] in ("renewals", "term_start") else "agendas"
    response = await client.get(f"/v1/views/{model}?{query}")
    problem = response.json()
    assert response.status_code == 422, response.text
    assert (problem["code"], problem["field"]) == ("request.invalid", field)
    assert [e["key"] for e in problem["errors"]] == [field]
    assert_korean_first(problem["detail"])
    assert "Validation failed" not in problem["detail"]


async def test_a_filter_on_no_field_names_it(client: Client) -> None:
    response = await client.get("/v1/views/members?colour=blue")
    problem = response.json()
    assert response.status_code == 422
    assert (problem["code"], problem["field"]) == ("view.filter_unknown", "colour")
    assert_korean_first(problem["detail"])


async def test_a_filter_value_its_field_can_hold_is_a_page(client: Client) -> None:
    response = await client.get("/v1/views/agendas?year=2023&closed=")
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


@pytest.mark.parametrize("path", [
    "/v1/views/nothing", "/v1/views/agendas/a-none", "/v1/views/members/x/provenance",
    "/v1/views/agendas/a-none/provenance", "/v1/reports/1999", "/v1/reports/twenty",
    "/v1/reports/2023/nothing.csv", "/v1/no-such-path",
])
async def test_not_found_reads_korean_first_and_keeps_its_code(client: Client, path: str) -> None:
    response = await client.get(path)
    problem = response.json()
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "view.not_found"
    assert_korean_first(problem["title"])
    assert_korean_first(problem["detail"])


@pytest.mark.parametrize("path", [
    f"/v1/views/agendas/summary?as_of_position={BIG}",
    f"/v1/views/agendas/a1?as_of_position={BIG}",
])
async def test_a_position_too_large_for_the_database_is_a_422_naming_it(
    client: Client, path: str,
) -> None:
    response = await client.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "as_of_position"


async def test_members_expiring_within_a_century_are_a_page(client: Client) -> None:
    response = await client.get("/v1/views/members?expiring_within_days=36500")
    assert response.status_code == 200, response.text


async def test_a_view_as_of_a_position_the_log_has_not_reached_is_refused_at_once(
    client: Client, store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    await append_events(store, "vote-v1", [vote_opened()])
    nc = await nats.connect(settings.nats_url)
    try:
        js = nc.jetstream()

        async def published() -> bool:
            return await stream_last_seq(js, settings.stream_name) >= 1
        await eventually(published)
    finally:
        await nc.close()
    started = time.monotonic()
    beyond = await client.get("/v1/views/votes?as_of_position=1000")
    problem = beyond.json()
    assert beyond.status_code == 422, beyond.text
    assert time.monotonic() - started < 3  # not after a read of the stream timed out
    assert (problem["code"], problem["field"], problem["head_position"]) == (
        "view.position_unknown", "as_of_position", 1)
    assert_korean_first(problem["detail"])
    at_head = await client.get("/v1/views/votes?as_of_position=1")
    assert (at_head.status_code, at_head.json()["total"]) == (200, 1)


async def test_no_report_for_a_year_not_yet_begun(client: Client) -> None:
    import datetime as dt

    next_year = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).year + 1
    for name in (f"{next_year}", f"{next_year}.json", "2100"):
        answer = await client.get(f"/v1/reports/{name}")
        assert answer.status_code == 404, name
        assert_korean_first(answer.json()["detail"])
    assert (await client.get(f"/v1/reports/{next_year}/council.csv")).status_code == 404


async def test_the_openapi_document_names_the_problems_each_route_answers(
    client: Client,
) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in spec["paths"].items():
        responses = item["get"]["responses"]
        failures = {s: r["content"] for s, r in responses.items() if int(s) >= 400}
        if path in ("/health", "/ready"):
            assert set(failures) <= {"503"}, path  # /ready's own, with Health
            continue
        # Every route refuses a query parameter it does not take (422), /lag too, and every
        # one reads PostgreSQL (503 while it is away: test_projector_unavailable.py).
        assert set(failures) == ({"422", "503"} if path == "/lag"
                                 else {"400", "404", "422", "503"}), path
        assert all(c == {"application/problem+json": {"schema": problem_ref}}
                   for c in failures.values()), path
    schema = spec["components"]["schemas"]
    members, field_members = set(schema["Problem"]["properties"]), set(
        schema["FieldError"]["properties"])
    sent: set[str] = set()
    sent_of_fields: set[str] = set()
    for url in ("/v1/views/nothing", "/v1/views/members?limit=0", "/v1/views/members?colour=b",
                "/v1/views/votes?as_of_position=1000", "/v1/reports/1999"):
        response = await client.get(url)
        assert response.headers["content-type"] == "application/problem+json", url
        assert set(schema["Problem"]["required"]) <= set(response.json()) <= members, url
        sent |= set(response.json())
        for error in response.json().get("errors", ()):
            sent_of_fields |= set(error)
    assert (sent, sent_of_fields) == (members, field_members)

"""Events appended through the ledger reach the views, the KV buckets, the change messages,
the query API and the report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import asyncpg
import msgspec
import nats
import nats.js.errors
from litestar.testing import AsyncTestClient

from govledger_contracts.commands import AppointMember, ProposeAgenda
from govledger_contracts.envelope import Actor
from govledger_contracts.events import AgendaProposed, MemberAppointed
from govledger_contracts.views import MODELS, SUMMARY_KEY, ViewChanged, kv_bucket
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.application import LedgerApplication
from govledger_ledger.relay import Relay
from govledger_projector.http.app import create_app
from govledger_projector.projections import PROJECTIONS
from govledger_projector.report_files import write_report
from govledger_projector.settings import Settings
from govledger_projector.store import read_checkpoint
from tests.integration.projector.helpers import (
    append_events,
    ballots,
    eventually,
    expected_views,
    vote_opened,
    wait_for_position,
)

SECRETARIAT = Actor(id="secretariat-01", role="secretariat")
AT = dt.datetime(2023, 3, 2, 1, tzinfo=dt.UTC)


async def appoint_and_propose(ledger: LedgerApplication) -> None:
    for n in range(1, 4):
        await ledger.handle(AppointMember(
            member_id=f"m{n}", name=f"위원 {n}", sector="private" if n < 3 else "public",
            route="recommendation" if n < 3 else "ex_officio", term_start=dt.date(2023, 3, 1),
            term_end=dt.date(2025, 2, 28), reason="위촉", occurred_at=AT), SECRETARIAT)
    await ledger.handle(ProposeAgenda(agenda_id="a1", title="골목 정원", channel="online",
                                      domains=("환경",), year=2023, reason="제안",
                                      occurred_at=AT), SECRETARIAT)


async def test_events_appended_through_the_ledger_appear_in_views_kv_and_the_api(
    ledger: LedgerApplication, relay: Relay, settings: Settings,
) -> None:
    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()
    changes = await nc.subscribe(f"govledger.{settings.ward}.views.members")
    await appoint_and_propose(ledger)
    async with AsyncTestClient(create_app(settings)) as client:
        await wait_for_position(settings.database_url, 4)
        page: dict[str, Any] = (await client.get("/v1/views/members",
                                                 params={"sector": "private"})).json()
        assert (page["total"], page["position"]) == (2, 4)
        agenda = (await client.get("/v1/views/agendas/a1")).json()
        assert agenda["stage"] == "proposed", agenda
        lag = (await client.get("/lag")).json()
        assert (lag["head"], lag["events_behind"]) == (4, 0)
        summary = (await client.get("/v1/views/members/summary")).json()
        assert summary["bodies"][0]["private_share"] == 66.7
        bad = await client.get("/v1/views/members", params={"colour": "blue"})
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert (await client.get("/v1/views/nothing")).status_code == 404
        past = (await client.get("/v1/views/members", params={"as_of_position": 2})).json()
        assert (past["total"], past["position"]) == (2, 2)
        html = await client.get("/v1/reports/2023")
        assert "2023년 성동구 민관협치 투명성 보고서" in html.text
        assert html.text.startswith('<!DOCTYPE html><html lang="ko">')
        assert "1. 협치회의 구성" in html.text and "1. Council composition" in html.text
        english = await client.get("/v1/reports/2023", params={"lang": "en"})
        assert english.text.startswith('<!DOCTYPE html><html lang="en">')
        assert english.headers["content-language"] == "en"
        assert "1. Council composition" in english.text and "협치회의 구성" not in english.text
        korean = await client.get("/v1/reports/2023", params={"lang": "ko"})
        assert korean.text.startswith('<!DOCTYPE html><html lang="ko">')
        assert "1. 협치회의 구성" in korean.text and "Council composition" not in korean.text
        assert len({html.text, english.text, korean.text}) == 3
        assert (await client.get("/v1/reports/2023", params={"lang": "fr"})).status_code == 422
        csv = await client.get("/v1/reports/2023/council.csv")
        assert csv.text.count("\r\n") == 4
        assert (await client.get("/schema/openapi.json")).status_code == 200
        kv = await js.key_value(kv_bucket(settings.ward, "members"))
        entry = await kv.get("council.m1")
        assert entry.value is not None and msgspec.json.decode(entry.value)["name"] == "위원 1"
        summary_entry = await kv.get(SUMMARY_KEY)
        assert summary_entry.value is not None
        message = await changes.next_msg(timeout=10)
        changed = msgspec.json.decode(message.data, type=ViewChanged)
        assert changed.model == "members" and "council.m1" in changed.keys
    await nc.close()


async def test_the_buckets_exist_before_the_first_event_so_a_subscriber_can_open_them(
    relay: Relay, settings: Settings,
) -> None:
    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()

    async def all_buckets_open() -> bool:
        try:
            for model in MODELS:
                await js.key_value(kv_bucket(settings.ward, model))
        except nats.js.errors.BucketNotFoundError:
            return False
        return True

    try:
        async with AsyncTestClient(create_app(settings)):
            await eventually(all_buckets_open)
    finally:
        await nc.close()


async def test_every_summary_change_is_announced_and_the_bucket_holds_what_the_api_serves(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()
    changes = await nc.subscribe(f"govledger.{settings.ward}.views.*")
    day1 = dt.datetime(2023, 3, 1, 1, tzinfo=dt.UTC)
    async with AsyncTestClient(create_app(settings)) as client:
        # Batch 1 changes every model; batch 2 (a later Seoul day) only agendas and
        # statistics, so the votes summary must stay at 6 while the views move on to 7,
        # and the roster summary must move to the new day with no member changing.
        await append_events(store, "council", [MemberAppointed(
            member_id="m1", body="council", name="위원 1", sector="private",
            route="recommendation", term_start=dt.date(2023, 3, 1),
            term_end=dt.date(2025, 2, 28))], at=day1)
        await append_events(store, "vote-v1", [vote_opened()], at=day1)
        await append_events(store, "ballot-box-0", ballots("v1", 0, 4), at=day1)
        await wait_for_position(settings.database_url, 6)
        await append_events(store, "agenda-a1", [AgendaProposed(
            agenda_id="a1", title="골목 정원", summary="", channel="online", domains=("환경",),
            year=2023)], at=day1 + dt.timedelta(days=1))
        await wait_for_position(settings.database_url, 7)
        expected = await expected_views(settings)
        for model, (_, summary_type) in MODELS.items():
            served = msgspec.json.decode((await client.get(
                f"/v1/views/{model}/summary")).content, type=summary_type)
            kv = await js.key_value(kv_bucket(settings.ward, model))
            entry = await kv.get(SUMMARY_KEY)
            assert entry.value is not None
            assert msgspec.json.decode(entry.value, type=summary_type) == served, model
            assert served == PROJECTIONS[model].summarize(expected[model]), model
            past = (await client.get(f"/v1/views/{model}/summary",
                                     params={"as_of_position": 7})).json()
            assert msgspec.convert(past, summary_type) == served, model
        votes = (await client.get("/v1/views/votes/summary")).json()
        assert votes["position"] == 6 and (await client.get("/lag")).json()["position"] == 7
        members = (await client.get("/v1/views/members/summary")).json()
        assert (members["on"], members["position"]) == ("2023-03-02", 7)
    announced: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    while True:
        try:
            message = await changes.next_msg(timeout=2)
        except nats.errors.TimeoutError:
            break
        change = msgspec.json.decode(message.data, type=ViewChanged)
        announced.setdefault(change.model, []).append((change.position, change.keys))
    await nc.close()
    assert set(announced) == set(MODELS)
    for model, messages in announced.items():  # the first batch created every summary
        assert SUMMARY_KEY in messages[0][1], (model, messages)
    assert announced["members"][-1] == (7, (SUMMARY_KEY,))  # a new day, no member changed
    assert max(p for p, _ in announced["votes"]) == 6  # nothing to announce at 7


async def test_a_change_message_names_the_checkpoint_its_batch_committed(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    nc = await nats.connect(settings.nats_url)
    changes = await nc.subscribe(f"govledger.{settings.ward}.views.statistics")
    async with AsyncTestClient(create_app(settings)):
        await append_events(store, "vote-v1", [vote_opened()], at=AT)
        await append_events(store, "ballot-box-0", ballots("v1", 0, 3),
                            at=dt.datetime(2023, 3, 2, 10, 30, 0, 123456,
                                           tzinfo=dt.timezone(dt.timedelta(hours=9))))
        await wait_for_position(settings.database_url, 4)
        last = None
        while last is None or last.position < 4:
            last = msgspec.json.decode((await changes.next_msg(timeout=10)).data,
                                       type=ViewChanged)
    await nc.close()
    conn = await asyncpg.connect(settings.database_url)
    try:
        checkpoint = await read_checkpoint(conn)
    finally:
        await conn.close()
    assert (last.position, last.hash, last.generation) == (
        checkpoint.position, checkpoint.hash, checkpoint.generation)
    assert msgspec.json.encode(last.as_of) == msgspec.json.encode(checkpoint.as_of)


async def test_the_report_links_its_open_data_relatively_served_saved_or_written_by_the_cli(
    ledger: LedgerApplication, relay: Relay, settings: Settings, tmp_path: Path,
) -> None:
    await appoint_and_propose(ledger)
    out = tmp_path / "report-2023"
    async with AsyncTestClient(create_app(settings)) as client:
        await wait_for_position(settings.database_url, 4)
        served = (await client.get("/v1/reports/2023")).text
        written = await write_report(settings, 2023, out)
        assert (out / "govledger-report-2023.html").read_text(encoding="utf-8") == served
        hrefs = re.findall(r'href="([^"?]+)"', served)  # the open data (not ?lang= links)
        assert len(hrefs) == len(written) - 1 and "govledger-report-2023.json" in hrefs
        (out / "report.html").write_text(served, encoding="utf-8")  # curl … > report.html
        for href in hrefs:
            assert not href.startswith("/") and ":" not in href, href
            saved = out / href
            assert saved.is_file(), href  # works next to the files the CLI writes
            for page in ("/v1/reports/2023", "/v1/reports/2023?lang=en",
                         "/v1/reports/govledger-report-2023.html"):
                got = await client.get(urljoin(page, href))  # and next to the served page
                assert got.status_code == 200, (page, href)
                assert got.content == saved.read_bytes(), (page, href)
        old = await client.get("/v1/reports/2023/council.csv")  # the documented paths stay
        assert old.content == (out / "govledger-report-2023-council.csv").read_bytes()
        assert (await client.get("/v1/reports/2023.json")).content == \
            (out / "govledger-report-2023.json").read_bytes()

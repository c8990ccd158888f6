"""The transparency report renders the views: Korean first, English switch, the seed's
figures, inline SVG only, and CSV/JSON open data of every table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from functools import cache

from govledger_projector.projections import as_of
from govledger_projector.reports import (
    Report,
    build_report,
    render_html,
    report_csvs,
    report_json,
)
from tests.unit.projector.envelopes import seed_log


@cache
def report_2023() -> Report:
    return build_report(as_of(seed_log()), 2023, ward="seongdong")


@cache
def page() -> str:
    return render_html(report_2023(), {"2023.json": "2023.json"})


def test_the_page_is_korean_first_with_a_switch_to_english() -> None:
    assert page().startswith('<!DOCTYPE html><html lang="ko">')
    assert "2023년 성동구 민관협치 투명성 보고서" in page()
    assert "transparency report 2023" in page() and 'id="lang"' in page()


def css_rules(html: str) -> list[str]:
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    return [rule.strip() for rule in css.replace("}", "}\n").splitlines() if rule.strip()]


def test_the_default_page_shows_english_beside_korean_without_javascript_or_in_print() -> None:
    html = page()
    for ko, en in (("1. 협치회의 구성", "1. Council composition"), ("민간 비율", "Private share"),
                   ("연도별 통계", "Yearly statistics")):
        assert html.index(ko) < html.index(en), (ko, en)  # Korean first, English beside it
    assert '<span class="en" lang="en">1. Council composition</span>' in html
    # Nothing hides a language unless a reader asked for one (body.only-ko / only-en).
    hiding = [r for r in css_rules(html) if "display:none" in r and (".en" in r or ".ko" in r)]
    assert hiding and all("only-" in r.split("{")[0] for r in hiding), hiding
    assert "<body class=\"both\">" in html and "only-" not in html.split("<body", 1)[1].split(
        "<script>", 1)[0]


HANGUL = re.compile("[\uac00-\ud7a3]")


def chart_texts(html: str) -> list[str]:
    """What the page's SVG charts write out (their <title>s are names, not shown)."""
    return re.findall(r"<text\b[^>]*>(.*?)</text>", html)


def test_a_saved_page_asked_for_one_language_shows_it_in_the_charts_too() -> None:
    texts = chart_texts(page())
    assert any(HANGUL.search(t) for t in texts) and any("Proposed" in t for t in texts)
    # body.only-en hides .ko and .sep, body.only-ko hides .en and .sep, in SVG as in HTML.
    for text in texts:
        english = re.sub(r"<[^>]+>", "", re.sub(r'<tspan class="(ko|sep)">.*?</tspan>', "", text))
        assert not HANGUL.search(english), text
        korean = re.sub(r"<[^>]+>", "", re.sub(r'<tspan class="(en|sep)">.*?</tspan>', "", text))
        assert " / " not in korean and "private" not in korean, text
    assert '<tspan class="ko">명</tspan></text>' in page()  # a unit with no English word


def test_a_one_language_page_is_rendered_by_the_server_with_its_html_lang() -> None:
    english = render_html(report_2023(), {"2023.json": "2023.json"}, "en")
    assert english.startswith('<!DOCTYPE html><html lang="en">')
    assert "1. Council composition" in english and "Private share" in english
    assert "협치회의 구성" not in english and "민간 비율" not in english
    assert not any(HANGUL.search(t) for t in chart_texts(english))
    assert "<script>" not in english  # nothing left for a script to do
    korean = render_html(report_2023(), {"2023.json": "2023.json"}, "ko")
    assert korean.startswith('<!DOCTYPE html><html lang="ko">')
    assert "1. 협치회의 구성" in korean and "Council composition" not in korean
    for one in (english, korean):  # each links to the other renderings
        assert 'href="?lang=ko"' in one and 'href="?lang=en"' in one and 'href="?"' in one


def test_the_page_loads_nothing_from_outside() -> None:
    assert not re.search(r'(src|href)="(https?:)?//', page())
    assert "<link" not in page() and "@import" not in page()
    assert page().count("<svg") >= 4


def test_the_page_is_print_ready() -> None:
    assert "@media print" in page() and "@page" in page()


def test_the_report_shows_the_seed_turnout_by_year() -> None:
    assert report_2023().figures.turnout == ((2019, 294), (2020, 2441), (2021, 1420),
                                             (2022, 1577))
    for figure in ("2,441", "1,420", "1,577", "294"):
        assert figure in page()


def test_the_report_lists_the_twelve_projects_with_their_mous_and_goals() -> None:
    mous = report_2023().table("mous")
    assert len(mous.rows) == 12
    assert "커피박 업사이클링" in page() and "신속예약시스템 통합 구축" in page()
    assert len(report_2023().table("goals").rows) == 24


def test_the_council_composition_shows_fifty_members_and_74_percent_private() -> None:
    figures = report_2023().figures
    assert (figures.council_members, figures.council_private) == (50, 37)
    assert "74.0%" in page()


def test_each_merge_lists_its_sources() -> None:
    merges = report_2023().table("merges")
    assert {(r[0], r[2]) for r in merges.rows} == {
        ("a2022-05", "a2022-05a"), ("a2022-05", "a2022-05b"),
        ("a2022-11", "a2022-11a"), ("a2022-11", "a2022-11b")}


def test_times_are_shown_in_seoul_time() -> None:
    """Open data carries ISO 8601 with Seoul's offset; the page shows the same instant."""
    signed_at = report_2023().table("mous").rows[0][8]
    assert signed_at == "2023-02-15T10:00:00+09:00"
    assert dt.datetime.fromisoformat(signed_at) == dt.datetime(2023, 2, 15, 1, tzinfo=dt.UTC)
    assert '<time datetime="2023-02-15T10:00:00+09:00">2023-02-15 10:00 KST</time>' in page()


def test_the_ledger_head_the_report_was_built_from_is_on_the_page() -> None:
    head = seed_log()[-1]
    assert report_2023().head.position == head.position
    assert head.hash in page()


def test_every_table_has_a_csv_with_a_header_and_its_rows() -> None:
    csvs = report_csvs(report_2023())
    assert set(csvs) == {f"{t.name}.csv" for t in report_2023().tables}
    rows = list(csv.reader(io.StringIO(csvs["turnout.csv"].lstrip("\ufeff"))))
    assert rows == [["year", "votes", "turnout"], ["2019", "1", "294"], ["2020", "1", "2441"],
                    ["2021", "1", "1420"], ["2022", "1", "1577"]]


def test_the_json_open_data_has_every_table_and_the_head() -> None:
    document = json.loads(report_json(report_2023()))
    assert document["ledger_head"]["position"] == seed_log()[-1].position
    assert len(document["tables"]["evaluations"]) == 36


def test_the_same_views_render_the_same_report_byte_for_byte() -> None:
    again = render_html(build_report(as_of(seed_log()), 2023, ward="seongdong"),
                        {"2023.json": "2023.json"})
    assert again == page()


def test_years_and_positions_are_printed_without_thousands_separators() -> None:
    assert '<td class="num">2022</td>' in page() and "2,022" not in page()


def test_the_statistics_say_who_joined_the_council_apart_from_subcommittee_seats() -> None:
    table = report_2023().table("statistics")
    by_year = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert table.columns[:4] == ("year", "council_appointments", "subcommittee_assignments",
                                 "appointments")
    # §4: the 3rd council seated 2021-11-23; 2022-01-18 its 50 members joined subcommittees.
    assert (by_year[2021]["council_appointments"], by_year[2021]["appointments"]) == (50, 50)
    assert (by_year[2022]["council_appointments"], by_year[2022]["subcommittee_assignments"],
            by_year[2022]["appointments"]) == (0, 50, 50)
    statistics = page().split('id="table-statistics"', 1)[1].split("</table>", 1)[0]
    assert "협치회의 위원 위촉" in statistics and "분과 배정" in statistics
    assert "위촉·배정 계(모든 기구)" in statistics
    assert ">위촉<" not in statistics and ">Appointments<" not in statistics


def test_every_enumerated_value_the_domain_defines_has_a_korean_and_an_english_label() -> None:
    from typing import get_args

    from govledger_contracts.events.appointment import Sector
    from govledger_contracts.views import STAGES, MouSummary
    from govledger_ledger.domain import advisory, agenda, council, project, roles, terms
    from govledger_projector.projections.statistics import ASSIGNED
    from govledger_projector.reports.labels import VALUES

    statuses = {f.removeprefix("goals_") for f in MouSummary.__struct_fields__} - {
        "total", "position"}
    domain = {
        "sector": set(get_args(Sector)), "stage": set(STAGES), "status": statuses,
        "route": council.ROUTES | advisory.ROUTES | {ASSIGNED}, "centre": set(council.CENTRES),
        "end_cause": set(terms.CAUSES), "kind": set(project.KINDS),
        "actor_role": set(roles.ALL_ROLES), "closed": {"merged_into", "withdrawn"},
        "channel": agenda.CHANNELS | {"fusion_coordination"},
        "half": {"0", "1", "2"},
    }
    for column, codes in domain.items():
        assert codes <= set(VALUES[column]), (column, codes - set(VALUES[column]))
        for code in codes:
            ko, en = VALUES[column][code]
            assert re.search("[가-힣]", ko) and re.fullmatch(r"[A-Za-z][A-Za-z ,'&-]*", en), (
                column, code, ko, en)


def test_no_code_shows_through_in_the_korean_page_and_the_default_page_labels_both() -> None:
    from govledger_projector.reports.labels import VALUES

    for year in (2021, 2022, 2023):
        built = build_report(as_of(seed_log()), year, ward="seongdong")
        korean = render_html(built, {}, "ko")
        for table in built.tables:
            html = korean.split(f'id="table-{table.name}"', 1)[1].split("</table>", 1)[0]
            for n, column in enumerate(table.columns):
                if column not in VALUES:
                    continue
                for row in table.rows:
                    if row[n] in ("", None) or (table.name, column) == ("goals", "stage"):
                        continue  # a goal's stage is an ordinal number (1, 2), not a code
                    ko, _ = VALUES[column][str(row[n])]  # every value in the seed is labelled
                    assert f'data-code="{row[n]}">{ko}</td>' in html, (table.name, column)
        for code in ("private", "centre_head", "in_execution", "not_attained", "self", "annual"):
            assert f">{code}<" not in korean
    both = page()
    for shown in ('<td data-code="private"><span class="ko">민간</span><span class="sep"> / '
                  '</span><span class="en" lang="en">Private</span></td>',
                  '<span class="ko">중간지원조직 센터장</span>', '<span class="ko">자체평가</span>',
                  '<span class="ko">연간 성과평가</span>', '<span class="ko">미달성</span>',
                  '<span class="en" lang="en">In execution</span>'):
        assert shown in both, shown
    assert render_html(report_2023(), {}, "en").count('data-code="centre_head">Centre head<') == 7


def test_the_open_data_links_are_the_cli_file_names_relative_to_the_page() -> None:
    from govledger_projector.report_files import page_links
    from govledger_projector.reports import open_data_files

    html = render_html(report_2023(), page_links(report_2023()))
    hrefs = re.findall(r'href="([^"?]+)"', html)  # not the ?lang= links
    assert hrefs == list(open_data_files(report_2023()))
    assert hrefs[0] == "govledger-report-2023.json"
    assert "govledger-report-2023-council.csv" in hrefs
    assert all("/" not in href and ":" not in href for href in hrefs)

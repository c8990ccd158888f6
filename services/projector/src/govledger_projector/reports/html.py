"""The transparency report as one self-contained HTML page: inline SVG charts, print-ready
CSS, no external assets (the page works offline, archived).

Three renderings of the same report: by default Korean first with English beside it, both
in the HTML itself (so curl, print and PDF readers, and readers without JavaScript, get
both); ``lang="ko"`` or ``lang="en"`` renders one language with ``<html lang>`` set to it.
The language links at the top ask the server for those (``?lang=en``); a saved page opened
from disk has a small script that shows one language for the same links (progressive
enhancement only: without it the page stays bilingual).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Literal

from govledger_contracts.views import STAGES
from govledger_projector.reports.charts import Label, bar_chart, label, share_bar
from govledger_projector.reports.labels import COLUMNS, PHRASES, TABLES, VALUES
from govledger_projector.reports.labels import STAGES as STAGE_LABELS
from govledger_projector.reports.model import Cell, Report, Table

Lang = Literal["ko", "en"] | None
"""``None``: Korean first with English beside it; ``"ko"`` or ``"en"``: that language only."""
LANGS: tuple[str, ...] = ("ko", "en")

CSS = """
:root{font-family:"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:#111}
body{max-width:1100px;margin:0 auto;padding:24px;line-height:1.5}
.both .en{color:#3b4656}
body.only-ko .en,body.only-ko .sep,body.only-en .ko,body.only-en .sep{display:none}
h1 .en,th .en{display:block} h1 .en{font-size:.62em;font-weight:normal}
h1 .sep,th .sep{display:none} th .en{font-weight:normal;font-size:.92em}
h1{font-size:1.7rem;border-bottom:3px solid #1f5fa8;padding-bottom:.3rem}
h2{font-size:1.3rem;margin-top:2rem;border-left:6px solid #1f5fa8;padding-left:.5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef3fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
.figures{display:flex;flex-wrap:wrap;gap:12px;padding:0;list-style:none}
.figures li{border:1px solid #bbb;border-radius:6px;padding:8px 12px;min-width:150px}
.figures b{display:block;font-size:1.4rem} .hash{font-family:monospace;word-break:break-all}
#lang{text-align:right;font-size:.9rem} #lang a{margin-left:.6rem}
#lang a[aria-current]{font-weight:bold;text-decoration:none;color:#111}
@media print{#lang{display:none} body{max-width:none;padding:0}
 h2{break-after:avoid} table,figure{break-inside:auto} tr{break-inside:avoid}
 @page{size:A4;margin:14mm}}
"""

SWITCH = """<script>
(function(){var q=new URLSearchParams(location.search).get('lang'),b=document.body;
if((q!=='ko'&&q!=='en')||!b.classList.contains('both')){return;}
b.classList.add('only-'+q);document.documentElement.lang=q;
document.querySelectorAll('#lang a').forEach(function(a){
if(a.getAttribute('href')==='?lang='+q){a.setAttribute('aria-current','page');}
else{a.removeAttribute('aria-current');}});})();
</script>"""
"""For a saved page opened from disk: ``?lang=`` picks one language, as the server does."""


class Text:
    """The report's words in the rendering's language(s)."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, ko: str, en: str) -> str:
        """HTML: one language, or Korean then English, each marked so CSS can place it."""
        if self.lang == "ko":
            return escape(ko)
        if self.lang == "en":
            return escape(en)
        return (f'<span class="ko">{escape(ko)}</span><span class="sep"> / </span>'
                f'<span class="en" lang="en">{escape(en)}</span>')

    def svg(self, ko: str, en: str) -> Label:
        """A chart label: one language, or a ``<tspan>`` for each (an empty one left out), so
        the CSS that picks a language for a saved page picks it inside the charts too."""
        if self.lang is not None:
            return label(ko if self.lang == "ko" else en)
        parts = [f'<tspan class="{code}">{escape(text)}</tspan>'
                 for code, text in (("ko", ko), ("en", en)) if text]
        return Label('<tspan class="sep"> / </tspan>'.join(parts),
                     " / ".join(text for text in (ko, en) if text))

    def plain(self, ko: str, en: str) -> str:
        """Unmarked text (a page or chart title): one language, or ``ko / en``."""
        return ko if self.lang == "ko" else en if self.lang == "en" else f"{ko} / {en}"


SEOUL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00")
PLAIN_NUMBERS = frozenset({"year", "half", "stage", "revision", "position", "renewals"})
"""Columns whose numbers are identifiers or ordinals: no thousands separator (2023, not 2,023)."""


def cell(t: Text, value: Cell, column: str = "") -> str:
    if value is None:
        return "<td></td>"
    label = VALUES.get(column, {}).get(str(value))
    if label is not None:  # an enumerated value: its Korean label, English beside it
        return f'<td data-code="{escape(str(value))}">{t(*label)}</td>'
    if isinstance(value, int | float):
        shown = str(value) if column in PLAIN_NUMBERS else f"{value:,}"
        return f'<td class="num">{shown}</td>'
    if SEOUL_TIME.fullmatch(value):  # model.kst(): shown as people read it, kept exact
        return f'<td><time datetime="{value}">{value[:10]} {value[11:16]} KST</time></td>'
    return f"<td>{escape(value)}</td>"


def table_html(t: Text, table: Table) -> str:
    ko, en = TABLES[table.name]
    head = "".join(f"<th>{t(*COLUMNS.get(c, (c, c)))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(cell(t, v, c)
                                    for v, c in zip(row, table.columns, strict=True))
                   + "</tr>" for row in table.rows)
    empty = "" if table.rows else f'<p>{t(*PHRASES["no_records"])}</p>'
    return (f'<table id="table-{table.name}"><caption>{t(ko, en)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{empty}")


def figure(t: Text, value: str, ko: str, en: str) -> str:
    return f"<li><b>{escape(value)}</b>{t(ko, en)}</li>"


def council_section(t: Text, report: Report) -> str:
    f = report.figures
    return (f'<section id="council"><h2>{t("1. 협치회의 구성", "1. Council composition")}</h2>'
            '<ul class="figures">'
            + figure(t, f"{f.council_members}", "재임 위원(연중)", "Members seated in the year")
            + figure(t, f"{f.council_private}", "민간 위원", "Private-sector members")
            + figure(t, f"{f.council_private_share:.1f}%", "민간 비율", "Private share")
            + "</ul>"
            + share_bar(f.council_private, f.council_members - f.council_private,
                        labels=(t.svg("민간", "private"), t.svg("공공", "public")))
            + table_html(t, report.table("council")) + "</section>")


def pipeline_section(t: Text, report: Report) -> str:
    rows = report.table("agendas").rows
    counts = [(t.svg(*STAGE_LABELS[s]), float(sum(1 for r in rows if r[5] == s and not r[6])))
              for s in STAGES]
    return (f'<section id="agendas"><h2>{t("2. 의제 추진 현황", "2. Agenda pipeline")}</h2>'
            + bar_chart(counts, title=t.plain("단계별 의제 수", "Agendas per stage"))
            + table_html(t, report.table("agendas"))
            + f'<h3>{t("의제 융합과 출처", "Merges and their provenance")}</h3>'
            + table_html(t, report.table("merges")) + "</section>")


def votes_section(t: Text, report: Report) -> str:
    bars = [(label(f"{y}"), float(n)) for y, n in report.figures.turnout]
    return (f'<section id="votes"><h2>{t("3. 우선순위 선정 주민투표", "3. Priority votes")}</h2>'
            + bar_chart(bars, title=t.plain("연도별 투표 참여자 수", "Turnout by year"),
                        unit=t.svg("명", ""))
            + table_html(t, report.table("turnout"))
            + table_html(t, report.table("vote_results")) + "</section>")


def mou_section(t: Text, report: Report) -> str:
    return (f'<section id="mous"><h2>{t("4. 민관협치 협약과 목표", "4. MOUs and goals")}</h2>'
            '<ul class="figures">'
            + figure(t, f"{report.figures.mous}", "협약 사업", "Projects under MOU") + "</ul>"
            + table_html(t, report.table("mous")) + table_html(t, report.table("goals"))
            + "</section>")


def evaluation_section(t: Text, report: Report) -> str:
    rows = report.table("evaluations").rows
    annual = [(label(str(r[0])), float(r[5] or 0)) for r in rows if r[2] == "annual"]
    chart = bar_chart(annual, title=t.plain("연간 평가 목표 달성 평균", "Annual goal average")) \
        if annual else ""
    return (f'<section id="evaluations"><h2>{t("5. 성과평가", "5. Evaluations")}</h2>'
            + chart + table_html(t, report.table("evaluations"))
            + f'<h3>{t("연도별 통계", "Yearly statistics")}</h3>'
            + table_html(t, report.table("statistics"))
            + f'<p>{t(*PHRASES["seats_filled"])}</p></section>')


def holds(t: Text, name: str) -> str:
    """What an open-data file holds, from its name (``…-council.csv``, ``….json``)."""
    if name.endswith(".json"):
        return f" — {t('보고서 전체(JSON)', 'The whole report (JSON)')}"
    table = next((ko_en for table, ko_en in TABLES.items() if name.endswith(f"-{table}.csv")
                  or name == f"{table}.csv"), None)
    return "" if table is None else f" — {t(*table)}"


def head_section(t: Text, report: Report, links: Mapping[str, str]) -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(name)}</a>{holds(t, name)}</li>'
                    for name, href in links.items())
    return (f'<section id="ledger-head"><h2>{t("6. 원장 기준점", "6. Ledger head")}</h2>'
            f'<p>{t(*PHRASES["rebuild"])}</p><dl><dt>{t("위치", "Position")}</dt>'
            f'<dd id="head-position">{report.head.position}</dd><dt>{t("해시", "Hash")}</dt>'
            f'<dd class="hash" id="head-hash">{report.head.hash}</dd></dl>'
            f'<h3>{t(*PHRASES["open_data"])}</h3><ul>{items}</ul></section>')


def language_links(lang: Lang) -> str:
    """Links to the three renderings; each names its language in that language."""
    def link(href: str, text: str, code: str, this: Lang) -> str:
        current = ' aria-current="page"' if this == lang else ""
        hreflang = f' hreflang="{code}" lang="{code}"' if code else ""
        return f'<a href="{href}"{hreflang}{current}>{escape(text)}</a>'

    return ('<nav id="lang" aria-label="언어 / Language">'
            + link("?", "한국어 + English", "", None) + link("?lang=ko", "한국어", "ko", "ko")
            + link("?lang=en", "English", "en", "en") + "</nav>")


def render_html(report: Report, links: Mapping[str, str] | None = None,
                lang: Lang = None) -> str:
    """The page; ``links`` names the open-data files (name → relative href) to list at the
    end; ``lang`` picks one language, else Korean first with English beside it."""
    t = Text(lang)
    y = report.year
    title_ko = f"{y}년 성동구 민관협치 투명성 보고서"
    title_en = f"Seongdong-gu public–private governance transparency report {y}"
    body_class = ' class="both"' if lang is None else ""
    return (
        f'<!DOCTYPE html><html lang="{lang or "ko"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(t.plain(title_ko, title_en))}</title><style>{CSS}</style></head>"
        f"<body{body_class}>{language_links(lang)}"
        f"<header><h1>{t(title_ko, title_en)}</h1>"
        f'<p>{t(*PHRASES["times"])}</p></header>'
        f"<main>{council_section(t, report)}{pipeline_section(t, report)}"
        f"{votes_section(t, report)}{mou_section(t, report)}{evaluation_section(t, report)}"
        f"{head_section(t, report, links or {})}</main>"
        f"{SWITCH if lang is None else ''}</body></html>")

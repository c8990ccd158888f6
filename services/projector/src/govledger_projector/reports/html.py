"""The transparency report as one self-contained HTML page: Korean first, an English switch,
inline SVG charts, print-ready CSS, no external assets (the page works offline, archived)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from govledger_contracts.views import STAGES
from govledger_projector.reports.charts import bar_chart, share_bar
from govledger_projector.reports.labels import COLUMNS, PHRASES, TABLES
from govledger_projector.reports.labels import STAGES as STAGE_LABELS
from govledger_projector.reports.model import Cell, Report, Table

CSS = """
:root{font-family:"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:#111}
body{max-width:1100px;margin:0 auto;padding:24px;line-height:1.5}
html[lang=ko] .en{display:none} html[lang=en] .ko{display:none}
h1{font-size:1.7rem;border-bottom:3px solid #1f5fa8;padding-bottom:.3rem}
h2{font-size:1.3rem;margin-top:2rem;border-left:6px solid #1f5fa8;padding-left:.5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef3fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
.figures{display:flex;flex-wrap:wrap;gap:12px;padding:0;list-style:none}
.figures li{border:1px solid #bbb;border-radius:6px;padding:8px 12px;min-width:150px}
.figures b{display:block;font-size:1.4rem} .hash{font-family:monospace;word-break:break-all}
#lang{position:fixed;top:12px;right:12px;padding:6px 12px;font-size:.9rem;cursor:pointer}
@media print{#lang,nav{display:none} body{max-width:none;padding:0}
 h2{break-after:avoid} table,figure{break-inside:auto} tr{break-inside:avoid}
 @page{size:A4;margin:14mm}}
"""

SWITCH = """<script>
(function(){var b=document.getElementById('lang'),h=document.documentElement;
var q=new URLSearchParams(location.search).get('lang');if(q==='en'||q==='ko'){h.lang=q;}
b.onclick=function(){h.lang=h.lang==='ko'?'en':'ko';};})();
</script>"""


def t(ko: str, en: str) -> str:
    """Both languages; CSS shows the page's language (Korean unless switched)."""
    return (f'<span class="ko" lang="ko">{escape(ko)}</span>'
            f'<span class="en" lang="en">{escape(en)}</span>')


PLAIN_NUMBERS = frozenset({"year", "half", "stage", "revision", "position", "renewals"})
"""Columns whose numbers are identifiers or ordinals: no thousands separator (2023, not 2,023)."""


def cell(value: Cell, column: str = "") -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, int | float):
        shown = str(value) if column in PLAIN_NUMBERS else f"{value:,}"
        return f'<td class="num">{shown}</td>'
    return f"<td>{escape(value)}</td>"


def table_html(table: Table) -> str:
    ko, en = TABLES[table.name]
    head = "".join(f"<th>{t(*COLUMNS.get(c, (c, c)))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(cell(v, c) for v, c in zip(row, table.columns, strict=True))
                   + "</tr>" for row in table.rows)
    empty = "" if table.rows else f'<p>{t(*PHRASES["no_records"])}</p>'
    return (f'<table id="table-{table.name}"><caption>{t(ko, en)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{empty}")


def figure(value: str, ko: str, en: str) -> str:
    return f"<li><b>{escape(value)}</b>{t(ko, en)}</li>"


def council_section(report: Report) -> str:
    f = report.figures
    return (f'<section id="council"><h2>{t("1. 협치회의 구성", "1. Council composition")}</h2>'
            '<ul class="figures">'
            + figure(f"{f.council_members}", "재임 위원(연중)", "Members seated in the year")
            + figure(f"{f.council_private}", "민간 위원", "Private-sector members")
            + figure(f"{f.council_private_share:.1f}%", "민간 비율", "Private share")
            + "</ul>" + share_bar(f.council_private, f.council_members - f.council_private)
            + table_html(report.table("council")) + "</section>")


def pipeline_section(report: Report) -> str:
    rows = report.table("agendas").rows
    counts = [(STAGE_LABELS[s][0], float(sum(1 for r in rows if r[5] == s and not r[6])))
              for s in STAGES]
    return (f'<section id="agendas"><h2>{t("2. 의제 추진 현황", "2. Agenda pipeline")}</h2>'
            + bar_chart(counts, label_ko="단계별 의제 수", label_en="Agendas per stage")
            + table_html(report.table("agendas"))
            + f'<h3>{t("의제 융합과 출처", "Merges and their provenance")}</h3>'
            + table_html(report.table("merges")) + "</section>")


def votes_section(report: Report) -> str:
    bars = [(f"{y}", float(n)) for y, n in report.figures.turnout]
    return (f'<section id="votes"><h2>{t("3. 우선순위 선정 주민투표", "3. Priority votes")}</h2>'
            + bar_chart(bars, label_ko="연도별 투표 참여자 수", label_en="Turnout by year",
                        unit="명")
            + table_html(report.table("turnout")) + table_html(report.table("vote_results"))
            + "</section>")


def mou_section(report: Report) -> str:
    return (f'<section id="mous"><h2>{t("4. 민관협치 협약과 목표", "4. MOUs and goals")}</h2>'
            '<ul class="figures">'
            + figure(f"{report.figures.mous}", "협약 사업", "Projects under MOU") + "</ul>"
            + table_html(report.table("mous")) + table_html(report.table("goals"))
            + "</section>")


def evaluation_section(report: Report) -> str:
    rows = report.table("evaluations").rows
    annual = [(str(r[0]), float(r[5] or 0)) for r in rows if r[2] == "annual"]
    chart = bar_chart(annual, label_ko="연간 평가 목표 달성 평균", label_en="Annual goal average") \
        if annual else ""
    return (f'<section id="evaluations"><h2>{t("5. 성과평가", "5. Evaluations")}</h2>'
            + chart + table_html(report.table("evaluations"))
            + f'<h3>{t("연도별 통계", "Yearly statistics")}</h3>'
            + table_html(report.table("statistics"))
            + f'<p>{t(*PHRASES["seats_filled"])}</p></section>')


def head_section(report: Report, links: Mapping[str, str]) -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(name)}</a></li>'
                    for name, href in links.items())
    return (f'<section id="ledger-head"><h2>{t("6. 원장 기준점", "6. Ledger head")}</h2>'
            f'<p>{t(*PHRASES["rebuild"])}</p><dl><dt>{t("위치", "Position")}</dt>'
            f'<dd id="head-position">{report.head.position}</dd><dt>{t("해시", "Hash")}</dt>'
            f'<dd class="hash" id="head-hash">{report.head.hash}</dd></dl>'
            f'<h3>{t(*PHRASES["open_data"])}</h3><ul>{items}</ul></section>')


def render_html(report: Report, links: Mapping[str, str] | None = None) -> str:
    """The page; ``links`` names the open-data files (name → href) to list at the end."""
    y = report.year
    title_ko = f"{y}년 성동구 민관협치 투명성 보고서"
    title_en = f"Seongdong-gu public–private governance transparency report {y}"
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title_ko)} / {escape(title_en)}</title><style>{CSS}</style></head>"
        f'<body><button id="lang" type="button">{t("English", "한국어")}</button>'
        f"<header><h1>{t(title_ko, title_en)}</h1>"
        f'<p>{t(*PHRASES["times"])}</p></header>'
        f"<main>{council_section(report)}{pipeline_section(report)}{votes_section(report)}"
        f"{mou_section(report)}{evaluation_section(report)}"
        f"{head_section(report, links or {})}</main>{SWITCH}</body></html>")

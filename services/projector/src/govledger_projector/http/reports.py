"""The transparency report over HTTP: HTML page, JSON and a CSV per table.

The page at ``/v1/reports/<year>`` links its open data by the file names ``govledger report``
writes (``govledger-report-<year>.json``, ``govledger-report-<year>-<table>.csv``), relative,
and those names are served here too: the page works served, saved with curl next to the
files the CLI wrote, or written by the CLI (the same bytes).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter

from govledger_projector.http.problems import missing
from govledger_projector.report_files import page_links, report_from
from govledger_projector.reports import (
    EARLIEST_REPORT_YEAR,
    Report,
    file_stem,
    latest_report_year,
    render_html,
    report_csvs,
    report_json,
)

Req = Request[Any, Any, Any]
# Media types name no charset: Litestar appends "; charset=utf-8" to every text/* type.
_NAME = re.compile(r"(?:govledger-report-)?(?P<year>\d{4})"
                   r"(?:\.(?P<suffix>html|json)|-(?P<table>[a-z_]+\.csv))?")
LANG = ("`ko` or `en`: the page in that language only, `<html lang>` set to it; without it "
        "(the default) Korean first with English beside it")


async def _report(request: Req, year: int) -> Report:
    if not EARLIEST_REPORT_YEAR <= year <= latest_report_year():
        raise missing(f"{year}년 보고서는 없습니다.", f"no report for {year}")
    async with request.app.state.pool.acquire() as conn:
        return await report_from(conn, year, request.app.state.settings.ward)


def _csv(report: Report, table: str) -> Response[str]:
    csvs = report_csvs(report)
    if table not in csvs:
        raise missing(f"표 '{table}'이(가) 없습니다. 다음 중 하나: {', '.join(csvs)}",
                      f"no table {table!r}; one of {', '.join(csvs)}")
    filename = f"{file_stem(report.year)}-{table}"
    return Response(csvs[table], media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@get("/v1/reports/{name:str}", summary="The year's transparency report: `2023` (HTML, Korean "
     "first, English beside it) or `2023.json`; also by the file names `govledger report` "
     "writes (`govledger-report-2023.html`, `.json`, `-council.csv`…), as the page links "
     "them", tags=["reports"])
async def report(
    request: Req, name: FromPath[str],
    lang: Annotated[Literal["ko", "en"] | None, QueryParameter(description=LANG)] = None,
) -> Response[Any]:
    raw = request.scope.get("raw_path", b"").split(b"?", 1)[0]  # the path as the client sent it
    path = request.url.path
    if raw.endswith(b"/"):
        # The page links its files relatively: at ".../2023/" they would resolve one level too
        # deep. Send the reader to the one address where they work.
        query = f"?{request.url.query}" if request.url.query else ""
        return Response(b"", status_code=308, headers={"Location": path.rstrip("/") + query})
    match = _NAME.fullmatch(name)
    if match is None:
        raise missing(f"보고서 '{name}'이(가) 없습니다. 예: /v1/reports/2023, 2023.json",
                      f"no report {name!r}; try /v1/reports/2023 or 2023.json")
    built = await _report(request, int(match["year"]))
    if match["table"]:
        return _csv(built, match["table"])
    if match["suffix"] == "json":
        return Response(report_json(built), media_type="application/json")
    return Response(render_html(built, page_links(built), lang), media_type="text/html",
                    headers={"Content-Language": lang or "ko, en"})


@get("/v1/reports/{year:int}/{table:str}", summary="One table of the report as CSV, "
     "e.g. `/v1/reports/2023/turnout.csv`", tags=["reports"])
async def report_table(request: Req, year: FromPath[int],
                       table: FromPath[str]) -> Response[str]:
    return _csv(await _report(request, year), table)


ROUTES = [report, report_table]

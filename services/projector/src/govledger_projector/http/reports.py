"""The transparency report over HTTP: HTML page, JSON and a CSV per table."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from govledger_projector.http.problems import missing
from govledger_projector.report_files import report_from
from govledger_projector.reports import Report, render_html, report_csvs, report_json

Req = Request[Any, Any, Any]
# Media types name no charset: Litestar appends "; charset=utf-8" to every text/* type.


async def _report(request: Req, year: int) -> Report:
    if not 2000 <= year <= 2100:
        raise missing(f"{year}년 보고서는 없습니다.", f"no report for {year}")
    async with request.app.state.pool.acquire() as conn:
        return await report_from(conn, year, request.app.state.settings.ward)


def _links(report: Report) -> dict[str, str]:
    year = report.year
    links = {f"{year}.json": f"/v1/reports/{year}.json"}
    links.update({name: f"/v1/reports/{year}/{name}" for name in report_csvs(report)})
    return links


@get("/v1/reports/{name:str}", summary="The year's transparency report: `2023` (HTML, Korean "
     "first) or `2023.json` (open data)", tags=["reports"])
async def report(request: Req, name: FromPath[str]) -> Response[Any]:
    year_text, _, suffix = name.partition(".")
    if not (year_text.isascii() and year_text.isdigit()) or suffix not in ("", "json", "html"):
        raise missing(f"보고서 '{name}'이(가) 없습니다. 예: /v1/reports/2023, 2023.json",
                      f"no report {name!r}; try /v1/reports/2023 or 2023.json")
    built = await _report(request, int(year_text))
    if suffix == "json":
        return Response(report_json(built), media_type="application/json")
    return Response(render_html(built, _links(built)), media_type="text/html")


@get("/v1/reports/{year:int}/{table:str}", summary="One table of the report as CSV, "
     "e.g. `/v1/reports/2023/turnout.csv`", tags=["reports"])
async def report_table(request: Req, year: FromPath[int],
                       table: FromPath[str]) -> Response[str]:
    csvs = report_csvs(await _report(request, year))
    if table not in csvs:
        raise missing(f"표 '{table}'이(가) 없습니다. 다음 중 하나: {', '.join(csvs)}",
                      f"no table {table!r}; one of {', '.join(csvs)}")
    return Response(csvs[table], media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{year}-{table}"'})


ROUTES = [report, report_table]

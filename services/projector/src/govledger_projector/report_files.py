"""Writing the year's report to a directory: HTML, JSON and one CSV per table."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from govledger_contracts.subjects import DEFAULT_WARD
from govledger_projector.reports import build_report, render_html, report_csvs, report_json
from govledger_projector.reports.model import Report
from govledger_projector.settings import Settings
from govledger_projector.store import Conn, fetch_views


def file_names(year: int, report: Report) -> dict[str, str]:
    """Open-data name → file name, as the HTML page links them (side by side)."""
    names = {f"govledger-report-{year}.json": f"govledger-report-{year}.json"}
    names.update({csv: f"govledger-report-{year}-{csv}" for csv in report_csvs(report)})
    return names


async def report_from(conn: Conn, year: int, ward: str) -> Report:
    _, views = await fetch_views(conn)
    return build_report(views, year, ward=ward)


async def write_report(source: Settings | asyncpg.Pool, year: int, out_dir: Path, *,
                       ward: str | None = None) -> list[Path]:
    """Write ``govledger-report-<year>.html``, ``.json`` and ``-<table>.csv`` files into
    ``out_dir`` from the views as served now; return the paths written."""
    ward = ward or (source.ward if isinstance(source, Settings) else DEFAULT_WARD)
    if isinstance(source, Settings):
        conn = await asyncpg.connect(source.database_url)
        try:
            report = await report_from(conn, year, ward)
        finally:
            await conn.close()
    else:
        async with source.acquire() as pooled:
            report = await report_from(pooled, year, ward)
    return await asyncio.to_thread(save_report, report, out_dir)


def save_report(report: Report, out_dir: Path) -> list[Path]:
    """The files of one report, written side by side (blocking file I/O)."""
    year = report.year
    out_dir.mkdir(parents=True, exist_ok=True)
    links = file_names(year, report)
    written = [out_dir / f"govledger-report-{year}.html"]
    written[0].write_text(render_html(report, links), encoding="utf-8")
    (out_dir / f"govledger-report-{year}.json").write_bytes(report_json(report))
    written.append(out_dir / f"govledger-report-{year}.json")
    for name, text in report_csvs(report).items():
        path = out_dir / links[name]
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

"""Writing the year's report to a directory: HTML, JSON and one CSV per table."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from govledger_contracts.subjects import DEFAULT_WARD
from govledger_projector.reports import (
    build_report,
    file_stem,
    open_data_files,
    render_html,
    report_csvs,
    report_json,
)
from govledger_projector.reports.model import Report
from govledger_projector.settings import Settings
from govledger_projector.store import Conn, fetch_views


def page_links(report: Report) -> dict[str, str]:
    """The open-data files the page lists, name → relative href (the file name itself):
    the same page served at ``/v1/reports/<year>`` and saved next to these files."""
    return {name: name for name in open_data_files(report)}


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
    """The files of one report, written side by side (blocking file I/O): the page exactly
    as the projector serves it by default, and the open data it links."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / f"{file_stem(report.year)}.html"]
    written[0].write_text(render_html(report, page_links(report)), encoding="utf-8")
    csvs = report_csvs(report)
    for name, holds in open_data_files(report).items():
        path = out_dir / name
        if holds == "json":
            path.write_bytes(report_json(report))
        else:
            path.write_text(csvs[holds], encoding="utf-8", newline="")  # keeps CRLF
        written.append(path)
    return written

"""Pure report rendering: views in, the year's transparency report out (HTML, CSV, JSON)."""

from __future__ import annotations

from govledger_projector.reports.html import render_html
from govledger_projector.reports.model import (
    EARLIEST_REPORT_YEAR,
    Head,
    Report,
    Table,
    build_report,
    latest_report_year,
)
from govledger_projector.reports.opendata import (
    file_stem,
    open_data_files,
    report_csvs,
    report_document,
    report_json,
)

__all__ = ["EARLIEST_REPORT_YEAR", "Head", "Report", "Table", "build_report", "file_stem",
           "latest_report_year", "open_data_files", "render_html", "report_csvs",
           "report_document", "report_json"]

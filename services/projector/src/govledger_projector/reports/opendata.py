"""Open data: every table of the report as CSV (UTF-8 with BOM, so spreadsheet programs in
Korea open Hangul correctly) and the whole report as JSON."""

from __future__ import annotations

import csv
import io

import msgspec

from govledger_projector.reports.model import Report, Table


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return "\ufeff" + out.getvalue()


def report_csvs(report: Report) -> dict[str, str]:
    """File name → CSV text, one per table."""
    return {f"{t.name}.csv": table_csv(t) for t in report.tables}


def file_stem(year: int) -> str:
    return f"govledger-report-{year}"


def open_data_files(report: Report) -> dict[str, str]:
    """File name → what it holds (``json`` or a table's CSV name), as ``govledger report``
    writes them side by side and the projector serves them next to the page. The page links
    these names relatively, so its links work served and saved next to the files alike."""
    stem = file_stem(report.year)
    files = {f"{stem}.json": "json"}
    files.update({f"{stem}-{csv}": csv for csv in report_csvs(report)})
    return files


def report_document(report: Report) -> dict[str, object]:
    """The report as JSON builtins: tables as lists of objects keyed by column."""
    return {
        "ward": report.ward,
        "year": report.year,
        "ledger_head": msgspec.to_builtins(report.head),
        "figures": msgspec.to_builtins(report.figures),
        "tables": {t.name: [dict(zip(t.columns, row, strict=True)) for row in t.rows]
                   for t in report.tables},
    }


def report_json(report: Report) -> bytes:
    return msgspec.json.format(msgspec.json.encode(report_document(report)), indent=2)

"""``govledger report`` and ``govledger project rebuild``: the projector's commands."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from govledger_launcher.embedded import LauncherError
from govledger_launcher.progress import ProgressBar
from govledger_launcher.runtime import Servers, data_dir_from, resolve_servers

if TYPE_CHECKING:
    from govledger_projector.settings import Settings


def projector_settings(servers: Servers, data_dir: Path) -> Settings:
    from govledger_projector.settings import settings_from_env

    return settings_from_env(database_url=servers.database_url, nats_url=servers.nats_url,
                             data_dir=data_dir)


def writable_folder(out: Path, label: str = "--out") -> None:
    """``out`` is a folder files can be written into, or can be made: else one line
    (LauncherError), before any server is started for files that could not be saved."""
    if out.exists() and not out.is_dir():
        raise LauncherError(f"{label} {out} is a file, not a folder to write into")
    existing = next((p for p in (out, *out.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise LauncherError(f"{label} {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise LauncherError(f"{label} {out}: cannot write in {existing} (permission denied)")


def run_report(args: argparse.Namespace) -> int:
    from govledger_projector.report_files import write_report

    data_dir = data_dir_from(args.data_dir)
    out = Path(args.out)
    writable_folder(out)
    with resolve_servers(data_dir) as servers:
        try:
            written = asyncio.run(write_report(projector_settings(servers, data_dir),
                                               args.year, out))
        except OSError as exc:
            if exc.filename is None:  # not a file: the database, say; not ours to word
                raise
            raise LauncherError(f"cannot write the report: {exc.strerror}: {exc.filename}"
                                ) from None
    for path in written:
        print(path)
    html = next((p for p in written if p.suffix == ".html"), None)
    if html is not None:
        print(f"open {html.resolve().as_uri()} in a browser")
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    from govledger_projector.rebuild import RebuildInProgress, rebuild

    data_dir = data_dir_from(args.data_dir)
    with resolve_servers(data_dir) as servers:
        try:
            report = asyncio.run(rebuild(projector_settings(servers, data_dir),
                                         ProgressBar("rebuilding views")))
        except RebuildInProgress as exc:
            raise LauncherError(str(exc)) from None
    print(f"views rebuilt: generation {report.generation} (was {report.previous_generation}), "
          f"{report.events:,} events to position {report.position}, {report.entities:,} "
          f"entities, {report.seconds:.1f} s")
    return 0


def year_arg(text: str) -> int:
    from govledger_projector.reports import EARLIEST_REPORT_YEAR, latest_report_year

    try:
        year, latest = int(text), latest_report_year()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not EARLIEST_REPORT_YEAR <= year <= latest:
        raise argparse.ArgumentTypeError(
            f"not a year to report on: {text} ({EARLIEST_REPORT_YEAR} to {latest}, "
            "this year in Seoul)")
    return year

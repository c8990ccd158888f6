"""``govledger migrate | verify | token issue | schema export | seed load``.

Every command finds the same ledger that ``govledger up`` runs: the configured URLs, the
running ``up``'s servers, or the embedded servers on the same data directory (see
``runtime``); none creates a ledger or a key where there is none.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from govledger_launcher.embedded import LauncherError, UsageError
from govledger_launcher.progress import ProgressBar
from govledger_launcher.runtime import (
    JWT_KEY,
    VOTER_KEY,
    Servers,
    data_dir_from,
    require_ledger,
    resolve_servers,
)

if TYPE_CHECKING:
    from govledger_ledger.settings import Settings


def ledger_settings(servers: Servers, data_dir: Path) -> Settings:
    from govledger_ledger.settings import settings_from_env

    return settings_from_env(database_url=servers.database_url, nats_url=servers.nats_url,
                             data_dir=data_dir)


def run_migrate(args: argparse.Namespace) -> int:
    from govledger_ledger.adapters.migrations import migrate

    with resolve_servers(args.data_dir) as servers:
        applied = asyncio.run(migrate(servers.database_url))
    print("applied: " + ", ".join(applied) if applied else "the schema is up to date")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from govledger_ledger.verify import verify_chain

    with resolve_servers(args.data_dir) as servers:
        report = asyncio.run(verify_chain(servers.database_url, ProgressBar("verifying")))
    if report.ok:
        print(f"ok: {report.count:,} events, head hash {report.head_hash}")
        return 0
    print(f"govledger: chain broken at position {report.bad_position}: {report.problem}",
          file=sys.stderr)
    return 1


def run_token_issue(args: argparse.Namespace) -> int:
    from govledger_ledger.auth import issue_token

    secret = os.environ.get("GOVLEDGER_JWT_SECRET") or None
    data_dir = data_dir_from(args.data_dir)
    require_ledger(data_dir, keys=[JWT_KEY])  # a token signed by a new key is refused (401)
    try:
        token = issue_token(data_dir, secret, subject=args.subject, role=args.role,
                            ttl_seconds=args.ttl)
    except ValueError as exc:  # an unknown role: the command line is wrong (exit 2)
        raise UsageError(str(exc)) from None
    print(token)
    return 0


def run_schema_export(args: argparse.Namespace) -> int:
    from govledger_contracts.schema import export_schemas
    from govledger_launcher.projector_commands import writable_folder

    writable_folder(Path(args.directory), "DIR")
    written = export_schemas(Path(args.directory))
    print(f"wrote {len(written)} JSON Schemas under {args.directory}")
    return 0


def run_seed_load(args: argparse.Namespace) -> int:
    from govledger_ledger.seeding import SeedRejected, load_seed

    data_dir = data_dir_from(args.data_dir)
    require_ledger(data_dir, servers=True, keys=[VOTER_KEY])
    with resolve_servers(data_dir) as servers:
        try:
            report = asyncio.run(load_seed(ledger_settings(servers, data_dir),
                                           progress=ProgressBar("seed")))
        except SeedRejected as exc:
            raise LauncherError(str(exc)) from None
    print(f"seed: {report.commands:,} commands, {report.appended:,} events appended, "
          f"{report.replayed:,} already recorded ({report.seconds:.1f} s)")
    return 0


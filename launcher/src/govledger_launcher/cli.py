"""The ``govledger`` command.

Each subcommand is one small ``_add_<name>(commands)`` function that declares its parser
and sets ``handler``; list it in ``SUBCOMMANDS``. A handler gets the parsed arguments and
returns the exit status; it raises ``LauncherError`` for a failure the user should read
as one line (``NoLedger``, exit status 2, when the command would need a ledger that is not
there: only ``up`` creates one). Import heavy modules inside the handler so ``--help`` stays
fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeAlias

from govledger_contracts.audit.arguments import OneLineParser
from govledger_launcher.embedded import LauncherError, UsageError
from govledger_launcher.runtime import (
    CHECKPOINT_KEY,
    data_dir_from,
    require_ledger,
    resolve_servers,
)

Subcommands: TypeAlias = "argparse._SubParsersAction[OneLineParser]"
Handler = Callable[[argparse.Namespace], int]


def _common_options() -> OneLineParser:
    """Options every subcommand shares (pass as ``parents=[_common_options()]``)."""
    common = OneLineParser(add_help=False)
    common.add_argument(
        "--data-dir",
        # Not set here unless given, so `govledger --data-dir D verify` keeps the top level's.
        default=argparse.SUPPRESS,
        help="embedded servers' data and keys (default: $GOVLEDGER_DATA_DIR, else the "
             "nearest .govledger here or in a parent directory, else ./.govledger)",
    )
    return common


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text}")
    return port


MAX_TTL_SECONDS = 100 * 366 * 86400
"""A century: a token's expiry must be a date (and year 9999 is the last one)."""


def _lifetime(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number of seconds, not {text!r}") from None
    if not 1 <= seconds <= MAX_TTL_SECONDS:
        # An expired token would be printed as if it worked, then refused by every request.
        raise argparse.ArgumentTypeError(
            f"a token lives 1 to {MAX_TTL_SECONDS} seconds, not {text}")
    return seconds


# --------------------------------------------------------------------------- subcommands


def _add_up(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "up",
        parents=[_common_options()],
        help="start the whole system (servers, migrations, API, relay, projector)",
    )
    parser.add_argument("--http-port", type=_port, default=8000, help="API port (default 8000)")
    parser.add_argument("--projector-port", type=_port, default=8001,
                        help="projector (views, reports) port (default 8001)")
    parser.set_defaults(handler=_run_up)


def _run_up(args: argparse.Namespace) -> int:
    from govledger_launcher.supervisor import UpOptions, run_up

    host = os.environ.get("GOVLEDGER_HTTP_HOST") or "127.0.0.1"
    return run_up(UpOptions(data_dir_from(args.data_dir), args.http_port, host,
                            args.projector_port))


def _add_migrate(commands: Subcommands) -> None:
    from govledger_launcher import ledger_commands

    parser = commands.add_parser("migrate", parents=[_common_options()],
                                 help="apply the database migrations (also done by up)")
    parser.set_defaults(handler=ledger_commands.run_migrate)


def _add_verify(commands: Subcommands) -> None:
    from govledger_launcher import ledger_commands

    parser = commands.add_parser(
        "verify", parents=[_common_options()],
        help="recompute every hash of the chain; exit 1 at the first bad position",
    )
    parser.set_defaults(handler=ledger_commands.run_verify)


def _add_token(commands: Subcommands) -> None:
    from govledger_launcher import ledger_commands

    token = commands.add_parser("token", help="bearer tokens for the API")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    issue = actions.add_parser("issue", parents=[_common_options()],
                               help="print a signed bearer token for a subject and role")
    issue.add_argument("--role", required=True,
                       help="secretariat, council_chair, department_officer, working_group, "
                            "vote_gateway, auditor, admin or resident")
    issue.add_argument("--subject", required=True, help="who acts (recorded as the actor)")
    issue.add_argument("--ttl", type=_lifetime, default=86400,
                       help="lifetime in seconds (1 to 100 years' worth; default a day)")
    issue.set_defaults(handler=ledger_commands.run_token_issue)


def _add_schema(commands: Subcommands) -> None:
    from govledger_launcher import ledger_commands

    schema = commands.add_parser("schema", help="the published contracts")
    actions = schema.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write JSON Schemas of every contract to DIR")
    export.add_argument("directory", metavar="DIR")
    export.set_defaults(handler=ledger_commands.run_schema_export)


def _add_key(commands: Subcommands) -> None:
    key = commands.add_parser("key", help="the checkpoint signing key")
    actions = key.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", parents=[_common_options()],
                              help="print the checkpoint verifier key (publish it out of band)")
    show.set_defaults(handler=_run_key_show)


def _run_key_show(args: argparse.Namespace) -> int:
    from govledger_ledger.audit_commands import key_show
    from govledger_ledger.settings import settings_from_env

    # Only the data directory and the ward matter here; no server is started for a key.
    data_dir = data_dir_from(args.data_dir)
    require_ledger(data_dir, keys=[CHECKPOINT_KEY])  # never print a key made up just now
    settings = settings_from_env(database_url="-", nats_url="-", data_dir=data_dir)
    print(key_show(settings))
    return 0


def _add_export(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "export", parents=[_common_options()],
        help="write the log, a signed checkpoint covering it and the key to DIR, for auditors",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="export directory")
    parser.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from govledger_launcher.ledger_commands import ledger_settings
    from govledger_ledger.audit_commands import export

    data_dir = data_dir_from(args.data_dir)
    # Before anything is started or written: no empty export, no checkpoint signed by a new key.
    require_ledger(data_dir, servers=True, keys=[CHECKPOINT_KEY])
    with resolve_servers(data_dir) as servers:
        return export(ledger_settings(servers, data_dir), args.out)


_AUDIT_USAGE = """govledger audit DIR [--state FILE] [--key KEY] [--jobs N]
       govledger audit proof EVENT_ID [--api URL] [--key KEY] [--state FILE]
       govledger audit proof --bundle FILE --key KEY
       govledger audit recount VOTE_ID [--export DIR] [--key KEY]
(an export in a folder named proof or recount: govledger audit ./proof)"""


AUDIT = "govledger audit"


def _audit_folder_hint(subcommand: str, missing: str) -> None:
    from govledger_contracts.audit.cli import FolderNamedLikeASubcommand, folder_hint

    try:
        folder_hint(AUDIT, subcommand, missing)
    except FolderNamedLikeASubcommand as exc:
        raise UsageError(str(exc)) from None


def _add_audit(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "audit", usage=_AUDIT_USAGE,
        help="verify an export offline, one event's inclusion proof, or a vote's tally",
    )
    parser.add_argument("target", metavar="DIR|proof|recount")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(handler=_run_audit)


def _run_audit(args: argparse.Namespace) -> int:
    # The parsers and the offline checks are govledger-contracts' own (`govledger-audit`);
    # this command adds the running API found by the data directory and the database recount.
    from govledger_contracts.audit import cli as offline

    if args.target == "proof":
        parser = offline.proof_parser(AUDIT, [_common_options()],
                                      api_help="ledger API (default: the running up's)")
        return _run_audit_proof(parser.parse_args(args.rest, _carried(args)))
    if args.target == "recount":
        parser = offline.recount_parser(
            AUDIT, [_common_options()],
            export_help="recount an export (audited first); default: the ledger's database")
        return _run_audit_recount(parser, parser.parse_args(args.rest, _carried(args)))
    from govledger_contracts.audit.commands import audit

    options = offline.dir_parser(AUDIT).parse_args([args.target, *args.rest])
    return audit(options.directory, state_file=options.state, key=options.key,
                 jobs=options.jobs)


def _carried(args: argparse.Namespace) -> argparse.Namespace:
    """What the sub-parsers of ``audit`` start from: the data dir given before ``audit``."""
    return argparse.Namespace(data_dir=getattr(args, "data_dir", None))


def _run_audit_proof(options: argparse.Namespace) -> int:
    from govledger_contracts.audit.commands import audit_proof
    from govledger_launcher.runtime import live_runtime

    if options.event_id is None and options.bundle is None:
        _audit_folder_hint("proof", "an EVENT_ID or --bundle FILE")
    api = options.api
    if api is None and options.bundle is None:
        # Only the ledger `up` runs here, never whatever happens to listen on a default port.
        data_dir = data_dir_from(options.data_dir)
        running = live_runtime(data_dir)
        if running is None or not running.api_url:
            raise UsageError(
                f"no running ledger found at {data_dir} to ask for the proof — pass --api URL "
                "(the ledger's API), or --bundle FILE for a saved proof"
            )
        api = running.api_url
    return audit_proof(options.event_id, api_url=api, bundle=options.bundle, key=options.key,
                       state_file=options.state, token=options.token)


def _run_audit_recount(parser: argparse.ArgumentParser, options: argparse.Namespace) -> int:
    from govledger_ledger.audit_commands import recount

    if options.vote_id is None:
        _audit_folder_hint("recount", "a VOTE_ID")
        parser.error("the following arguments are required: VOTE_ID")
    if options.export is not None:
        return recount(options.vote_id, export_dir=options.export, key=options.key)
    with resolve_servers(options.data_dir) as servers:
        return recount(options.vote_id, database_url=servers.database_url)


def _add_seed(commands: Subcommands) -> None:
    from govledger_launcher import ledger_commands

    seed = commands.add_parser("seed", help="the seed plan's own data set")
    actions = seed.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser(
        "load", parents=[_common_options()],
        help="record the seed's council, votes, projects, MOUs and evaluations (idempotent)",
    )
    load.set_defaults(handler=ledger_commands.run_seed_load)


def _add_report(commands: Subcommands) -> None:
    from govledger_launcher import projector_commands

    parser = commands.add_parser(
        "report", parents=[_common_options()],
        help="write the council's transparency report for a year (HTML, CSV, JSON)",
    )
    parser.add_argument("--year", type=projector_commands.year_arg, required=True)
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    parser.set_defaults(handler=projector_commands.run_report)


def _add_project(commands: Subcommands) -> None:
    from govledger_launcher import projector_commands

    project = commands.add_parser("project", help="the projector's read models")
    actions = project.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild", parents=[_common_options()],
        help="rebuild every view from position 0; switch over when caught up",
    )
    rebuild.set_defaults(handler=projector_commands.run_rebuild)


SUBCOMMANDS: tuple[Callable[[Subcommands], None], ...] = (
    _add_up, _add_migrate, _add_verify, _add_token, _add_schema, _add_key, _add_export,
    _add_audit, _add_seed, _add_report, _add_project,
)


# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="govledger", description="Append-only, hash-chained governance event ledger."
    )
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s govledger: %(message)s", datefmt="%H:%M:%S"
    )
    handler: Handler = args.handler
    try:
        return handler(args)
    except LauncherError as error:
        print(f"govledger: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("GOVLEDGER_DEBUG"):
            raise
        print(
            f"govledger: error: {type(error).__name__}: {error} "
            "(set GOVLEDGER_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())

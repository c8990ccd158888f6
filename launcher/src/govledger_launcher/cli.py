"""The ``govledger`` command.

Each subcommand is one small ``_add_<name>(commands)`` function that declares its parser
and sets ``handler``; list it in ``SUBCOMMANDS``. A handler gets the parsed arguments and
returns the exit status; it raises ``LauncherError`` for a failure the user should read
as one line. Import heavy modules inside the handler so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeAlias

from govledger_launcher.embedded import LauncherError
from govledger_launcher.runtime import data_dir_from

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler = Callable[[argparse.Namespace], int]


def _common_options() -> argparse.ArgumentParser:
    """Options every subcommand shares (pass as ``parents=[_common_options()]``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=None,
        help="embedded servers' data and keys (default: $GOVLEDGER_DATA_DIR or .govledger)",
    )
    return common


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text}")
    return port


# --------------------------------------------------------------------------- subcommands


def _add_up(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "up",
        parents=[_common_options()],
        help="start the whole system (servers, migrations, API, relay, projector)",
    )
    parser.add_argument("--http-port", type=_port, default=8000, help="API port (default 8000)")
    parser.set_defaults(handler=_run_up)


def _run_up(args: argparse.Namespace) -> int:
    from govledger_launcher.supervisor import UpOptions, run_up

    host = os.environ.get("GOVLEDGER_HTTP_HOST") or "127.0.0.1"
    return run_up(UpOptions(data_dir_from(args.data_dir), args.http_port, host))


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
    issue.add_argument("--ttl", type=int, default=86400, help="lifetime in seconds")
    issue.set_defaults(handler=ledger_commands.run_token_issue)


def _add_schema(commands: Subcommands) -> None:
    from govledger_launcher import ledger_commands

    schema = commands.add_parser("schema", help="the published contracts")
    actions = schema.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write JSON Schemas of every contract to DIR")
    export.add_argument("directory", metavar="DIR")
    export.set_defaults(handler=ledger_commands.run_schema_export)


SUBCOMMANDS: tuple[Callable[[Subcommands], None], ...] = (
    _add_up, _add_migrate, _add_verify, _add_token, _add_schema,
)


# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govledger", description="Append-only, hash-chained governance event ledger."
    )
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

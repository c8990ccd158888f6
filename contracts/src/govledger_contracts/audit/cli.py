"""``govledger-audit``: the auditor's command, for a machine with only ``govledger-contracts``.

    govledger-audit DIR [--state FILE] [--key KEY] [--jobs N]
    govledger-audit proof EVENT_ID --api URL [--key KEY] [--state FILE]
    govledger-audit proof --bundle FILE --key KEY
    govledger-audit recount VOTE_ID --export DIR [--key KEY]

The same checks as ``govledger audit`` (which builds its subcommands from the parsers here and
adds what needs the ledger: the running API found by its data directory, a recount read from
the database). Also ``python -m govledger_contracts.audit``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from govledger_contracts.audit.arguments import OneLineParser
from govledger_contracts.audit.commands import (
    CANNOT_RUN,
    audit,
    audit_proof,
    error,
    recount_export,
)

PROG = "govledger-audit"
USAGE = """{prog} DIR [--state FILE] [--key KEY] [--jobs N]
       {prog} proof EVENT_ID --api URL [--key KEY] [--state FILE]
       {prog} proof --bundle FILE --key KEY
       {prog} recount VOTE_ID --export DIR [--key KEY]
(an export in a folder named proof or recount: {prog} ./proof)
Verify a govledger export offline, one event's inclusion proof, or a vote's tally."""


class FolderNamedLikeASubcommand(ValueError):
    """``audit proof`` is the subcommand, even when a folder ``proof`` is here."""


def folder_hint(prog: str, subcommand: str, missing: str) -> None:
    if Path(subcommand).is_dir():
        raise FolderNamedLikeASubcommand(
            f"`{prog} {subcommand}` is the {subcommand} subcommand and needs {missing};"
            f" to audit the export in the folder {subcommand}, run `{prog} ./{subcommand}`"
        )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def dir_parser(prog: str) -> argparse.ArgumentParser:
    parser = OneLineParser(prog=prog, description="Verify an export.")
    parser.add_argument("directory", metavar="DIR", help="an export (govledger export --out)")
    parser.add_argument("--state", metavar="FILE",
                        help="trusted state: refuse a log inconsistent with the last one accepted")
    parser.add_argument("--key", metavar="KEY", help="pinned verifier key, or a file holding it")
    parser.add_argument("--jobs", metavar="N", type=_positive_int,
                        help="worker processes for a large export (default: every core)")
    return parser


def proof_parser(prog: str, parents: Sequence[argparse.ArgumentParser] = (), *,
                 api_help: str = "the ledger's API, e.g. http://127.0.0.1:8000",
                 ) -> argparse.ArgumentParser:
    parser = OneLineParser(prog=f"{prog} proof", parents=list(parents),
                                     description="Verify that one event is in the signed tree.")
    parser.add_argument("event_id", nargs="?", metavar="EVENT_ID")
    parser.add_argument("--api", metavar="URL", help=api_help)
    parser.add_argument("--bundle", metavar="FILE", help="a saved /v1/proofs/inclusion answer")
    parser.add_argument("--key", metavar="KEY", help="pinned verifier key, or a file holding it")
    parser.add_argument("--state", metavar="FILE", help="trusted state to check and advance")
    parser.add_argument("--token", metavar="JWT", default=os.environ.get("GOVLEDGER_TOKEN"),
                        help="bearer token, for a ledger whose reads need one "
                             "(default: $GOVLEDGER_TOKEN)")
    return parser


def recount_parser(prog: str, parents: Sequence[argparse.ArgumentParser] = (), *,
                   export_help: str = "the export to recount (audited first)",
                   ) -> argparse.ArgumentParser:
    parser = OneLineParser(prog=f"{prog} recount", parents=list(parents),
                                     description="Recount a vote from its ballots.")
    parser.add_argument("vote_id", nargs="?", metavar="VOTE_ID")
    parser.add_argument("--export", metavar="DIR", help=export_help)
    parser.add_argument("--key", metavar="KEY", help="pinned verifier key for the export")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print("usage: " + USAGE.format(prog=PROG), file=sys.stdout if args else sys.stderr)
        return 0 if args else CANNOT_RUN
    try:
        return _dispatch(args)
    except FolderNamedLikeASubcommand as exc:
        error(str(exc))
        return CANNOT_RUN


def _dispatch(args: list[str]) -> int:
    target, rest = args[0], args[1:]
    if target == "proof":
        options = proof_parser(PROG).parse_args(rest)
        if options.event_id is None and options.bundle is None:
            folder_hint(PROG, "proof", "an EVENT_ID or --bundle FILE")
        if options.bundle is None and options.api is None:
            proof_parser(PROG).error("give --api URL (the ledger's API) or --bundle FILE")
        return audit_proof(options.event_id, api_url=options.api, bundle=options.bundle,
                           key=options.key, state_file=options.state, token=options.token)
    if target == "recount":
        options = recount_parser(PROG).parse_args(rest)
        if options.vote_id is None:
            folder_hint(PROG, "recount", "a VOTE_ID")
            recount_parser(PROG).error("the following arguments are required: VOTE_ID")
        if options.export is None:
            recount_parser(PROG).error("offline, a recount needs --export DIR "
                                       "(govledger audit recount reads the database too)")
        return recount_export(options.vote_id, options.export, key=options.key)
    options = dir_parser(PROG).parse_args(args)
    return audit(options.directory, state_file=options.state, key=options.key, jobs=options.jobs)


if __name__ == "__main__":
    raise SystemExit(main())

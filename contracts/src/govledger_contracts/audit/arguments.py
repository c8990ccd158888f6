"""The command-line parser both ``govledger`` and ``govledger-audit`` build on: a usage error
is one line, as every other error of theirs is."""

from __future__ import annotations

import argparse
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """``<command>: error: <what> (see <command …> --help)``, exit status 2. argparse's own
    form prints the whole usage first, which buries the one line that says what went wrong;
    ``--help`` still shows the usage. Subparsers made from this parser are of this class."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.split()[0]
        self.exit(2, f"{command}: error: {message} (see {self.prog} --help)\n")

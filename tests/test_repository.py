"""What the README tells a developer to run leaves the work tree clean."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs git and a work tree")
def test_the_folders_the_readme_writes_reports_and_exports_into_are_ignored_by_git() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    command = re.compile(r"^(?:\$ )?\S*govledger (?:report|export) [^\n]*--out (\S+)", re.M)
    folders = {folder for doc in docs
               for folder in command.findall(doc.read_text(encoding="utf-8"))}
    assert len(folders) >= 2, "the README shows `govledger report --out DIR` and `export --out`"
    for folder in sorted(folders):
        for name in ("govledger-report-2023.html", "govledger-report-2023-council.csv",
                     "served.html"):
            path = f"{folder.rstrip('/')}/{name}"
            ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT,
                                     check=False, timeout=30)
            assert ignored.returncode == 0, f"{path} would show up in git status"

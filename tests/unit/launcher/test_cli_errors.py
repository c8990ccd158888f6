"""A command line the CLI cannot act on is answered in one line, never a usage dump or a
traceback: ``govledger: error: …``, exit status 2 for what was typed wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govledger_contracts.audit import cli as audit_cli
from govledger_launcher.cli import main


def one_line_error(text: str, program: str = "govledger") -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith(f"{program}: error: "), text
    assert "Traceback" not in text
    return lines[0]


def exit_status(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    return int(stopped.value.code or 0)


@pytest.mark.parametrize("ttl", ["-5", "0", "abc", "99999999999999"])
def test_a_token_lifetime_that_is_no_lifetime_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ttl: str,
) -> None:
    (tmp_path / "jwt.key").write_text("a-ledger's-signing-key-" * 3 + "\n", encoding="utf-8")
    argv = ["token", "issue", "--ttl", ttl, "--role", "admin", "--subject", "kim",
            "--data-dir", str(tmp_path)]
    assert exit_status(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--ttl" in one_line_error(captured.err)


@pytest.mark.parametrize("argv", [
    [], ["launch"], ["up", "--http-port", "99999"], ["token", "issue", "--role", "admin"],
    ["report", "--year", "1066", "--out", "x"], ["audit", "proof", "--bogus"],
    ["report", "--year", "abc", "--out", "x"], ["up", "--http-port", "abc"],
])
def test_a_usage_error_is_one_line_and_exit_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str],
) -> None:
    assert exit_status(argv) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "_arg" not in line and "_port" not in line  # never a function's name


def test_schemas_into_a_file_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "taken").write_text("x")
    assert main(["schema", "export", str(tmp_path / "taken")]) == 1
    assert "is a file, not a folder" in one_line_error(capsys.readouterr().err)


def test_an_unknown_role_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "jwt.key").write_text("a-ledger's-signing-key-" * 3 + "\n", encoding="utf-8")
    assert main(["token", "issue", "--role", "king", "--subject", "kim",
                 "--data-dir", str(tmp_path)]) == 2
    assert "unknown role 'king'" in one_line_error(capsys.readouterr().err)


def test_the_auditors_own_command_words_its_usage_errors_in_one_line_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        audit_cli.main(["recount", "--bogus"])
    assert stopped.value.code == 2
    one_line_error(capsys.readouterr().err, "govledger-audit")


@pytest.mark.parametrize("out", ["report.txt", "report.txt/2026"])
def test_a_report_into_a_file_is_refused_in_one_line_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str,
) -> None:
    (tmp_path / "report.txt").write_text("not a folder", encoding="utf-8")
    status = main(["report", "--year", "2025", "--out", str(tmp_path / out),
                   "--data-dir", str(tmp_path / "no-ledger-here")])
    assert status != 0
    assert "is a file" in one_line_error(capsys.readouterr().err)
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_report_into_a_folder_it_may_not_write_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        status = main(["report", "--year", "2025", "--out", str(locked / "2025"),
                       "--data-dir", str(tmp_path / "no-ledger-here")])
    finally:
        locked.chmod(0o700)
    assert status != 0
    assert "cannot write" in one_line_error(capsys.readouterr().err)


@pytest.mark.parametrize(("name", "value"), [("GOVLEDGER_PUBLIC_READS", "maybe"),
                                             ("GOVLEDGER_MAX_EVENT_BYTES", "2000000")])
def test_up_refuses_a_bad_setting_before_it_starts_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    name: str, value: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["up", "--data-dir", str(tmp_path / "ledger")]) == 2
    assert name in one_line_error(capsys.readouterr().err)
    assert not (tmp_path / "ledger").exists()  # no server started, nothing created

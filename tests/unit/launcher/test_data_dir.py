"""Which data directory a command uses, and what it refuses to do where there is no ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger_launcher.runtime import (
    CHECKPOINT_KEY,
    JWT_KEY,
    VOTER_KEY,
    NoLedger,
    data_dir_from,
    find_data_dir,
    require_ledger,
)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/ward`` holds a ledger; commands run from ``ward/reports/2024``."""
    for ancestor in tmp_path.parents:
        if (ancestor / ".govledger").is_dir():
            pytest.skip(f"{ancestor}/.govledger would be found above the test's directories")
    for name in ("GOVLEDGER_DATA_DIR", "GOVLEDGER_DATABASE_URL", "GOVLEDGER_NATS_URL",
                 JWT_KEY.variable, CHECKPOINT_KEY.variable, VOTER_KEY.variable):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "ward" / ".govledger").mkdir(parents=True)
    (tmp_path / "ward" / "reports" / "2024").mkdir(parents=True)
    return tmp_path


def test_the_nearest_govledger_here_or_above_is_the_ledger(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tree / "ward" / ".govledger"
    monkeypatch.chdir(tree / "ward" / "reports" / "2024")
    assert data_dir_from() == ledger
    monkeypatch.chdir(tree / "ward")
    assert data_dir_from() == ledger
    nearer = tree / "ward" / "reports" / ".govledger"
    nearer.mkdir()
    monkeypatch.chdir(tree / "ward" / "reports" / "2024")
    assert data_dir_from() == nearer


def test_without_a_govledger_above_it_is_govledger_in_the_current_directory(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tree / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert data_dir_from() == elsewhere.resolve() / ".govledger"
    assert find_data_dir(tree / "ward" / "reports") == tree / "ward" / ".govledger"
    (tree / "ward" / "reports" / ".govledger").write_text("a file is not a ledger")
    assert find_data_dir(tree / "ward" / "reports") == tree / "ward" / ".govledger"


def test_an_explicit_data_dir_or_the_variable_wins_over_the_lookup(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / "ward" / "reports")
    assert data_dir_from("other") == (tree / "ward" / "reports" / "other").resolve()
    monkeypatch.setenv("GOVLEDGER_DATA_DIR", str(tree / "configured"))
    assert data_dir_from() == tree / "configured"
    assert data_dir_from(tree / "flag") == tree / "flag"


def test_a_command_refuses_in_one_line_where_there_is_no_ledger_and_creates_nothing(
    tree: Path,
) -> None:
    missing = tree / "elsewhere" / ".govledger"
    with pytest.raises(NoLedger) as refused:
        require_ledger(missing, servers=True, keys=[CHECKPOINT_KEY])
    assert str(refused.value) == (
        f"no ledger found: {missing} does not exist — run this where `govledger up` runs, "
        "or pass --data-dir (or set GOVLEDGER_DATABASE_URL and GOVLEDGER_NATS_URL and "
        "GOVLEDGER_CHECKPOINT_KEY)"
    )
    assert refused.value.exit_code == 2
    assert "\n" not in str(refused.value)
    assert not missing.parent.exists()


def test_a_key_up_did_not_make_is_refused_rather_than_made(tree: Path) -> None:
    ledger = tree / "ward" / ".govledger"
    with pytest.raises(NoLedger, match=r"no token signing key: .*jwt.key does not exist"):
        require_ledger(ledger, keys=[JWT_KEY])
    (ledger / "jwt.key").write_text("secret\n")
    require_ledger(ledger, keys=[JWT_KEY])
    assert sorted(p.name for p in ledger.iterdir()) == ["jwt.key"]


def test_configured_servers_and_keys_need_no_data_directory(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVLEDGER_DATABASE_URL", "postgresql://db.example/ledger")
    monkeypatch.setenv("GOVLEDGER_NATS_URL", "nats://nats.example:4222")
    monkeypatch.setenv(CHECKPOINT_KEY.variable, "PRIVATE+KEY+govledger.seongdong+...")
    require_ledger(tree / "nowhere", servers=True, keys=[CHECKPOINT_KEY])
    with pytest.raises(NoLedger, match=r"\(or set GOVLEDGER_VOTER_SECRET\)$"):
        require_ledger(tree / "nowhere", servers=True, keys=[CHECKPOINT_KEY, VOTER_KEY])


def test_the_key_files_are_the_ones_the_ledger_generates() -> None:
    from govledger_ledger import auth, checkpoints, voter_key

    assert JWT_KEY.file == auth.KEY_FILE
    assert CHECKPOINT_KEY.file == checkpoints.KEY_FILE
    assert VOTER_KEY.file == voter_key.VOTER_KEY_FILE


def test_data_dir_may_come_before_or_after_the_subcommand() -> None:
    from govledger_launcher.cli import build_parser

    parse = build_parser().parse_args
    assert parse(["--data-dir", "/a", "verify"]).data_dir == "/a"
    assert parse(["verify", "--data-dir", "/b"]).data_dir == "/b"
    assert parse(["--data-dir", "/a", "verify", "--data-dir", "/b"]).data_dir == "/b"
    assert parse(["verify"]).data_dir is None
    assert parse(["--data-dir", "/a", "token", "issue", "--role", "admin",
                  "--subject", "s"]).data_dir == "/a"


def test_a_proof_without_an_api_or_a_running_ledger_is_refused_not_sent_to_a_default_port(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from govledger_launcher.cli import main

    monkeypatch.chdir(tree / "ward")
    event = "01890a5d-ac96-774b-bcce-b302099a8057"
    for argv in (["audit", "proof", event], ["--data-dir", str(tree / "ward" / ".govledger"),
                                             "audit", "proof", event]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"govledger: error: no running ledger found at {tree / 'ward'}")
        assert "pass --api URL" in err and err.count("\n") == 1


def test_a_report_year_not_yet_begun_in_seoul_is_refused() -> None:
    import argparse
    import datetime as dt

    from govledger_launcher.projector_commands import year_arg

    this_year = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).year
    assert year_arg(str(this_year)) == this_year
    with pytest.raises(argparse.ArgumentTypeError, match="this year in Seoul"):
        year_arg(str(this_year + 1))


def test_the_cli_and_the_served_report_take_the_same_years() -> None:
    """A year the projector answers 404 for must not be written by ``govledger report``."""
    import argparse

    from govledger_launcher.projector_commands import year_arg

    assert year_arg("2000") == 2000
    with pytest.raises(argparse.ArgumentTypeError, match="2000 to"):
        year_arg("1999")

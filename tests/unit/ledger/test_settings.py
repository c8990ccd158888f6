"""The input limits come from GOVLEDGER_* like every other setting, within safe bounds."""

from __future__ import annotations

import pytest

from govledger_ledger.settings import NATS_MAX_PAYLOAD, settings_from_env

SERVERS = {"database_url": "postgresql://db", "nats_url": "nats://nats"}


def test_the_limits_default_to_512_kib_per_request_and_256_kib_per_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOVLEDGER_MAX_REQUEST_BYTES", raising=False)
    monkeypatch.delenv("GOVLEDGER_MAX_EVENT_BYTES", raising=False)
    settings = settings_from_env(**SERVERS)
    assert (settings.max_request_bytes, settings.max_event_bytes) == (512 * 1024, 256 * 1024)


def test_the_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVLEDGER_MAX_REQUEST_BYTES", "2048")
    monkeypatch.setenv("GOVLEDGER_MAX_EVENT_BYTES", "1500")
    settings = settings_from_env(**SERVERS)
    assert (settings.max_request_bytes, settings.max_event_bytes) == (2048, 1500)


@pytest.mark.parametrize("value", [str(NATS_MAX_PAYLOAD), "0", "many"])
def test_an_event_limit_the_relay_could_not_publish_or_not_a_size_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str,
) -> None:
    monkeypatch.setenv("GOVLEDGER_MAX_EVENT_BYTES", value)
    with pytest.raises(ValueError, match=r"GOVLEDGER_MAX_EVENT_BYTES|invalid literal"):
        settings_from_env(**SERVERS)


def test_a_request_limit_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVLEDGER_MAX_REQUEST_BYTES", "0")
    with pytest.raises(ValueError, match=r"at GOVLEDGER_MAX_REQUEST_BYTES$"):
        settings_from_env(**SERVERS)


@pytest.mark.parametrize(("value", "public"), [
    (None, True), ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("off", False),
])
def test_public_reads_takes_the_usual_spellings_of_yes_and_no(
    monkeypatch: pytest.MonkeyPatch, value: str | None, public: bool,
) -> None:
    from govledger_projector.settings import settings_from_env as projector_settings_from_env

    if value is None:
        monkeypatch.delenv("GOVLEDGER_PUBLIC_READS", raising=False)
    else:
        monkeypatch.setenv("GOVLEDGER_PUBLIC_READS", value)
    assert settings_from_env(**SERVERS).public_reads is public
    assert projector_settings_from_env(**SERVERS).public_reads is public


@pytest.mark.parametrize("value", ["maybe", "flase", "2"])
def test_public_reads_refuses_what_it_would_have_to_guess(
    monkeypatch: pytest.MonkeyPatch, value: str,
) -> None:
    """A typo must not leave open the reads an operator meant to close."""
    from govledger_projector.settings import settings_from_env as projector_settings_from_env

    monkeypatch.setenv("GOVLEDGER_PUBLIC_READS", value)
    with pytest.raises(ValueError, match="GOVLEDGER_PUBLIC_READS must be true or false"):
        settings_from_env(**SERVERS)
    with pytest.raises(ValueError, match="GOVLEDGER_PUBLIC_READS must be true or false"):
        projector_settings_from_env(**SERVERS)

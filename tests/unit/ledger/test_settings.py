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

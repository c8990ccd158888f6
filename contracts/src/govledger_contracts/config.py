"""What both services read from their environment the same way."""

from __future__ import annotations

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def flag(name: str, value: str | None, *, default: bool) -> bool:
    """A yes/no setting. Anything else is refused rather than guessed: a typo in
    ``GOVLEDGER_PUBLIC_READS`` must not leave reads open that were meant to be closed."""
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {value!r}")

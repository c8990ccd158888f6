"""Members roster view (위원 명부): seats, sectors, terms, private share, expiring terms."""

from __future__ import annotations

import datetime as dt

import msgspec


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """One seat on one body; key ``<body>.<member_id>``."""

    key: str
    member_id: str
    body: str
    """``council``, a subcommittee id, ``regional_cooperation`` or ``advisory_panel``."""
    name: str
    sector: str
    """``private`` (민간) or ``public`` (공공)."""
    route: str
    term_start: dt.date
    term_end: dt.date
    """Last day of the current term (inclusive), after any renewal."""
    affiliation: str = ""
    seat: str = "member"
    centre: str = ""
    dong: str = ""
    renewals: int = 0
    ended_on: dt.date | None = None
    """Set when the seat ended early or at expiry (사임·해촉·임기만료)."""
    end_cause: str = ""
    appointed_position: int = 0
    updated_position: int = 0


class BodyCount(msgspec.Struct, frozen=True, kw_only=True):
    """Seated members of one body on the summary's reference day."""

    body: str
    seated: int
    private: int
    public: int
    private_share: float
    """Private members / seated, in percent (one decimal); 0 when nobody is seated."""


class RosterSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The ``summary`` key: counts per body on ``on`` and the seats expiring within 90 days."""

    on: dt.date | None
    bodies: tuple[BodyCount, ...]
    expiring: tuple[str, ...]
    """Keys of seats whose term ends within 90 days after ``on``."""
    position: int
    """The ledger position of the last event that changed this summary's inputs (a member,
    or a new latest day ``on``): the summary holds from there up to the views' head
    (``/lag``)."""

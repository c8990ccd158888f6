"""The seed, recorded through the pure domain and projected, reproduces the seed's figures."""

from __future__ import annotations

from functools import cache

from govledger_contracts.views import Member
from govledger_projector.projections import PROJECTIONS, Views, as_of
from govledger_projector.projections.roster import counts_on
from tests.unit.projector.envelopes import seed_log


@cache
def seeded() -> Views:
    return as_of(seed_log())


def test_the_seed_turnout_by_year_is_294_2441_1420_1577() -> None:
    summary = PROJECTIONS["votes"].summarize(seeded()["votes"])
    assert [(t.year, t.turnout) for t in summary.turnout_by_year] == [  # type: ignore[attr-defined]
        (2019, 294), (2020, 2441), (2021, 1420), (2022, 1577)]


def test_the_third_council_seats_fifty_with_a_private_share_of_74_percent() -> None:
    import datetime as dt

    members: list[Member] = list(seeded()["members"].entities.values())
    council = next(c for c in counts_on(members, dt.date(2022, 6, 1)) if c.body == "council")
    assert (council.seated, council.private, council.private_share) == (50, 37, 74.0)


def test_the_twelve_projects_of_section_6_3_are_under_mou_evaluated_twice_and_annually() -> None:
    views = seeded()
    assert len(views["mous"].entities) == 12
    assert all(m.status == "in_execution" for m in views["mous"].entities.values())
    assert len(views["evaluations"].entities) == 36


def test_the_two_fused_agendas_keep_their_sources() -> None:
    agendas = seeded()["agendas"].entities
    assert agendas["a2022-05"].merge is not None
    assert agendas["a2022-05"].merge.sources == ("a2022-05a", "a2022-05b")
    assert agendas["a2022-11a"].merged_into == "a2022-11"


def test_the_ballots_counted_live_equal_the_turnout_recorded_at_each_close() -> None:
    for vote in seeded()["votes"].entities.values():
        assert vote.ballots == vote.turnout
        assert [line.votes for line in vote.live] == [line.votes for line in vote.tally]

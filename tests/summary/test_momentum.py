"""Momentum of SPEC §6: hand-worked cases and a property test against a naive reference."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.summary.momentum import decay, momentum
from tests.summary.naive import naive_momentum

TODAY = date(2026, 11, 25)
DAILY_M = 0.5 ** (1 / 13)  # f = 1
WEEKLY_M = 0.5 ** (math.sqrt(1 / 7) / 13)  # f = 1/7


def before(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_no_entries_is_zero() -> None:
    assert momentum({}, cadence="daily", target=1, as_of=TODAY) == 0.0


def test_one_entry_today_gains_one_step() -> None:
    score = momentum({TODAY: 1}, cadence="daily", target=1, as_of=TODAY)
    assert score == round(1 - DAILY_M, 4) == 0.0519


def test_a_day_without_entries_decays_the_score() -> None:
    score = momentum({before(1): 1}, cadence="daily", target=1, as_of=TODAY)
    assert score == round((1 - DAILY_M) * DAILY_M, 4) == 0.0492


def test_every_day_for_years_approaches_one() -> None:
    counts = {before(n): 1 for n in range(3 * 365)}
    assert momentum(counts, cadence="daily", target=1, as_of=TODAY) == 1.0


def test_weekly_window_keeps_credit_for_seven_days() -> None:
    week_ago = {before(6): 1}
    assert momentum(week_ago, cadence="weekly", target=1, as_of=TODAY) == round(1 - WEEKLY_M**7, 4)
    eight_days = {before(7): 1}
    assert momentum(eight_days, cadence="weekly", target=1, as_of=TODAY) == round((1 - WEEKLY_M**7) * WEEKLY_M, 4)


def test_target_above_one_gives_partial_credit() -> None:
    m = 0.5 ** (math.sqrt(2) / 13)
    assert decay("daily", 2) == m
    score = momentum({TODAY: 1}, cadence="daily", target=2, as_of=TODAY)
    assert score == round(0.5 * (1 - m), 4) == 0.0363
    capped = momentum({TODAY: 5}, cadence="daily", target=2, as_of=TODAY)
    assert capped == round(1 - m, 4)


def test_entries_after_as_of_are_ignored() -> None:
    counts = {before(1): 1, TODAY + timedelta(days=1): 3}
    assert momentum(counts, cadence="daily", target=1, as_of=TODAY) == momentum(
        {before(1): 1}, cadence="daily", target=1, as_of=TODAY
    )
    assert momentum({TODAY + timedelta(days=1): 1}, cadence="daily", target=1, as_of=TODAY) == 0


def test_target_must_be_positive() -> None:
    with pytest.raises(ValueError):
        momentum({}, cadence="daily", target=0, as_of=TODAY)


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(
    offsets=st.lists(st.integers(min_value=-400, max_value=5), max_size=60),
    as_of=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    cadence=st.sampled_from(["daily", "weekly"]),
    target=st.integers(min_value=1, max_value=50),
)
def test_momentum_matches_the_naive_reference(offsets: list[int], as_of: date, cadence: str, target: int) -> None:
    entry_days = [as_of + timedelta(days=offset) for offset in offsets]
    counts: dict[date, int] = {}
    for day in entry_days:
        counts[day] = counts.get(day, 0) + 1
    expected = naive_momentum(entry_days, cadence, target, as_of)
    assert momentum(counts, cadence=cadence, target=target, as_of=as_of) == expected  # type: ignore[arg-type]
    assert 0.0 <= expected <= 1.0

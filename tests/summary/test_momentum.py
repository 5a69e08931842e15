"""Momentum of SPEC §6: hand-worked cases and property tests against the naive reference."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.summary.momentum import daily_scores, decay, momentum
from app.summary.paused_days import PausedDays
from tests.summary.naive import naive_momentum, naive_score_days

TODAY = date(2026, 11, 25)
DAILY_M = 0.5 ** (1 / 13)  # f = 1
WEEKLY_M = 0.5 ** (math.sqrt(1 / 7) / 13)  # f = 1/7


def before(days: int) -> date:
    return TODAY - timedelta(days=days)


def score(counts: dict[date, int], cadence: str = "daily", target: int = 1, paused: PausedDays | None = None) -> float:
    """The unrounded score on TODAY."""
    (value,) = daily_scores(
        counts,
        cadence=cadence,  # type: ignore[arg-type]
        target=target,
        days=[TODAY],
        paused=paused or PausedDays(),
    )
    return value


def paused(first: int, last: int) -> PausedDays:
    """Days ``first`` through ``last`` days before TODAY (first ≥ last)."""
    return PausedDays.from_ranges([(before(first), before(last))])


def test_no_entries_is_zero() -> None:
    assert momentum({}, cadence="daily", target=1, as_of=TODAY) == 0.0
    assert daily_scores({}, cadence="weekly", target=3, days=[before(1), TODAY]) == [0.0, 0.0]


def test_one_entry_today_gains_one_step() -> None:
    assert momentum({TODAY: 1}, cadence="daily", target=1, as_of=TODAY) == round(1 - DAILY_M, 4) == 0.0519


def test_a_day_without_entries_decays_the_score() -> None:
    assert score({before(1): 1}) == pytest.approx((1 - DAILY_M) * DAILY_M, abs=1e-12)
    assert momentum({before(1): 1}, cadence="daily", target=1, as_of=TODAY) == 0.0492


def test_every_day_for_years_approaches_one() -> None:
    counts = {before(n): 1 for n in range(3 * 365)}
    assert momentum(counts, cadence="daily", target=1, as_of=TODAY) == 1.0


def test_a_daily_target_above_one_decays_like_target_one_and_gives_partial_credit() -> None:
    # f = min(target, 1) / 1: every daily goal decays at the same pace, whatever its target.
    assert decay("daily", 2) == decay("daily", 50) == DAILY_M
    assert score({TODAY: 1}, target=2) == pytest.approx(0.5 * (1 - DAILY_M), abs=1e-12)
    assert score({TODAY: 5}, target=2) == pytest.approx(1 - DAILY_M, abs=1e-12)


def test_weekly_window_is_fourteen_days_against_twice_the_target() -> None:
    assert decay("weekly", 1) == WEEKLY_M
    assert decay("weekly", 7) == decay("weekly", 50) == DAILY_M
    # One entry gives half credit on each of the 14 days from its own.
    assert score({before(6): 1}, "weekly") == pytest.approx(0.5 * (1 - WEEKLY_M**7), abs=1e-12)
    assert score({before(13): 1}, "weekly") == pytest.approx(0.5 * (1 - WEEKLY_M**14), abs=1e-12)
    assert score({before(14): 1}, "weekly") == pytest.approx(0.5 * (1 - WEEKLY_M**14) * WEEKLY_M, abs=1e-12)
    # Two entries in the window reach the full credit of target 1; more are capped.
    assert score({before(13): 1, TODAY: 1}, "weekly") == pytest.approx(
        0.5 * (1 - WEEKLY_M**13) * WEEKLY_M + (1 - WEEKLY_M), abs=1e-12
    )
    assert score({TODAY: 9}, "weekly", target=3) == pytest.approx(1 - decay("weekly", 3), abs=1e-12)


def test_weekly_target_above_seven_uses_the_daily_pace() -> None:
    m = DAILY_M
    assert score({TODAY: 10}, "weekly", target=10) == pytest.approx(0.5 * (1 - m), abs=1e-12)
    assert score({TODAY: 20}, "weekly", target=10) == pytest.approx(1 - m, abs=1e-12)


def test_entries_after_as_of_are_ignored() -> None:
    counts = {before(1): 1, TODAY + timedelta(days=1): 3}
    assert momentum(counts, cadence="daily", target=1, as_of=TODAY) == momentum(
        {before(1): 1}, cadence="daily", target=1, as_of=TODAY
    )
    assert momentum({TODAY + timedelta(days=1): 1}, cadence="daily", target=1, as_of=TODAY) == 0


def test_target_must_be_positive_and_days_ascending() -> None:
    with pytest.raises(ValueError):
        momentum({}, cadence="daily", target=0, as_of=TODAY)
    with pytest.raises(ValueError):
        daily_scores({}, cadence="daily", target=1, days=[TODAY, before(1)])


def test_a_paused_day_leaves_the_score_as_it_was() -> None:
    counts = {before(5): 1}
    assert score(counts, paused=paused(4, 0)) == pytest.approx(1 - DAILY_M, abs=1e-12)
    assert score(counts, paused=paused(4, 2)) == pytest.approx((1 - DAILY_M) * DAILY_M**2, abs=1e-12)
    # A set of dates works as well as ranges.
    as_set = frozenset(before(n) for n in range(2, 5))
    assert momentum(counts, cadence="daily", target=1, as_of=TODAY, paused=as_set) == round(
        (1 - DAILY_M) * DAILY_M**2, 4
    )


def test_a_day_with_entries_is_never_paused() -> None:
    counts = {before(2): 1, before(1): 1}
    assert score(counts, paused=paused(10, 0)) == pytest.approx(1 - DAILY_M**2, abs=1e-12)


def test_pauses_before_the_first_entry_change_nothing() -> None:
    counts = {before(3): 2, TODAY: 1}
    assert score(counts, paused=paused(400, 4)) == score(counts)


def test_the_weekly_window_reaches_past_paused_days() -> None:
    # 20 paused days lie between: on each of the 6 unpaused days the entry is in the window.
    counts = {before(25): 1}
    expected = 0.5 * (1 - WEEKLY_M**6)
    assert score(counts, "weekly", paused=paused(24, 5)) == pytest.approx(expected, abs=1e-12)


def test_a_log_from_1970_costs_what_its_entries_cost() -> None:
    first = date(1970, 1, 1)
    counts = {first: 1, first + timedelta(days=1): 1}
    days = (TODAY - first).days - 1
    assert score(counts) == pytest.approx((1 - DAILY_M**2) * DAILY_M**days, rel=1e-9)
    # Weekly: the naive score a month in, then the closed form over the 56 years without entries.
    month_in = first + timedelta(days=30)
    weekly_m = decay("weekly", 1)
    expected = naive_momentum(list(counts), "weekly", 1, month_in) * weekly_m ** (TODAY - month_in).days
    assert score(counts, "weekly") == pytest.approx(expected, rel=1e-9)


def test_daily_scores_equal_momentum_day_by_day() -> None:
    counts = {before(30): 2, before(12): 1, before(11): 4, before(2): 1}
    pause = paused(9, 4)
    days = [before(n) for n in range(40, -1, -1)]
    scores = daily_scores(counts, cadence="weekly", target=2, days=days, paused=pause)
    for day, value in zip(days, scores, strict=True):
        assert round(value, 4) == momentum(counts, cadence="weekly", target=2, as_of=day, paused=pause)
    assert scores[:10] == [0.0] * 10


offsets = st.lists(st.integers(min_value=-400, max_value=5), max_size=60)
pause_ranges = st.lists(
    st.tuples(st.integers(min_value=-420, max_value=10), st.integers(min_value=0, max_value=60)), max_size=4
)


def as_pauses(as_of: date, ranges: list[tuple[int, int]]) -> list[tuple[date, date]]:
    return [(as_of + timedelta(days=start), as_of + timedelta(days=start + length)) for start, length in ranges]


def counts_of(days: list[date]) -> dict[date, int]:
    counts: dict[date, int] = {}
    for day in days:
        counts[day] = counts.get(day, 0) + 1
    return counts


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(
    offsets=offsets,
    ranges=pause_ranges,
    as_of=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    cadence=st.sampled_from(["daily", "weekly"]),
    target=st.integers(min_value=1, max_value=50),
)
def test_momentum_matches_the_naive_reference(
    offsets: list[int], ranges: list[tuple[int, int]], as_of: date, cadence: str, target: int
) -> None:
    entry_days = [as_of + timedelta(days=offset) for offset in offsets]
    pauses = as_pauses(as_of, ranges)
    expected = naive_momentum(entry_days, cadence, target, as_of, pauses)
    actual = daily_scores(
        counts_of(entry_days),
        cadence=cadence,  # type: ignore[arg-type]
        target=target,
        days=[as_of],
        paused=PausedDays.from_ranges(pauses),
    )
    assert actual[0] == pytest.approx(expected, abs=1e-9)
    assert 0.0 <= expected <= 1.0


@settings(max_examples=150, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=-120, max_value=0), max_size=40),
    ranges=st.lists(
        st.tuples(st.integers(min_value=-130, max_value=0), st.integers(min_value=0, max_value=30)), max_size=3
    ),
    asked=st.lists(st.integers(min_value=-130, max_value=0), min_size=1, max_size=20),
    cadence=st.sampled_from(["daily", "weekly"]),
    target=st.integers(min_value=1, max_value=50),
)
def test_every_day_score_matches_the_naive_reference(
    offsets: list[int], ranges: list[tuple[int, int]], asked: list[int], cadence: str, target: int
) -> None:
    entry_days = [TODAY + timedelta(days=offset) for offset in offsets]
    pauses = as_pauses(TODAY, ranges)
    days = sorted(TODAY + timedelta(days=offset) for offset in asked)
    expected = naive_score_days(entry_days, cadence, target, days[-1], pauses)
    actual = daily_scores(
        counts_of(entry_days),
        cadence=cadence,  # type: ignore[arg-type]
        target=target,
        days=days,
        paused=PausedDays.from_ranges(pauses),
    )
    assert actual == pytest.approx([expected.get(day, 0.0) for day in days], abs=1e-9)

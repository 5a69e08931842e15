"""Paused days kept as ranges: merging, taking out logged days, counting between two days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.summary.paused_days import NO_PAUSES, PausedDays


def d(day: int) -> date:
    return date(2026, 11, day)


def test_overlapping_and_adjacent_ranges_merge() -> None:
    paused = PausedDays.from_ranges([(d(10), d(12)), (d(3), d(5)), (d(11), d(14)), (d(15), d(15)), (d(20), d(20))])
    assert paused.ranges == [(d(3), d(5)), (d(10), d(15)), (d(20), d(20))]
    assert len(paused) == 10
    assert paused == PausedDays.from_days([d(3), d(4), d(5), *map(d, range(10, 16)), d(20)])


def test_membership_and_counts() -> None:
    paused = PausedDays.from_ranges([(d(3), d(5)), (d(10), d(15))])
    assert d(3) in paused and d(15) in paused
    assert d(6) not in paused and d(2) not in paused and "2026-11-03" not in paused
    assert paused.through(d(2).toordinal()) == 0
    assert paused.through(d(4).toordinal()) == 2
    assert paused.through(d(9).toordinal()) == 3
    assert paused.through(d(30).toordinal()) == 9
    assert paused.between(d(4).toordinal(), d(11).toordinal()) == 4
    assert paused.between(d(11).toordinal(), d(4).toordinal()) == 0


def test_excluding_takes_logged_days_out_of_the_ranges() -> None:
    paused = PausedDays.from_ranges([(d(3), d(5)), (d(10), d(15))])
    logged = [d(n).toordinal() for n in (1, 3, 12, 13, 15, 20)]
    assert paused.excluding(logged).ranges == [(d(4), d(5)), (d(10), d(11)), (d(14), d(14))]
    assert paused.excluding([]) is paused
    assert NO_PAUSES.excluding(logged) is NO_PAUSES
    assert not NO_PAUSES and paused


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError):
        PausedDays.from_ranges([(d(5), d(4))])


def test_of_accepts_a_set_of_dates_or_paused_days() -> None:
    paused = PausedDays.from_ranges([(d(3), d(5))])
    assert PausedDays.of(paused) is paused
    assert PausedDays.of({d(3), d(4), d(5)}) == paused
    assert hash(PausedDays.of(frozenset({d(5), d(3), d(4)}))) == hash(paused)
    assert repr(paused) == f"PausedDays.from_ranges([({d(3)!r}, {d(5)!r})])"


@settings(max_examples=200, deadline=None)
@given(
    ranges=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=6),
    logged=st.sets(st.integers(0, 75), max_size=20),
    first=st.integers(-2, 75),
    last=st.integers(-2, 75),
)
def test_counts_match_a_set_of_days(ranges: list[tuple[int, int]], logged: set[int], first: int, last: int) -> None:
    base = date(2026, 1, 1).toordinal()
    days = {base + start + offset for start, length in ranges for offset in range(length + 1)} - {
        base + day for day in logged
    }
    paused = PausedDays((base + start, base + start + length) for start, length in ranges).excluding(
        sorted(base + day for day in logged)
    )
    assert len(paused) == len(days)
    assert paused.between(base + first, base + last) == sum(1 for day in days if first <= day - base <= last)
    assert all(date.fromordinal(day) in paused for day in days)

"""The pure rules of insights: weeks clipped to a range, bursts against the median week."""

from __future__ import annotations

from datetime import date

from app.insights.models import Burst
from app.insights.rules import bursts, weeks


def test_weeks_are_clipped_to_the_range() -> None:
    # Wednesday 2026-03-04 to Tuesday 2026-03-10: two weeks either way, each clipped to the range.
    counts = {date(2026, 3, 4): 2, date(2026, 3, 9): 1, date(2026, 3, 11): 5}
    assert weeks(counts, date(2026, 3, 4), date(2026, 3, 10), "monday") == [
        (date(2026, 3, 4), date(2026, 3, 8), 2),
        (date(2026, 3, 9), date(2026, 3, 10), 1),
    ]
    assert weeks(counts, date(2026, 3, 4), date(2026, 3, 10), "sunday") == [
        (date(2026, 3, 4), date(2026, 3, 7), 2),
        (date(2026, 3, 8), date(2026, 3, 10), 1),
    ]
    assert weeks({}, date(9999, 12, 29), date(9999, 12, 31), "monday") == [(date(9999, 12, 29), date(9999, 12, 31), 0)]


def test_a_burst_needs_three_entries_and_twice_the_median_week() -> None:
    monday = date(2026, 3, 2)
    counts = {date(2026, 3, 2): 1, date(2026, 3, 9): 2, date(2026, 3, 16): 4, date(2026, 3, 23): 3}
    # Weeks of 1, 2, 4 and 3 entries: the median is 2.5, and no week reaches 5.
    assert bursts(counts, monday, date(2026, 3, 29), "monday") == []
    counts[date(2026, 3, 16)] = 5
    assert bursts(counts, monday, date(2026, 3, 29), "monday") == [
        Burst(start=date(2026, 3, 16), end=date(2026, 3, 22), count=5, usual=2.5)
    ]
    assert bursts({monday: 2}, monday, date(2026, 3, 29), "monday") == []

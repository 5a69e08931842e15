"""Momentum over time (SPEC §6 ``/summary/history``): buckets, clipping, and the naive reference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.summary.history import HistoryPoint, momentum_history
from app.summary.momentum import daily_scores, momentum
from app.summary.paused_days import PausedDays
from tests.summary.naive import naive_history

AS_OF = date(2026, 11, 25)  # a Wednesday
COUNTS = {date(2026, 10, 30): 2, date(2026, 11, 2): 1, date(2026, 11, 20): 3, AS_OF: 1}


def history(
    first: date,
    last: date,
    bucket: str,
    *,
    cadence: str = "daily",
    target: int = 1,
    week_start: str = "monday",
    paused: PausedDays | None = None,
    counts: dict[date, int] = COUNTS,
) -> list[HistoryPoint]:
    return momentum_history(
        counts,
        cadence=cadence,  # type: ignore[arg-type]
        target=target,
        first=first,
        last=last,
        bucket=bucket,  # type: ignore[arg-type]
        week_start=week_start,  # type: ignore[arg-type]
        paused=paused or PausedDays(),
    )


def test_day_buckets_are_each_days_momentum() -> None:
    points = history(date(2026, 11, 18), AS_OF, "day", target=2)
    assert [point.start for point in points] == [date(2026, 11, 18) + timedelta(days=n) for n in range(8)]
    assert all(point.start == point.end for point in points)
    assert [point.momentum for point in points] == [
        momentum(COUNTS, cadence="daily", target=2, as_of=point.start) for point in points
    ]
    assert [point.entries for point in points] == [0, 0, 3, 0, 0, 0, 0, 1]


def test_week_buckets_begin_on_week_start_and_are_clipped_to_the_range() -> None:
    first = date(2026, 11, 4)
    monday = history(first, AS_OF, "week", cadence="weekly")
    assert [(p.start, p.end) for p in monday] == [
        (date(2026, 11, 4), date(2026, 11, 8)),
        (date(2026, 11, 9), date(2026, 11, 15)),
        (date(2026, 11, 16), date(2026, 11, 22)),
        (date(2026, 11, 23), AS_OF),
    ]
    sunday = history(first, AS_OF, "week", cadence="weekly", week_start="sunday")
    assert [p.start for p in sunday] == [date(2026, 11, 4), date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)]
    days = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]
    scores = daily_scores(COUNTS, cadence="weekly", target=1, days=days)
    assert monday[2] == HistoryPoint(days[0], days[-1], round(sum(scores) / 7, 4), 3)


def test_month_buckets_follow_the_calendar() -> None:
    points = history(date(2026, 10, 15), AS_OF, "month")
    assert [(p.start, p.end, p.entries) for p in points] == [
        (date(2026, 10, 15), date(2026, 10, 31), 2),
        (date(2026, 11, 1), AS_OF, 5),
    ]
    assert points[0].momentum > 0


def test_before_the_first_entry_the_history_is_zero_and_pauses_hold_the_score() -> None:
    pauses = PausedDays.from_ranges([(date(2026, 11, 21), date(2026, 11, 24))])
    held = history(date(2026, 11, 20), date(2026, 11, 24), "day", paused=pauses)
    assert len({point.momentum for point in held}) == 1
    early = history(date(2026, 1, 1), date(2026, 1, 31), "month")
    assert early == [HistoryPoint(date(2026, 1, 1), date(2026, 1, 31), 0.0, 0)]


def test_a_bad_range_or_bucket_is_refused() -> None:
    with pytest.raises(ValueError):
        history(AS_OF, AS_OF - timedelta(days=1), "day")
    with pytest.raises(ValueError):
        history(AS_OF, AS_OF, "year")


@settings(max_examples=120, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=-150, max_value=0), max_size=40),
    ranges=st.lists(
        st.tuples(st.integers(min_value=-160, max_value=0), st.integers(min_value=0, max_value=30)), max_size=3
    ),
    first=st.integers(min_value=-120, max_value=0),
    length=st.integers(min_value=0, max_value=100),
    cadence=st.sampled_from(["daily", "weekly"]),
    target=st.integers(min_value=1, max_value=50),
    bucket=st.sampled_from(["day", "week", "month"]),
    week_start=st.sampled_from(["monday", "sunday"]),
)
def test_history_matches_the_naive_reference(
    offsets: list[int],
    ranges: list[tuple[int, int]],
    first: int,
    length: int,
    cadence: str,
    target: int,
    bucket: str,
    week_start: str,
) -> None:
    entry_days = [AS_OF + timedelta(days=offset) for offset in offsets]
    pauses = [(AS_OF + timedelta(days=start), AS_OF + timedelta(days=start + span)) for start, span in ranges]
    counts: dict[date, int] = {}
    for day in entry_days:
        counts[day] = counts.get(day, 0) + 1
    start = AS_OF + timedelta(days=first)
    end = start + timedelta(days=length)
    paused = PausedDays.from_ranges(pauses)
    points = history(
        start, end, bucket, cadence=cadence, target=target, week_start=week_start, paused=paused, counts=counts
    )
    expected = naive_history(entry_days, cadence, target, start, end, bucket, week_start, pauses)
    assert [(p.start, p.end, p.entries) for p in points] == [(s, e, n) for s, e, _, n in expected]
    # Rounded to 4 decimals: within half a unit of the exact mean.
    for point, (_, _, mean, _) in zip(points, expected, strict=True):
        assert abs(point.momentum - mean) <= 0.5e-4 + 1e-9

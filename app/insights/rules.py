"""The pure part of insights (SPEC §6): weeks, their median and bursts, kinds per month, motif base rates.

No clock, no database: the service feeds these the results of its aggregate queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from statistics import median

from app.entries.motifs import base_rate
from app.insights.models import Burst, MonthKinds
from app.summary.streaks import WeekStart, week_of

ENOUGH_ENTRIES = 10
BURST_AT_LEAST = 3
BURST_TIMES_USUAL = 2


def weeks(per_day: Mapping[date, int], first: date, last: date, week_start: WeekStart) -> list[tuple[date, date, int]]:
    """Every week touching ``first``..``last`` (beginning on ``week_start``), clipped to it, with its count."""
    result = []
    start = first
    while True:
        # Never a day past ``last``: a range may end on the calendar's last day.
        to_week_end = 6 - (start - week_of(start, week_start)).days
        end = last if (last - start).days <= to_week_end else start + timedelta(days=to_week_end)
        result.append(
            (
                start,
                end,
                sum(per_day.get(start + timedelta(days=offset), 0) for offset in range((end - start).days + 1)),
            )
        )
        if end == last:
            break
        start = end + timedelta(days=1)
    return result


def bursts(per_day: Mapping[date, int], first: date, last: date, week_start: WeekStart) -> list[Burst]:
    """Weeks with at least 3 entries and at least twice the median weekly count of the range, oldest first."""
    counted = weeks(per_day, first, last, week_start)
    usual = float(median(count for _, _, count in counted))
    return [
        Burst(start=start, end=end, count=count, usual=usual)
        for start, end, count in counted
        if count >= BURST_AT_LEAST and count >= BURST_TIMES_USUAL * usual
    ]


def kinds_by_month(per_day_kind: Iterable[tuple[date, str, int]]) -> list[MonthKinds]:
    """Entries per calendar month and kind, months with entries only, oldest first."""
    months: dict[str, dict[str, int]] = {}
    for day, kind, count in per_day_kind:
        kinds = months.setdefault(f"{day.year:04}-{day.month:02}", {})
        kinds[kind] = kinds.get(kind, 0) + count
    return [
        MonthKinds.model_validate({"month": month, "kinds": dict(sorted(kinds.items()))})
        for month, kinds in sorted(months.items())
    ]


def motif_base_rate(spellings: Iterable[str]) -> float | None:
    """A motif's base rate from the ways it was written: a clock time's, the 12-hour clock's first."""
    rates = [rate for rate in (base_rate(written) for written in spellings) if rate is not None]
    return max(rates, default=None)

"""Streak rules of SPEC §6: runs of met days or weeks, the current and the longest streak.

Pure functions over dates and counts: no clock, no database; ``as_of`` is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Cadence = Literal["daily", "weekly"]
WeekStart = Literal["monday", "sunday"]
StreakStatus = Literal["active", "at_risk", "none", "ended"]
PeriodState = Literal["met", "bridged"]

DailyCounts = Mapping[date, int] | Iterable[tuple[date, int]]

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class StreakRule:
    """What makes a period met: cadence, entries per period, grace and week start."""

    cadence: Cadence = "daily"
    target: int = 1
    grace_days: int = 0
    week_start: WeekStart = "monday"

    def __post_init__(self) -> None:
        if self.cadence not in ("daily", "weekly"):
            raise ValueError(f"unknown cadence {self.cadence!r}")
        if self.target < 1:
            raise ValueError("target must be at least 1")
        if self.grace_days < 0:
            raise ValueError("grace_days must not be negative")
        if self.week_start not in ("monday", "sunday"):
            raise ValueError(f"unknown week_start {self.week_start!r}")

    @property
    def period_days(self) -> int:
        return 1 if self.cadence == "daily" else 7

    def period_of(self, day: date) -> date:
        """First day of the period (the day itself, or its week) that holds ``day``."""
        if self.cadence == "daily":
            return day
        return week_of(day, self.week_start)


@dataclass(frozen=True, slots=True)
class Run:
    """Met periods joined into one run; ``start``/``end`` are first days of periods."""

    start: date
    end: date
    length: int
    grace_used: int


@dataclass(frozen=True, slots=True)
class Streak:
    length: int
    start: date | None
    end: date | None
    status: StreakStatus
    grace_used: int


NO_STREAK = Streak(length=0, start=None, end=None, status="none", grace_used=0)


@dataclass(frozen=True, slots=True)
class StreakPeriod:
    """One period of the current streak, for ``/summary/explain``."""

    start: date
    count: int
    state: PeriodState


@dataclass(frozen=True, slots=True)
class Streaks:
    runs: tuple[Run, ...]
    current: Streak
    longest: Streak
    current_periods: tuple[StreakPeriod, ...]


def week_of(day: date, week_start: WeekStart) -> date:
    """First day of the week holding ``day``, weeks beginning on ``week_start``."""
    first_weekday = 0 if week_start == "monday" else 6
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def daily_counts_until(counts: DailyCounts, as_of: date) -> dict[date, int]:
    """Positive counts per day on or before ``as_of``; pairs for the same day add up."""
    if isinstance(counts, Mapping):
        return {day: count for day, count in counts.items() if day <= as_of and count > 0}
    result: dict[date, int] = {}
    for day, count in counts:
        if day <= as_of and count > 0:
            result[day] = result.get(day, 0) + count
    return result


def period_counts(counts: DailyCounts, rule: StreakRule, as_of: date) -> dict[date, int]:
    """Entries per period (keyed by the period's first day), ignoring days after ``as_of``."""
    per_day = daily_counts_until(counts, as_of)
    if rule.cadence == "daily":
        return per_day
    # Day ordinal 1 (1 January of year 1) is a Monday, ordinal 7 a Sunday.
    first_weekday = 1 if rule.week_start == "monday" else 0
    per_week: dict[int, int] = {}
    for day, count in per_day.items():
        ordinal = day.toordinal()
        week = ordinal - (ordinal - first_weekday) % 7
        per_week[week] = per_week.get(week, 0) + count
    return {date.fromordinal(week): count for week, count in per_week.items()}


def find_runs(per_period: Mapping[date, int], rule: StreakRule) -> list[Run]:
    """Runs of met periods, oldest first (SPEC §6 daily and weekly runs)."""
    met = sorted(period.toordinal() for period, count in per_period.items() if count >= rule.target)
    if not met:
        return []
    step = rule.period_days
    # Daily: met days up to grace_days + 1 apart; weekly: consecutive weeks only, grace does not apply.
    max_gap = rule.grace_days + 1 if rule.cadence == "daily" else 7
    runs: list[Run] = []
    first = last = met[0]
    met_in_run = 1
    for period in met[1:]:
        if period - last <= max_gap:
            last = period
            met_in_run += 1
            continue
        runs.append(_run(first, last, met_in_run, step))
        first = last = period
        met_in_run = 1
    runs.append(_run(first, last, met_in_run, step))
    return runs


def _run(first: int, last: int, met_in_run: int, step: int) -> Run:
    length = (last - first) // step + 1
    return Run(date.fromordinal(first), date.fromordinal(last), length=length, grace_used=length - met_in_run)


def compute_streaks(counts: DailyCounts, rule: StreakRule, as_of: date) -> Streaks:
    """Runs, current streak, longest streak and the current streak's periods."""
    per_period = period_counts(counts, rule, as_of)
    runs = find_runs(per_period, rule)
    if not runs:
        return Streaks(runs=(), current=NO_STREAK, longest=NO_STREAK, current_periods=())

    last = runs[-1]
    status = _current_status(last.end, rule.period_of(as_of), rule)
    current = NO_STREAK if status == "none" else Streak(last.length, last.start, last.end, status, last.grace_used)

    # max() keeps the first of equal items, so scan newest first: a tie goes to the latest run.
    longest_run = max(reversed(runs), key=lambda run: run.length)
    longest_status: StreakStatus = current.status if longest_run is last and current.status != "none" else "ended"
    longest = Streak(
        longest_run.length,
        longest_run.start,
        longest_run.end,
        longest_status,
        longest_run.grace_used,
    )

    periods: tuple[StreakPeriod, ...] = ()
    if current.status != "none":
        periods = tuple(_periods_of(last, per_period, rule))
    return Streaks(runs=tuple(runs), current=current, longest=longest, current_periods=periods)


def _current_status(end: date, today: date, rule: StreakRule) -> StreakStatus:
    if end == today:
        return "active"
    if rule.cadence == "daily":
        return "at_risk" if (today - end).days <= rule.grace_days + 1 else "none"
    return "at_risk" if end == today - _ONE_WEEK else "none"


def _periods_of(run: Run, per_period: Mapping[date, int], rule: StreakRule) -> list[StreakPeriod]:
    step = _ONE_DAY if rule.cadence == "daily" else _ONE_WEEK
    periods: list[StreakPeriod] = []
    period = run.start
    while period <= run.end:
        count = per_period.get(period, 0)
        periods.append(StreakPeriod(period, count, "met" if count >= rule.target else "bridged"))
        period += step
    return periods

"""Streak rules of SPEC §6: runs of met days or weeks, paused days, the current, longest and best streaks.

Pure functions over dates and counts: no clock, no database; ``as_of`` is an argument. The cost
follows the days with entries and the pauses, not the calendar days between them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate, compress, count, repeat
from operator import add, ge, gt, mod, ne, sub
from typing import Literal

from app.summary.paused_days import NO_PAUSES, PausedDays

Cadence = Literal["daily", "weekly"]
WeekStart = Literal["monday", "sunday"]
StreakStatus = Literal["active", "at_risk", "none", "ended"]
PeriodState = Literal["met", "bridged", "paused"]

DailyCounts = Mapping[date, int] | Iterable[tuple[date, int]]
Pauses = PausedDays | Set[date]

BEST_STREAKS = 5
_WEEK = 7


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
        return 1 if self.cadence == "daily" else _WEEK

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
    paused_days: int = 0


@dataclass(frozen=True, slots=True)
class Streak:
    length: int
    start: date | None
    end: date | None
    status: StreakStatus
    grace_used: int
    paused_days: int = 0


NO_STREAK = Streak(length=0, start=None, end=None, status="none", grace_used=0, paused_days=0)


@dataclass(frozen=True, slots=True)
class StreakPeriod:
    """One period of the current streak, for ``/summary/explain``: met, bridged by grace, or paused."""

    start: date
    count: int
    state: PeriodState


@dataclass(frozen=True, slots=True)
class CurrentPeriod:
    """The day or week holding ``as_of``: its entries so far and what it requires (0 when all paused)."""

    start: date
    end: date
    count: int
    required: int


class RunList:
    """Runs as columns, oldest first: ends and lengths for ranking, a Run made only when one is read."""

    __slots__ = ("_make", "ends", "lengths")

    def __init__(self, ends: list[int], lengths: list[int], make: Callable[[int], Run]) -> None:
        self.ends = ends
        self.lengths = lengths
        self._make = make

    def __len__(self) -> int:
        return len(self.ends)

    def run(self, index: int) -> Run:
        return self._make(index)

    def longest_first(self, limit: int) -> list[int]:
        """Indexes of the ``limit`` longest runs, longest first; runs never overlap, so ties go latest first."""
        return [index for _, _, index in heapq.nlargest(limit, zip(self.lengths, self.ends, count()))]


@dataclass(frozen=True)
class Streaks:
    """What the rules give for one series; ``runs`` and ``current_periods`` are made when read."""

    current: Streak
    longest: Streak
    best: tuple[Streak, ...]
    period: CurrentPeriod
    _runs: RunList = field(repr=False, compare=False)
    _days: SeriesDays = field(repr=False, compare=False)
    _rule: StreakRule = field(repr=False, compare=False)

    @property
    def runs(self) -> tuple[Run, ...]:
        """Every run, oldest first."""
        return tuple(map(self._runs.run, range(len(self._runs))))

    @property
    def current_periods(self) -> tuple[StreakPeriod, ...]:
        """The periods of the current streak, oldest first (empty without one); worked out when asked."""
        if self.current.status == "none":
            return ()
        return tuple(_periods_of(self._runs.run(len(self._runs) - 1), self._days, self._rule))


@dataclass(frozen=True, slots=True)
class SeriesDays:
    """A series' days up to ``as_of``, prepared once for the streak and momentum rules.

    ``ordinals`` are the days with entries (ascending), ``counts`` their entries. ``paused`` holds
    the days a pause covers minus the days with entries (a logged day is never paused); days after
    ``as_of`` stay in it, so planned pauses later this week count. ``positions`` number the days
    with entries among the unpaused days: two days' positions differ by the unpaused days between.
    """

    as_of: date
    ordinals: list[int]
    counts: list[int]
    paused: PausedDays
    positions: list[int]

    @classmethod
    def of(cls, counts: DailyCounts | SeriesDays, as_of: date, paused: Pauses = NO_PAUSES) -> SeriesDays:
        """The days of ``counts`` on or before ``as_of``; a SeriesDays for the same ``as_of`` is itself."""
        if isinstance(counts, SeriesDays):
            if counts.as_of != as_of or paused:
                raise ValueError("prepared days answer for their own as_of and pauses")
            return counts
        if isinstance(counts, Mapping):
            return cls.from_ordinals({day.toordinal(): n for day, n in counts.items()}, as_of, paused)
        per_day: dict[int, int] = {}
        for day, n in counts:
            if n > 0:
                per_day[day.toordinal()] = per_day.get(day.toordinal(), 0) + n
        return cls.from_ordinals(per_day, as_of, paused)

    @classmethod
    def from_ordinals(cls, counts: Mapping[int, int], as_of: date, paused: Pauses = NO_PAUSES) -> SeriesDays:
        """The days of ``counts``, keyed by day ordinal (``date.toordinal()``), on or before ``as_of``."""
        limit = as_of.toordinal()
        per_day = counts
        # Checked at C speed first: the summary's own counts need no copy.
        if counts and (max(counts) > limit or min(counts.values()) <= 0):
            per_day = {ordinal: n for ordinal, n in counts.items() if ordinal <= limit and n > 0}
        ordinals = sorted(per_day)
        days_paused = PausedDays.of(paused).excluding(ordinals)
        return cls(
            as_of, ordinals, list(map(per_day.__getitem__, ordinals)), days_paused, days_paused.positions(ordinals)
        )


def week_of(day: date, week_start: WeekStart) -> date:
    """First day of the week holding ``day``, weeks beginning on ``week_start``."""
    first_weekday = 0 if week_start == "monday" else 6
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def week_ordinal(ordinal: int, week_start: WeekStart) -> int:
    """Ordinal of the first day of the week holding the day ``ordinal``."""
    # Day ordinal 1 (1 January of year 1) is a Monday, ordinal 7 a Sunday.
    return ordinal - (ordinal - (1 if week_start == "monday" else 0)) % _WEEK


def daily_counts_until(counts: DailyCounts, as_of: date) -> dict[date, int]:
    """Positive counts per day on or before ``as_of``; pairs for the same day add up."""
    if isinstance(counts, Mapping):
        return {day: n for day, n in counts.items() if day <= as_of and n > 0}
    result: dict[date, int] = {}
    for day, n in counts:
        if day <= as_of and n > 0:
            result[day] = result.get(day, 0) + n
    return result


def period_requirement(target: int, period_days: int, paused_days: int) -> int:
    """ceil(target × unpaused days / period days): the entries a period needs; 0 when wholly paused."""
    return -(-target * (period_days - paused_days) // period_days)


def compute_streaks(
    counts: DailyCounts | SeriesDays, rule: StreakRule, as_of: date, *, paused: Pauses = NO_PAUSES
) -> Streaks:
    """Runs, current, longest and best streaks, the current period and the current streak's periods.

    ``paused`` is every day a live pause of this series covers (ranges or a set of dates; days
    that have entries are taken out here). Entries after ``as_of`` are ignored. ``counts`` may be
    a ``SeriesDays`` prepared for ``as_of`` and the pauses, to share the work with ``momentum``.
    """
    days = SeriesDays.of(counts, as_of, paused)
    runs = _daily_runs(days, rule) if rule.cadence == "daily" else _weekly_runs(days, rule)
    period = _current_period(days, rule)
    if not runs:
        return Streaks(NO_STREAK, NO_STREAK, (), period, runs, days, rule)

    last_index = len(runs) - 1
    last = runs.run(last_index)
    status = _current_status(days, last, rule)
    current = NO_STREAK if status == "none" else _streak(last, status)
    best = tuple(
        _streak(runs.run(index), status if index == last_index and status != "none" else "ended")
        for index in runs.longest_first(BEST_STREAKS)
    )
    return Streaks(current, best[0], best, period, runs, days, rule)


def _streak(run: Run, status: StreakStatus) -> Streak:
    return Streak(run.length, run.start, run.end, status, run.grace_used, run.paused_days)


def _daily_runs(days: SeriesDays, rule: StreakRule) -> RunList:
    """Met days joined while at most ``grace_days`` days neither met nor paused lie between them."""
    if rule.target == 1:
        ordinals, positions = days.ordinals, days.positions
    else:
        met = list(compress(count(), map(ge, days.counts, repeat(rule.target))))
        ordinals = list(map(days.ordinals.__getitem__, met))
        positions = list(map(days.positions.__getitem__, met))
    if not ordinals:
        return RunList([], [], _no_run)
    # Unpaused days between two met days are the days neither met nor paused: grace bridges them.
    gaps = map(sub, positions[1:], positions[:-1])
    breaks = list(compress(count(1), map(gt, gaps, repeat(rule.grace_days + 1))))
    firsts = [0, *breaks]
    lasts = [*map(sub, breaks, repeat(1)), len(ordinals) - 1]
    starts = list(map(ordinals.__getitem__, firsts))
    ends = list(map(ordinals.__getitem__, lasts))
    lengths = list(map(add, map(sub, ends, starts), repeat(1)))

    def make(index: int) -> Run:
        first, last = firsts[index], lasts[index]
        unpaused = positions[last] - positions[first] + 1
        length = lengths[index]
        return _run(starts[index], ends[index], length, unpaused - (last - first + 1), length - unpaused)

    return RunList(ends, lengths, make)


def _no_run(index: int) -> Run:
    raise IndexError(index)  # an empty RunList has no run to make


def _week_counts(days: SeriesDays, rule: StreakRule) -> dict[int, int]:
    """Entries per week, keyed by the ordinal of the week's first day, oldest first."""
    if not days.ordinals:
        return {}
    shift = 1 if rule.week_start == "monday" else 0
    weeks = list(map(sub, days.ordinals, map(mod, map(sub, days.ordinals, repeat(shift)), repeat(_WEEK))))
    # Days are in order, so each week's days stand together: its total is a difference of running sums.
    firsts = [0, *compress(count(1), map(ne, weeks[1:], weeks[:-1]))]
    running = [0, *accumulate(days.counts)]
    totals = map(sub, map(running.__getitem__, [*firsts[1:], len(weeks)]), map(running.__getitem__, firsts))
    return dict(zip(map(weeks.__getitem__, firsts), totals, strict=True))


def _weekly_runs(days: SeriesDays, rule: StreakRule) -> RunList:
    """Met weeks joined while only skipped (wholly paused) weeks lie between them."""
    paused = days.paused
    met = [
        week
        for week, entries in _week_counts(days, rule).items()
        if entries >= rule.target
        or (paused and entries >= period_requirement(rule.target, _WEEK, paused.between(week, week + _WEEK - 1)))
    ]
    runs: list[Run] = []
    first = 0
    for index, week in enumerate(met):
        between = week - met[index - 1] - _WEEK if index else -1
        if between == 0 or (between > 0 and paused.between(week - between, week - 1) == between):
            continue
        if index:
            runs.append(_week_run(first, met[index - 1], paused))
        first = week
    if met:
        runs.append(_week_run(first, met[-1], paused))
    return RunList([run.end.toordinal() for run in runs], [run.length for run in runs], runs.__getitem__)


def _week_run(first: int, last: int, paused: PausedDays) -> Run:
    return _run(first, last, (last - first) // _WEEK + 1, 0, paused.between(first, last + _WEEK - 1))


def _run(first: int, last: int, length: int, grace_used: int, paused_days: int) -> Run:
    return Run(date.fromordinal(first), date.fromordinal(last), length, grace_used, paused_days)


def _current_status(days: SeriesDays, last: Run, rule: StreakRule) -> StreakStatus:
    """active: no unpaused period since the run; at_risk: today (this week) can still continue it."""
    paused = days.paused
    end = last.end.toordinal()
    today = days.as_of.toordinal()
    if rule.cadence == "daily":
        gap = today - end - paused.between(end + 1, today)
        if gap == 0:
            return "active"
        return "at_risk" if gap <= rule.grace_days + 1 else "none"
    this_week = week_ordinal(today, rule.week_start)
    if this_week == end:
        return "active"
    if paused.between(end + _WEEK, this_week - 1) != this_week - end - _WEEK:
        return "none"
    return "active" if paused.between(this_week, this_week + _WEEK - 1) == _WEEK else "at_risk"


def _periods_of(run: Run, days: SeriesDays, rule: StreakRule) -> list[StreakPeriod]:
    step = rule.period_days
    per_period = dict(zip(days.ordinals, days.counts, strict=True)) if step == 1 else _week_counts(days, rule)
    periods: list[StreakPeriod] = []
    for start in range(run.start.toordinal(), run.end.toordinal() + 1, step):
        entries = per_period.get(start, 0)
        paused = days.paused.between(start, start + step - 1)
        met = paused < step and entries >= period_requirement(rule.target, step, paused)
        state: PeriodState = "met" if met else "paused" if paused == step else "bridged"
        periods.append(StreakPeriod(date.fromordinal(start), entries, state))
    return periods


def _current_period(days: SeriesDays, rule: StreakRule) -> CurrentPeriod:
    start = rule.period_of(days.as_of)
    first = start.toordinal()
    span = rule.period_days
    paused = days.paused.between(first, first + span - 1)
    entries = sum(days.counts[bisect_left(days.ordinals, first) :])
    return CurrentPeriod(
        start, start + timedelta(days=span - 1), entries, period_requirement(rule.target, span, paused)
    )

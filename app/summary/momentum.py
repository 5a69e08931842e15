"""Momentum of SPEC §6: Loop Habit Tracker's habit strength over entries per day, with paused days.

Pure functions: no clock, no database; ``as_of`` is an argument. A paused day leaves the score as
it was, so it is taken out of the day count altogether; between the days where the window's
count changes the credit c is constant, and k days of it move the score in closed form,
score = c + (score − c)·mᵏ. The cost follows the days with entries and the pauses, never the
calendar days between them: a log that starts in 1970 costs what its entries cost. For one day's
score, credit so old that all of it weighs under ``HORIZON_WEIGHT`` is left out.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import accumulate, pairwise, repeat
from operator import add, mul, sub, truediv

from app.summary.paused_days import NO_PAUSES
from app.summary.streaks import Cadence, DailyCounts, Pauses, SeriesDays

# Days of entries that count towards one day's credit; a weekly series uses two weeks against
# twice the target, so a once-a-week rhythm on changing weekdays still earns full credit.
WINDOW_DAYS: dict[Cadence, int] = {"daily": 1, "weekly": 14}
# The most that credit left out of one day's score may weigh: below a float's rounding over a sum.
HORIZON_WEIGHT = 1e-16


def decay(cadence: Cadence, target: int) -> float:
    """The daily multiplier m = 0.5^(√f / 13), f = min(target, p) / p with p = 1 or 7 days."""
    period_days = 1 if cadence == "daily" else 7
    frequency = min(target, period_days) / period_days
    return float(0.5 ** (math.sqrt(frequency) / 13))


def momentum(
    counts: DailyCounts | SeriesDays, *, cadence: Cadence, target: int, as_of: date, paused: Pauses = NO_PAUSES
) -> float:
    """Habit strength on ``as_of`` in 0..1, rounded to 4 decimals; 0 before the first entry's day.

    ``paused`` is every day a live pause of this series covers; days with entries are never paused.
    ``counts`` may be a ``SeriesDays`` prepared for ``as_of`` and the pauses.
    """
    (score,) = daily_scores(counts, cadence=cadence, target=target, days=[as_of], paused=paused)
    return min(1.0, max(0.0, round(score, 4)))


def daily_scores(
    counts: DailyCounts | SeriesDays,
    *,
    cadence: Cadence,
    target: int,
    days: Iterable[date],
    paused: Pauses = NO_PAUSES,
) -> list[float]:
    """The unrounded score at the end of each of ``days`` (ascending), each from the entries up to it.

    One day is worked out in closed form over its stretches; several walk the stretches once. A
    ``SeriesDays`` as ``counts`` must be prepared for the last of ``days``. Raises ValueError for a
    target below 1 or days out of order.
    """
    if target < 1:
        raise ValueError("target must be at least 1")
    wanted = [day.toordinal() for day in days]
    if not wanted:
        return []
    if any(later < earlier for earlier, later in pairwise(wanted)):
        raise ValueError("days must be in ascending order")
    series = SeriesDays.of(counts, date.fromordinal(wanted[-1]), paused)
    if not series.ordinals:
        return [0.0] * len(wanted)
    # A paused day takes the position of the last unpaused day before it: its score stays.
    queries = [day - series.paused.through(day) for day in wanted]
    if len(queries) == 1:
        return [_score_after(series.positions, series.counts, queries[0], cadence, target)]
    window, needed = _window(cadence, target)
    return _scores(series.positions, series.counts, queries, window, needed, decay(cadence, target))


def _window(cadence: Cadence, target: int) -> tuple[int, int]:
    """Days a day's credit looks back over, and the entries in them that earn full credit."""
    return (WINDOW_DAYS[cadence], target if cadence == "daily" else 2 * target)


def _score_after(positions: list[int], counts: list[int], query: int, cadence: Cadence, target: int) -> float:
    """The score after position ``query``, entries ``counts`` at ``positions`` (ascending, ≤ ``query``).

    Each stretch of constant credit c from position s up to e (exclusive) adds c·(m^(q+1−e) − m^(q+1−s)):
    the closed form, summed stretch by stretch at C speed through map (every term ≥ 0: no cancellation).
    """
    m = decay(cadence, target)
    window, needed = _window(cadence, target)
    # Credit from before this position weighs under HORIZON_WEIGHT in all: m^(q+1−p) summed over it.
    oldest = query + 2 - window - math.ceil(math.log(HORIZON_WEIGHT) / math.log(m))
    if positions[0] < oldest:
        cut = bisect_left(positions, oldest)
        positions, counts = positions[cut:], counts[cut:]
        if not positions:
            return 0.0
    if window == 1:
        # A stretch is the day of the entries itself: c·(1 − m)·m^(q − p).
        weights: Iterator[float] = map(pow, repeat(m), map(query.__sub__, positions))
        if needed == 1:
            return (1 - m) * sum(weights)
        credits = map(min, repeat(1.0), map(truediv, counts, repeat(needed)))
        return (1 - m) * float(sum(map(mul, credits, weights)))
    entering = dict(zip(positions, counts, strict=True))
    leaving = dict(zip(map(add, positions, repeat(window)), counts, strict=True))
    bounds = sorted(entering.keys() | leaving.keys())
    del bounds[bisect_right(bounds, query) :]
    in_window = accumulate(map(sub, map(entering.get, bounds, repeat(0)), map(leaving.get, bounds, repeat(0))))
    credits = map(min, repeat(1.0), map(truediv, in_window, repeat(needed)))
    # m^(q+1−u) at each bound u, and 1 after the query: a stretch's weight is the difference of two.
    edges: list[float] = [*map(pow, repeat(m), map((query + 1).__sub__, bounds)), 1.0]
    return float(sum(map(mul, credits, map(sub, edges[1:], edges))))


def _scores(
    positions: list[int], counts: list[int], queries: list[int], window: int, needed: int, m: float
) -> list[float]:
    """Scores after the positions ``queries`` (ascending), entries ``counts`` at ``positions`` (ascending)."""
    # The window's count changes only where a day with entries enters or leaves it.
    changes: dict[int, int] = {}
    for position, entries in zip(positions, counts, strict=True):
        changes[position] = changes.get(position, 0) + entries
        changes[position + window] = changes.get(position + window, 0) - entries
    first = positions[0]
    results: list[float] = []
    answered = 0
    score = 0.0
    credit = 0.0
    in_window = 0
    done = first  # every position before this one is in the score
    for change in [*sorted(changes), queries[-1] + 1]:
        while answered < len(queries) and queries[answered] < change:
            query = queries[answered]
            answered += 1
            if query < first:
                results.append(0.0)
                continue
            if query >= done:
                score = credit + (score - credit) * m ** (query - done + 1)
                done = query + 1
            results.append(score)
        if answered == len(queries):
            break
        score = credit + (score - credit) * m ** (change - done)
        done = change
        in_window += changes[change]
        credit = min(1.0, in_window / needed)
    return results

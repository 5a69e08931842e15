"""Paused days of one series (SPEC §6): days a pause covers, kept as sorted ranges of day ordinals.

Pure: no clock, no database. A long pause costs one range, not one item per day, so the rules
that count paused days between two dates answer in O(log ranges).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence, Set
from datetime import date
from itertools import accumulate, repeat
from operator import sub


class PausedDays:
    """Days covered by pauses: sorted, disjoint, non-adjacent inclusive ranges of day ordinals.

    Build it with ``from_ranges`` (pause ``start_date``/``end_date`` pairs; overlapping and
    adjacent ranges merge) or ``from_days``. The rules of SPEC §6 take away the days that have
    qualifying entries themselves (``excluding``): a logged day is never paused.
    """

    __slots__ = ("_before", "_ends", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for first, last in sorted(ranges):
            if first > last:
                raise ValueError("a paused range must not end before it starts")
            if ends and first <= ends[-1] + 1:
                ends[-1] = max(ends[-1], last)
            else:
                starts.append(first)
                ends.append(last)
        self._starts = starts
        self._ends = ends
        # Paused days in the ranges before range i: counts below a day in one bisect.
        self._before = [0, *accumulate(last - first + 1 for first, last in zip(starts, ends, strict=True))]

    @classmethod
    def from_ranges(cls, ranges: Iterable[tuple[date, date]]) -> PausedDays:
        """Days from ``start`` through ``end`` (inclusive) of each pair; raises ValueError if end < start."""
        return cls((start.toordinal(), end.toordinal()) for start, end in ranges)

    @classmethod
    def from_days(cls, days: Iterable[date]) -> PausedDays:
        return cls((day.toordinal(), day.toordinal()) for day in days)

    @classmethod
    def of(cls, paused: PausedDays | Set[date]) -> PausedDays:
        """``paused`` itself, or the days of a set of dates."""
        return paused if isinstance(paused, PausedDays) else cls.from_days(paused)

    @property
    def ranges(self) -> list[tuple[date, date]]:
        return [
            (date.fromordinal(first), date.fromordinal(last))
            for first, last in zip(self._starts, self._ends, strict=True)
        ]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def __len__(self) -> int:
        """The number of paused days."""
        return self._before[-1]

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        ordinal = day.toordinal()
        index = bisect_right(self._starts, ordinal) - 1
        return index >= 0 and ordinal <= self._ends[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PausedDays):
            return NotImplemented
        return self._starts == other._starts and self._ends == other._ends

    def __hash__(self) -> int:
        return hash((tuple(self._starts), tuple(self._ends)))

    def __repr__(self) -> str:
        return f"PausedDays.from_ranges({self.ranges!r})"

    def excluding(self, logged: Sequence[int]) -> PausedDays:
        """These days without the day ordinals in ``logged`` (sorted ascending)."""
        if not self._starts or not logged:
            return self
        ranges: list[tuple[int, int]] = []
        for first, last in zip(self._starts, self._ends, strict=True):
            index = bisect_left(logged, first)
            start = first
            while index < len(logged) and logged[index] <= last:
                if logged[index] > start:
                    ranges.append((start, logged[index] - 1))
                start = logged[index] + 1
                index += 1
            if start <= last:
                ranges.append((start, last))
        return PausedDays(ranges)

    def positions(self, unpaused: list[int]) -> list[int]:
        """Each of the unpaused day ordinals ``unpaused`` (ascending) minus the paused days before it."""
        if not self._starts:
            return unpaused
        positions: list[int] = []
        done = 0
        # Between two ranges every day has the same paused days before it: one slice a range.
        for index, start in enumerate([*self._starts, None]):
            until = len(unpaused) if start is None else bisect_left(unpaused, start, done)
            positions += map(sub, unpaused[done:until], repeat(self._before[index]))
            done = until
        return positions

    def through(self, ordinal: int) -> int:
        """Paused days on or before the day ``ordinal``."""
        index = bisect_right(self._starts, ordinal)
        if index == 0:
            return 0
        return self._before[index - 1] + min(self._ends[index - 1], ordinal) - self._starts[index - 1] + 1

    def between(self, first: int, last: int) -> int:
        """Paused days from ordinal ``first`` through ``last``; 0 when ``last`` < ``first``."""
        if last < first or not self._starts:
            return 0
        return self.through(last) - self.through(first - 1)


NO_PAUSES = PausedDays()

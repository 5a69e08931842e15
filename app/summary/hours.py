"""The wall-clock hour of an entry, for ``by_hour``, computed inside the aggregate query.

PostgreSQL converts time zones itself. SQLite knows none, so the query gets the UTC offsets of
the user's zone as a SQL expression built from Python's time-zone database; entries logged in
another zone come back by their instant and are converted in Python.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, case, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from app.core.timezones import zone

# Offsets are listed from here on; earlier entries take the Python way.
ERAS_BEGIN = datetime(1970, 1, 2, tzinfo=UTC)
SECONDS_PER_DAY = 86_400
_SCAN_STEP = timedelta(hours=12)

OffsetEra = tuple[datetime, int]  # from this instant on, this UTC offset in seconds


def _offset(instant: datetime, timezone: str) -> int:
    offset = instant.astimezone(zone(timezone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@lru_cache(maxsize=256)
def offset_eras(timezone: str, until_year: int) -> tuple[OffsetEra, ...]:
    """Stretches of constant UTC offset of ``timezone`` from 1970 to the end of ``until_year``."""
    end = datetime(until_year + 1, 1, 1, tzinfo=UTC)
    eras = [(ERAS_BEGIN, _offset(ERAS_BEGIN, timezone))]
    instant = ERAS_BEGIN
    while instant < end:
        later = instant + _SCAN_STEP
        if _offset(later, timezone) != eras[-1][1]:
            # Bisect to the second at which the new offset begins.
            low, high = 0, int(_SCAN_STEP.total_seconds())
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(instant + timedelta(seconds=middle), timezone) == eras[-1][1]:
                    low = middle
                else:
                    high = middle
            change = instant + timedelta(seconds=high)
            eras.append((change, _offset(change, timezone)))
        instant = later
    return tuple(eras)


def _offset_at(occurred_at: Any, eras: tuple[OffsetEra, ...]) -> ColumnElement[Any]:
    """A balanced CASE tree: a handful of comparisons a row instead of one per transition."""
    if len(eras) == 1:
        return literal_column(str(eras[0][1]), Integer)
    middle = len(eras) // 2
    return case(
        (occurred_at < eras[middle][0], _offset_at(occurred_at, eras[:middle])),
        else_=_offset_at(occurred_at, eras[middle:]),
    )


def sqlite_local_hour(occurred_at: Any, eras: tuple[OffsetEra, ...]) -> ColumnElement[Any]:
    """The hour on the wall clock of the zone ``eras`` describe, for instants after ``ERAS_BEGIN``."""
    epoch_seconds = cast(func.strftime("%s", occurred_at), Integer)
    local_seconds = (epoch_seconds + _offset_at(occurred_at, eras)) % SECONDS_PER_DAY
    return cast(local_seconds / 3600, Integer)


def postgres_local_hour(occurred_at: Any, timezone: Any) -> ColumnElement[Any]:
    return cast(func.extract("hour", func.timezone(timezone, occurred_at)), Integer)


def local_hour(occurred_at: datetime, timezone: str) -> int:
    return occurred_at.astimezone(zone(timezone)).hour

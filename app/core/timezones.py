"""IANA time zones: validated once, cached, and the day arithmetic Synclog's history rests on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The zone named ``name``; ``ValueError`` when it is not an IANA time zone."""
    if name not in _known_zones():
        raise ValueError(f"{name!r} is not an IANA time zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed but unreadable
        raise ValueError(f"{name!r} is not an IANA time zone") from exc


def validate_timezone(name: str) -> str:
    zone(name)
    return name


def local_date(occurred_at: datetime, timezone: str, day_start_hour: int) -> date:
    """The day an entry belongs to: its wall-clock time where it happened, minus the day-start hours."""
    wall_clock = occurred_at.astimezone(zone(timezone)).replace(tzinfo=None)
    return (wall_clock - timedelta(hours=day_start_hour)).date()


def local_hour(occurred_at: datetime, timezone: str) -> int:
    """The hour (0-23) on the wall clock where an entry happened; stored at write, like ``local_date``."""
    return occurred_at.astimezone(zone(timezone)).hour


def today(now: datetime, timezone: str, day_start_hour: int) -> date:
    """The user's current day: now in their zone, minus the day-start hours."""
    return local_date(now, timezone, day_start_hour)

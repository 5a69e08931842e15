"""The inputs of the golden summary cases: hand-written edge cases and a Hypothesis batch of random logs.

A case holds what the PWA keeps in IndexedDB: the user's settings, goals, entries (``occurred_at``
with its offset, ``timezone``, ``local_date`` worked out by SPEC §3 with the user's day start,
``goal_ids``; no id, which no rule reads) and pauses, plus the ``as_of`` day. Goal and pause ids are
fixed UUIDs made from the case's name, so regenerating gives the same file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.core.timezones import local_date

NAMESPACE = uuid.UUID("6f1d2c1e-3b7a-4c55-9a53-5e0c2a8f1b17")
Case = dict[str, Any]


def settings(
    timezone: str = "UTC", *, day_start_hour: int = 0, week_start: str = "monday", grace_days: int = 0
) -> dict[str, Any]:
    return {"timezone": timezone, "day_start_hour": day_start_hour, "week_start": week_start, "grace_days": grace_days}


class CaseBuilder:
    """One case, built entry by entry; ``done()`` gives its JSON-ready inputs."""

    def __init__(self, name: str, as_of: str, about: str, **user: Any) -> None:
        self.name = name
        self.about = about
        self.as_of = as_of
        self.settings = settings(**user)
        self.goals: list[dict[str, Any]] = []
        self.entries: list[dict[str, Any]] = []
        self.pauses: list[dict[str, Any]] = []

    def _id(self, what: str, number: int) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.name}/{what}/{number}"))

    def goal(self, cadence: str = "weekly", target: int = 1, *, status: str = "active") -> str:
        goal_id = self._id("goal", len(self.goals))
        title = f"Goal {len(self.goals) + 1}: {target} a {'day' if cadence == 'daily' else 'week'}"
        self.goals.append({"id": goal_id, "title": title, "cadence": cadence, "target": target, "status": status})
        return goal_id

    def at_instant(self, instant: datetime, timezone: str | None = None, goals: Sequence[str] = ()) -> CaseBuilder:
        """An entry at ``instant`` (aware), on the wall clock of ``timezone`` (default the user's)."""
        zone = timezone or self.settings["timezone"]
        self.entries.append(
            {
                "occurred_at": instant.astimezone(ZoneInfo(zone)).isoformat(timespec="milliseconds"),
                "timezone": zone,
                "local_date": local_date(instant, zone, self.settings["day_start_hour"]).isoformat(),
                "goal_ids": list(goals),
            }
        )
        return self

    def at(self, wall: str, timezone: str | None = None, goals: Sequence[str] = (), times: int = 1) -> CaseBuilder:
        """``times`` entries at the wall-clock time ``wall`` ("YYYY-MM-DD HH:MM") of ``timezone``."""
        zone = timezone or self.settings["timezone"]
        instant = datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(zone))
        for _ in range(times):
            self.at_instant(instant, zone, goals)
        return self

    def on(self, days: Iterable[str], goals: Sequence[str] = (), times: int = 1, hour: str = "12:00") -> CaseBuilder:
        """Entries at ``hour`` on each of ``days`` (ISO dates)."""
        for day in days:
            self.at(f"{day} {hour}", goals=goals, times=times)
        return self

    def pause(self, start: str, end: str, goal_id: str | None = None) -> CaseBuilder:
        self.pauses.append(
            {"id": self._id("pause", len(self.pauses)), "start_date": start, "end_date": end, "goal_id": goal_id}
        )
        return self

    def done(self) -> Case:
        return {
            "name": self.name,
            "about": self.about,
            "settings": self.settings,
            "as_of": self.as_of,
            "goals": self.goals,
            "entries": self.entries,
            "pauses": self.pauses,
        }


def days(first: str, count: int, step: int = 1) -> list[str]:
    """``count`` ISO dates from ``first``, ``step`` days apart."""
    start = date.fromisoformat(first)
    return [(start + timedelta(days=index * step)).isoformat() for index in range(count)]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)

"""Insights computed the plain way, entry by entry, from a log held in memory: the reference that
``GET /insights`` must equal (``test_naive.py``). Motifs come from the pure ``find_motifs``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.entries.motifs import base_rate, find_motifs


@dataclass(frozen=True)
class LoggedEntry:
    day: date
    hour: int
    kind: str
    people: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    inner: str = ""
    note: str = ""
    goals: list[int] = field(default_factory=list)


def _top(uses: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Most entries first, then latest, then by name; the 20 first."""
    ranked = sorted(uses.values(), key=lambda use: (-use["count"], -use["last"].toordinal(), use["name"]))
    return [{**use, "last": use["last"].isoformat()} for use in ranked[:20]]


def _names(entries: list[LoggedEntry], *, of: str) -> list[dict[str, Any]]:
    """People (``of="people"``) by exact name, or tags by lower-case key shown as spelled last."""
    spelled: dict[str, dict[str, date]] = {}
    counts: dict[str, int] = {}
    kinds: dict[str, dict[str, int]] = {}
    for entry in entries:
        seen: dict[str, str] = {}
        for name in getattr(entry, of):
            seen.setdefault(name if of == "people" else name.lower(), name)
        for key, name in seen.items():
            counts[key] = counts.get(key, 0) + 1
            spellings = spelled.setdefault(key, {})
            spellings[name] = max(spellings.get(name, entry.day), entry.day)
            kinds.setdefault(key, {})
            kinds[key][entry.kind] = kinds[key].get(entry.kind, 0) + 1
    uses = {}
    for key, spellings in spelled.items():
        name = max(spellings, key=lambda spelling: (spellings[spelling], spelling))
        use: dict[str, Any] = {"name": name, "count": counts[key], "last": max(spellings.values())}
        if of == "people":
            use["kinds"] = dict(sorted(kinds[key].items()))
        uses[key] = use
    return _top(uses)


def _motifs(entries: list[LoggedEntry]) -> list[dict[str, Any]]:
    uses: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for motif in find_motifs([entry.inner, entry.note, *entry.tags]):
            use = uses.setdefault(motif.digits, {"name": motif.digits, "count": 0, "last": entry.day, "rates": set()})
            use["count"] += 1
            use["last"] = max(use["last"], entry.day)
            use["rates"].add(base_rate(motif.written))
    for use in uses.values():
        rates = [rate for rate in use.pop("rates") if rate is not None]
        use["base_rate"] = max(rates) if rates else None
    return _top(uses)


def _bursts(per_day: dict[date, int], first: date, last: date, week_start: str) -> list[dict[str, Any]]:
    weeks: dict[date, list[date]] = {}
    day = first
    while day <= last:
        offset = (day.weekday() - (0 if week_start == "monday" else 6)) % 7
        weeks.setdefault(day - timedelta(days=offset), []).append(day)
        day += timedelta(days=1)
    counts = [(days[0], days[-1], sum(per_day.get(day, 0) for day in days)) for _, days in sorted(weeks.items())]
    ordered = sorted(count for _, _, count in counts)
    middle = len(ordered) // 2
    usual = float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return [
        {"start": start.isoformat(), "end": end.isoformat(), "count": count, "usual": usual}
        for start, end, count in counts
        if count >= 3 and count >= 2 * usual
    ]


def naive_insights(
    log: list[LoggedEntry], *, first: date, last: date, week_start: str, goals: list[tuple[str, str]]
) -> dict[str, Any]:
    """The answer of ``GET /insights?from=first&to=last``; ``goals`` are (id, title) by index."""
    entries = [entry for entry in log if first <= entry.day <= last]
    per_day: dict[date, int] = {}
    months: dict[str, dict[str, int]] = {}
    by_weekday, by_hour = [0] * 7, [0] * 24
    goal_counts: dict[int, int] = {}
    for entry in entries:
        per_day[entry.day] = per_day.get(entry.day, 0) + 1
        month = months.setdefault(entry.day.strftime("%Y-%m"), {})
        month[entry.kind] = month.get(entry.kind, 0) + 1
        by_weekday[entry.day.weekday()] += 1
        by_hour[entry.hour] += 1
        for goal in set(entry.goals):
            goal_counts[goal] = goal_counts.get(goal, 0) + 1
    enough = len(entries) >= 10
    goal_list = [
        {"goal_id": goals[index][0], "title": goals[index][1], "count": count} for index, count in goal_counts.items()
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "entries": len(entries),
        "enough_data": enough,
        "people": _names(entries, of="people"),
        "tags": [{key: value for key, value in use.items() if key != "kinds"} for use in _names(entries, of="tags")],
        "motifs": _motifs(entries),
        "goals": sorted(goal_list, key=lambda goal: (-goal["count"], goal["title"], goal["goal_id"])),
        "kinds_by_month": [
            {"month": month, "kinds": dict(sorted(kinds.items()))} for month, kinds in sorted(months.items())
        ],
        "by_weekday": by_weekday,
        "by_hour": by_hour,
        "bursts": _bursts(per_day, first, last, week_start) if enough else [],
    }

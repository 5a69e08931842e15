"""A Hypothesis-generated batch of random logs for the golden file, the same batch on every run.

Hypothesis draws plain specs (derandomized: a fixed seed, no example database, no shrinking);
``build`` turns each into a case named by its number, so the ids are fixed too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.golden.cases import Case, CaseBuilder

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns"]

_goal = st.tuples(
    st.sampled_from(["daily", "weekly"]),
    st.one_of(st.integers(1, 3), st.integers(1, 50)),
    st.sampled_from(["active", "active", "active", "archived"]),
)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """One random log: settings, up to 3 goals, up to 40 entries within ``span`` days, up to 3 pauses."""
    span = draw(st.integers(3, 100))
    entry = st.tuples(
        st.integers(-span, 2),  # day, relative to as_of (later days are to be ignored)
        st.integers(0, 24 * 60 - 1),  # minute of the wall-clock day
        st.integers(0, 7),  # which of the goals, as bits
        st.sampled_from([None, None, None, "Asia/Tokyo", "America/Los_Angeles"]),
    )
    pause = st.tuples(st.integers(-span - 5, 10), st.integers(1, 21), st.one_of(st.none(), st.integers(0, 2)))
    return {
        "timezone": draw(st.sampled_from(ZONES)),
        "day_start_hour": draw(st.one_of(st.just(0), st.integers(0, 23))),
        "week_start": draw(st.sampled_from(["monday", "sunday"])),
        "grace_days": draw(st.integers(0, 3)),
        "as_of": draw(st.dates(date(2025, 1, 15), date(2026, 11, 20))),
        "goals": draw(st.lists(_goal, max_size=3)),
        "entries": draw(st.lists(entry, min_size=(size := draw(st.integers(0, 40))), max_size=size)),
        "pauses": draw(st.lists(pause, max_size=3)),
    }


def build(number: int, spec: dict[str, Any]) -> Case:
    as_of: date = spec["as_of"]
    builder = CaseBuilder(
        f"random-{number:03d}",
        as_of.isoformat(),
        "A random log (Hypothesis, derandomized).",
        timezone=spec["timezone"],
        day_start_hour=spec["day_start_hour"],
        week_start=spec["week_start"],
        grace_days=spec["grace_days"],
    )
    goal_ids = [builder.goal(cadence, target, status=status) for cadence, target, status in spec["goals"]]
    for offset, minute, bits, zone in sorted(spec["entries"], key=lambda drawn: drawn[:3]):
        wall = datetime.combine(as_of + timedelta(days=offset), datetime.min.time()) + timedelta(minutes=minute)
        tagged = [goal_id for index, goal_id in enumerate(goal_ids) if bits >> index & 1]
        builder.at(wall.isoformat(sep=" ", timespec="minutes"), zone, tagged)
    for offset, length, goal_index in spec["pauses"]:
        start = as_of + timedelta(days=offset)
        goal_id = goal_ids[goal_index] if goal_index is not None and goal_index < len(goal_ids) else None
        builder.pause(start.isoformat(), (start + timedelta(days=length - 1)).isoformat(), goal_id)
    return builder.done()


def random_cases(count: int) -> list[Case]:
    """``count`` random cases, the same ones on every run of the same Hypothesis version."""
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(specs())
    def collect(spec: dict[str, Any]) -> None:
        drawn.append(spec)

    collect()
    return [build(number, spec) for number, spec in enumerate(drawn[:count], start=1)]

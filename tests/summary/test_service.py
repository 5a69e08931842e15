"""The summary service on each engine: its answer equals the naive reference of SPEC §6."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth import service as auth_service
from app.auth.models import Account, User
from app.core.database import Database
from app.core.timezones import local_date, local_hour
from app.entries.models import KINDS, Entry, EntryGoal
from app.goals.models import Goal
from app.pauses.models import Pause
from app.summary import service
from tests.factories import make_entry, make_goal, register
from tests.summary.naive import NaiveEntry, NaiveGoal, naive_summary

# Half-hour and 45-minute offsets, a half-hour DST (Lord Howe) and both hemispheres.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/St_Johns",
]
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2027, 1, 1, tzinfo=UTC)
_emails = itertools.count(1)

entries_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=21 * 24 * 60),  # minutes into the history's window
        st.sampled_from(ZONES),
        st.integers(min_value=0, max_value=23),  # the day start hour when it was logged
        st.sampled_from(KINDS),
        st.frozensets(st.integers(min_value=0, max_value=2), max_size=2),
        st.sampled_from([False, False, False, True]),  # deleted
    ),
    max_size=40,
)
goals_strategy = st.lists(
    st.builds(
        NaiveGoal,
        title=st.sampled_from(["Write", "Call friends", "Walk"]),
        cadence=st.sampled_from(["daily", "weekly"]),
        target=st.integers(min_value=1, max_value=3),
        status=st.sampled_from(["active", "active", "archived"]),
        deleted=st.sampled_from([False, False, False, True]),
    ),
    max_size=3,
)

# Pauses as (days after the window starts, days long − 1, goal index or None for the whole log).
pauses_strategy = st.lists(
    st.tuples(
        st.integers(min_value=-3, max_value=30),
        st.integers(min_value=0, max_value=9),
        st.one_of(st.none(), st.integers(min_value=0, max_value=2)),
    ),
    max_size=3,
)


def store_history(
    database: Database,
    *,
    timezone: str,
    week_start: str,
    grace_days: int,
    goals: list[NaiveGoal],
    entries: list[NaiveEntry],
    pauses: Sequence[tuple[date, date, int | None]] = (),
) -> tuple[uuid.UUID, list[str]]:
    """Rows as the core writes them, for a user of this example alone."""
    user = User(
        email=f"summary{next(_emails)}-{uuid.uuid4().hex[:8]}@example.org",
        password_hash="unused",
        timezone=timezone,
        week_start=week_start,
        grace_days=grace_days,
    )
    goal_rows = [
        Goal(
            user_id=user.id,
            title=goal.title,
            cadence=goal.cadence,
            target=goal.target,
            status=goal.status,
            created_at=YEAR_START + timedelta(seconds=index),
            deleted_at=NOW if goal.deleted else None,
        )
        for index, goal in enumerate(goals)
    ]
    with database.write_transaction() as session:
        session.add(user)
        session.add_all(goal_rows)
        session.flush()
        for entry in entries:
            row = Entry(
                user_id=user.id,
                occurred_at=entry.occurred_at,
                timezone=entry.timezone,
                local_date=entry.local_date,
                local_hour=local_hour(entry.occurred_at, entry.timezone),
                kind=entry.kind,
                deleted_at=NOW if entry.deleted else None,
            )
            session.add(row)
            session.flush()
            for index in entry.goal_indexes:
                # Deleting a goal removes it from its entries, deleting an entry takes it off its goals.
                if index < len(goals) and not goals[index].deleted and not entry.deleted:
                    link = EntryGoal(
                        entry_id=row.id, goal_id=goal_rows[index].id, user_id=user.id, local_date=row.local_date
                    )
                    session.add(link)
        for start, end, paused_goal in pauses:
            goal_id = None if paused_goal is None else goal_rows[paused_goal].id
            session.add(Pause(user_id=user.id, start_date=start, end_date=end, goal_id=goal_id))
    return user.id, [str(goal.id) for goal in goal_rows]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    timezone=st.sampled_from(ZONES),
    week_start=st.sampled_from(["monday", "sunday"]),
    grace_days=st.integers(min_value=0, max_value=3),
    window_start=st.integers(min_value=0, max_value=330),
    as_of_offset=st.integers(min_value=-3, max_value=28),
    goals=goals_strategy,
    raw_entries=entries_strategy,
    raw_pauses=pauses_strategy,
)
def test_summary_equals_the_naive_reference(
    app: FastAPI,
    timezone: str,
    week_start: str,
    grace_days: int,
    window_start: int,
    as_of_offset: int,
    goals: list[NaiveGoal],
    raw_entries: list[tuple[int, str, int, str, frozenset[int], bool]],
    raw_pauses: list[tuple[int, int, int | None]],
) -> None:
    window = YEAR_START + timedelta(days=window_start)
    pauses = [
        (window.date() + timedelta(days=offset), window.date() + timedelta(days=offset + days), goal)
        for offset, days, goal in raw_pauses
        if goal is None or goal < len(goals)
    ]
    entries = []
    for minutes, zone, day_start_hour, kind, goal_indexes, deleted in raw_entries:
        occurred_at = window + timedelta(minutes=minutes)
        entries.append(
            NaiveEntry(
                occurred_at=occurred_at,
                timezone=zone,
                local_date=local_date(occurred_at, zone, day_start_hour),
                kind=kind,
                goal_indexes=frozenset(index for index in goal_indexes if index < len(goals)),
                deleted=deleted,
            )
        )
    as_of = window.date() + timedelta(days=as_of_offset)
    database: Database = app.state.database
    user_id, goal_ids = store_history(
        database,
        timezone=timezone,
        week_start=week_start,
        grace_days=grace_days,
        goals=goals,
        entries=entries,
        pauses=pauses,
    )

    with database.read_session() as session:
        user = auth_service.get_account(session, user_id=user_id)
        answer = service.get_summary(session, user=user, as_of=as_of, now=NOW)

    expected = naive_summary(
        timezone=timezone,
        week_start=week_start,
        grace_days=grace_days,
        goals=goals,
        goal_ids=goal_ids,
        entries=entries,
        as_of=as_of,
        pauses=pauses,
    )
    assert answer.model_dump(mode="json") == expected


def test_entries_before_1970_still_count_by_their_wall_clock_hour(app: FastAPI) -> None:
    database: Database = app.state.database
    occurred_at = datetime(1969, 12, 31, 23, 30, tzinfo=UTC)
    entry = NaiveEntry(occurred_at, "UTC", date(1969, 12, 31), "dream", frozenset(), deleted=False)
    user_id, _ = store_history(database, timezone="UTC", week_start="monday", grace_days=0, goals=[], entries=[entry])
    with database.read_session() as session:
        user = auth_service.get_account(session, user_id=user_id)
        answer = service.get_summary(session, user=user, as_of=date(1970, 1, 1), now=NOW)
    assert answer.by_hour[23] == 1
    assert answer.overall.current.status == "at_risk"


def test_as_of_defaults_to_today_after_the_day_start_hour() -> None:
    user = Account(
        id=uuid.uuid4(),
        email="a@example.org",
        display_name="",
        timezone="Asia/Tokyo",
        day_start_hour=4,
        week_start="monday",
        grace_days=0,
        created_at=NOW,
    )
    # 18:30 UTC is 03:30 the next morning in Tokyo: before 04:00, so still the day before.
    assert service.resolve_as_of(None, user=user, now=datetime(2026, 11, 24, 18, 30, tzinfo=UTC)) == date(2026, 11, 24)
    assert service.resolve_as_of(None, user=user, now=datetime(2026, 11, 24, 19, 30, tzinfo=UTC)) == date(2026, 11, 25)


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"),
            st.integers(min_value=-1, max_value=9),  # days before as_of; -1 is the day after
            st.integers(min_value=0, max_value=23),
            st.sampled_from(KINDS[:3]),
            st.integers(min_value=0, max_value=3),  # which of the two goals
        ),
        st.tuples(
            st.just("patch"),
            st.integers(min_value=0, max_value=20),  # which entry
            st.integers(min_value=-1, max_value=9),
            st.integers(min_value=0, max_value=23),
            st.sampled_from(KINDS[:3]),
            st.integers(min_value=0, max_value=3),
        ),
        st.tuples(st.just("note"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("delete"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("delete_goal"), st.integers(min_value=0, max_value=1)),
        st.just(("summary",)),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_remembered_summaries_follow_every_write(
    client: TestClient, app: FastAPI, steps: list[tuple[Any, ...]]
) -> None:
    """After any sequence of writes, GET /summary (kept by change number) equals a fresh count."""
    as_of = date(2026, 11, 20)
    user_id = uuid.UUID(register(client, timezone="Europe/Berlin")["id"])
    goals = [make_goal(client, cadence="daily")["id"], make_goal(client, cadence="weekly", target=2)["id"]]
    entries: list[str] = []

    def moment(days_before: int, hour: int) -> str:
        return f"{as_of - timedelta(days=days_before)}T{hour:02d}:30:00Z"

    deleted_goals: set[str] = set()
    deleted_entries: set[str] = set()

    def edited(entry_id: str) -> int:
        """The status a write to the entry answers: 410 once it is deleted (SPEC §5)."""
        return 410 if entry_id in deleted_entries else 200

    def goal_ids(mask: int) -> list[str]:
        return [goal for index, goal in enumerate(goals) if mask & (1 << index) and goal not in deleted_goals]

    def check() -> None:
        answer = client.get("/api/v1/summary", params={"as_of": as_of.isoformat()})
        assert answer.status_code == 200, answer.text
        with app.state.database.read_session() as session:
            user = auth_service.get_account(session, user_id=user_id)
            fresh = service.get_summary(session, user=user, as_of=as_of, now=NOW)
        assert answer.json() == fresh.model_dump(mode="json")

    check()
    for step in steps:
        if step[0] == "create":
            _, days_before, hour, kind, mask = step
            body = {"occurred_at": moment(days_before, hour), "kind": kind, "goal_ids": goal_ids(mask)}
            entries.append(make_entry(client, **body)["id"])
        elif step[0] == "patch" and entries:
            _, index, days_before, hour, kind, mask = step
            body = {"occurred_at": moment(days_before, hour), "kind": kind, "goal_ids": goal_ids(mask)}
            entry_id = entries[index % len(entries)]
            assert client.patch(f"/api/v1/entries/{entry_id}", json=body).status_code == edited(entry_id)
        elif step[0] == "note" and entries:
            entry_id = entries[step[1] % len(entries)]
            assert client.patch(f"/api/v1/entries/{entry_id}", json={"meaning": "later"}).status_code == edited(
                entry_id
            )
        elif step[0] == "delete" and entries:
            entry_id = entries[step[1] % len(entries)]
            assert client.delete(f"/api/v1/entries/{entry_id}").status_code == 204
            deleted_entries.add(entry_id)
        elif step[0] == "delete_goal":
            assert client.delete(f"/api/v1/goals/{goals[step[1]]}").status_code == 204
            deleted_goals.add(goals[step[1]])
        else:
            check()
    check()

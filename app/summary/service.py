"""The summary's queries: one aggregate query feeds the pure streak and momentum rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Integer, String, and_, case, cast, func, literal, null, union_all
from sqlalchemy import select as select_columns
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from app.auth.models import User
from app.core.database import UTCDateTime
from app.core.errors import NotFound, ValidationProblem
from app.core.sequence import ChangeCounter
from app.core.timezones import today
from app.entries.models import Entry, EntryGoal
from app.goals.models import Goal
from app.summary.cache import CountsSnapshot, counts_cache, summary_cache
from app.summary.hours import ERAS_BEGIN, local_hour, offset_eras, postgres_local_hour, sqlite_local_hour
from app.summary.models import ExplainPublic, HeatmapDay, HeatmapPublic, SummaryPublic
from app.summary.report import (
    EntryCount,
    GoalRule,
    SummaryCounts,
    SummarySettings,
    build_summary,
    explain_periods,
    explanation,
    goal_rule,
    overall_rule,
    rule_public,
    streak_public,
)
from app.summary.streaks import compute_streaks

EARLIEST_AS_OF = date(1970, 1, 1)
AS_OF_MAX_AHEAD = timedelta(days=366)
HEATMAP_DEFAULT_DAYS = 365
HEATMAP_MAX_DAYS = 3660
# Beyond these, one aggregate query is cheaper than counting entries one by one.
MAX_CHANGES_COUNTED_ONE_BY_ONE = 200
MAX_ENTRIES_COUNTED_ONE_BY_ONE = 5000
JULIAN_DAY_OF_ORDINAL_ONE = 1_721_425  # julianday('0001-01-01') is 1721425.5: midnight, half a day before noon


def summary_settings(user: User) -> SummarySettings:
    return SummarySettings(
        timezone=user.timezone,
        day_start_hour=user.day_start_hour,
        week_start="sunday" if user.week_start == "sunday" else "monday",
        grace_days=user.grace_days,
    )


def _invalid(parameter: str, message: str) -> ValidationProblem:
    return ValidationProblem(
        f"query.{parameter}: {message}",
        errors=[{"loc": ["query", parameter], "msg": message, "type": "value_error"}],
    )


def resolve_as_of(as_of: date | None, *, user: User, now: datetime) -> date:
    """``as_of``, or the user's today; dates before 1970 or over a year ahead are refused."""
    current = today(now, user.timezone, user.day_start_hour)
    if as_of is None:
        return current
    if not EARLIEST_AS_OF <= as_of <= current + AS_OF_MAX_AHEAD:
        raise _invalid(
            "as_of", f"must lie between {EARLIEST_AS_OF.isoformat()} and {(current + AS_OF_MAX_AHEAD).isoformat()}"
        )
    return as_of


def _goal_of_user(session: Session, *, user: User, goal_id: uuid.UUID) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.user_id != user.id or goal.deleted_at is not None:
        raise NotFound("No such goal.")
    return goal


def _goal_rule(goal: Goal) -> GoalRule:
    return GoalRule(
        goal_id=goal.id,
        title=goal.title,
        cadence="daily" if goal.cadence == "daily" else "weekly",
        target=goal.target,
    )


def active_goals(session: Session, *, user: User) -> list[GoalRule]:
    query = (
        select(Goal)
        .where(col(Goal.user_id) == user.id, col(Goal.status) == "active", col(Goal.deleted_at).is_(None))
        .order_by(col(Goal.created_at), col(Goal.id))
    )
    return [_goal_rule(goal) for goal in session.exec(query)]


def _live_entries(user_id: uuid.UUID) -> Any:
    return and_(col(Entry.user_id) == user_id, col(Entry.deleted_at).is_(None))


def _facet(
    name: str,
    *,
    day: Any = None,
    goal_id: Any = None,
    kind: Any = None,
    zone: Any = None,
    hour: Any = None,
    moment: Any = None,
    n: Any = None,
) -> Select[Any]:
    """One facet of the aggregate query; every facet has the same columns, typed by the first.

    Columns come back as plain integers and strings, converted once per distinct value in
    Python rather than once per row by the driver.
    """
    return select_columns(
        literal(name, String).label("facet"),
        (day if day is not None else cast(null(), Integer)).label("day"),
        (goal_id if goal_id is not None else cast(null(), String)).label("goal_id"),
        (kind if kind is not None else cast(null(), String)).label("kind"),
        (zone if zone is not None else cast(null(), String)).label("zone"),
        (hour if hour is not None else cast(null(), Integer)).label("hour"),
        (moment if moment is not None else cast(null(), String)).label("moment"),
        (n if n is not None else func.count()).label("n"),
    )


def _day_ordinal(dialect: str) -> Any:
    """``local_date`` as its proleptic Gregorian ordinal (``date.toordinal()``)."""
    if dialect == "postgresql":
        return cast(col(Entry.local_date) - literal(date(1, 1, 1), Date), Integer) + 1
    return cast(func.julianday(col(Entry.local_date)), Integer) - (JULIAN_DAY_OF_ORDINAL_ONE - 1)


def _kind_and_hour_facet(dialect: str, *, live: Any, timezone: str, as_of: date) -> Select[Any]:
    """Entries per kind and wall-clock hour where they happened."""
    kind, occurred_at, entry_zone = col(Entry.kind), col(Entry.occurred_at), col(Entry.timezone)
    if dialect == "postgresql":
        hour = postgres_local_hour(occurred_at, entry_zone)
        return _facet("kind_hour", kind=kind, hour=hour).where(live).group_by(kind, hour)
    # SQLite converts the user's own zone in SQL; entries logged elsewhere come back by instant.
    in_user_zone = and_(entry_zone == timezone, occurred_at >= ERAS_BEGIN)
    hour = case((in_user_zone, sqlite_local_hour(occurred_at, offset_eras(timezone, as_of.year + 1))))
    elsewhere_zone = case((in_user_zone, null()), else_=entry_zone)
    # SQLite keeps the instant as UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff'.
    elsewhere_moment = case((in_user_zone, null()), else_=cast(occurred_at, String))
    return (
        _facet("kind_hour", kind=kind, zone=elsewhere_zone, hour=hour, moment=elsewhere_moment)
        .where(live)
        .group_by(kind, hour, elsewhere_zone, elsewhere_moment)
    )


def summary_counts(session: Session, *, user_id: uuid.UUID, timezone: str, as_of: date) -> tuple[SummaryCounts, int]:
    """Entries per day, per goal and day, per kind and per wall-clock hour, in one query.

    Three passes over the user's entries: more facets in one pass would return a row per
    entry or nearly so. The user's change number comes from the same statement, so it names
    exactly the data counted (one snapshot on both engines).
    """
    dialect = session.get_bind().dialect.name
    live = and_(_live_entries(user_id), col(Entry.local_date) <= as_of)
    local_date, goal_id = col(Entry.local_date), col(EntryGoal.goal_id)
    day = _day_ordinal(dialect)
    query = union_all(
        _facet("day", day=day).where(live).group_by(local_date),
        _facet("goal", day=day, goal_id=cast(goal_id, String))
        .join_from(Entry, EntryGoal, col(EntryGoal.entry_id) == col(Entry.id))
        .where(live)
        .group_by(goal_id, local_date),
        _kind_and_hour_facet(dialect, live=live, timezone=timezone, as_of=as_of),
        _facet("seq", n=col(ChangeCounter.last_seq)).where(col(ChangeCounter.user_id) == user_id),
    )
    counts = SummaryCounts()
    counted_at = 0
    dates: dict[int, date] = {}
    goal_days: dict[str, dict[date, int]] = {}
    for facet, ordinal, goal, kind, zone, hour, moment, n in session.execute(query):
        if facet == "kind_hour":
            counts.by_kind[kind] = counts.by_kind.get(kind, 0) + n
            if hour is None:
                hour = local_hour(datetime.fromisoformat(moment).replace(tzinfo=UTC), zone)
            counts.by_hour[hour] += n
            continue
        if facet == "seq":
            counted_at = n
            continue
        local = dates.get(ordinal)
        if local is None:
            local = dates[ordinal] = date.fromordinal(ordinal)
        if facet == "day":
            counts.per_day[local] = n
        else:
            days_of_goal = goal_days.get(goal)
            if days_of_goal is None:
                days_of_goal = goal_days[goal] = {}
            days_of_goal[local] = n
    counts.per_goal_day = {uuid.UUID(goal): days for goal, days in goal_days.items()}
    return counts, counted_at


@dataclass
class _EntryChange:
    version: int
    ordinal: int
    kind: str
    zone: str
    occurred_at: datetime
    deleted: bool
    goal_ids: list[uuid.UUID] = field(default_factory=list)


def counts_after(
    session: Session, *, user_id: uuid.UUID, as_of: date, snapshot: CountsSnapshot
) -> CountsSnapshot | None:
    """The snapshot moved on by the entries changed since it; None when only the aggregate query can tell.

    An entry changed since the snapshot counts anew. What it counted before is known when it is
    new (version 1: created after the snapshot) or was itself counted one by one; otherwise
    the snapshot is of no use.
    """
    dialect = session.get_bind().dialect.name
    changed = (
        select_columns(
            literal("entry", String).label("row"),
            cast(col(Entry.id), String).label("entry_id"),
            col(Entry.version).label("version"),
            _day_ordinal(dialect).label("day"),
            col(Entry.kind).label("kind"),
            col(Entry.timezone).label("zone"),
            col(Entry.occurred_at).label("occurred_at"),
            col(Entry.deleted_at).label("deleted_at"),
            cast(col(EntryGoal.goal_id), String).label("goal_id"),
            cast(null(), Integer).label("seq"),
        )
        .join_from(Entry, EntryGoal, col(EntryGoal.entry_id) == col(Entry.id), isouter=True)
        .where(col(Entry.user_id) == user_id, col(Entry.seq) > snapshot.seq)
    )
    counter = select_columns(
        literal("seq", String),
        *(cast(null(), type_) for type_ in (String, Integer, Integer, String, String)),
        *(cast(null(), UTCDateTime) for _ in range(2)),
        cast(null(), String),
        col(ChangeCounter.last_seq),
    ).where(col(ChangeCounter.user_id) == user_id)
    seq = snapshot.seq
    changes: dict[str, _EntryChange] = {}
    for row, entry_id, version, ordinal, kind, zone, occurred_at, deleted_at, goal_id, last_seq in session.execute(
        union_all(changed, counter)
    ):
        if row == "seq":
            seq = last_seq
            continue
        change = changes.get(entry_id)
        if change is None:
            change = changes[entry_id] = _EntryChange(version, ordinal, kind, zone, occurred_at, deleted_at is not None)
        if goal_id is not None:
            change.goal_ids.append(uuid.UUID(goal_id))
    if len(changes) > MAX_CHANGES_COUNTED_ONE_BY_ONE:
        return None

    counts = snapshot.counts.copy()
    known = dict(snapshot.known)
    for entry_id, change in changes.items():
        if change.version == 1:
            before = None
        elif entry_id in known:
            before = known[entry_id]
        else:
            return None
        after = None
        if not change.deleted and change.ordinal <= as_of.toordinal():
            after = EntryCount(
                local_date=date.fromordinal(change.ordinal),
                kind=change.kind,
                hour=local_hour(change.occurred_at, change.zone),
                goal_ids=tuple(sorted(change.goal_ids)),
            )
        if before is not None:
            counts.add(before, -1)
        if after is not None:
            counts.add(after)
        known[entry_id] = after
    if len(known) > MAX_ENTRIES_COUNTED_ONE_BY_ONE:
        return None
    return CountsSnapshot(seq=seq, counts=counts, known=known, series=snapshot.series)


def day_counts(
    session: Session, *, user_id: uuid.UUID, first: date | None, last: date, goal_id: uuid.UUID | None
) -> dict[date, int]:
    """Live entries per local day from ``first`` (or the beginning) to ``last``, of one goal or all."""
    local_date = col(Entry.local_date)
    query = select(local_date, func.count()).where(_live_entries(user_id), local_date <= last)
    if first is not None:
        query = query.where(local_date >= first)
    if goal_id is not None:
        query = query.join(EntryGoal, col(EntryGoal.entry_id) == col(Entry.id)).where(col(EntryGoal.goal_id) == goal_id)
    return {day: count for day, count in session.execute(query.group_by(local_date))}


def change_number(session: Session, *, user_id: uuid.UUID) -> int:
    """The user's last change number: any write to their goals or entries moves it."""
    counter = session.get(ChangeCounter, user_id)
    return counter.last_seq if counter is not None else 0


def get_summary(
    session: Session, *, user: User, as_of: date | None, now: datetime, use_cache: bool = True
) -> SummaryPublic:
    """The summary as of ``as_of``: remembered, or moved on by the entries changed since, or counted afresh."""
    day = resolve_as_of(as_of, user=user, now=now)
    settings = summary_settings(user)
    if not use_cache:
        counts, _ = summary_counts(session, user_id=user.id, timezone=user.timezone, as_of=day)
        return build_summary(counts=counts, goals=active_goals(session, user=user), settings=settings, as_of=day)

    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    seq = change_number(session, user_id=user.id)
    summary = summary_cache.get((database, user.id, seq, day, settings))
    if summary is not None:
        return summary
    counts_key = (database, user.id, day)
    snapshot = counts_cache.get(counts_key)
    if snapshot is not None and snapshot.seq < seq:
        far_behind = seq - snapshot.seq > MAX_CHANGES_COUNTED_ONE_BY_ONE
        snapshot = None if far_behind else counts_after(session, user_id=user.id, as_of=day, snapshot=snapshot)
    if snapshot is None:
        counts, counted_at = summary_counts(session, user_id=user.id, timezone=user.timezone, as_of=day)
        snapshot = CountsSnapshot(seq=counted_at, counts=counts)
    counts_cache.put(counts_key, snapshot)
    goals = active_goals(session, user=user)
    summary = build_summary(counts=snapshot.counts, goals=goals, settings=settings, as_of=day, memo=snapshot.series)
    summary_cache.put((database, user.id, snapshot.seq, day, settings), summary)
    return summary


def get_heatmap(
    session: Session,
    *,
    user: User,
    first: date | None,
    last: date | None,
    goal_id: uuid.UUID | None,
    now: datetime,
) -> HeatmapPublic:
    """Entries per day over a range of at most 3660 days, by default the 365 days ending today."""
    if last is None:
        current = today(now, user.timezone, user.day_start_hour)
        last = max(current, first) if first is not None else current
    if first is None:
        # A year back, but never before the first representable day (``to`` may be in year 1).
        first = last - min(timedelta(days=HEATMAP_DEFAULT_DAYS - 1), last - date.min)
    if first > last:
        raise _invalid("from", "must not be after to")
    if (last - first).days + 1 > HEATMAP_MAX_DAYS:
        raise _invalid("from", f"the range from..to spans at most {HEATMAP_MAX_DAYS} days")
    if goal_id is not None:
        _goal_of_user(session, user=user, goal_id=goal_id)
    counts = day_counts(session, user_id=user.id, first=first, last=last, goal_id=goal_id)
    days = [HeatmapDay(date=day, count=count) for day, count in sorted(counts.items()) if count > 0]
    return HeatmapPublic(
        from_=first,
        to=last,
        max=max((day.count for day in days), default=0),
        total=sum(day.count for day in days),
        days=days,
    )


def explain(
    session: Session, *, user: User, goal_id: uuid.UUID | None, as_of: date | None, now: datetime
) -> ExplainPublic:
    """The streak rule in words and numbers, and the periods of the current streak."""
    day = resolve_as_of(as_of, user=user, now=now)
    settings = summary_settings(user)
    goal = _goal_rule(_goal_of_user(session, user=user, goal_id=goal_id)) if goal_id is not None else None
    rule = goal_rule(goal, settings) if goal is not None else overall_rule(settings)
    counts = day_counts(session, user_id=user.id, first=None, last=day, goal_id=goal_id)
    streaks = compute_streaks(counts, rule, day)
    return ExplainPublic(
        goal_id=goal.goal_id if goal is not None else None,
        title=goal.title if goal is not None else None,
        rule=rule_public(rule, settings, day),
        explanation=explanation(rule, settings, streaks.current, day),
        current=streak_public(streaks.current),
        periods=explain_periods(streaks.current_periods, rule),
    )

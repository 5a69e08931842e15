"""The summary's queries: a few aggregates feed the pure streak and momentum rules."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import String, bindparam, cast, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from app.auth.models import Account
from app.core import slow_work
from app.core.database import table_of
from app.core.errors import NotFound, ValidationProblem
from app.core.sequence import ChangeCounter
from app.core.settings import Settings
from app.core.timezones import today
from app.entries.models import Entry, EntryGoal
from app.goals.models import Goal
from app.pauses import service as pauses_service
from app.summary.cache import SummaryCache, SummaryKey
from app.summary.history import Bucket, momentum_history
from app.summary.models import (
    ExplainPublic,
    HeatmapDay,
    HeatmapPublic,
    HistoryPoint,
    HistoryPublic,
    SummaryPublic,
)
from app.summary.report import (
    GoalRule,
    SummaryCounts,
    SummarySettings,
    build_summary,
    explain_periods,
    explanation,
    goal_rule,
    overall_rule,
    paused_days_of,
    rule_public,
    streak_public,
)
from app.summary.streaks import compute_streaks

EARLIEST_AS_OF = date(1970, 1, 1)
AS_OF_MAX_AHEAD = timedelta(days=366)
HEATMAP_DEFAULT_DAYS = 365
HEATMAP_MAX_DAYS = 3660
HISTORY_DEFAULT_DAYS = 365
HISTORY_MAX_DAYS = 3660


def summary_settings(user: Account) -> SummarySettings:
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


def resolve_as_of(as_of: date | None, *, user: Account, now: datetime) -> date:
    """``as_of``, or the user's today; dates before 1970 or over a year ahead are refused."""
    current = today(now, user.timezone, user.day_start_hour)
    if as_of is None:
        return current
    if not EARLIEST_AS_OF <= as_of <= current + AS_OF_MAX_AHEAD:
        raise _invalid(
            "as_of", f"must lie between {EARLIEST_AS_OF.isoformat()} and {(current + AS_OF_MAX_AHEAD).isoformat()}"
        )
    return as_of


def _goal_of_user(session: Session, *, user: Account, goal_id: uuid.UUID) -> Goal:
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


def active_goals(session: Session, *, user_id: uuid.UUID) -> list[GoalRule]:
    query = (
        select(Goal)
        .where(col(Goal.user_id) == user_id, col(Goal.status) == "active", col(Goal.deleted_at).is_(None))
        .order_by(col(Goal.created_at), col(Goal.id))
    )
    return [_goal_rule(goal) for goal in session.exec(query)]


ENTRIES = table_of(Entry)
LINKS = table_of(EntryGoal)
# Built once (building a statement costs more than running it). Each reads one index alone, in its order
# (migration 0004): per day ``(user_id, local_date, deleted_at)``, per goal and day the links'
# ``(user_id, goal_id, local_date)`` (links are live entries' only), per kind and hour
# ``(user_id, kind, local_hour, local_date, deleted_at)``. Days come as text, goal ids as text: each
# distinct one is converted once in Python, not once per row.
_LIVE_UP_TO = (
    ENTRIES.c.user_id == bindparam("user_id"),
    ENTRIES.c.deleted_at.is_(None),
    ENTRIES.c.local_date <= bindparam("as_of"),
)


class iso_day(FunctionElement[str]):  # noqa: N801 - named as the SQL function it stands for
    """A date column as ``YYYY-MM-DD`` text on both engines (SQLite stores it so; PostgreSQL's ``to_char``
    does not depend on the server's ``DateStyle``, as a cast to text would)."""

    type = String()
    inherit_cache = True


@compiles(iso_day)
def _iso_day_as_stored(element: iso_day, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(iso_day, "postgresql")
def _iso_day_postgresql(element: iso_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


_PER_DAY = sa_select(iso_day(ENTRIES.c.local_date), func.count()).where(*_LIVE_UP_TO).group_by(ENTRIES.c.local_date)
# One row per goal with the day of each of its links joined in one string (``group_concat`` on SQLite,
# ``string_agg`` on PostgreSQL), counted per day in Python at C speed: a row per goal and day cost more to
# hand over than the counting itself.
_GOAL_DAYS = (
    sa_select(cast(LINKS.c.goal_id, String), func.aggregate_strings(iso_day(LINKS.c.local_date), ","))
    .where(LINKS.c.user_id == bindparam("user_id"), LINKS.c.local_date <= bindparam("as_of"))
    .group_by(LINKS.c.goal_id)
)
_PER_KIND_HOUR = (
    sa_select(ENTRIES.c.kind, ENTRIES.c.local_hour, func.count())
    .where(*_LIVE_UP_TO)
    .group_by(ENTRIES.c.kind, ENTRIES.c.local_hour)
)


class _Ordinals(dict[str, int]):
    """Day ordinals of ISO dates, each worked out once."""

    def __missing__(self, day: str) -> int:
        self[day] = ordinal = date.fromisoformat(day).toordinal()
        return ordinal


def summary_counts(session: Session, *, user_id: uuid.UUID, as_of: date) -> SummaryCounts:
    """Live entries up to ``as_of`` per day, per goal and day, and per kind and wall-clock hour: three aggregates,
    keyed by day ordinal (``date.toordinal()``)."""
    # Plain rows from the connection: the ORM's row handling cost more than the queries.
    connection = session.connection()
    of_user = {"user_id": user_id, "as_of": as_of}
    day_rows = connection.execute(_PER_DAY, of_user).all()
    ordinal = _Ordinals((day, date.fromisoformat(day).toordinal()) for day, _ in day_rows)
    counts = SummaryCounts(
        per_day=dict(
            zip(map(ordinal.__getitem__, map(itemgetter(0), day_rows)), map(itemgetter(1), day_rows), strict=True)
        )
    )
    for goal, joined in connection.execute(_GOAL_DAYS, of_user):
        per_day = Counter(joined.split(","))
        counts.per_goal_day[uuid.UUID(goal)] = dict(
            zip(map(ordinal.__getitem__, per_day), per_day.values(), strict=True)
        )
    for entry_kind, entry_hour, n in connection.execute(_PER_KIND_HOUR, of_user):
        counts.by_kind[entry_kind] = counts.by_kind.get(entry_kind, 0) + n
        counts.by_hour[entry_hour] += n
    return counts


def day_counts(
    session: Session, *, user_id: uuid.UUID, first: date | None, last: date, goal_id: uuid.UUID | None
) -> dict[date, int]:
    """Live entries per local day from ``first`` (or the beginning) to ``last``, of one goal or all."""
    if goal_id is None:
        local_date = ENTRIES.c.local_date
        query = sa_select(local_date, func.count()).where(
            ENTRIES.c.user_id == user_id, ENTRIES.c.deleted_at.is_(None), local_date <= last
        )
    else:
        local_date = LINKS.c.local_date
        query = sa_select(local_date, func.count()).where(
            LINKS.c.user_id == user_id, LINKS.c.goal_id == goal_id, local_date <= last
        )
    if first is not None:
        query = query.where(local_date >= first)
    return {day: count for day, count in session.connection().execute(query.group_by(local_date))}


def change_number(session: Session, *, user_id: uuid.UUID) -> int:
    """The user's last change number: any write to their goals, entries or pauses moves it."""
    counter = session.get(ChangeCounter, user_id)
    return counter.last_seq if counter is not None else 0


def get_summary(
    session: Session, *, user: Account, as_of: date | None, now: datetime, cache: SummaryCache | None = None
) -> SummaryPublic:
    """The summary as of ``as_of`` (default the user's today); kept in ``cache`` under the user's change number."""
    if cache is None:
        return _summary(
            session, user_id=user.id, as_of=resolve_as_of(as_of, user=user, now=now), settings=summary_settings(user)
        )
    key, summary = kept_summary(session, user=user, as_of=as_of, now=now, cache=cache)
    if summary is None:
        summary = _summary(session, user_id=user.id, as_of=key.as_of, settings=key.settings)
        cache.put(key, summary)
    return summary


def kept_summary(
    session: Session, *, user: Account, as_of: date | None, now: datetime, cache: SummaryCache
) -> tuple[SummaryKey, SummaryPublic | None]:
    """The key the summary as of ``as_of`` (default the user's today) is kept under, and the summary if kept."""
    day = resolve_as_of(as_of, user=user, now=now)
    # Read before the counts: what is kept under a change number holds at least that number's writes.
    key = SummaryKey(user.id, change_number(session, user_id=user.id), day, summary_settings(user))
    return key, cache.get(key)


def summary_of_key(settings: Settings, key: SummaryKey) -> SummaryPublic:
    """The summary ``key`` names, computed with a read session of its own on the database ``settings`` name (what
    a slow-work process runs for ``GET /summary``); it holds at least the writes of ``key``'s change number."""
    with slow_work.database(settings).read_session() as session:
        return _summary(session, user_id=key.user_id, as_of=key.as_of, settings=key.settings)


def _summary(session: Session, *, user_id: uuid.UUID, as_of: date, settings: SummarySettings) -> SummaryPublic:
    counts = summary_counts(session, user_id=user_id, as_of=as_of)
    goals = active_goals(session, user_id=user_id)
    pauses = pauses_service.pause_spans(session, user_id=user_id)
    return build_summary(counts=counts, goals=goals, settings=settings, as_of=as_of, pauses=pauses)


def _date_range(
    first: date | None, last: date | None, *, user: Account, now: datetime, default_days: int, max_days: int
) -> tuple[date, date]:
    """``from``..``to`` of a range query: by default the ``default_days`` ending today; 422 when ``from`` is
    after ``to`` or the range spans more than ``max_days``."""
    if last is None:
        current = today(now, user.timezone, user.day_start_hour)
        last = max(current, first) if first is not None else current
    if first is None:
        # Days back, but never before the first representable day (``to`` may be in year 1).
        first = last - min(timedelta(days=default_days - 1), last - date.min)
    if first > last:
        raise _invalid("from", "must not be after to")
    if (last - first).days + 1 > max_days:
        raise _invalid("from", f"the range from..to spans at most {max_days} days")
    return first, last


def get_heatmap(
    session: Session,
    *,
    user: Account,
    first: date | None,
    last: date | None,
    goal_id: uuid.UUID | None,
    now: datetime,
) -> HeatmapPublic:
    """Entries per day over a range of at most 3660 days, by default the 365 days ending today."""
    first, last = _date_range(
        first, last, user=user, now=now, default_days=HEATMAP_DEFAULT_DAYS, max_days=HEATMAP_MAX_DAYS
    )
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
    session: Session, *, user: Account, goal_id: uuid.UUID | None, as_of: date | None, now: datetime
) -> ExplainPublic:
    """The streak rule in words and numbers, and the periods of the current streak."""
    day = resolve_as_of(as_of, user=user, now=now)
    settings = summary_settings(user)
    goal = _goal_rule(_goal_of_user(session, user=user, goal_id=goal_id)) if goal_id is not None else None
    rule = goal_rule(goal, settings) if goal is not None else overall_rule(settings)
    counts = day_counts(session, user_id=user.id, first=None, last=day, goal_id=goal_id)
    paused = paused_days_of(pauses_service.pause_spans(session, user_id=user.id), goal_id)
    streaks = compute_streaks(counts, rule, day, paused=paused)
    return ExplainPublic(
        goal_id=goal.goal_id if goal is not None else None,
        title=goal.title if goal is not None else None,
        rule=rule_public(rule, settings, day),
        explanation=explanation(rule, settings, streaks.current, day, period=streaks.period),
        current=streak_public(streaks.current),
        periods=explain_periods(streaks.current_periods, rule),
    )


def get_history(
    session: Session,
    *,
    user: Account,
    goal_id: uuid.UUID | None,
    first: date | None,
    last: date | None,
    bucket: Bucket,
    now: datetime,
) -> HistoryPublic:
    """Momentum over time of the overall log or one goal: the mean daily score per day, week or month.

    By default the 365 days ending today; 422 when ``from`` is after ``to`` or the range spans more than
    3660 days, 404 for a goal the user does not have (deleted included).
    """
    first, last = _date_range(
        first, last, user=user, now=now, default_days=HISTORY_DEFAULT_DAYS, max_days=HISTORY_MAX_DAYS
    )
    settings = summary_settings(user)
    goal = _goal_rule(_goal_of_user(session, user=user, goal_id=goal_id)) if goal_id is not None else None
    rule = goal_rule(goal, settings) if goal is not None else overall_rule(settings)
    counts = day_counts(session, user_id=user.id, first=None, last=last, goal_id=goal_id)
    paused = paused_days_of(pauses_service.pause_spans(session, user_id=user.id), goal_id)
    points = momentum_history(
        counts,
        cadence=rule.cadence,
        target=rule.target,
        first=first,
        last=last,
        bucket=bucket,
        week_start=settings.week_start,
        paused=paused,
    )
    return HistoryPublic(
        goal_id=goal_id,
        bucket=bucket,
        from_=first,
        to=last,
        points=[
            HistoryPoint(start=point.start, end=point.end, momentum=point.momentum, entries=point.entries)
            for point in points
        ],
    )

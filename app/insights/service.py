"""Insights (SPEC §6, ``GET /insights``): the person's own patterns over a range of local dates, from
four aggregate queries (entries per day and kind, per wall-clock hour, per goal, and per mark and kind),
folded by the pure rules in ``rules.py``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlmodel import Session

from app.auth.models import Account
from app.core.database import table_of
from app.core.errors import ValidationProblem
from app.core.timezones import today
from app.entries import service as entries_service
from app.entries.marks import ENTRY_MARKS
from app.entries.models import EntryGoal
from app.goals.models import Goal
from app.insights import rules
from app.insights.models import GoalCount, InsightsPublic, MotifCount, NameCount, PersonCount
from app.people.service import ranked_uses
from app.summary.service import iso_day
from app.summary.streaks import WeekStart

ENTRIES = entries_service.ENTRIES
ENTRY_GOALS = table_of(EntryGoal)
GOALS = table_of(Goal)
DEFAULT_DAYS = 365
MAX_DAYS = 3660
EARLIEST = date(1970, 1, 1)
TOP = 20


def _invalid(parameter: str, message: str) -> ValidationProblem:
    return ValidationProblem(
        f"query.{parameter}: {message}", errors=[{"loc": ["query", parameter], "msg": message, "type": "value_error"}]
    )


def resolve_range(first: date | None, last: date | None, *, user: Account, now: datetime) -> tuple[date, date]:
    """``from``..``to``: by default the 365 days ending today; from 1970 on, at most 3660 days; else 422."""
    if last is None:
        current = today(now, user.timezone, user.day_start_hour)
        last = max(current, first) if first is not None else current
    if first is None:
        first = max(last - timedelta(days=DEFAULT_DAYS - 1), EARLIEST)
    if first < EARLIEST or last < EARLIEST:
        raise _invalid("from" if first < EARLIEST else "to", f"must not be before {EARLIEST.isoformat()}")
    if first > last:
        raise _invalid("from", "must not be after to")
    if (last - first).days + 1 > MAX_DAYS:
        raise _invalid("from", f"the range from..to spans at most {MAX_DAYS} days")
    return first, last


def get_insights(
    session: Session, *, user: Account, first: date | None, last: date | None, now: datetime
) -> InsightsPublic:
    """The insights of ``user``'s live entries with ``local_date`` in ``first``..``last`` (see SPEC §6)."""
    first, last = resolve_range(first, last, user=user, now=now)
    entries = ENTRIES.c
    in_range = and_(
        entries.user_id == user.id,
        entries.deleted_at.is_(None),
        entries.local_date >= first,
        entries.local_date <= last,
    )
    # Days come as text, each made a date once (up to 3660 days, but one row per day and kind).
    connection = session.connection()
    days: dict[str, date] = {}
    per_day_kind = [
        (days.get(day) or days.setdefault(day, date.fromisoformat(day)), kind, count)
        for day, kind, count in connection.execute(
            select(iso_day(entries.local_date), entries.kind, func.count())
            .where(in_range)
            .group_by(entries.local_date, entries.kind)
        ).all()
    ]
    per_day: dict[date, int] = defaultdict(int)
    by_weekday = [0] * 7
    for day, _, count in per_day_kind:
        per_day[day] += count
        by_weekday[day.weekday()] += count
    by_hour = [0] * 24
    for hour, count in connection.execute(
        select(entries.local_hour, func.count()).where(in_range).group_by(entries.local_hour)
    ):
        by_hour[hour] += count
    total = sum(per_day.values())
    enough = total >= rules.ENOUGH_ENTRIES
    week_start: WeekStart = "sunday" if user.week_start == "sunday" else "monday"
    people, tags, motifs = _marks(session, user, first, last)
    return InsightsPublic(
        from_=first,
        to=last,
        entries=total,
        enough_data=enough,
        people=people,
        tags=tags,
        motifs=motifs,
        goals=_goals(session, user, first, last),
        kinds_by_month=rules.kinds_by_month(per_day_kind),
        by_weekday=by_weekday,
        by_hour=by_hour,
        bursts=rules.bursts(per_day, first, last, week_start) if enough else [],
    )


def _goals(session: Session, user: Account, first: date, last: date) -> list[GoalCount]:
    """Entries per goal (goals not deleted), most first, then by title: from the links alone, which carry
    their entry's owner and ``local_date`` (a deleted entry keeps no links)."""
    links, goals = ENTRY_GOALS.c, GOALS.c
    query = (
        select(goals.id, goals.title, func.count())
        .join_from(ENTRY_GOALS, GOALS, goals.id == links.goal_id)
        .where(
            links.user_id == user.id, links.local_date >= first, links.local_date <= last, goals.deleted_at.is_(None)
        )
        .group_by(goals.id, goals.title)
    )
    counted = [
        GoalCount(goal_id=str(goal_id), title=title, count=count) for goal_id, title, count in session.execute(query)
    ]
    return sorted(counted, key=lambda goal: (-goal.count, goal.title, goal.goal_id))


def _marks(
    session: Session, user: Account, first: date, last: date
) -> tuple[list[PersonCount], list[NameCount], list[MotifCount]]:
    """The 20 most frequent people (with their kinds), tags and motifs, from one aggregate over the marks
    (which carry their entry's kind and ``local_date``; a deleted entry keeps none), read from their index."""
    marks = ENTRY_MARKS.c
    query = (
        select(marks.mark, marks.key, marks.name, marks.kind, func.count(), func.max(marks.local_date))
        .where(marks.user_id == user.id, marks.local_date >= first, marks.local_date <= last)
        .group_by(marks.mark, marks.key, marks.name, marks.kind)
    )
    uses: dict[str, list[tuple[str, str, int, date]]] = defaultdict(list)
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    spellings: dict[str, set[str]] = defaultdict(set)
    for mark, key, name, kind, count, last in session.connection().execute(query):
        uses[mark].append((key, name, count, last))
        if mark == "person":
            kinds[key][kind] += count
        elif mark == "motif":
            spellings[key].add(name)
    people = [
        PersonCount.model_validate({**use.model_dump(), "kinds": dict(sorted(kinds[use.name].items()))})
        for use in ranked_uses(uses["person"])[:TOP]
    ]
    tags = [NameCount.model_validate(use.model_dump()) for use in ranked_uses(uses["tag"])[:TOP]]
    # A motif is named by its digits, however it was written.
    digits = [(key, key, count, last) for key, _, count, last in uses["motif"]]
    motifs = [
        MotifCount(**use.model_dump(), base_rate=rules.motif_base_rate(spellings[use.name]))
        for use in ranked_uses(digits)[:TOP]
    ]
    return people, tags, motifs

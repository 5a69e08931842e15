"""Which goals each entry speaks to: the links read with an entry, checked and written with it, and
what deleting a goal does to its entries (done here, above goals, because it changes entries)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime

from sqlalchemy import String, bindparam, delete, func, insert, update
from sqlalchemy import cast as sa_cast
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.core.database import table_of
from app.core.errors import ValidationProblem
from app.core.metrics import count_entry_write
from app.core.sequence import next_seq
from app.core.synced import ExpectedVersion, Written
from app.entries.columns import public_json
from app.entries.models import Entry, EntryGoal, EntryPublic
from app.goals import service as goals_service
from app.goals.models import GoalPublic
from app.pauses import service as pauses_service

ENTRIES = table_of(Entry)
ENTRY_GOALS = table_of(EntryGoal)
# Each entry's goal ids in the same query as the entry, joined in one string (``group_concat`` on
# SQLite, ``string_agg`` on PostgreSQL): a second query for a page's links cost more than this.
GOAL_IDS = (
    sa_select(func.aggregate_strings(sa_cast(ENTRY_GOALS.c.goal_id, String), ","))
    .where(ENTRY_GOALS.c.entry_id == ENTRIES.c.id)
    .scalar_subquery()
    .label("goal_ids")
)
# Built once (building a statement costs more than running it).
_LINK = insert(ENTRY_GOALS)
_UNLINK_ENTRY = delete(ENTRY_GOALS).where(ENTRY_GOALS.c.entry_id == bindparam("entry_id"))
# A goal's linked entries (all live: a tombstone has no links), each with its stored public JSON to rewrite.
_LINKED_ENTRIES = (
    sa_select(ENTRIES.c.id, ENTRIES.c.public_json)
    .join_from(ENTRY_GOALS, ENTRIES, ENTRIES.c.id == ENTRY_GOALS.c.entry_id)
    .where(ENTRY_GOALS.c.goal_id == bindparam("goal_id"))
    .order_by(ENTRY_GOALS.c.entry_id)
    .with_for_update(of=ENTRIES)
)
_UNLINK_GOAL = delete(ENTRY_GOALS).where(ENTRY_GOALS.c.goal_id == bindparam("goal_id"))
_TOUCH_ENTRY = update(ENTRIES).where(ENTRIES.c.id == bindparam("entry_id"))


def split_goal_ids(joined: str | None) -> list[uuid.UUID]:
    """The ids ``GOAL_IDS`` joined, in the order the API lists them."""
    return sorted((uuid.UUID(part) for part in joined.split(",")), key=str) if joined else []


def check_goal_ids(session: Session, *, user_id: uuid.UUID, goal_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The distinct ids, in the order the API lists them; 422 when one names no live goal of the user."""
    if not goal_ids:
        return []
    return checked_goal_ids(goal_ids, live=goals_service.live_goal_ids(session, user_id=user_id, goal_ids=goal_ids))


def checked_goal_ids(goal_ids: Sequence[uuid.UUID], *, live: Set[uuid.UUID]) -> list[uuid.UUID]:
    """``check_goal_ids`` against ``live``, the user's live goal ids already read (a bulk write reads them once)."""
    wanted = sorted(set(goal_ids), key=str)
    unknown = [str(goal_id) for goal_id in wanted if goal_id not in live]
    if unknown:
        raise ValidationProblem(
            "goal_ids names goals you do not have.",
            errors=[
                {"loc": ["body", "goal_ids"], "msg": f"unknown goal {goal_id}", "type": "unknown_goal"}
                for goal_id in unknown
            ],
        )
    return wanted


def link(
    session: Session,
    *,
    entry_id: uuid.UUID,
    user_id: uuid.UUID,
    local_date: date,
    goal_ids: Sequence[uuid.UUID],
    replace: bool,
) -> None:
    """Tie the entry (of ``user_id``, on ``local_date``) to ``goal_ids`` (checked), after taking it off its
    goals when ``replace``. Each link carries the owner and day, for the summary's counts per goal and day."""
    link_many(
        session,
        user_id=user_id,
        links={entry_id: (local_date, goal_ids)},
        replace=[entry_id] if replace else [],
    )


def link_many(
    session: Session,
    *,
    user_id: uuid.UUID,
    links: Mapping[uuid.UUID, tuple[date, Sequence[uuid.UUID]]],
    replace: Sequence[uuid.UUID],
) -> None:
    """Tie each entry of ``user_id`` (by id: its ``local_date`` and checked goal ids) to its goals, after taking the
    entries of ``replace`` off theirs (executemany); like ``link``, each link carries the owner and day."""
    if replace:
        session.execute(_UNLINK_ENTRY, [{"entry_id": entry_id} for entry_id in replace])
    rows = [
        {"entry_id": entry_id, "goal_id": goal_id, "user_id": user_id, "local_date": day}
        for entry_id, (day, goal_ids) in links.items()
        for goal_id in goal_ids
    ]
    if rows:
        session.execute(_LINK, rows)


def unlink(session: Session, *, entry_id: uuid.UUID) -> None:
    session.execute(_UNLINK_ENTRY, {"entry_id": entry_id})


def without_goal(entry: EntryPublic, *, goal_id: uuid.UUID, now: datetime) -> EntryPublic:
    """The next version of ``entry`` (changed at ``now``) once the goal ``goal_id`` is deleted: its other goals."""
    goal_ids = [linked for linked in entry.goal_ids if linked != goal_id]
    return entry.model_copy(update={"goal_ids": goal_ids, "version": entry.version + 1, "updated_at": now})


def delete_goal(
    session: Session, *, user_id: uuid.UUID, goal_id: uuid.UUID, expected: ExpectedVersion | None = None
) -> Written[GoalPublic]:
    """Delete a goal: first each entry that spoke to it loses it (a new version and change number) and each
    of its pauses is deleted, then the goal leaves its tombstone. Deleting again is a no-op; see
    ``goals.service.delete_goal``."""

    def take_off_entries(now: datetime) -> None:
        for entry_id, stored_json in session.execute(_LINKED_ENTRIES, {"goal_id": goal_id}).all():
            entry = without_goal(EntryPublic.model_validate_json(stored_json), goal_id=goal_id, now=now)
            seq = next_seq(session, user_id=user_id)
            touched = {"version": entry.version, "updated_at": now, "seq": seq, "public_json": public_json(entry)}
            session.execute(_TOUCH_ENTRY, {**touched, "entry_id": entry_id})
            count_entry_write(session, "changed")
        session.execute(_UNLINK_GOAL, {"goal_id": goal_id})
        pauses_service.delete_goal_pauses(session, user_id=user_id, goal_id=goal_id, now=now)

    return goals_service.delete_goal(
        session, user_id=user_id, goal_id=goal_id, expected=expected, detach=take_off_entries
    )

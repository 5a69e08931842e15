"""Goals: creating, replacing, patching, deleting and listing a user's goals.

Every read selects ``PUBLIC_ROW`` and maps it by name to ``GoalPublic`` (``public_goals``); every
write goes through ``_write`` or ``delete_goal``, as plain rows, like entries'.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Row, bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.core.bodies import patched
from app.core.database import table_of, utcnow
from app.core.errors import Conflict, ValidationProblem
from app.core.sequence import next_seq
from app.core.synced import ExpectedVersion, Stored, Written, check_version, live, owned, replaceable
from app.goals.models import Goal, GoalCreate, GoalPatch, GoalPublic, GoalReplace

GOALS = table_of(Goal)
# What every read of goals selects: the columns named as ``GoalPublic``'s fields.
PUBLIC_ROW = tuple(GOALS.c[name] for name in GoalPublic.model_fields)
# Built once (building a statement costs more than running it).
_STORED = sa_select(*PUBLIC_ROW, GOALS.c.user_id, GOALS.c.deleted_at, GOALS.c.seq).where(
    GOALS.c.id == bindparam("goal_id")
)
_LOCKED = _STORED.with_for_update()
_LIST = (
    sa_select(*PUBLIC_ROW)
    .where(GOALS.c.user_id == bindparam("user_id"), GOALS.c.deleted_at.is_(None))
    .order_by(GOALS.c.created_at, GOALS.c.id)
)
_LIVE_IDS = sa_select(GOALS.c.id).where(
    GOALS.c.id.in_(bindparam("goal_ids", expanding=True)),
    GOALS.c.user_id == bindparam("user_id"),
    GOALS.c.deleted_at.is_(None),
)
_INSERT = insert(GOALS)
_UPDATE = update(GOALS).where(GOALS.c.id == bindparam("goal_id"))


def public_goals(rows: Sequence[Row[Any]]) -> list[GoalPublic]:
    """The one mapping from stored goals to their public values: rows that select ``PUBLIC_ROW``
    (and maybe more, which is ignored), read by name."""
    return [GoalPublic.model_validate(row._asdict()) for row in rows]


def find_goal(session: Session, *, goal_id: uuid.UUID, lock: bool = False) -> Stored[GoalPublic] | None:
    """The goal with this id, whoever owns it; ``lock`` holds its row until the transaction ends."""
    row = session.execute(_LOCKED if lock else _STORED, {"goal_id": goal_id}).first()
    if row is None:
        return None
    return Stored.of(public_goals([row])[0], row)


def _owned(session: Session, *, user_id: uuid.UUID, goal_id: uuid.UUID) -> Stored[GoalPublic]:
    return owned(find_goal(session, goal_id=goal_id, lock=True), user_id=user_id, noun="goal")


def get_goal(session: Session, *, user_id: uuid.UUID, goal_id: uuid.UUID) -> GoalPublic:
    return live(owned(find_goal(session, goal_id=goal_id), user_id=user_id, noun="goal"), noun="goal")


def list_goals(
    session: Session, *, user_id: uuid.UUID, status: Literal["active", "archived", "all"]
) -> list[GoalPublic]:
    query = _LIST if status == "all" else _LIST.where(GOALS.c.status == status)
    return public_goals(session.execute(query, {"user_id": user_id}).all())


def live_goal_ids(session: Session, *, user_id: uuid.UUID, goal_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``goal_ids`` name live goals of the user."""
    return set(session.execute(_LIVE_IDS, {"goal_ids": list(goal_ids), "user_id": user_id}).scalars())


MAX_GOALS = 200
_LIVE_COUNT = (
    sa_select(func.count())
    .select_from(GOALS)
    .where(GOALS.c.user_id == bindparam("user_id"), GOALS.c.deleted_at.is_(None))
)


def _check_room(session: Session, *, user_id: uuid.UUID) -> None:
    """422 when the user already has ``MAX_GOALS`` goals, active or archived (deleted ones do not count)."""
    if session.execute(_LIVE_COUNT, {"user_id": user_id}).scalar_one() >= MAX_GOALS:
        raise ValidationProblem(
            f"You have {MAX_GOALS} goals, the most an account keeps; delete one to add another.",
            errors=[{"loc": ["body"], "msg": f"at most {MAX_GOALS} goals", "type": "too_many_goals"}],
        )


def _write(
    session: Session, *, user_id: uuid.UUID, goal_id: uuid.UUID, body: GoalReplace, current: GoalPublic | None
) -> Written[GoalPublic]:
    """The one write of a goal's fields: a new goal (``current`` is None) or a new version of it."""
    now = utcnow()
    seq = next_seq(session, user_id=user_id)
    if current is None:
        _check_room(session, user_id=user_id)
    version = 1 if current is None else current.version + 1
    changes = {**body.model_dump(include=set(GoalReplace.model_fields)), "version": version, "updated_at": now}
    if current is None:
        values = {**changes, "id": goal_id, "created_at": now}
        session.execute(_INSERT, {**values, "user_id": user_id, "seq": seq, "deleted_at": None})
    else:
        values = {**current.model_dump(), **changes}
        session.execute(_UPDATE, {**changes, "seq": seq, "goal_id": goal_id})
    public = GoalPublic.model_validate(values)
    return Written(goal_id, version, seq, public.model_dump_json(), created=current is None)


def create_goal(session: Session, *, user_id: uuid.UUID, body: GoalCreate) -> Written[GoalPublic]:
    goal_id = body.id or uuid.uuid4()
    if find_goal(session, goal_id=goal_id) is not None:
        raise Conflict(
            "A goal with this id exists: PUT replaces it if it is yours and live; a deleted one's id is not reused."
        )
    return _write(session, user_id=user_id, goal_id=goal_id, body=body, current=None)


def replace_goal(
    session: Session,
    *,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    body: GoalReplace,
    expected: ExpectedVersion | None = None,
    only_if_new: bool = False,
) -> Written[GoalPublic]:
    """``PUT``: replace the goal, or create it under this id."""
    stored = find_goal(session, goal_id=goal_id, lock=True)
    current = replaceable(stored, user_id=user_id, noun="goal", expected=expected, only_if_new=only_if_new)
    public = None if current is None else current.public
    return _write(session, user_id=user_id, goal_id=goal_id, body=body, current=public)


def patch_goal(
    session: Session,
    *,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    patch: GoalPatch,
    expected: ExpectedVersion | None = None,
) -> Written[GoalPublic]:
    """``PATCH``: a JSON merge patch of the writable fields; pydantic's ``ValidationError`` if it spoils them."""
    current = live(_owned(session, user_id=user_id, goal_id=goal_id), noun="goal")
    check_version(expected, current.version, lambda: current)
    return _write(session, user_id=user_id, goal_id=goal_id, body=patched(current, patch, GoalReplace), current=current)


def delete_goal(
    session: Session,
    *,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    expected: ExpectedVersion | None,
    detach: Callable[[datetime], None],
) -> Written[GoalPublic]:
    """Leave a tombstone, after ``detach(now)`` has taken the goal off what refers to it (its entries:
    ``app.entries.goal_links.delete_goal`` is how a goal is deleted). Deleting again is a no-op."""
    stored = _owned(session, user_id=user_id, goal_id=goal_id)
    version = stored.version
    if stored.deleted:
        return Written(goal_id, version, stored.seq, None)
    check_version(expected, version, lambda: stored.public)
    now = utcnow()
    detach(now)
    seq = next_seq(session, user_id=user_id)
    session.execute(
        _UPDATE, {"deleted_at": now, "updated_at": now, "version": version + 1, "seq": seq, "goal_id": goal_id}
    )
    return Written(goal_id, version + 1, seq, None)

"""Pauses: creating, replacing, patching, deleting and listing a user's rest periods.

Every read selects ``PUBLIC_ROW`` and maps it by name to ``PausePublic`` (``public_pauses``); every
write goes through ``_write`` or ``delete_pause``, as plain rows, like goals'. Pauses may overlap:
the days they cover count once (``app.summary.paused_days``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.core.bodies import patched
from app.core.database import table_of, utcnow
from app.core.errors import Conflict, ValidationProblem
from app.core.sequence import next_seq
from app.core.synced import ExpectedVersion, Stored, Written, check_version, live, owned, replaceable
from app.goals import service as goals_service
from app.pauses.models import Pause, PauseCreate, PausePatch, PausePublic, PauseReplace

MAX_PAUSES = 500
PAUSES = table_of(Pause)
# What every read of pauses selects: the columns named as ``PausePublic``'s fields.
PUBLIC_ROW = tuple(PAUSES.c[name] for name in PausePublic.model_fields)
# Built once (building a statement costs more than running it).
_STORED = sa_select(*PUBLIC_ROW, PAUSES.c.user_id, PAUSES.c.deleted_at, PAUSES.c.seq).where(
    PAUSES.c.id == bindparam("pause_id")
)
_LOCKED = _STORED.with_for_update()
_LIVE = (PAUSES.c.user_id == bindparam("user_id"), PAUSES.c.deleted_at.is_(None))
_LIST = sa_select(*PUBLIC_ROW).where(*_LIVE).order_by(PAUSES.c.start_date, PAUSES.c.created_at, PAUSES.c.id)
_SPANS = sa_select(PAUSES.c.start_date, PAUSES.c.end_date, PAUSES.c.goal_id).where(*_LIVE)
_LIVE_COUNT = sa_select(func.count()).select_from(PAUSES).where(*_LIVE)
_OF_GOAL = (
    sa_select(PAUSES.c.id)
    .where(PAUSES.c.goal_id == bindparam("goal_id"), PAUSES.c.deleted_at.is_(None))
    .order_by(PAUSES.c.id)
)
_INSERT = insert(PAUSES)
_UPDATE = update(PAUSES).where(PAUSES.c.id == bindparam("pause_id"))


class PauseSpan(NamedTuple):
    """The days one live pause covers, for the summary: ``goal_id`` None pauses every series."""

    start_date: date
    end_date: date
    goal_id: uuid.UUID | None


def public_pauses(rows: Sequence[Row[Any]]) -> list[PausePublic]:
    """The one mapping from stored pauses to their public values: rows that select ``PUBLIC_ROW``, read by name."""
    return [PausePublic.model_validate(row._asdict()) for row in rows]


def find_pause(session: Session, *, pause_id: uuid.UUID, lock: bool = False) -> Stored[PausePublic] | None:
    """The pause with this id, whoever owns it; ``lock`` holds its row until the transaction ends."""
    row = session.execute(_LOCKED if lock else _STORED, {"pause_id": pause_id}).first()
    if row is None:
        return None
    return Stored.of(public_pauses([row])[0], row)


def get_pause(session: Session, *, user_id: uuid.UUID, pause_id: uuid.UUID) -> PausePublic:
    return live(owned(find_pause(session, pause_id=pause_id), user_id=user_id, noun="pause"), noun="pause")


def list_pauses(session: Session, *, user_id: uuid.UUID, first: date | None, last: date | None) -> list[PausePublic]:
    """Live pauses that cover a day from ``first`` through ``last`` (either open), earliest start first.

    Raises 422 when ``first`` is after ``last``.
    """
    if first is not None and last is not None and first > last:
        raise ValidationProblem(
            "query.from: must not be after to",
            errors=[{"loc": ["query", "from"], "msg": "must not be after to", "type": "value_error"}],
        )
    query = _LIST
    if first is not None:
        query = query.where(PAUSES.c.end_date >= first)
    if last is not None:
        query = query.where(PAUSES.c.start_date <= last)
    return public_pauses(session.execute(query, {"user_id": user_id}).all())


def pause_spans(session: Session, *, user_id: uuid.UUID) -> list[PauseSpan]:
    """The days every live pause of the user covers (at most ``MAX_PAUSES``), for the summary."""
    return [PauseSpan(*row) for row in session.execute(_SPANS, {"user_id": user_id})]


def _check_room(session: Session, *, user_id: uuid.UUID) -> None:
    """422 when the user already has ``MAX_PAUSES`` live pauses (deleted ones do not count)."""
    if session.execute(_LIVE_COUNT, {"user_id": user_id}).scalar_one() >= MAX_PAUSES:
        raise ValidationProblem(
            f"You have {MAX_PAUSES} pauses, the most an account keeps; delete one to add another.",
            errors=[{"loc": ["body"], "msg": f"at most {MAX_PAUSES} pauses", "type": "too_many_pauses"}],
        )


def _check_goal(session: Session, *, user_id: uuid.UUID, goal_id: uuid.UUID | None) -> None:
    """422 ``unknown_goal`` when ``goal_id`` names no live goal of the user (another user's is as unknown)."""
    if goal_id is not None and not goals_service.live_goal_ids(session, user_id=user_id, goal_ids=[goal_id]):
        raise ValidationProblem(
            "goal_id names a goal you do not have.",
            errors=[{"loc": ["body", "goal_id"], "msg": f"unknown goal {goal_id}", "type": "unknown_goal"}],
        )


def _write(
    session: Session, *, user_id: uuid.UUID, pause_id: uuid.UUID, body: PauseReplace, current: PausePublic | None
) -> Written[PausePublic]:
    """The one write of a pause's fields: a new pause (``current`` is None) or a new version of it."""
    _check_goal(session, user_id=user_id, goal_id=body.goal_id)
    if current is None:
        _check_room(session, user_id=user_id)
    now = utcnow()
    seq = next_seq(session, user_id=user_id)
    version = 1 if current is None else current.version + 1
    changes = {**body.model_dump(include=set(PauseReplace.model_fields)), "version": version, "updated_at": now}
    if current is None:
        values = {**changes, "id": pause_id, "created_at": now}
        session.execute(_INSERT, {**values, "user_id": user_id, "seq": seq, "deleted_at": None})
    else:
        values = {**current.model_dump(), **changes}
        session.execute(_UPDATE, {**changes, "seq": seq, "pause_id": pause_id})
    public_json = PausePublic.model_validate(values).model_dump_json()
    return Written(pause_id, version, seq, public_json, created=current is None)


def create_pause(session: Session, *, user_id: uuid.UUID, body: PauseCreate) -> Written[PausePublic]:
    pause_id = body.id or uuid.uuid4()
    if find_pause(session, pause_id=pause_id) is not None:
        raise Conflict(
            "A pause with this id exists: PUT replaces it if it is yours and live; a deleted one's id is not reused."
        )
    return _write(session, user_id=user_id, pause_id=pause_id, body=body, current=None)


def replace_pause(
    session: Session,
    *,
    user_id: uuid.UUID,
    pause_id: uuid.UUID,
    body: PauseReplace,
    expected: ExpectedVersion | None = None,
    only_if_new: bool = False,
) -> Written[PausePublic]:
    """``PUT``: replace the pause, or create it under this id."""
    stored = find_pause(session, pause_id=pause_id, lock=True)
    current = replaceable(stored, user_id=user_id, noun="pause", expected=expected, only_if_new=only_if_new)
    public = None if current is None else current.public
    return _write(session, user_id=user_id, pause_id=pause_id, body=body, current=public)


def patch_pause(
    session: Session,
    *,
    user_id: uuid.UUID,
    pause_id: uuid.UUID,
    patch: PausePatch,
    expected: ExpectedVersion | None = None,
) -> Written[PausePublic]:
    """``PATCH``: a JSON merge patch of the writable fields; pydantic's ``ValidationError`` if it spoils them."""
    stored = owned(find_pause(session, pause_id=pause_id, lock=True), user_id=user_id, noun="pause")
    current = live(stored, noun="pause")
    check_version(expected, current.version, lambda: current)
    body = patched(current, patch, PauseReplace)
    return _write(session, user_id=user_id, pause_id=pause_id, body=body, current=current)


def _tombstone(session: Session, *, user_id: uuid.UUID, pause_id: uuid.UUID, version: int, now: datetime) -> int:
    seq = next_seq(session, user_id=user_id)
    session.execute(
        _UPDATE, {"deleted_at": now, "updated_at": now, "version": version + 1, "seq": seq, "pause_id": pause_id}
    )
    return seq


def delete_pause(
    session: Session, *, user_id: uuid.UUID, pause_id: uuid.UUID, expected: ExpectedVersion | None = None
) -> Written[PausePublic]:
    """Leave a tombstone; deleting again is a no-op (204 again)."""
    stored = owned(find_pause(session, pause_id=pause_id, lock=True), user_id=user_id, noun="pause")
    if stored.deleted:
        return Written(pause_id, stored.version, stored.seq, None)
    check_version(expected, stored.version, lambda: stored.public)
    seq = _tombstone(session, user_id=user_id, pause_id=pause_id, version=stored.version, now=utcnow())
    return Written(pause_id, stored.version + 1, seq, None)


def delete_goal_pauses(session: Session, *, user_id: uuid.UUID, goal_id: uuid.UUID, now: datetime) -> None:
    """Delete the live pauses of a goal that is being deleted: each a tombstone with a change number."""
    for pause_id in session.execute(_OF_GOAL, {"goal_id": goal_id}).scalars().all():
        stored = find_pause(session, pause_id=pause_id, lock=True)
        if stored is not None:
            _tombstone(session, user_id=user_id, pause_id=pause_id, version=stored.version, now=now)

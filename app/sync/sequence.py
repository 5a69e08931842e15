"""The per-user change sequence every goal and entry write takes a number from."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from app.core.database import table_of
from app.sync.models import ChangeCounter

COUNTERS = table_of(ChangeCounter)
# Built once: every goal and entry write runs both (building a statement costs more than running it).
_LOCK = select(COUNTERS.c.user_id).where(COUNTERS.c.user_id == bindparam("owner")).with_for_update()
_NEXT = (
    update(COUNTERS)
    .where(COUNTERS.c.user_id == bindparam("owner"))
    .values(last_seq=COUNTERS.c.last_seq + 1)
    .returning(COUNTERS.c.last_seq)
)


def lock_sequence(session: Session, *, user_id: uuid.UUID) -> None:
    """Lock the user's counter row before any goal or entry row, so a user's writes always lock in one order.

    Without it a goal deletion (counter, then its entries) and an entry edit (entry, then counter)
    could deadlock on PostgreSQL. SQLite's ``BEGIN IMMEDIATE`` already serializes writers: nothing to do there.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(_LOCK, {"owner": user_id}).first()


def next_seq(session: Session, *, user_id: uuid.UUID) -> int:
    """Take the user's next change number; the counter row stays locked until the transaction ends."""
    result = session.execute(_NEXT, {"owner": user_id})
    return int(result.scalar_one())

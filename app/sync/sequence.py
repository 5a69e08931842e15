"""The per-user change sequence every goal and entry write takes a number from."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlmodel import Session

from app.database import table_of
from app.sync.models import ChangeCounter

COUNTERS = table_of(ChangeCounter)


def lock_sequence(session: Session, *, user_id: uuid.UUID) -> None:
    """Lock the user's counter row before any goal or entry row, so a user's writes always lock in one order.

    Without it a goal deletion (counter, then its entries) and an entry edit (entry, then counter)
    could deadlock on PostgreSQL. SQLite's ``BEGIN IMMEDIATE`` already serializes writers.
    """
    session.execute(select(COUNTERS.c.user_id).where(COUNTERS.c.user_id == user_id).with_for_update()).first()


def next_seq(session: Session, *, user_id: uuid.UUID) -> int:
    """Take the user's next change number; the counter row stays locked until the transaction ends."""
    result = session.execute(
        update(COUNTERS)
        .where(COUNTERS.c.user_id == user_id)
        .values(last_seq=COUNTERS.c.last_seq + 1)
        .returning(COUNTERS.c.last_seq)
    )
    return int(result.scalar_one())

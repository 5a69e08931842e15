"""Each user's change sequence: every goal, entry and pause write locks the user's counter, then takes a number.

The counter row is created with the account (``app.auth.service``) and deleted with it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, bindparam, select, update
from sqlmodel import Field, Session, SQLModel

from app.core.database import table_of


class ChangeCounter(SQLModel, table=True):
    """A user's last change number; its row is locked by every write so sequence order is commit order."""

    __tablename__ = "change_counters"

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    last_seq: int = Field(default=0, sa_type=BigInteger)


COUNTERS = table_of(ChangeCounter)
# Built once: every synced write runs both (building a statement costs more than running it), on the session's
# connection (Core statements need nothing of the ORM session's own execution path).
_LOCK = select(COUNTERS.c.user_id).where(COUNTERS.c.user_id == bindparam("owner")).with_for_update()
_NEXT = (
    update(COUNTERS)
    .where(COUNTERS.c.user_id == bindparam("owner"))
    .values(last_seq=COUNTERS.c.last_seq + 1)
    .returning(COUNTERS.c.last_seq)
)
_TAKE = (
    update(COUNTERS)
    .where(COUNTERS.c.user_id == bindparam("owner"))
    .values(last_seq=COUNTERS.c.last_seq + bindparam("count"))
    .returning(COUNTERS.c.last_seq)
)


def lock_sequence(session: Session, *, user_id: uuid.UUID) -> None:
    """Lock the user's counter row before any goal, entry or pause row, so a user's writes always lock in one order.

    Without it a goal deletion (counter, then its entries) and an entry edit (entry, then counter)
    could deadlock on PostgreSQL. SQLite's ``BEGIN IMMEDIATE`` already serializes writers: nothing to do there.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.connection().execute(_LOCK, {"owner": user_id}).first()


def next_seq(session: Session, *, user_id: uuid.UUID) -> int:
    """Take the user's next change number; the counter row stays locked until the transaction ends."""
    result = session.connection().execute(_NEXT, {"owner": user_id})
    return int(result.scalar_one())


def take_seqs(session: Session, *, user_id: uuid.UUID, count: int) -> range:
    """Take the user's next ``count`` change numbers at once (a bulk write), in order; as ``next_seq`` does."""
    last = int(session.connection().execute(_TAKE, {"owner": user_id, "count": count}).scalar_one())
    return range(last - count + 1, last + 1)

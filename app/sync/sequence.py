"""The per-user change sequence every goal and entry write takes a number from."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlmodel import Session, col

from app.sync.models import ChangeCounter


def next_seq(session: Session, *, user_id: uuid.UUID) -> int:
    """Take the user's next change number; the counter row stays locked until the transaction ends."""
    result = session.execute(
        update(ChangeCounter)
        .where(col(ChangeCounter.user_id) == user_id)
        .values(last_seq=col(ChangeCounter.last_seq) + 1)
        .returning(col(ChangeCounter.last_seq))
    )
    return int(result.scalar_one())

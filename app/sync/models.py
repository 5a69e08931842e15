"""Tables behind offline sync: each user's change counter and stored idempotent responses."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.database import UTCDateTime, utcnow


class ChangeCounter(SQLModel, table=True):
    """A user's last change number; its row is locked by every write so sequence order is commit order."""

    __tablename__ = "change_counters"

    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    last_seq: int = SQLField(default=0, sa_type=BigInteger)


class IdempotencyRecord(SQLModel, table=True):
    """The first successful response to an ``Idempotency-Key``, kept 30 days per user."""

    __tablename__ = "idempotency_records"

    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    key: str = SQLField(max_length=255, primary_key=True)
    fingerprint: str = SQLField(max_length=64)
    # Null while the first request is still in flight.
    status_code: int | None = None
    response_body: str | None = SQLField(default=None, sa_type=Text)
    response_headers: dict[str, str] = SQLField(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime, index=True)

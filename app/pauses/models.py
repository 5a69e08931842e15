"""The pause model family: table, write bodies and the public representation (SPEC §3)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, ValidationInfo, WithJsonSchema, field_validator
from sqlalchemy import BigInteger, Date, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.core.bodies import WriteBody
from app.core.database import UTCDateTime, new_id, utcnow
from app.core.dates import IsoDate

MAX_PAUSE_DAYS = 366
NOTE_MAX_LENGTH = 200
EARLIEST_DAY = date(1970, 1, 1)


# A local date in a body: ISO 8601 ``YYYY-MM-DD``, from 1970 on (JSON Schema has no bound for a date: said in words).
LocalDay = Annotated[
    IsoDate,
    Field(ge=EARLIEST_DAY),
    WithJsonSchema({"type": "string", "format": "date", "description": "A local date, 1970-01-01 or later."}),
]


class Pause(SQLModel, table=True):
    __tablename__ = "pauses"
    __table_args__ = (Index("ix_pauses_user_id_seq", "user_id", "seq"),)

    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE")
    start_date: date = SQLField(sa_type=Date)
    end_date: date = SQLField(sa_type=Date)
    # Null: the whole log and every goal; else one goal of the user (deleting the goal deletes its pauses).
    goal_id: uuid.UUID | None = SQLField(default=None, foreign_key="goals.id", ondelete="CASCADE", index=True)
    note: str = SQLField(default="", max_length=NOTE_MAX_LENGTH)
    version: int = SQLField(default=1)
    seq: int = SQLField(default=0, sa_type=BigInteger)
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime)


class PauseReplace(WriteBody):
    """Every writable field of a pause: the body of ``PUT`` (absent fields take their defaults)."""

    start_date: LocalDay = Field(description="First paused local date (YYYY-MM-DD), from 1970-01-01.")
    end_date: LocalDay = Field(
        description=f"Last paused local date, inclusive: on or after start_date, at most {MAX_PAUSE_DAYS} days in all."
    )
    goal_id: uuid.UUID | None = Field(
        default=None, description="One goal of the user (active or archived); null pauses the whole log and every goal."
    )
    note: str = Field(default="", max_length=NOTE_MAX_LENGTH)

    @field_validator("end_date")
    @classmethod
    def _end_date(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if isinstance(start, date):
            if value < start:
                raise ValueError("must not be before start_date")
            if (value - start).days + 1 > MAX_PAUSE_DAYS:
                raise ValueError(f"a pause lasts at most {MAX_PAUSE_DAYS} days")
        return value


class PausePatch(WriteBody):
    """The body of ``PATCH``: a JSON merge patch (RFC 7396) of the writable fields (``goal_id: null`` pauses all)."""

    start_date: LocalDay | None = None
    end_date: LocalDay | None = None
    goal_id: uuid.UUID | None = None
    note: str | None = None


class PauseCreate(PauseReplace):
    """The body of ``POST /pauses``: a client may choose the id (offline creation)."""

    id: uuid.UUID | None = None


class PausePublic(BaseModel):
    id: uuid.UUID
    start_date: date
    end_date: date
    goal_id: uuid.UUID | None
    note: str
    version: int
    created_at: datetime
    updated_at: datetime


class PauseList(BaseModel):
    data: list[PausePublic] = Field(description="Live pauses, earliest start_date first.")

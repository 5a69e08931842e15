"""The entry model family: table, goal links, write bodies and the public representation."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, StringConstraints, field_validator
from sqlalchemy import JSON, BigInteger, Column, Date, Index, SmallInteger, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.core.bodies import WriteBody
from app.core.database import UTCDateTime, new_id, utcnow
from app.core.timezones import validate_timezone

Kind = Literal[
    "thought_then_met",
    "shared_date",
    "shared_interest",
    "number",
    "name_or_word",
    "dream",
    "overheard",
    "symbol",
    "timing",
    "other",
]
KINDS: tuple[str, ...] = get_args(Kind)
Label = Annotated[str, StringConstraints(min_length=1, max_length=60)]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_GOAL_IDS = 20


def _from_1970(value: datetime) -> datetime:
    """``value`` when it is on or after 1970-01-01T00:00:00Z and has a UTC instant; else ``ValueError`` (422)."""
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None
    if instant < EPOCH:
        raise ValueError("before 1970-01-01T00:00:00Z")
    return value


# When an entry happened: RFC 3339 with offset, from 1970 on (SPEC §3).
OccurredAt = Annotated[AwareDatetime, AfterValidator(_from_1970)]


class Entry(SQLModel, table=True):
    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_user_id_occurred_at_id", "user_id", "occurred_at", "id"),
        # Cover the summary's counts per day and per kind and hour, and the insights' per day and kind and per
        # hour: read from the index alone, in its order.
        Index("ix_entries_user_id_local_date_kind", "user_id", "local_date", "kind", "local_hour", "deleted_at"),
        Index("ix_entries_user_id_kind_local_hour", "user_id", "kind", "local_hour", "local_date", "deleted_at"),
        Index("ix_entries_user_id_seq", "user_id", "seq"),
    )

    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE")
    occurred_at: datetime = SQLField(sa_type=UTCDateTime)
    timezone: str = SQLField(max_length=64)
    local_date: date = SQLField(sa_type=Date)
    # The hour on the wall clock of ``timezone`` at ``occurred_at``, for the summary's ``by_hour``; not public.
    local_hour: int = SQLField(sa_type=SmallInteger)
    kind: str = SQLField(default="other", max_length=20)
    inner: str = SQLField(default="", sa_type=Text)
    note: str = SQLField(default="", sa_type=Text)
    meaning: str = SQLField(default="", sa_type=Text)
    intensity: int = SQLField(default=3)
    tags: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    people: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    place: str | None = SQLField(default=None, max_length=200)
    lat: float | None = None
    lon: float | None = None
    source: str = SQLField(default="web", max_length=60)
    # Lower-cased text of inner, note, meaning, tags, people and place, for ``q`` and ``tag`` filters.
    search_text: str = SQLField(default="", sa_type=Text)
    # Lower-cased tags between separators, so a ``tag`` filter matches whole tags only.
    tag_keys: str = SQLField(default="", sa_type=Text)
    # The live entry's ``EntryPublic`` as JSON (``columns.public_json``), written with every version and served
    # as stored by the timeline and ``/changes``; null for a tombstone (its text is erased).
    public_json: str | None = SQLField(default=None, sa_type=Text)
    version: int = SQLField(default=1)
    seq: int = SQLField(default=0, sa_type=BigInteger)
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime)


class EntryGoal(SQLModel, table=True):
    """Which goals a live entry speaks to, with the entry's owner and ``local_date`` (written with the link),
    so the summary counts each goal's entries per day from this table's index alone."""

    __tablename__ = "entry_goals"
    __table_args__ = (Index("ix_entry_goals_user_id_goal_id_local_date", "user_id", "goal_id", "local_date"),)

    entry_id: uuid.UUID = SQLField(foreign_key="entries.id", ondelete="CASCADE", primary_key=True)
    goal_id: uuid.UUID = SQLField(foreign_key="goals.id", ondelete="CASCADE", primary_key=True, index=True)
    user_id: uuid.UUID
    local_date: date = SQLField(sa_type=Date)


class EntryReplace(WriteBody):
    """Every writable field of an entry: the body of ``PUT``.

    A field left out takes its default, except ``occurred_at`` and ``timezone``, which keep
    their stored values when an entry is replaced (and default to now and the user's zone).
    """

    occurred_at: OccurredAt | None = Field(
        default=None, description="RFC 3339 with offset; from 1970-01-01T00:00:00Z, at most 24 h ahead."
    )
    timezone: str | None = Field(default=None, max_length=64, description="IANA zone where it happened.")
    kind: Kind = "other"
    inner: str = Field(
        default="", max_length=2_000, description="What was on your mind just before: the inner half of it."
    )
    note: str = Field(default="", max_length=10_000, description="The outer event.")
    meaning: str = Field(default="", max_length=10_000)
    intensity: int = Field(default=3, ge=1, le=5)
    tags: list[Label] = Field(default_factory=list, max_length=20)
    people: list[Label] = Field(default_factory=list, max_length=20)
    goal_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_GOAL_IDS)
    place: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else validate_timezone(value)


class EntryPatch(WriteBody):
    """The body of ``PATCH``: a JSON merge patch (RFC 7396) of the writable fields.

    ``null`` resets a field to its default; ``occurred_at`` and ``timezone`` have none, so ``null`` there is a 422.
    """

    occurred_at: OccurredAt | None = Field(default=None, description="`null` is refused: an entry always has a time.")
    timezone: str | None = Field(default=None, description="`null` is refused: an entry always has a zone.")
    kind: Kind | None = None
    inner: str | None = None
    note: str | None = None
    meaning: str | None = None
    intensity: int | None = None
    tags: list[str] | None = None
    people: list[str] | None = None
    goal_ids: list[uuid.UUID] | None = None
    place: str | None = None
    lat: float | None = None
    lon: float | None = None

    @field_validator("occurred_at", "timezone", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: it has no default to reset to")
        return value


class EntryCreate(EntryReplace):
    """The body of ``POST /entries``: a client may choose the id (offline creation)."""

    id: uuid.UUID | None = None


class EntryPublic(BaseModel):
    id: uuid.UUID
    occurred_at: datetime
    timezone: str
    local_date: date
    kind: Kind
    inner: str
    note: str
    meaning: str
    intensity: int
    tags: list[str]
    people: list[str]
    goal_ids: list[uuid.UUID]
    place: str | None
    lat: float | None
    lon: float | None
    source: str
    version: int
    created_at: datetime
    updated_at: datetime


class EntryPage(BaseModel):
    data: list[EntryPublic]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")

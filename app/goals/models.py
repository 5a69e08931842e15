"""The goal model family: table, write bodies and the public representation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.core.bodies import WriteBody
from app.core.database import UTCDateTime, new_id, utcnow

Cadence = Literal["daily", "weekly"]
GoalStatus = Literal["active", "archived"]
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"


class Goal(SQLModel, table=True):
    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_user_id_seq", "user_id", "seq"),)

    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE")
    title: str = SQLField(max_length=120)
    description: str = SQLField(default="", max_length=2000)
    color: str = SQLField(default="#4f7cac", max_length=7)
    cadence: str = SQLField(default="weekly", max_length=6)
    target: int = SQLField(default=1)
    status: str = SQLField(default="active", max_length=8)
    version: int = SQLField(default=1)
    seq: int = SQLField(default=0, sa_type=BigInteger)
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime)


class GoalReplace(WriteBody):
    """Every writable field of a goal: the body of ``PUT`` (absent fields take their defaults)."""

    title: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    color: str = Field(default="#4f7cac", pattern=COLOR_PATTERN)
    cadence: Cadence = "weekly"
    target: int = Field(default=1, ge=1, le=50)
    status: GoalStatus = "active"


class GoalPatch(WriteBody):
    """The body of ``PATCH``: a JSON merge patch (RFC 7396) of the writable fields."""

    title: str | None = None
    description: str | None = None
    color: str | None = None
    cadence: Cadence | None = None
    target: int | None = None
    status: GoalStatus | None = None


class GoalCreate(GoalReplace):
    """The body of ``POST /goals``: a client may choose the id (offline creation)."""

    id: uuid.UUID | None = None


class GoalPublic(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    color: str
    cadence: Cadence
    target: int
    status: GoalStatus
    version: int
    created_at: datetime
    updated_at: datetime


class GoalList(BaseModel):
    data: list[GoalPublic]

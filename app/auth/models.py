"""Users, their browser sessions and their personal access tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, field_validator
from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.core.bodies import StrictBody
from app.core.database import UTCDateTime, new_id, utcnow
from app.core.principal import Scope
from app.core.timezones import validate_timezone

WeekStart = Literal["monday", "sunday"]


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    email: str = SQLField(max_length=320, unique=True)
    display_name: str = SQLField(default="", max_length=120)
    timezone: str = SQLField(default="UTC", max_length=64)
    day_start_hour: int = SQLField(default=0)
    week_start: str = SQLField(default="monday", max_length=6)
    grace_days: int = SQLField(default=0)
    password_hash: str = SQLField(max_length=255)
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in account as requests and services read it: a snapshot of its ``User`` row, not the row.

    Read with one statement (``app.auth.service.get_account``, and with each sign-in); the routes that change
    the account load its ``User`` where they change it. ``week_start`` is ``"monday"`` or ``"sunday"``,
    ``day_start_hour`` 0–23, ``grace_days`` 0–3, ``timezone`` an IANA zone name.
    """

    id: uuid.UUID
    email: str
    display_name: str
    timezone: str
    day_start_hour: int
    week_start: str
    grace_days: int
    created_at: datetime


class AuthSession(SQLModel, table=True):
    """A signed-in browser: only the hash of the cookie's token is stored."""

    __tablename__ = "auth_sessions"

    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE", index=True)
    token_hash: str = SQLField(max_length=64, unique=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = SQLField(sa_type=UTCDateTime)


class AccessToken(SQLModel, table=True):
    """A personal access token for a third-party app: only its hash is stored."""

    __tablename__ = "access_tokens"

    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = SQLField(foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = SQLField(max_length=60)
    token_hash: str = SQLField(max_length=64, unique=True)
    scopes: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime)


class UserPublic(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    timezone: str
    day_start_hour: int
    week_start: WeekStart
    grace_days: int
    created_at: datetime


class Register(StrictBody):
    email: EmailStr
    password: str = Field(min_length=8, max_length=1024)
    display_name: str = Field(default="", max_length=120)
    timezone: str = Field(default="UTC", max_length=64)

    _timezone = field_validator("timezone")(validate_timezone)


class Login(StrictBody):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class UserUpdate(StrictBody):
    """``PATCH /me``: every field optional."""

    display_name: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(default=None, max_length=64)
    day_start_hour: int | None = Field(default=None, ge=0, le=23)
    week_start: WeekStart | None = None
    grace_days: int | None = Field(default=None, ge=0, le=3)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else validate_timezone(value)


class PasswordChange(StrictBody):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(min_length=8, max_length=1024)


class AccountDeletion(StrictBody):
    password: str = Field(max_length=1024)


class TokenCreate(StrictBody):
    name: str = Field(min_length=1, max_length=60)
    scopes: list[Scope] = Field(min_length=1)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenPublic(BaseModel):
    id: uuid.UUID
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="The secret, shown only in this response.")


class TokenList(BaseModel):
    data: list[TokenPublic]

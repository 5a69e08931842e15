"""People and tags as their lists and renames show them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.core.bodies import StrictBody
from app.entries.models import Label


class NameUse(BaseModel):
    """A person or tag across the user's live entries."""

    name: str = Field(description="As the entries spell it (a tag's most recent spelling).")
    count: int = Field(description="Live entries that carry it.")
    last: date = Field(description="The latest local date of those entries.")


class NameList(BaseModel):
    data: list[NameUse] = Field(description="Most used first; on a tie, the latest used, then by name.")


class Rename(StrictBody):
    """``from`` becomes ``to`` in every entry that carries it; where ``to`` is there already, the two merge."""

    from_: Label = Field(alias="from", description="The name as used (tags compare case-insensitively).")
    to: Label = Field(description="The new name, or an existing one to merge into.")


class Renamed(BaseModel):
    changed: int = Field(description="Entries changed: each got a new version and change number (seq).")

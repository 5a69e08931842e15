"""The export document's parts and the import report."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from pydantic.json_schema import SkipJsonSchema

from app.auth.models import WeekStart
from app.core.bodies import optional_member
from app.entries.models import EntryPublic
from app.goals.models import GoalPublic
from app.pauses.models import PausePublic

ExportFormat = Literal["json", "csv", "markdown"]
EXPORT_FORMAT_NAME = "synclog-export"
EXPORT_VERSION = 1


class ExportUser(BaseModel):
    """The account settings an export carries (never the email, password or ids)."""

    model_config = ConfigDict(extra="ignore")

    display_name: str = Field(default="", max_length=120)
    timezone: str = Field(default="UTC", max_length=64)
    # Strict: a file's ``false`` is no 0 (as in every request body, ``app.core.json_numbers``).
    day_start_hour: StrictInt = Field(default=0, ge=0, le=23)
    week_start: WeekStart = "monday"
    grace_days: StrictInt = Field(default=0, ge=0, le=3)


class ExportDocument(BaseModel):
    """The JSON export (SPEC §4): goals, pauses and live entries exactly as the API returns them; ``POST /import``
    reads it.

    Documents the download; the export is written as a stream (``app.exchange.formats``), not through this model.
    """

    format: Literal["synclog-export"]
    version: Literal[1]
    exported_at: datetime
    user: ExportUser
    goals: list[GoalPublic]
    pauses: list[PausePublic]
    entries: list[EntryPublic]


class ImportDocument(BaseModel):
    """The JSON body of ``POST /import``: an ``ExportDocument`` (only ``format`` and ``version`` are required).

    Documents the body; the import reads it part by part (``app.exchange.importing``), naming a bad one. Goals,
    pauses and entries are the export's (``GoalPublic``, ``PausePublic``, ``EntryPublic``), read leniently:
    missing fields take defaults.
    """

    format: Literal["synclog-export"]
    version: Literal[1]
    exported_at: Any = optional_member("Ignored by the import.")
    user: ExportUser | SkipJsonSchema[None] = optional_member("Settings to apply; ignored when a token imports.")
    goals: list[dict[str, Any]] = Field(default_factory=list, description="Goals as `GoalPublic`.")
    pauses: list[dict[str, Any]] = Field(default_factory=list, description="Pauses as `PausePublic`.")
    entries: list[dict[str, Any]] = Field(default_factory=list, description="Entries as `EntryPublic`.")


class ImportCounts(BaseModel):
    created: int = 0
    updated: int = 0
    skipped: int = 0


class ImportReport(BaseModel):
    """What an import did, per type; importing the same file again only skips.

    ``settings`` is ``skipped`` when a token imports: tokens never change the account.
    """

    settings: Literal["updated", "unchanged", "skipped"] = "unchanged"
    goals: ImportCounts = Field(default_factory=ImportCounts)
    pauses: ImportCounts = Field(default_factory=ImportCounts)
    entries: ImportCounts = Field(default_factory=ImportCounts)

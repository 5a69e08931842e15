"""The export document's parts and the import report."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.auth.models import WeekStart

ExportFormat = Literal["json", "csv", "markdown"]
EXPORT_FORMAT_NAME = "synclog-export"
EXPORT_VERSION = 1


class ExportUser(BaseModel):
    """The account settings an export carries (never the email, password or ids)."""

    model_config = ConfigDict(extra="ignore")

    display_name: str = Field(default="", max_length=120)
    timezone: str = Field(default="UTC", max_length=64)
    day_start_hour: int = Field(default=0, ge=0, le=23)
    week_start: WeekStart = "monday"
    grace_days: int = Field(default=0, ge=0, le=3)


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

"""Echoes, on this day and insights as the API returns them."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.entries.models import EntryPublic, Kind

ReasonType = Literal["person", "tag", "motif", "kind"]


class EchoReason(BaseModel):
    type: ReasonType = Field(description="What the two entries share.")
    name: str = Field(description="The person or tag as this entry spells it, the motif's digits, or the kind.")


class Echo(BaseModel):
    entry: EntryPublic
    reasons: list[EchoReason] = Field(description="People first, then tags, motifs and the kind.")


class EchoList(BaseModel):
    data: list[Echo] = Field(description="Most reasons first; on a tie, the nearest in time, then the latest.")


class OnThisDay(BaseModel):
    date: dt.date = Field(description="The day asked about (default today in the user's zone and day start).")
    data: list[EntryPublic] = Field(description="Entries of the same month and day in earlier years, newest first.")


class NameCount(BaseModel):
    name: str
    count: int = Field(description="Entries in the range.")
    last: date = Field(description="The latest local date among them.")


class PersonCount(NameCount):
    kinds: dict[Kind, int] = Field(description="Those entries by kind (kinds with none left out).")


class MotifCount(NameCount):
    base_rate: float | None = Field(
        description="For a clock time: the chance one glance at a clock shows it (1/720 on a 12-hour clock); else null."
    )


class GoalCount(BaseModel):
    goal_id: str
    title: str
    count: int


class MonthKinds(BaseModel):
    month: str = Field(description="Calendar month of the entries' local dates, YYYY-MM.")
    kinds: dict[Kind, int] = Field(description="Entries by kind (kinds with none left out).")


class Burst(BaseModel):
    start: date = Field(description="First day of the week (weeks begin on the user's week_start), clipped to from.")
    end: date = Field(description="Last day of the week, clipped to to.")
    count: int
    usual: float = Field(description="The median weekly count over the range.")


class InsightsPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    entries: int = Field(description="Live entries in the range.")
    enough_data: bool = Field(description="False below 10 entries: then no bursts are named as patterns.")
    people: list[PersonCount] = Field(description="The 20 most frequent, most entries first.")
    tags: list[NameCount] = Field(description="The 20 most frequent, most entries first.")
    motifs: list[MotifCount] = Field(description="The 20 most frequent, most entries first.")
    goals: list[GoalCount] = Field(description="Entries per goal (goals with entries in the range), most first.")
    kinds_by_month: list[MonthKinds] = Field(description="Months with entries, oldest first.")
    by_weekday: list[int] = Field(description="7 counts by the weekday of local_date, Monday first.")
    by_hour: list[int] = Field(description="24 counts by the hour on the wall clock where each happened.")
    bursts: list[Burst] = Field(description="Weeks with at least 3 entries and twice the usual count, oldest first.")

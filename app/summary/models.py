"""Public representations of the summary: streaks, momentum, heatmap and the explanation of a streak."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.auth.models import WeekStart
from app.goals.models import Cadence

StreakStatus = Literal["active", "at_risk", "none", "ended"]


class StreakPublic(BaseModel):
    length: int = Field(description="Days (daily) or weeks (weekly) from the first to the last period of the run.")
    start: date | None = Field(description="First day of the run (weekly: first day of its first week).")
    end: date | None = Field(description="Last met day of the run (weekly: first day of its last week).")
    status: StreakStatus
    grace_used: int = Field(description="Days inside the run that were not met, bridged by grace days.")
    paused_days: int = Field(
        description="Days inside the run that a pause covered and that had no qualifying entry: neither met nor missed."
    )


class PeriodPublic(BaseModel):
    """A goal's current day or week: its qualifying entries so far and the entries it requires."""

    start: date
    end: date
    count: int
    required: int = Field(
        description="ceil(target × unpaused days / days in the period); 0 when a pause covers the whole period."
    )


class OverallSummary(BaseModel):
    current: StreakPublic
    longest: StreakPublic
    best: list[StreakPublic] = Field(description="The five longest runs, longest first; on a tie, the latest first.")
    momentum: float = Field(ge=0, le=1)
    entries: int
    active_days: int
    last_7_days: int
    last_30_days: int


class GoalSummary(BaseModel):
    goal_id: uuid.UUID
    title: str
    cadence: Cadence
    target: int
    current: StreakPublic
    longest: StreakPublic
    best: list[StreakPublic] = Field(description="The five longest runs, longest first; on a tie, the latest first.")
    momentum: float = Field(ge=0, le=1)
    entries: int
    period: PeriodPublic


class SummaryPublic(BaseModel):
    as_of: date
    timezone: str
    grace_days: int
    overall: OverallSummary
    goals: list[GoalSummary]
    by_kind: dict[str, int]
    by_weekday: list[int] = Field(description="Entries per weekday of their local date, Monday first.")
    by_hour: list[int] = Field(description="Entries per hour of the wall clock where they happened.")


class HeatmapDay(BaseModel):
    date: date
    count: int


class HeatmapPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    max: int
    total: int
    days: list[HeatmapDay] = Field(description="Days with at least one entry, oldest first.")


class StreakRulePublic(BaseModel):
    """The numbers the streak was computed with."""

    cadence: Cadence
    target: int
    grace_days: int
    timezone: str
    day_start_hour: int
    week_start: WeekStart
    as_of: date


class ExplainPeriod(BaseModel):
    start: date
    end: date
    count: int
    state: Literal["met", "bridged", "paused"] = Field(
        description="met: enough entries; bridged: not met, within grace; paused: a pause covers it, no entry."
    )


class HistoryPoint(BaseModel):
    start: date
    end: date
    momentum: float = Field(ge=0, le=1, description="The mean of the daily momentum scores in the bucket (4 decimals).")
    entries: int = Field(description="Qualifying entries in the bucket.")


class HistoryPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    goal_id: uuid.UUID | None = Field(description="The goal; null for the overall log.")
    bucket: Literal["day", "week", "month"]
    from_: date = Field(alias="from")
    to: date
    points: list[HistoryPoint] = Field(description="One per day, week or month, clipped to from..to, oldest first.")


class ExplainPublic(BaseModel):
    goal_id: uuid.UUID | None = Field(description="The goal explained; null for the overall streak.")
    title: str | None
    rule: StreakRulePublic
    explanation: list[str] = Field(description="The rule and the current streak in words.")
    current: StreakPublic
    periods: list[ExplainPeriod] = Field(description="The periods of the current streak, oldest first.")

"""The summary cache: held by each app, bounded, least recently used first out."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import FastAPI

from app.summary.cache import SummaryCache, SummaryKey
from app.summary.models import SummaryPublic
from app.summary.report import SummaryCounts, SummarySettings, build_summary

SETTINGS = SummarySettings(timezone="UTC", day_start_hour=0, week_start="monday", grace_days=0)
USER = uuid.uuid4()


def key(change_number: int) -> SummaryKey:
    return SummaryKey(USER, change_number, date(2026, 11, 20), SETTINGS)


def summary() -> SummaryPublic:
    return build_summary(counts=SummaryCounts(), goals=[], settings=SETTINGS, as_of=date(2026, 11, 20))


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache = SummaryCache(max_size=2)
    first, second, third = summary(), summary(), summary()
    cache.put(key(1), first)
    cache.put(key(2), second)
    assert cache.get(key(1)) is first
    cache.put(key(3), third)
    assert cache.get(key(2)) is None
    assert cache.get(key(1)) is first and cache.get(key(3)) is third


def test_settings_are_part_of_the_key() -> None:
    cache = SummaryCache()
    cache.put(key(1), summary())
    other = SummarySettings(timezone="UTC", day_start_hour=0, week_start="monday", grace_days=1)
    assert cache.get(SummaryKey(USER, 1, date(2026, 11, 20), other)) is None


def test_each_app_holds_its_own_cache(app: FastAPI) -> None:
    from app.main import create_app

    other = create_app(app.state.settings)
    try:
        assert isinstance(app.state.summary_cache, SummaryCache)
        assert other.state.summary_cache is not app.state.summary_cache
    finally:
        other.state.database.dispose()

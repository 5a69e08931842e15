"""The summary caches: bounded, least recently used first out."""

from __future__ import annotations

from app.summary.cache import RecentItems


def test_summary_cache_forgets_the_least_recently_used() -> None:
    cache: RecentItems[object] = RecentItems(max_size=2)
    first, second, third = (object() for _ in range(3))
    cache.put(("a",), first)
    cache.put(("b",), second)
    assert cache.get(("a",)) is first
    cache.put(("c",), third)
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is first and cache.get(("c",)) is third
    cache.clear()
    assert cache.get(("a",)) is None

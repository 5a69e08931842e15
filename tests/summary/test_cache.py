"""The summary cache: bounded, least recently used first out."""

from __future__ import annotations

from app.summary.cache import SummaryCache


def test_summary_cache_forgets_the_least_recently_used() -> None:
    cache = SummaryCache(max_size=2)
    first, second, third = (object() for _ in range(3))
    cache.put(("a",), first)  # type: ignore[arg-type]
    cache.put(("b",), second)  # type: ignore[arg-type]
    assert cache.get(("a",)) is first
    cache.put(("c",), third)  # type: ignore[arg-type]
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is first and cache.get(("c",)) is third
    cache.clear()
    assert cache.get(("a",)) is None

"""Recent summaries, kept until their user's next change: a repeated GET /summary skips the aggregate query."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from app.summary.models import SummaryPublic


class SummaryCache:
    """Recent summaries by user, change number, settings and ``as_of``; thread-safe, bounded.

    A write to a user's goals or entries takes a new change number, so a cached summary is
    never served after its data changed. The number is read before the aggregate query, so a
    concurrent write can only make a cached summary newer than its key, never older.
    """

    def __init__(self, max_size: int = 1024) -> None:
        self.max_size = max_size
        self._items: OrderedDict[tuple[Any, ...], SummaryPublic] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> SummaryPublic | None:
        with self._lock:
            summary = self._items.get(key)
            if summary is not None:
                self._items.move_to_end(key)
            return summary

    def put(self, key: tuple[Any, ...], summary: SummaryPublic) -> None:
        with self._lock:
            self._items[key] = summary
            self._items.move_to_end(key)
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


summary_cache = SummaryCache()

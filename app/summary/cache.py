"""Recent summaries and their counts, kept by change number so a write makes them stale at once.

A write to a user's goals or entries takes the user's next change number. A summary is kept
under the number its counts were taken at, so it is never served after its data changed; the
counts are kept too, so that after a few new or edited entries only those entries are read
again (see ``service.counts_after``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.summary.models import SummaryPublic
from app.summary.report import EntryCount, SeriesMemo, SummaryCounts

Value = TypeVar("Value")


class RecentItems(Generic[Value]):
    """A thread-safe mapping that forgets its least recently used items beyond ``max_size``."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._items: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class CountsSnapshot:
    """A user's counts as of change number ``seq``, and what each entry counted since then adds."""

    seq: int
    counts: SummaryCounts
    # Entries counted one by one after the aggregate query (None: counted as nothing).
    known: dict[str, EntryCount | None] = field(default_factory=dict)
    # Goal series worked out from these counts or earlier ones, shared by the snapshots that follow.
    series: SeriesMemo = field(default_factory=dict)


summary_cache: RecentItems[SummaryPublic] = RecentItems(max_size=1024)
counts_cache: RecentItems[CountsSnapshot] = RecentItems(max_size=64)


def clear_caches() -> None:
    summary_cache.clear()
    counts_cache.clear()

"""Recent summaries, kept under the user's change number so that any write makes them stale at once.

A write to a user's goals, entries or pauses takes the user's next change number, and the user's
settings are part of the key, so a kept summary is never served after its data changed.
The app holds one (``app.state.summary_cache``); the service is given it.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from datetime import date
from typing import NamedTuple

from app.summary.models import SummaryPublic
from app.summary.report import SummarySettings

MAX_SUMMARIES = 256


class SummaryKey(NamedTuple):
    user_id: uuid.UUID
    change_number: int
    as_of: date
    settings: SummarySettings


class SummaryCache:
    """A thread-safe mapping that forgets its least recently used summaries beyond ``max_size``."""

    def __init__(self, max_size: int = MAX_SUMMARIES) -> None:
        self.max_size = max_size
        self._items: OrderedDict[SummaryKey, SummaryPublic] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: SummaryKey) -> SummaryPublic | None:
        with self._lock:
            summary = self._items.get(key)
            if summary is not None:
                self._items.move_to_end(key)
            return summary

    def put(self, key: SummaryKey, summary: SummaryPublic) -> None:
        with self._lock:
            self._items[key] = summary
            self._items.move_to_end(key)
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)

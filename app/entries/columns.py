"""The one shape of an entry for storage: the columns a full representation sets (``stored_columns``),
and the values an insert or update of it binds (``stored_row``), its public JSON among them
(``public_json``). Every write of an entry, one at a time (``app.entries.service``) or in bulk (an
import), stores these."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Dialect

from app.core.bulk import bulk_insert
from app.core.database import table_of
from app.core.errors import ValidationProblem
from app.core.timezones import local_date, local_hour
from app.entries import marks
from app.entries.models import Entry, EntryPublic, EntryReplace

ENTRIES = table_of(Entry)
MAX_FUTURE = timedelta(hours=24)
TAG_SEPARATOR = "\x1f"


def check_occurred_at(occurred_at: datetime, *, now: datetime) -> None:
    """422 when ``occurred_at`` is more than ``MAX_FUTURE`` after ``now``."""
    if occurred_at > now + MAX_FUTURE:
        raise ValidationProblem(
            "occurred_at is more than 24 hours in the future.",
            errors=[{"loc": ["body", "occurred_at"], "msg": "more than 24 h in the future", "type": "future"}],
        )


def stored_columns(
    body: EntryReplace, *, home_timezone: str, day_start_hour: int, now: datetime, current: EntryPublic | None
) -> dict[str, Any]:
    """The stored columns a full representation sets: the one shape of an entry for storage (every write uses it).

    ``home_timezone`` and ``day_start_hour`` are the user's; ``local_date`` moves only when the time or zone
    does. 422 when ``occurred_at`` is more than 24 h after ``now``.
    """
    occurred_at = (body.occurred_at or (now if current is None else current.occurred_at)).astimezone(UTC)
    timezone = body.timezone or (home_timezone if current is None else current.timezone)
    check_occurred_at(occurred_at, now=now)
    if current is None or occurred_at != current.occurred_at or timezone != current.timezone:
        day = local_date(occurred_at, timezone, day_start_hour)
    else:
        day = current.local_date
    tags, people = list(body.tags), list(body.people)
    searched = [body.inner, body.note, body.meaning, *tags, *people, body.place or ""]
    keys = [tag.lower() for tag in tags]
    return {
        "occurred_at": occurred_at,
        "timezone": timezone,
        "local_date": day,
        "local_hour": local_hour(occurred_at, timezone),
        "kind": body.kind,
        "inner": body.inner,
        "note": body.note,
        "meaning": body.meaning,
        "intensity": body.intensity,
        "tags": tags,
        "people": people,
        "place": body.place,
        "lat": _coordinate(body.lat),
        "lon": _coordinate(body.lon),
        # Folded text for ``q`` (``searchable``), and whole lower-cased tags between separators for ``tag``.
        "search_text": searchable("\n".join(part for part in searched if part)),
        "tag_keys": TAG_SEPARATOR + TAG_SEPARATOR.join(keys) + TAG_SEPARATOR if keys else "",
        "updated_at": now,
    }


def searchable(text: str) -> str:
    """``text`` as the timeline's ``q`` compares it, case- and accent-insensitively: lower-cased, decomposed
    (NFKD) and without its nonspacing marks (Unicode category Mn), so ``"Zoë"``, ``"ZOE"`` and ``"zoe"``
    all read ``"zoe"``. Lower-cased rather than case-folded: the PWA folds its search the same way in
    JavaScript, which has no case folding (tests/golden/search_fold_cases.json checks both)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(character for character in decomposed if unicodedata.category(character) != "Mn")


def _coordinate(value: float | None) -> float | None:
    """``value`` with -0.0 made 0.0: SQLite keeps no negative zero, so both engines store (and answer) 0.0."""
    return None if value is None else value + 0.0


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """A new entry's rows as the driver takes them (``app.core.bulk``), built before the write slot: its
    insert (``stored_row``, its change number 0 until it is written) and its marks' (``marks.mark_rows``)."""

    entry_id: uuid.UUID
    goal_ids: tuple[uuid.UUID, ...]
    values: tuple[Any, ...]
    marks: tuple[tuple[Any, ...], ...]

    def fits(self, row: EntryRow) -> bool:
        """Whether these rows are still ``row``'s: an import re-keys an id taken since, and links goals only
        once its own are written (both are in the stored ``public_json``)."""
        return self.entry_id == row.entry_id and self.goal_ids == tuple(row.goal_ids)


@dataclass(frozen=True, slots=True)
class EntryRow:
    """An entry ready to store: its columns (``stored_columns``), its checked goal ids, and the stored entry it
    replaces (``None``: a new entry, which records ``source``); ``prepared``, its rows if built already."""

    entry_id: uuid.UUID
    columns: dict[str, Any]
    goal_ids: list[uuid.UUID]
    source: str
    current: EntryPublic | None
    prepared: PreparedEntry | None = None

    @property
    def current_version(self) -> int | None:
        return None if self.current is None else self.current.version


def public_json(entry: EntryPublic) -> str:
    """The entry's public JSON, byte for byte what the API answers for it (stored with every version, so that
    the timeline and ``/changes`` serve it as stored: ``app.entries.service.list_entries``)."""
    return entry.model_dump_json()


def stored_row(row: EntryRow, *, user_id: uuid.UUID, seq: int, now: datetime) -> dict[str, Any]:
    """The values an insert (new entry) or an update (``entry_id`` names it) of ``row`` binds, its
    ``public_json`` among them."""
    version = 1 if row.current is None else row.current.version + 1
    created_at, source = (now, row.source) if row.current is None else (row.current.created_at, row.current.source)
    public = EntryPublic.model_validate(
        {
            **row.columns,
            "id": row.entry_id,
            "goal_ids": row.goal_ids,
            "source": source,
            "version": version,
            "created_at": created_at,
        }
    )
    changes = {**row.columns, "version": version, "seq": seq, "public_json": public_json(public)}
    if row.current is not None:
        return {**changes, "entry_id": row.entry_id}
    return {
        **changes,
        "id": row.entry_id,
        "user_id": user_id,
        "source": row.source,
        "created_at": now,
        "deleted_at": None,
    }


def prepared_entry(dialect: Dialect, row: EntryRow, *, user_id: uuid.UUID, now: datetime) -> PreparedEntry:
    """The driver's rows of the new entry ``row`` (``PreparedEntry``), for ``dialect``; pure, so an import builds
    them while it checks its file."""
    values = bulk_insert(ENTRIES, dialect).row(stored_row(row, user_id=user_id, seq=0, now=now))
    mark_rows = marks.mark_rows(dialect, user_id=user_id, entry=marked(row.entry_id, row.columns))
    return PreparedEntry(row.entry_id, tuple(row.goal_ids), values, mark_rows)


def marked(entry_id: uuid.UUID, columns: Mapping[str, Any]) -> marks.Marked:
    """What marks the entry stored with ``columns``: its people, tags, inner and note, with its day, kind and time."""
    texts = (columns["inner"], columns["note"])
    return marks.Marked(
        entry_id,
        columns["people"],
        columns["tags"],
        texts,
        columns["local_date"],
        columns["kind"],
        columns["occurred_at"],
    )

"""The one shape of an entry for storage: the columns a full representation sets (``stored_columns``),
and the values an insert or update of it binds (``stored_row``), its public JSON among them
(``public_json``). Every write of an entry, one at a time (``app.entries.service``) or in bulk (an
import), stores these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.errors import ValidationProblem
from app.core.timezones import local_date, local_hour
from app.entries.models import EntryPublic, EntryReplace

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
        # Lower-cased text for ``q``, and whole tags between separators for ``tag``.
        "search_text": "\n".join(part for part in searched if part).lower(),
        "tag_keys": TAG_SEPARATOR + TAG_SEPARATOR.join(keys) + TAG_SEPARATOR if keys else "",
        "updated_at": now,
    }


def _coordinate(value: float | None) -> float | None:
    """``value`` with -0.0 made 0.0: SQLite keeps no negative zero, so both engines store (and answer) 0.0."""
    return None if value is None else value + 0.0


@dataclass(frozen=True, slots=True)
class EntryRow:
    """An entry ready to store: its columns (``stored_columns``), its checked goal ids, and the stored entry it
    replaces (``None``: a new entry, which records ``source``)."""

    entry_id: uuid.UUID
    columns: dict[str, Any]
    goal_ids: list[uuid.UUID]
    source: str
    current: EntryPublic | None

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

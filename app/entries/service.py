"""Entries: creating, replacing, patching, deleting and listing a user's synchronicities."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import String, and_, bindparam, delete, func, insert, or_
from sqlalchemy import cast as sa_cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.api.bodies import merge_patch, require_match
from app.api.middleware.metrics import note_entry_created
from app.auth.models import User
from app.core.database import table_of, utcnow
from app.core.errors import BadRequest, Conflict, Gone, NotFound, PreconditionFailed, ValidationProblem
from app.core.timezones import local_date, local_hour
from app.entries.models import (
    Entry,
    EntryCreate,
    EntryGoal,
    EntryPage,
    EntryPatch,
    EntryPublic,
    EntryReplace,
    Kind,
)
from app.goals.models import Goal
from app.sync.sequence import next_seq

MAX_FUTURE = timedelta(hours=24)
TAG_SEPARATOR = "\x1f"
ENTRIES = table_of(Entry)
ENTRY_GOALS = table_of(EntryGoal)


@dataclass(frozen=True)
class EntryFilters:
    goal_id: uuid.UUID | None = None
    kind: str | None = None
    tag: str | None = None
    q: str | None = None
    from_date: date | None = None
    to_date: date | None = None


# An entry's public fields (all but ``goal_ids``), read as plain rows where no ORM object is needed.
PUBLIC_NAMES = tuple(name for name in EntryPublic.model_fields if name != "goal_ids")
PUBLIC_COLUMNS = tuple(ENTRIES.c[name] for name in PUBLIC_NAMES)
# Each entry's goal ids in the same query as the entry, joined in one string (``group_concat`` on
# SQLite, ``string_agg`` on PostgreSQL): a second query for a page's links cost more than this.
GOAL_IDS = (
    sa_select(func.aggregate_strings(sa_cast(ENTRY_GOALS.c.goal_id, String), ","))
    .where(ENTRY_GOALS.c.entry_id == ENTRIES.c.id)
    .scalar_subquery()
    .label("goal_ids")
)
# What a statement selects to read entries as their public values (``public_values``).
PUBLIC_ROW = (*PUBLIC_COLUMNS, GOAL_IDS)
# The timeline's statements are built once (building one costs more than running it); filters add to them.
_TIMELINE = (
    sa_select(*PUBLIC_ROW)
    .where(ENTRIES.c.user_id == bindparam("user_id"), ENTRIES.c.deleted_at.is_(None))
    .order_by(ENTRIES.c.occurred_at.desc(), ENTRIES.c.id.desc())
    .limit(bindparam("limit"))
)
_INSERT_ENTRY = insert(ENTRIES)
_GOAL_IDS_OF = sa_select(ENTRIES.c.id, GOAL_IDS).where(ENTRIES.c.id.in_(bindparam("entry_ids", expanding=True)))


def _split_goal_ids(joined: str | None) -> list[uuid.UUID]:
    """The ids ``GOAL_IDS`` joined, in the order the API lists them."""
    return sorted((uuid.UUID(part) for part in joined.split(",")), key=str) if joined else []


def goal_ids_by_entry(session: Session, *, entry_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The goal ids of many entries in one query."""
    if not entry_ids:
        return {}
    rows = session.execute(_GOAL_IDS_OF, {"entry_ids": list(entry_ids)})
    return {row.id: _split_goal_ids(row.goal_ids) for row in rows}


def public_values(row: Sequence[Any]) -> dict[str, Any]:
    """An entry's public fields from a row that begins with ``PUBLIC_ROW``, to be validated.

    Zipped with the names and indexed (four times quicker than through the row's mapping, and
    than by attribute); validating plain values is quicker than constructing a model unvalidated.
    """
    values = dict(zip(PUBLIC_NAMES, row, strict=False))
    values["goal_ids"] = _split_goal_ids(row[len(PUBLIC_NAMES)])
    return values


def to_public(entry: Entry, goal_ids: Iterable[uuid.UUID]) -> EntryPublic:
    # A stored entry is valid by construction: build the representation without validating it again.
    return EntryPublic.model_construct(
        id=entry.id,
        occurred_at=entry.occurred_at,
        timezone=entry.timezone,
        local_date=entry.local_date,
        kind=cast(Kind, entry.kind),
        note=entry.note,
        meaning=entry.meaning,
        intensity=entry.intensity,
        tags=list(entry.tags),
        people=list(entry.people),
        goal_ids=list(goal_ids),
        place=entry.place,
        lat=entry.lat,
        lon=entry.lon,
        source=entry.source,
        version=entry.version,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


def public_entries(session: Session, *, entries: Sequence[Entry]) -> list[EntryPublic]:
    goals = goal_ids_by_entry(session, entry_ids=[entry.id for entry in entries])
    return [to_public(entry, goals.get(entry.id, [])) for entry in entries]


def public_entry(session: Session, *, entry: Entry) -> EntryPublic:
    return public_entries(session, entries=[entry])[0]


def _locked_entry(session: Session, *, entry_id: uuid.UUID) -> Entry | None:
    return session.exec(select(Entry).where(Entry.id == entry_id).with_for_update()).first()


def _owned_entry(session: Session, *, user: User, entry_id: uuid.UUID, lock: bool) -> Entry:
    """The user's entry (live or deleted); another user's is as unknown as a missing one."""
    entry = _locked_entry(session, entry_id=entry_id) if lock else session.get(Entry, entry_id)
    if entry is None or entry.user_id != user.id:
        raise NotFound("No such entry.")
    return entry


def get_entry(session: Session, *, user: User, entry_id: uuid.UUID) -> EntryPublic:
    entry = _owned_entry(session, user=user, entry_id=entry_id, lock=False)
    if entry.deleted_at is not None:
        raise Gone("This entry was deleted.")
    return public_entry(session, entry=entry)


def _check_goal_ids(session: Session, *, user: User, goal_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    wanted = sorted(set(goal_ids), key=str)
    if not wanted:
        return []
    found = set(
        session.exec(
            select(Goal.id).where(col(Goal.id).in_(wanted), Goal.user_id == user.id, col(Goal.deleted_at).is_(None))
        )
    )
    unknown = [str(goal_id) for goal_id in wanted if goal_id not in found]
    if unknown:
        raise ValidationProblem(
            "goal_ids names goals you do not have.",
            errors=[
                {"loc": ["body", "goal_ids"], "msg": f"unknown goal {goal_id}", "type": "unknown_goal"}
                for goal_id in unknown
            ],
        )
    return wanted


def _check_occurred_at(occurred_at: datetime, *, now: datetime) -> None:
    if occurred_at > now + MAX_FUTURE:
        raise ValidationProblem(
            "occurred_at is more than 24 hours in the future.",
            errors=[{"loc": ["body", "occurred_at"], "msg": "more than 24 h in the future", "type": "future"}],
        )


def _columns(body: EntryReplace, *, user: User, now: datetime, current: Entry | None) -> dict[str, Any]:
    """The stored columns a full representation sets; ``local_date`` moves only when the time or zone does."""
    occurred_at = (body.occurred_at or (now if current is None else current.occurred_at)).astimezone(UTC)
    timezone = body.timezone or (user.timezone if current is None else current.timezone)
    _check_occurred_at(occurred_at, now=now)
    if current is None or occurred_at != current.occurred_at or timezone != current.timezone:
        day = local_date(occurred_at, timezone, user.day_start_hour)
    else:
        day = current.local_date
    tags, people = list(body.tags), list(body.people)
    searched = [body.note, body.meaning, *tags, *people, body.place or ""]
    keys = [tag.lower() for tag in tags]
    return {
        "occurred_at": occurred_at,
        "timezone": timezone,
        "local_date": day,
        "local_hour": local_hour(occurred_at, timezone),
        "kind": body.kind,
        "note": body.note,
        "meaning": body.meaning,
        "intensity": body.intensity,
        "tags": tags,
        "people": people,
        "place": body.place,
        "lat": body.lat,
        "lon": body.lon,
        # Lower-cased text for ``q``, and whole tags between separators for ``tag``.
        "search_text": "\n".join(part for part in searched if part).lower(),
        "tag_keys": TAG_SEPARATOR + TAG_SEPARATOR.join(keys) + TAG_SEPARATOR if keys else "",
        "updated_at": now,
    }


def create_entry(session: Session, *, user: User, source: str, body: EntryCreate) -> EntryPublic:
    # Only a client-chosen id can already exist; a fresh UUIDv4 cannot.
    if body.id is not None and session.get(Entry, body.id) is not None:
        raise Conflict("An entry with this id already exists; use PUT to replace it.")
    now = utcnow()
    columns = _columns(body, user=user, now=now, current=None)
    goal_ids = _check_goal_ids(session, user=user, goal_ids=body.goal_ids)
    row = {
        **columns,
        "id": body.id or uuid.uuid4(),
        "user_id": user.id,
        "source": source,
        "version": 1,
        "seq": next_seq(session, user_id=user.id),
        "created_at": now,
        "deleted_at": None,
    }
    # The quick log's path: rows inserted as they are, no ORM object to build and flush.
    session.execute(_INSERT_ENTRY, row)
    note_entry_created(session, row["id"])
    if goal_ids:
        session.execute(insert(ENTRY_GOALS), [{"entry_id": row["id"], "goal_id": goal_id} for goal_id in goal_ids])
    return EntryPublic.model_validate({**row, "goal_ids": goal_ids})


def _update(session: Session, *, entry: Entry, body: EntryReplace, user: User) -> EntryPublic:
    """Replace a stored entry's writable fields with a full representation: a new version and ``seq``."""
    columns = _columns(body, user=user, now=utcnow(), current=entry)
    goal_ids = _check_goal_ids(session, user=user, goal_ids=body.goal_ids)
    for name, value in columns.items():
        setattr(entry, name, value)
    entry.version += 1
    entry.seq = next_seq(session, user_id=user.id)
    session.add(entry)
    session.flush()
    session.execute(delete(EntryGoal).where(col(EntryGoal.entry_id) == entry.id))
    session.add_all([EntryGoal(entry_id=entry.id, goal_id=goal_id) for goal_id in goal_ids])
    session.flush()
    return to_public(entry, goal_ids)


def replace_entry(
    session: Session,
    *,
    user: User,
    source: str,
    entry_id: uuid.UUID,
    body: EntryReplace,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> tuple[EntryPublic, bool]:
    """``PUT``: replace the entry, or create it under this id; returns it and whether it was created."""
    entry = _locked_entry(session, entry_id=entry_id)
    if entry is not None and entry.user_id != user.id:
        raise NotFound("No such entry.")
    if entry is not None and entry.deleted_at is not None:
        raise Gone("This entry was deleted.")
    if entry is None:
        if if_match is not None:
            raise PreconditionFailed("The entry does not exist, so If-Match cannot match.")
        return create_entry(session, user=user, source=source, body=EntryCreate(id=entry_id, **body.model_dump())), True
    if if_none_match is not None and if_none_match.strip() == "*":
        raise PreconditionFailed("The entry already exists.", extra={"current": _current_json(session, entry)})
    require_match(if_match, entry.version, lambda: _current_json(session, entry))
    return _update(session, entry=entry, body=body, user=user), False


def _current_json(session: Session, entry: Entry) -> dict[str, Any]:
    return public_entry(session, entry=entry).model_dump(mode="json")


def writable_fields(public: EntryPublic) -> dict[str, Any]:
    """The part of an entry's representation a client may write."""
    return public.model_dump(mode="json", include=set(EntryReplace.model_fields))


def patch_entry(
    session: Session, *, user: User, entry_id: uuid.UUID, patch: EntryPatch, if_match: str | None = None
) -> EntryPublic:
    entry = _owned_entry(session, user=user, entry_id=entry_id, lock=True)
    if entry.deleted_at is not None:
        raise Gone("This entry was deleted.")
    current = public_entry(session, entry=entry)
    require_match(if_match, entry.version, lambda: current.model_dump(mode="json"))
    merged = merge_patch(writable_fields(current), patch.model_dump(mode="json", exclude_unset=True))
    body = EntryReplace.model_validate(merged)
    return _update(session, entry=entry, body=body, user=user)


def delete_entry(session: Session, *, user: User, entry_id: uuid.UUID, if_match: str | None = None) -> None:
    """Leave a tombstone (its text is erased); deleting again is a no-op."""
    entry = _owned_entry(session, user=user, entry_id=entry_id, lock=True)
    if entry.deleted_at is not None:
        return
    require_match(if_match, entry.version, lambda: _current_json(session, entry))
    now = utcnow()
    entry.deleted_at = now
    entry.updated_at = now
    entry.version += 1
    entry.note = entry.meaning = entry.search_text = entry.tag_keys = ""
    entry.tags, entry.people = [], []
    entry.place = entry.lat = entry.lon = None
    entry.seq = next_seq(session, user_id=user.id)
    session.add(entry)
    session.execute(delete(EntryGoal).where(col(EntryGoal.entry_id) == entry.id))
    session.flush()


def encode_cursor(occurred_at: datetime, entry_id: uuid.UUID) -> str:
    raw = json.dumps([occurred_at.isoformat(), entry_id.hex]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        occurred_at, entry_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(occurred_at), uuid.UUID(hex=entry_id)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadRequest("The cursor is malformed; pass next_cursor back unchanged.") from exc


def list_entries(session: Session, *, user: User, filters: EntryFilters, limit: int, cursor: str | None) -> EntryPage:
    """Newest ``occurred_at`` first, by keyset over (``occurred_at``, ``id``); rows, not ORM objects, are read."""
    entries = ENTRIES.c
    query = _TIMELINE
    if cursor is not None:
        after_time, after_id = decode_cursor(cursor)
        query = query.where(
            # The plain bound lets the index seek to the cursor; the OR alone makes it scan every newer entry.
            entries.occurred_at <= after_time,
            or_(entries.occurred_at < after_time, and_(entries.occurred_at == after_time, entries.id < after_id)),
        )
    if filters.goal_id is not None:
        linked = sa_select(ENTRY_GOALS.c.entry_id).where(ENTRY_GOALS.c.goal_id == filters.goal_id)
        query = query.where(entries.id.in_(linked))
    if filters.kind is not None:
        query = query.where(entries.kind == filters.kind)
    if filters.tag is not None:
        key = TAG_SEPARATOR + filters.tag.lower() + TAG_SEPARATOR
        query = query.where(entries.tag_keys.contains(key, autoescape=True))
    if filters.q:
        query = query.where(entries.search_text.contains(filters.q.lower(), autoescape=True))
    if filters.from_date is not None:
        query = query.where(entries.local_date >= filters.from_date)
    if filters.to_date is not None:
        query = query.where(entries.local_date <= filters.to_date)
    rows = session.execute(query, {"user_id": user.id, "limit": limit + 1}).all()
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].occurred_at, page[-1].id) if len(rows) > limit else None
    data = [public_values(row) for row in page]
    return EntryPage.model_validate({"data": data, "next_cursor": next_cursor})

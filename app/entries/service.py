"""Entries: creating, replacing, patching, deleting and listing a user's synchronicities.

Every read of an entry as a value selects ``PUBLIC_ROW`` and maps it by name to ``EntryPublic``
(``public_entries``); pages of entries (the timeline here, ``/changes`` in ``app.sync``) serve each
entry's ``public_json`` as stored. Every write goes through ``_write`` (through ``stored_row``, which
renders ``public_json``) or ``delete_entry``, as plain rows (no ORM objects to build).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ARRAY, Row, Uuid, and_, any_, bindparam, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.auth.models import Account
from app.core.bodies import patched
from app.core.bulk import bulk_insert
from app.core.database import table_of, utcnow
from app.core.errors import BadRequest, Conflict
from app.core.metrics import count_entry_write
from app.core.sequence import next_seq, take_seqs
from app.core.synced import ExpectedVersion, Stored, Written, check_version, live, owned, replaceable
from app.entries import goal_links, marks
from app.entries.columns import (
    TAG_SEPARATOR,
    EntryRow,
    marked,
    prepared_entry,
    searchable,
    stored_columns,
    stored_row,
)
from app.entries.models import Entry, EntryCreate, EntryGoal, EntryPatch, EntryPublic, EntryReplace

ENTRIES = table_of(Entry)
ENTRY_GOALS = table_of(EntryGoal)

# What every read of entries selects: the columns named as ``EntryPublic``'s fields, and the goal ids.
PUBLIC_ROW = (*(ENTRIES.c[name] for name in EntryPublic.model_fields if name != "goal_ids"), goal_links.GOAL_IDS)
# Built once (building a statement costs more than running it); the timeline's filters add to its own. A single
# entry's writes run on the session's connection (Core statements need nothing of the ORM session's own path).
_STORED = sa_select(*PUBLIC_ROW, ENTRIES.c.user_id, ENTRIES.c.deleted_at, ENTRIES.c.seq).where(
    ENTRIES.c.id == bindparam("entry_id")
)
_LOCKED = _STORED.with_for_update()
_LOCKED_MANY = (
    sa_select(*PUBLIC_ROW, ENTRIES.c.user_id, ENTRIES.c.deleted_at, ENTRIES.c.seq)
    .where(ENTRIES.c.id.in_(bindparam("entry_ids", expanding=True)))
    .with_for_update()
)
_IDS_MANY = sa_select(ENTRIES.c.id).where(ENTRIES.c.id.in_(bindparam("entry_ids", expanding=True)))
# PostgreSQL takes the ids as one array. As 500 bound values a look-up is prepared by psycopg (after 5 runs)
# and PostgreSQL keeps the generic plan it made while an import's first ids found an empty table: a scan
# of every row, 500 comparisons each, as the import's own rows pile up (100 000 entries took 152 s).
_ANY_ID = ENTRIES.c.id == any_(bindparam("entry_ids", type_=ARRAY(Uuid())))
_IDS_ANY = sa_select(ENTRIES.c.id).where(_ANY_ID)
_LOCKED_ANY = (
    sa_select(*PUBLIC_ROW, ENTRIES.c.user_id, ENTRIES.c.deleted_at, ENTRIES.c.seq).where(_ANY_ID).with_for_update()
)
# Rows per statement of an update in bulk, and ids per look-up (under every engine's limit of bound values;
# PostgreSQL's array is one value).
WRITE_BATCH = 5_000
FIND_BATCH = 500
FIND_BATCH_ARRAY = 10_000
# The timeline serves each entry's stored JSON; its time and id make the next cursor.
_TIMELINE = (
    sa_select(ENTRIES.c.public_json, ENTRIES.c.occurred_at, ENTRIES.c.id)
    .where(ENTRIES.c.user_id == bindparam("user_id"), ENTRIES.c.deleted_at.is_(None))
    .order_by(ENTRIES.c.occurred_at.desc(), ENTRIES.c.id.desc())
    .limit(bindparam("limit"))
)
_COUNT_LIVE = sa_select(func.count()).where(ENTRIES.c.user_id == bindparam("user_id"), ENTRIES.c.deleted_at.is_(None))
_EXISTS = sa_select(ENTRIES.c.id).where(ENTRIES.c.id == bindparam("entry_id"))
_INSERT = insert(ENTRIES)
_UPDATE = update(ENTRIES).where(ENTRIES.c.id == bindparam("entry_id"))
# What a tombstone keeps of an entry: its time, zone, kind, intensity and source; its text is erased.
_ERASED: dict[str, Any] = {
    "inner": "",
    "note": "",
    "meaning": "",
    "search_text": "",
    "tag_keys": "",
    "tags": [],
    "people": [],
    "place": None,
    "lat": None,
    "lon": None,
    "public_json": None,
}


@dataclass(frozen=True)
class EntryFilters:
    goal_id: uuid.UUID | None = None
    kind: str | None = None
    tag: str | None = None
    q: str | None = None
    from_date: date | None = None
    to_date: date | None = None


def public_entries(rows: Sequence[Row[Any]]) -> list[EntryPublic]:
    """The one mapping from stored entries to their public values: rows that select ``PUBLIC_ROW``
    (and maybe more, which is ignored), read by name."""
    if not rows:
        return []
    # The rows' names, taken once: zipped, a row reads four times quicker than through its mapping.
    names = rows[0]._fields
    page = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        values["goal_ids"] = goal_links.split_goal_ids(values["goal_ids"])
        page.append(EntryPublic.model_validate(values))
    return page


def find_entry(session: Session, *, entry_id: uuid.UUID, lock: bool = False) -> Stored[EntryPublic] | None:
    """The entry with this id, whoever owns it; ``lock`` holds its row until the transaction ends."""
    row = session.execute(_LOCKED if lock else _STORED, {"entry_id": entry_id}).first()
    if row is None:
        return None
    return Stored.of(public_entries([row])[0], row)


def _owned(session: Session, *, user_id: uuid.UUID, entry_id: uuid.UUID) -> Stored[EntryPublic]:
    return owned(find_entry(session, entry_id=entry_id, lock=True), user_id=user_id, noun="entry")


def get_entry(session: Session, *, user_id: uuid.UUID, entry_id: uuid.UUID) -> EntryPublic:
    return live(owned(find_entry(session, entry_id=entry_id), user_id=user_id, noun="entry"), noun="entry")


def _write(
    session: Session,
    *,
    user: Account,
    entry_id: uuid.UUID,
    body: EntryReplace,
    source: str,
    current: EntryPublic | None,
) -> Written[EntryPublic]:
    """The one write of an entry's fields: a new entry (``current`` is None) or a new version of it."""
    now = utcnow()
    columns = stored_columns(
        body, home_timezone=user.timezone, day_start_hour=user.day_start_hour, now=now, current=current
    )
    goal_ids = goal_links.check_goal_ids(session, user_id=user.id, goal_ids=body.goal_ids)
    row = EntryRow(entry_id, columns, goal_ids, source, current)
    stored = stored_row(row, user_id=user.id, seq=next_seq(session, user_id=user.id), now=now)
    session.connection().execute(_INSERT if current is None else _UPDATE, stored)
    goal_links.link(
        session,
        entry_id=entry_id,
        user_id=user.id,
        local_date=columns["local_date"],
        goal_ids=goal_ids,
        replace=current is not None,
    )
    marks.record(session, user_id=user.id, entry=marked(entry_id, columns), replace=current is not None)
    count_entry_write(session, "created" if current is None else "changed")
    # The answer is the stored public JSON: one entry shape, rendered once (by ``stored_row``).
    return Written(entry_id, stored["version"], stored["seq"], stored["public_json"], created=current is None)


def write_entries(session: Session, *, user_id: uuid.UUID, rows: Sequence[EntryRow], now: datetime) -> None:
    """Store many entries (an import) in a few statements, each numbered in the user's change sequence in order.

    What ``_write`` does for one, for each row: an insert or a new version, its goal links (with its
    ``local_date``), its marks (people, tags, motifs; a replaced entry's old ones removed), its count.
    New entries go in as the driver's rows (``row.prepared``, or built here).
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    bulk = bulk_insert(ENTRIES, dialect)
    numbered = bulk.filler("seq")
    seqs = take_seqs(session, user_id=user_id, count=len(rows))
    inserts: list[tuple[Any, ...]] = []
    updates: list[dict[str, Any]] = []
    mark_rows: list[tuple[Any, ...]] = []
    for row, seq in zip(rows, seqs, strict=True):
        if row.current_version is None:
            prepared = row.prepared
            if prepared is None or not prepared.fits(row):  # not built yet, or its id or goals changed since
                prepared = prepared_entry(dialect, row, user_id=user_id, now=now)
            inserts.append(numbered(prepared.values, seq))
            mark_rows += prepared.marks
        else:
            updates.append(stored_row(row, user_id=user_id, seq=seq, now=now))
            mark_rows += marks.mark_rows(dialect, user_id=user_id, entry=marked(row.entry_id, row.columns))
    # In the file's order (an export's is by day): sorted by id, the three indexes in time order cost SQLite more
    # than the primary key's saved (100 000 entries: 1.5 s of CPU instead of 1.0 s for the entries' inserts).
    bulk.insert(session, inserts)
    for start in range(0, len(updates), WRITE_BATCH):
        session.execute(_UPDATE, updates[start : start + WRITE_BATCH])
    replaced = [row.entry_id for row in rows if row.current_version is not None]
    links = {row.entry_id: (row.columns["local_date"], row.goal_ids) for row in rows}
    goal_links.link_many(session, user_id=user_id, links=links, replace=replaced)
    marks.store(session, rows=mark_rows, replace=replaced)
    count_entry_write(session, "created", count=len(inserts))
    count_entry_write(session, "changed", count=len(updates))


def find_entries(session: Session, *, entry_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Stored[EntryPublic]]:
    """The entries with these ids, whoever owns them, by id; rows locked until the transaction ends."""
    found: dict[uuid.UUID, Stored[EntryPublic]] = {}
    postgresql = session.get_bind().dialect.name == "postgresql"
    ids, locked, batch = (
        (_IDS_ANY, _LOCKED_ANY, FIND_BATCH_ARRAY) if postgresql else (_IDS_MANY, _LOCKED_MANY, FIND_BATCH)
    )
    for start in range(0, len(entry_ids), batch):
        # Which exist first: most of an import's ids are new, and the whole row (its goal ids
        # aggregated) cost PostgreSQL ~60 ms per look-up even when nothing matched.
        stored = session.execute(ids, {"entry_ids": list(entry_ids[start : start + batch])}).scalars().all()
        rows = session.execute(locked, {"entry_ids": list(stored)}).all() if stored else []
        for public, row in zip(public_entries(rows), rows, strict=True):
            found[public.id] = Stored.of(public, row)
    return found


def create_entry(session: Session, *, user: Account, source: str, body: EntryCreate) -> Written[EntryPublic]:
    # Only a client-chosen id can already exist; a fresh UUIDv4 cannot.
    if body.id is not None and session.connection().execute(_EXISTS, {"entry_id": body.id}).first() is not None:
        raise Conflict(
            "An entry with this id exists: PUT replaces it if it is yours and live; a deleted one's id is not reused."
        )
    return _write(session, user=user, entry_id=body.id or uuid.uuid4(), body=body, source=source, current=None)


def replace_entry(
    session: Session,
    *,
    user: Account,
    source: str,
    entry_id: uuid.UUID,
    body: EntryReplace,
    expected: ExpectedVersion | None = None,
    only_if_new: bool = False,
) -> Written[EntryPublic]:
    """``PUT``: replace the entry, or create it under this id (``source`` is recorded when created)."""
    stored = find_entry(session, entry_id=entry_id, lock=True)
    current = replaceable(stored, user_id=user.id, noun="entry", expected=expected, only_if_new=only_if_new)
    public = None if current is None else current.public
    return _write(session, user=user, entry_id=entry_id, body=body, source=source, current=public)


def patch_entry(
    session: Session, *, user: Account, entry_id: uuid.UUID, patch: EntryPatch, expected: ExpectedVersion | None = None
) -> Written[EntryPublic]:
    """``PATCH``: a JSON merge patch of the writable fields; pydantic's ``ValidationError`` if it spoils them."""
    current = live(_owned(session, user_id=user.id, entry_id=entry_id), noun="entry")
    check_version(expected, current.version, lambda: current)
    body = patched(current, patch, EntryReplace)
    return _write(session, user=user, entry_id=entry_id, body=body, source=current.source, current=current)


def delete_entry(
    session: Session, *, user_id: uuid.UUID, entry_id: uuid.UUID, expected: ExpectedVersion | None = None
) -> Written[EntryPublic]:
    """Leave a tombstone (its text is erased); deleting again is a no-op."""
    stored = _owned(session, user_id=user_id, entry_id=entry_id)
    version = stored.version
    if stored.deleted:
        return Written(entry_id, version, stored.seq, None)
    check_version(expected, version, lambda: stored.public)
    now = utcnow()
    seq = next_seq(session, user_id=user_id)
    tombstone = {**_ERASED, "deleted_at": now, "updated_at": now, "version": version + 1, "seq": seq}
    session.connection().execute(_UPDATE, {**tombstone, "entry_id": entry_id})
    goal_links.unlink(session, entry_id=entry_id)
    marks.erase(session, entry_id=entry_id)
    count_entry_write(session, "deleted")
    return Written(entry_id, version + 1, seq, None)


def encode_cursor(occurred_at: datetime, entry_id: uuid.UUID) -> str:
    raw = json.dumps([occurred_at.isoformat(), entry_id.hex]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (``occurred_at`` in UTC, id) a page resumes after; anything but a cursor this API made is 400."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not (isinstance(decoded, list) and len(decoded) == 2 and all(isinstance(part, str) for part in decoded)):
            raise ValueError("not a cursor")
        occurred_at = datetime.fromisoformat(decoded[0])
        if occurred_at.utcoffset() is None:
            raise ValueError("no offset")
        return occurred_at.astimezone(UTC), uuid.UUID(hex=decoded[1])
    except (ValueError, TypeError, OverflowError, binascii.Error) as exc:
        raise BadRequest("The cursor is malformed; pass next_cursor back unchanged.") from exc


def list_entries(
    session: Session, *, user_id: uuid.UUID, filters: EntryFilters, limit: int, cursor: str | None
) -> bytes:
    """The timeline: an ``EntryPage`` as JSON bytes, newest ``occurred_at`` first, by keyset over
    (``occurred_at``, ``id``); each entry's stored ``public_json`` as it is (no model built per entry).
    400 for a malformed ``cursor``."""
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
        query = query.where(entries.search_text.contains(searchable(filters.q), autoescape=True))
    if filters.from_date is not None:
        query = query.where(entries.local_date >= filters.from_date)
    if filters.to_date is not None:
        query = query.where(entries.local_date <= filters.to_date)
    rows = session.execute(query, {"user_id": user_id, "limit": limit + 1}).all()
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = None if last is None else encode_cursor(last.occurred_at, last.id)
    return entry_page_json([row.public_json for row in rows[:limit]], next_cursor)


def entry_page_json(entries: Sequence[str], next_cursor: str | None) -> bytes:
    """``EntryPage`` as JSON, byte for byte what pydantic writes for it, from its entries' ``public_json``."""
    return f'{{"data":[{",".join(entries)}],"next_cursor":{json.dumps(next_cursor)}}}'.encode()


def count_live_entries(session: Session, *, user_id: uuid.UUID) -> int:
    return int(session.execute(_COUNT_LIVE, {"user_id": user_id}).scalar_one())


def journal_pages(session: Session, *, user_id: uuid.UUID, page_size: int) -> Iterator[list[EntryPublic]]:
    """Live entries by local day, then time, then id, a page at a time (keyset, so memory stays flat)."""
    entries = ENTRIES.c
    query = (
        sa_select(*PUBLIC_ROW)
        .where(entries.user_id == user_id, entries.deleted_at.is_(None))
        .order_by(entries.local_date, entries.occurred_at, entries.id)
        .limit(page_size)
    )
    after: EntryPublic | None = None
    while True:
        rows = session.execute(
            query
            if after is None
            else query.where(
                or_(
                    entries.local_date > after.local_date,
                    and_(entries.local_date == after.local_date, entries.occurred_at > after.occurred_at),
                    and_(
                        entries.local_date == after.local_date,
                        entries.occurred_at == after.occurred_at,
                        entries.id > after.id,
                    ),
                )
            )
        ).all()
        if not rows:
            return
        page = public_entries(rows)
        yield page
        after = page[-1]
        if len(rows) < page_size:
            return

"""What marks an entry, stored beside it so that lookups never rescan text: its people, its tags and
its motifs, one row each, rewritten with every write of the entry (like its goal links) and removed
by its tombstone. Each row also carries its entry's ``local_date``, ``kind`` and ``occurred_at``, so
``GET /people``, ``/tags``, renames, echoes and insights read these rows (from one covering index)
without a lookup of the entry."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import Date, Index, String, bindparam, delete
from sqlalchemy.engine import Dialect
from sqlmodel import Field, Session, SQLModel

from app.core.bulk import bulk_insert
from app.core.database import UTCDateTime, table_of
from app.entries.motifs import find_motifs

Mark = Literal["person", "tag", "motif"]
MARKS: tuple[Mark, ...] = ("person", "tag", "motif")
# Folding can lengthen a 60-character label (``ß`` → ``ss``, ``ﬃ`` → ``ffi``): room for three times as much.
FOLDED_LENGTH = 180


class EntryMark(SQLModel, table=True):
    """One person, tag or motif of one entry."""

    __tablename__ = "entry_marks"
    # Covers the reads by mark and key (people, tags, insights, echoes): no lookup of the row or its entry.
    __table_args__ = (
        Index(
            "ix_entry_marks_user_id_mark_key_name",
            "user_id",
            "mark",
            "key",
            "name",
            "kind",
            "local_date",
            "occurred_at",
            "entry_id",
            "fold",
        ),
    )

    entry_id: uuid.UUID = Field(foreign_key="entries.id", ondelete="CASCADE", primary_key=True)
    mark: str = Field(max_length=8, primary_key=True)
    # What makes two marks the same: a person's name as written, a tag lower-cased (tags compare
    # case-insensitively, as the ``tag`` filter does), a motif's digits.
    key: str = Field(sa_type=String(FOLDED_LENGTH), primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    # The name as the entry spells it (a motif as written: ``11:11`` is a clock time, ``1111`` a number).
    name: str = Field(max_length=60)
    # The name case- and accent-folded, for autocomplete by prefix.
    fold: str = Field(sa_type=String(FOLDED_LENGTH))
    # The entry's, as stored on it: written with each version of the entry.
    local_date: date = Field(sa_type=Date)
    kind: str = Field(max_length=20)
    occurred_at: datetime = Field(sa_type=UTCDateTime)


ENTRY_MARKS = table_of(EntryMark)
_ERASE = delete(ENTRY_MARKS).where(ENTRY_MARKS.c.entry_id == bindparam("entry_id"))


def fold(text: str) -> str:
    """``text`` compared case- and accent-insensitively: compatibility-decomposed (NFKD), combining marks
    dropped, case-folded (``"Zoë"`` → ``"zoe"``, ``"STRASSE"`` and ``"Straße"`` → ``"strasse"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character)).casefold()


def mark_key(mark: Mark, name: str) -> str:
    """What makes two names of this mark the same (see ``EntryMark.key``)."""
    return name.lower() if mark == "tag" else name


def marks_of(*, people: Iterable[str], tags: Sequence[str], texts: Iterable[str]) -> list[tuple[Mark, str, str]]:
    """An entry's marks as ``(mark, key, name)``, each key once (the first spelling wins): its people, its
    tags, and the motifs in ``texts`` (its inner and note) and its tags."""
    found: dict[tuple[Mark, str], str] = {}
    for mark, names in (("person", people), ("tag", tags)):
        for name in names:
            found.setdefault((mark, mark_key(mark, name)), name)  # type: ignore[arg-type]
    for motif in find_motifs([*texts, *tags]):
        found[("motif", motif.digits)] = motif.written
    return [(mark, key, name) for (mark, key), name in found.items()]


class Marked(NamedTuple):
    """What marks one entry — its people, its tags, the texts whose motifs mark it (inner and note) — and
    what each of its mark rows copies from it (``local_date``, ``kind``, ``occurred_at``)."""

    entry_id: uuid.UUID
    people: Sequence[str]
    tags: Sequence[str]
    texts: Sequence[str]
    local_date: date
    kind: str
    occurred_at: datetime


def record(session: Session, *, user_id: uuid.UUID, entry: Marked, replace: bool) -> None:
    """Store the entry's marks, after removing those of its previous version when ``replace``."""
    record_many(session, user_id=user_id, entries=[entry], replace=[entry.entry_id] if replace else [])


def record_many(
    session: Session, *, user_id: uuid.UUID, entries: Sequence[Marked], replace: Sequence[uuid.UUID]
) -> None:
    """Store the marks of many entries of ``user_id`` (an import), after removing those of the entries of
    ``replace`` (their previous versions)."""
    dialect = session.get_bind().dialect
    rows = [row for entry in entries for row in mark_rows(dialect, user_id=user_id, entry=entry)]
    store(session, rows=rows, replace=replace)


def mark_rows(dialect: Dialect, *, user_id: uuid.UUID, entry: Marked) -> tuple[tuple[Any, ...], ...]:
    """The rows that store the entry's marks, as the driver of ``dialect`` takes them (``store``)."""
    bulk = bulk_insert(ENTRY_MARKS, dialect)
    return tuple(
        bulk.row(
            {
                "entry_id": entry.entry_id,
                "user_id": user_id,
                "mark": mark,
                "key": key,
                "name": name,
                "fold": fold(name),
                "local_date": entry.local_date,
                "kind": entry.kind,
                "occurred_at": entry.occurred_at,
            }
        )
        for mark, key, name in marks_of(people=entry.people, tags=entry.tags, texts=entry.texts)
    )


def store(session: Session, *, rows: Sequence[tuple[Any, ...]], replace: Sequence[uuid.UUID]) -> None:
    """Insert mark rows (``mark_rows``) in one statement, after removing the marks of the entries of ``replace``."""
    if replace:
        session.execute(_ERASE, [{"entry_id": entry_id} for entry_id in replace])
    bulk_insert(ENTRY_MARKS, session.get_bind().dialect).insert(session, rows)


def erase(session: Session, *, entry_id: uuid.UUID) -> None:
    """A tombstone keeps no marks."""
    session.execute(_ERASE, {"entry_id": entry_id})

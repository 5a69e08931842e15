"""entries.search_text folded for an accent-insensitive ``q``: "zoe" finds Zoë

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 20:30:00

``q`` compares an entry's texts lower-cased, decomposed (NFKD) and without nonspacing marks
(``app.entries.columns.searchable``); before, only lower-cased. Every live entry's ``search_text``
is made again here from its inner, note, meaning, tags, people and place, in batches by id. The fold
is written out below as it stands at this revision, so that a later change to ``searchable`` needs a
migration of its own (and leaves this one as it ran). Tombstones keep their empty text.
"""

import unicodedata
import uuid
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
ENTRIES = sa.table(
    "entries",
    sa.column("id", sa.Uuid()),
    sa.column("inner", sa.Text()),
    sa.column("note", sa.Text()),
    sa.column("meaning", sa.Text()),
    sa.column("tags", sa.JSON()),
    sa.column("people", sa.JSON()),
    sa.column("place", sa.String()),
    sa.column("search_text", sa.Text()),
    sa.column("deleted_at", sa.DateTime()),
)


def folded(text: str) -> str:
    """``searchable`` at this revision: lower-cased, NFKD, nonspacing marks (Mn) dropped."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(character for character in decomposed if unicodedata.category(character) != "Mn")


def refold(connection: sa.Connection) -> None:
    """Make every live entry's ``search_text`` again with ``folded``."""
    entries = ENTRIES.c
    page = (
        sa.select(entries.id, entries.inner, entries.note, entries.meaning, entries.tags, entries.people, entries.place)
        .where(entries.id > sa.bindparam("after"), entries.deleted_at.is_(None))
        .order_by(entries.id)
        .limit(BATCH)
    )
    store = sa.update(ENTRIES).where(entries.id == sa.bindparam("entry_id")).values(search_text=sa.bindparam("text"))
    rows = connection.execute(page, {"after": uuid.UUID(int=0)}).all()
    while rows:
        texts = [
            {
                "entry_id": row.id,
                "text": folded(
                    "\n".join(
                        part
                        for part in (row.inner, row.note, row.meaning, *row.tags, *row.people, row.place or "")
                        if part
                    )
                ),
            }
            for row in rows
        ]
        connection.execute(store, texts)
        rows = connection.execute(page, {"after": rows[-1].id}).all()


def upgrade() -> None:
    refold(op.get_bind())


def downgrade() -> None:
    """Lower-cased only, as revision 0008 stored it."""
    connection = op.get_bind()
    entries = ENTRIES.c
    rows = connection.execute(
        sa.select(entries.id, entries.inner, entries.note, entries.meaning, entries.tags, entries.people, entries.place)
        .where(entries.deleted_at.is_(None))
    ).all()
    texts = [
        {
            "entry_id": row.id,
            "text": "\n".join(
                part for part in (row.inner, row.note, row.meaning, *row.tags, *row.people, row.place or "") if part
            ).lower(),
        }
        for row in rows
    ]
    if texts:
        store = sa.update(ENTRIES).where(entries.id == sa.bindparam("entry_id")).values(search_text=sa.bindparam("text"))
        connection.execute(store, texts)

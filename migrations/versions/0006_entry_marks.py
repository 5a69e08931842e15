"""entry_marks: each live entry's people, tags and motifs, one row each

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:40:00

Existing live entries are marked in Python, the way the write path marks them
(``app.entries.marks``), in batches by id.
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from alembic import op
from app.entries import marks

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
ENTRIES = sa.table(
    "entries",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("inner", sa.Text()),
    sa.column("note", sa.Text()),
    sa.column("tags", sa.JSON()),
    sa.column("people", sa.JSON()),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
)


def backfill(connection: sa.Connection, table: sa.Table) -> None:
    """Mark every live entry from its people, tags and text."""
    entries = ENTRIES.c
    page = (
        sa.select(entries.id, entries.user_id, entries.inner, entries.note, entries.tags, entries.people)
        .where(entries.id > sa.bindparam("after"), entries.deleted_at.is_(None))
        .order_by(entries.id)
        .limit(BATCH)
    )
    rows = connection.execute(page, {"after": uuid.UUID(int=0)}).all()
    while rows:
        found: list[dict[str, Any]] = [
            {"entry_id": entry_id, "user_id": user_id, "mark": mark, "key": key, "name": name, "fold": marks.fold(name)}
            for entry_id, user_id, inner, note, tags, people in rows
            for mark, key, name in marks.marks_of(people=people, tags=tags, texts=(inner, note))
        ]
        if found:
            connection.execute(sa.insert(table), found)
        rows = connection.execute(page, {"after": rows[-1][0]}).all()


def upgrade() -> None:
    table = op.create_table(
        "entry_marks",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("mark", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=180), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("fold", sa.String(length=180), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id", "mark", "key"),
    )
    op.create_index("ix_entry_marks_user_id_mark_key", "entry_marks", ["user_id", "mark", "key"], unique=False)
    backfill(op.get_bind(), table)


def downgrade() -> None:
    op.drop_index("ix_entry_marks_user_id_mark_key", table_name="entry_marks")
    op.drop_table("entry_marks")

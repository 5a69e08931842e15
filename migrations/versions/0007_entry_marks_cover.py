"""entry_marks carry their entry's local_date, kind and occurred_at; covering indexes for insights

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 17:45:00

People, tags, echoes and insights read the marks without looking up each mark's entry: every
mark row gains its entry's ``local_date``, ``kind`` and ``occurred_at`` (copied here, written with
every version since), and one index over ``(user_id, mark, key, name, kind, local_date,
occurred_at, entry_id, fold)`` replaces ``(user_id, mark, key)``. The entries' ``(user_id,
local_date, deleted_at)`` index becomes ``(user_id, local_date, kind, local_hour, deleted_at)``: the
summary's count per day still reads it in its order, and so does the insights' count per day and
kind (no sort), and the count per hour needs no table lookup.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.database import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRIES = sa.table(
    "entries",
    sa.column("id", sa.Uuid()),
    sa.column("local_date", sa.Date()),
    sa.column("kind", sa.String()),
    sa.column("occurred_at", UTCDateTime()),
)
MARKS = sa.table(
    "entry_marks",
    sa.column("entry_id", sa.Uuid()),
    sa.column("local_date", sa.Date()),
    sa.column("kind", sa.String()),
    sa.column("occurred_at", UTCDateTime()),
)
COVERING = ["user_id", "mark", "key", "name", "kind", "local_date", "occurred_at", "entry_id", "fold"]


def upgrade() -> None:
    with op.batch_alter_table("entry_marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("occurred_at", UTCDateTime(), nullable=True))
    of_entry = ENTRIES.c.id == MARKS.c.entry_id
    op.execute(
        MARKS.update().values(
            local_date=sa.select(ENTRIES.c.local_date).where(of_entry).scalar_subquery(),
            kind=sa.select(ENTRIES.c.kind).where(of_entry).scalar_subquery(),
            occurred_at=sa.select(ENTRIES.c.occurred_at).where(of_entry).scalar_subquery(),
        )
    )
    with op.batch_alter_table("entry_marks", schema=None) as batch_op:
        batch_op.alter_column("local_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("kind", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("occurred_at", existing_type=UTCDateTime(), nullable=False)
        batch_op.drop_index("ix_entry_marks_user_id_mark_key")
        batch_op.create_index("ix_entry_marks_user_id_mark_key_name", COVERING, unique=False)
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_user_id_local_date_deleted_at")
        batch_op.create_index(
            "ix_entries_user_id_local_date_kind",
            ["user_id", "local_date", "kind", "local_hour", "deleted_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_user_id_local_date_kind")
        batch_op.create_index(
            "ix_entries_user_id_local_date_deleted_at", ["user_id", "local_date", "deleted_at"], unique=False
        )
    with op.batch_alter_table("entry_marks", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_marks_user_id_mark_key_name")
        batch_op.create_index("ix_entry_marks_user_id_mark_key", ["user_id", "mark", "key"], unique=False)
        batch_op.drop_column("occurred_at")
        batch_op.drop_column("kind")
        batch_op.drop_column("local_date")

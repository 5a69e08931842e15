"""summary indexes: entry_goals carries the entry's owner and local date; covering indexes on entries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:00:00

The summary counts entries per day, per goal and day, and per kind and hour. Each count is read
from one index alone, in the index's order (no table lookups, no sort): ``entry_goals`` gains
``user_id`` and ``local_date`` (copied from its entry, and written with every link since), and
``entries`` gets two covering indexes in place of ``(user_id, local_date)``.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRIES = sa.table(
    "entries", sa.column("id", sa.Uuid()), sa.column("user_id", sa.Uuid()), sa.column("local_date", sa.Date())
)
LINKS = sa.table(
    "entry_goals", sa.column("entry_id", sa.Uuid()), sa.column("user_id", sa.Uuid()), sa.column("local_date", sa.Date())
)


def upgrade() -> None:
    with op.batch_alter_table("entry_goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("local_date", sa.Date(), nullable=True))
    # Deleting an entry takes it off its goals; links left behind by anything else are dropped here.
    deleted = sa.table("entries", sa.column("id", sa.Uuid()), sa.column("deleted_at", sa.DateTime()))
    op.execute(
        LINKS.delete().where(LINKS.c.entry_id.in_(sa.select(deleted.c.id).where(deleted.c.deleted_at.is_not(None))))
    )
    of_entry = ENTRIES.c.id == LINKS.c.entry_id
    op.execute(
        LINKS.update().values(
            user_id=sa.select(ENTRIES.c.user_id).where(of_entry).scalar_subquery(),
            local_date=sa.select(ENTRIES.c.local_date).where(of_entry).scalar_subquery(),
        )
    )
    with op.batch_alter_table("entry_goals", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column("local_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            "ix_entry_goals_user_id_goal_id_local_date", ["user_id", "goal_id", "local_date"], unique=False
        )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_user_id_local_date")
        batch_op.create_index(
            "ix_entries_user_id_local_date_deleted_at", ["user_id", "local_date", "deleted_at"], unique=False
        )
        batch_op.create_index(
            "ix_entries_user_id_kind_local_hour",
            ["user_id", "kind", "local_hour", "local_date", "deleted_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_user_id_kind_local_hour")
        batch_op.drop_index("ix_entries_user_id_local_date_deleted_at")
        batch_op.create_index("ix_entries_user_id_local_date", ["user_id", "local_date"], unique=False)
    with op.batch_alter_table("entry_goals", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_goals_user_id_goal_id_local_date")
        batch_op.drop_column("local_date")
        batch_op.drop_column("user_id")

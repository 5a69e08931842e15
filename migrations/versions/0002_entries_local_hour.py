"""entries.local_hour: the wall-clock hour of each entry, stored at write

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 12:00:00

Existing rows are filled in Python, the way the write path computes it (``zoneinfo``, so every
DST change and historical offset counts as on the wall clock then), in batches by id.
"""

import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import app.core.database
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
ENTRIES = sa.table(
    "entries",
    sa.column("id", sa.Uuid()),
    sa.column("occurred_at", app.core.database.UTCDateTime(timezone=True)),
    sa.column("timezone", sa.String()),
    sa.column("local_hour", sa.SmallInteger()),
)


def backfill(connection: sa.Connection) -> None:
    """Set ``local_hour`` of every entry from its ``occurred_at`` and ``timezone``."""
    page = (
        sa.select(ENTRIES.c.id, ENTRIES.c.occurred_at, ENTRIES.c.timezone)
        .where(ENTRIES.c.id > sa.bindparam("after"))
        .order_by(ENTRIES.c.id)
        .limit(BATCH)
    )
    set_hour = (
        sa.update(ENTRIES).where(ENTRIES.c.id == sa.bindparam("entry_id")).values(local_hour=sa.bindparam("hour"))
    )
    rows = connection.execute(page, {"after": uuid.UUID(int=0)}).all()
    while rows:
        hours = [
            {"entry_id": entry_id, "hour": occurred_at.astimezone(ZoneInfo(timezone)).hour}
            for entry_id, occurred_at, timezone in rows
        ]
        connection.execute(set_hour, hours)
        rows = connection.execute(page, {"after": rows[-1][0]}).all()


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_hour", sa.SmallInteger(), nullable=True))
    backfill(op.get_bind())
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.alter_column("local_hour", existing_type=sa.SmallInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("local_hour")

"""entries.public_json: each live entry's public JSON, served as stored by the timeline and /changes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:10:00

Every write renders it from now on (``app.entries.columns.stored_row``); entries stored before are
rendered here, in Python, by the same function and in batches by id, so that every read can serve
the column from the first request on (filled lazily instead, each read would need the old path
beside the new one). Tombstones keep null: their text is erased. A later change to ``EntryPublic``'s
fields needs a migration that renders every live entry again, like this one.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.database import UTCDateTime
from app.entries.columns import public_json
from app.entries.models import EntryPublic

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
ENTRIES = sa.table(
    "entries",
    sa.column("id", sa.Uuid()),
    sa.column("occurred_at", UTCDateTime()),
    sa.column("timezone", sa.String()),
    sa.column("local_date", sa.Date()),
    sa.column("kind", sa.String()),
    sa.column("inner", sa.Text()),
    sa.column("note", sa.Text()),
    sa.column("meaning", sa.Text()),
    sa.column("intensity", sa.Integer()),
    sa.column("tags", sa.JSON()),
    sa.column("people", sa.JSON()),
    sa.column("place", sa.String()),
    sa.column("lat", sa.Float()),
    sa.column("lon", sa.Float()),
    sa.column("source", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("deleted_at", UTCDateTime()),
    sa.column("public_json", sa.Text()),
)
LINKS = sa.table("entry_goals", sa.column("entry_id", sa.Uuid()), sa.column("goal_id", sa.Uuid()))


def backfill(connection: sa.Connection) -> None:
    """Render every live entry's public JSON, with its goal ids, as the write path does."""
    entries = ENTRIES.c
    page = (
        sa.select(*(column for column in ENTRIES.c if column.name not in ("deleted_at", "public_json")))
        .where(entries.id > sa.bindparam("after"), entries.deleted_at.is_(None))
        .order_by(entries.id)
        .limit(BATCH)
    )
    linked = sa.select(LINKS.c.entry_id, LINKS.c.goal_id).where(
        LINKS.c.entry_id.in_(sa.bindparam("entry_ids", expanding=True))
    )
    store = sa.update(ENTRIES).where(entries.id == sa.bindparam("entry_id")).values(public_json=sa.bindparam("json"))
    rows = connection.execute(page, {"after": uuid.UUID(int=0)}).all()
    while rows:
        goal_ids: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for entry_id, goal_id in connection.execute(linked, {"entry_ids": [row.id for row in rows]}):
            goal_ids[entry_id].append(goal_id)
        rendered = [
            {
                "entry_id": row.id,
                "json": public_json(
                    EntryPublic.model_validate({**row._asdict(), "goal_ids": sorted(goal_ids[row.id], key=str)})
                ),
            }
            for row in rows
        ]
        connection.execute(store, rendered)
        rows = connection.execute(page, {"after": rows[-1].id}).all()


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_json", sa.Text(), nullable=True))
    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("public_json")

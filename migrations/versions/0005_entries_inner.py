"""entries.inner: what was on the person's mind just before the outer event

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 16:30:00

Existing entries get an empty ``inner``; their ``search_text`` needs no change (it adds nothing).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inner", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("inner")

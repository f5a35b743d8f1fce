"""publish_record.remote_ref holds a remote reference whole (TikTok image URIs run past 200)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publish_record", schema=None) as batch_op:
        batch_op.alter_column(
            "remote_ref",
            existing_type=sa.String(length=200),
            type_=sa.Text(),
            existing_nullable=True,
        )


def downgrade() -> None:
    # A reference longer than 200 characters cannot go back into the old column whole;
    # it is cut, as the old code cut it.
    op.execute("UPDATE publish_record SET remote_ref = substr(remote_ref, 1, 200)")
    with op.batch_alter_table("publish_record", schema=None) as batch_op:
        batch_op.alter_column(
            "remote_ref",
            existing_type=sa.Text(),
            type_=sa.String(length=200),
            existing_nullable=True,
        )

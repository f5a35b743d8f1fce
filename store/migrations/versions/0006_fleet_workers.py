"""which worker ran each job, and the workers seen alive (cadence fleet status)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker", sa.String(length=128), nullable=True))
    op.create_table(
        "fleet_worker",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("shops", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fleet_worker")),
    )


def downgrade() -> None:
    op.drop_table("fleet_worker")
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_column("worker")

"""uncertain deliveries: a send is recorded as it begins, so one whose process died before
the target answered is known (it may have been delivered) and never sent again

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD = "state IN ('pending', 'delivered', 'failed', 'dropped')"
NEW = "state IN ('pending', 'delivered', 'failed', 'dropped', 'uncertain')"


def _check(condition: str) -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_state"), type_="check")
        batch_op.create_check_constraint("state", condition)


def upgrade() -> None:
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.alter_column("ok", existing_type=sa.Boolean(), nullable=True)
    _check(NEW)


def downgrade() -> None:
    # The older code knows no "maybe": what may have been delivered counts as delivered
    # there too, so it is still never sent again.
    op.execute("UPDATE delivery_attempt SET ok = true WHERE ok IS NULL")
    op.execute("UPDATE outbox_message SET state = 'delivered' WHERE state = 'uncertain'")
    _check(OLD)
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.alter_column("ok", existing_type=sa.Boolean(), nullable=False)

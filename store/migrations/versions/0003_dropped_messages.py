"""dropped messages: held by quiet hours and out of date when their time came

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD = "state IN ('pending', 'delivered', 'failed')"
NEW = "state IN ('pending', 'delivered', 'failed', 'dropped')"


def _check(condition: str) -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_state"), type_="check")
        batch_op.create_check_constraint("state", condition)


def upgrade() -> None:
    _check(NEW)


def downgrade() -> None:
    op.execute("UPDATE outbox_message SET state = 'failed' WHERE state = 'dropped'")
    _check(OLD)

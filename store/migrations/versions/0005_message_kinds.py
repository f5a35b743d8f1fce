"""message kinds and severities checked like every other state

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# As written, not imported: a migration states what the schema was at its revision.
SEVERITIES = "severity IN ('info', 'warning', 'critical')"
KINDS = "kind IN ('firing', 'repeat', 'resolved', 'digest')"


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_check_constraint("severity", SEVERITIES)
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_check_constraint("kind", KINDS)
        batch_op.create_check_constraint("severity", SEVERITIES)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_severity"), type_="check")
        batch_op.drop_constraint(op.f("ck_outbox_message_kind"), type_="check")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_alert_severity"), type_="check")

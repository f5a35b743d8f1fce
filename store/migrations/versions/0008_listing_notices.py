"""notices about listings: alerts about one thing in a shop (a blocked item), read by item

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# As written, not imported: a migration states what the schema was at its revision.
RULES = "'behind', 'at_risk', 'missed', 'new_shop_daily', 'reminder'"
OLD = f"rule IN ({RULES})"
NEW = f"rule IN ({RULES}, 'review_waiting', 'item_blocked', 'items_blocked')"
LISTING_RULES = "('review_waiting', 'item_blocked', 'items_blocked')"


def _rules(condition: str) -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_alert_rule"), type_="check")
        batch_op.create_check_constraint("rule", condition)


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.drop_constraint(op.f("uq_alert_shop_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_alert_shop_id"), ["shop_id", "period_start", "rule", "subject"]
        )
    _rules(NEW)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")
    listing_alerts = f"SELECT id FROM alert WHERE rule IN {LISTING_RULES}"
    messages = f"SELECT id FROM outbox_message WHERE alert_id IN ({listing_alerts})"
    op.execute(f"DELETE FROM delivery_attempt WHERE message_id IN ({messages})")
    op.execute(f"DELETE FROM outbox_message WHERE id IN ({messages})")
    op.execute(f"DELETE FROM alert WHERE rule IN {LISTING_RULES}")
    _rules(OLD)
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_alert_shop_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_alert_shop_id"), ["shop_id", "period_start", "rule"]
        )
        batch_op.drop_column("subject")

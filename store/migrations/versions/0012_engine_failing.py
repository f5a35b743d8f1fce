"""the team told of a translation engine failing behind its fallback: a rule of its own

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# As written, not imported: a migration states what the schema was at its revision.
RULES = (
    "'behind', 'at_risk', 'missed', 'new_shop_daily', 'reminder', 'review_waiting', "
    "'item_blocked', 'items_blocked'"
)
OLD = f"rule IN ({RULES})"
NEW = f"rule IN ({RULES}, 'engine_failing')"


def _rules(condition: str) -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_alert_rule"), type_="check")
        batch_op.create_check_constraint("rule", condition)


def upgrade() -> None:
    _rules(NEW)


def downgrade() -> None:
    engine_alerts = "SELECT id FROM alert WHERE rule = 'engine_failing'"
    messages = f"SELECT id FROM outbox_message WHERE alert_id IN ({engine_alerts})"
    op.execute(f"DELETE FROM delivery_attempt WHERE message_id IN ({messages})")
    op.execute(f"DELETE FROM outbox_message WHERE id IN ({messages})")
    op.execute("DELETE FROM alert WHERE rule = 'engine_failing'")
    _rules(OLD)

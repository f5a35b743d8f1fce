"""a team's cadence: reminders, overrides of detection, messages to the whole team

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RULES = "'behind', 'at_risk', 'missed', 'new_shop_daily'"
OLD = f"rule IN ({RULES})"
NEW = f"rule IN ({RULES}, 'reminder')"


def _rules(condition: str) -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_alert_rule"), type_="check")
        batch_op.create_check_constraint("rule", condition)


def _team_messages(allowed: bool) -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column(
            "shop_id", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=allowed
        )


def upgrade() -> None:
    _rules(NEW)
    _team_messages(True)
    op.create_table(
        "video_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("video_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("original", sa.Boolean(), nullable=True),
        sa.Column("has_product", sa.Boolean(), nullable=True),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_video_override_shop_id_shop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_override")),
        sa.UniqueConstraint("shop_id", "video_id", name=op.f("uq_video_override_shop_id")),
    )


def _forget(messages: str) -> None:
    """Delete the outbox messages the subquery selects, and their delivery attempts."""
    op.execute(f"DELETE FROM delivery_attempt WHERE message_id IN ({messages})")
    op.execute(f"DELETE FROM outbox_message WHERE id IN ({messages})")


def downgrade() -> None:
    op.drop_table("video_override")
    _forget("SELECT id FROM outbox_message WHERE shop_id IS NULL")
    _team_messages(False)
    _forget(
        "SELECT m.id FROM outbox_message m JOIN alert a ON a.id = m.alert_id "
        "WHERE a.rule = 'reminder'"
    )
    op.execute("DELETE FROM alert WHERE rule = 'reminder'")
    _rules(OLD)

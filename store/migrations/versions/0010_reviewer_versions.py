"""reviewer versions and rejections that lead somewhere: an item's version as a reviewer
counts it, whether it waits for a person's translation, and what a rejection rejected

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("localization_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("needs_person", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("detail", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    _count_revisions()


def _count_revisions() -> None:
    """An item's reviewer version is the number of changes to its text so far (the audit
    trail holds each one with the text before and after); an item with text and no such
    entry (written before the trail kept texts) is at 1, one never translated at 0."""
    conn = op.get_bind()
    changes: dict[str, int] = {}
    rows = conn.execute(
        sa.text(
            "SELECT entity_id, detail FROM audit_event "
            "WHERE entity = 'localization_item' AND action != 'not applied'"
        )
    )
    for entity_id, detail in rows:
        if isinstance(detail, str):  # SQLite hands JSON back as text here
            try:
                detail = json.loads(detail)
            except ValueError:
                continue
        if isinstance(detail, dict) and detail.get("text"):
            changes[entity_id] = changes.get(entity_id, 0) + 1
    items = conn.execute(sa.text("SELECT id, title, description, caption FROM localization_item"))
    update = sa.text("UPDATE localization_item SET revision = :revision WHERE id = :id")
    for item_id, *texts in items.all():
        counted = changes.get(str(item_id), 0)
        has_text = any(t is not None for t in texts)
        if counted or has_text:
            conn.execute(update, {"revision": max(counted, 1), "id": item_id})


def downgrade() -> None:
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.drop_column("detail")
    with op.batch_alter_table("localization_item", schema=None) as batch_op:
        batch_op.drop_column("needs_person")
        batch_op.drop_column("revision")

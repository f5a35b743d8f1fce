"""store.item_rows names the item, listing, review decision and audit tables' columns again
for SQLAlchemy Core (so that `localize review` paints its first item without the ORM); here
they are held to the tables themselves, every column of them, since a Record stands for a
whole row."""

from __future__ import annotations

import pytest
from sqlalchemy import TableClause
from sqlmodel.sql.sqltypes import AutoString

from store.item_rows import AUDIT, DECISION, ITEM, LISTING
from store.models import AuditEvent, Listing, LocalizationItem, ReviewDecision


@pytest.mark.parametrize(
    ("core", "model"),
    [
        (ITEM, LocalizationItem),
        (LISTING, Listing),
        (DECISION, ReviewDecision),
        (AUDIT, AuditEvent),
    ],
)
def test_the_core_columns_are_the_tables_own_with_their_types(
    core: TableClause, model: type
) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    assert core.name == table.name
    assert list(core.c.keys()) == list(table.c.keys())  # a Record has every attribute
    for column in core.c:
        declared = table.c[column.name].type
        if isinstance(declared, AutoString):  # SQLModel's str: a String sized per database
            declared = declared.impl
        # the same type, so values come back the same (aware datetimes, JSON, dates)
        assert type(declared) is type(column.type), column.name

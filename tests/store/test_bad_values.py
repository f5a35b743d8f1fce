"""A value no column can hold is the input's fault: a StoreError naming it, on both stores."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from store.db import StoreError, read_scope, session_scope
from store.models import LocalizationItem


@pytest.mark.parametrize("value", [2**31, 2**63, 10**23, -(2**63) - 1])
def test_an_id_out_of_range_is_a_store_error_naming_it(engine: Engine, value: int) -> None:
    query = select(LocalizationItem).where(col(LocalizationItem.id) == value)
    if engine.dialect.name == "sqlite" and -(2**63) <= value < 2**63:
        with read_scope(engine) as session:  # SQLite's integers are 64-bit: it names nothing
            assert session.exec(query).all() == []
        return
    with pytest.raises(StoreError) as raised:
        with read_scope(engine) as session:
            session.exec(query).all()
    assert str(value) in raised.value.message
    assert "out of range" in raised.value.message


def test_an_id_in_range_still_works(engine: Engine) -> None:
    with session_scope(engine) as session:
        found = session.exec(
            select(LocalizationItem).where(col(LocalizationItem.id) == 2**31 - 1)
        ).all()
    assert found == []

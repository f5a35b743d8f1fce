"""store.video_facts names the video tables' columns again for SQLAlchemy Core (so that
`cadence status` imports no ORM); here they are held to the tables themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import TableClause
from sqlmodel.sql.sqltypes import AutoString

from store.models import Video, VideoOverride
from store.video_facts import VIDEO, VIDEO_OVERRIDE


@pytest.mark.parametrize(("core", "model"), [(VIDEO, Video), (VIDEO_OVERRIDE, VideoOverride)])
def test_each_core_column_is_the_tables_own_with_its_type(core: TableClause, model: type) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    assert core.name == table.name
    for column in core.c:
        assert column.name in table.c, f"{table.name} has no column {column.name}"
        declared = table.c[column.name].type
        if isinstance(declared, AutoString):  # SQLModel's str: a String sized per database
            declared = declared.impl
        # the same type, so values come back the same (aware datetimes, JSON lists, bools)
        assert type(declared) is type(column.type), column.name

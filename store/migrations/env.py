"""Alembic environment: migrations run on the connection `store.db.migrate` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import store.models  # noqa: F401  (registers the tables)
from store.db import ours
from store.models import metadata

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=ours,  # procrastinate's tables are its own
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # `alembic revision --autogenerate` from a developer's shell
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///migrations-dev.db"
    with create_engine(url).begin() as conn:
        _run(conn)

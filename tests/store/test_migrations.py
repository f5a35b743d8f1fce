"""Migrations: from empty to head on each backend, repeatable, and in step with the models."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from store.db import HEAD_REVISION, current_revision, make_engine, migrate, open_store
from store.models import metadata


def test_migrating_an_empty_database_creates_every_table(db_url: str) -> None:
    engine = open_store(db_url)
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables
    engine.dispose()


def test_the_head_constant_is_alembics_head() -> None:
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import store.db

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store.db.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_migrating_twice_changes_nothing(db_url: str) -> None:
    engine = open_store(db_url)
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == HEAD_REVISION
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()


def test_the_migrations_match_the_models(db_url: str) -> None:
    engine = open_store(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models changed without a migration: {diff}"
    engine.dispose()


def test_processes_starting_together_migrate_once(db_url: str) -> None:
    errors: list[str] = []

    def start() -> None:
        try:
            engine = make_engine(db_url)
            migrate(engine)
            engine.dispose()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors[0]


def test_an_unreachable_database_is_one_clear_error_without_its_password() -> None:
    import pytest

    from store.db import StoreError
    from tests.httpserver import closed_port

    url = f"postgresql://shop:hunter2@127.0.0.1:{closed_port()}/shopbot"
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert message.startswith("database postgresql://shop:***@127.0.0.1:")
    assert "cannot open it" in message and "hunter2" not in message


def test_a_url_that_is_not_a_database_is_refused() -> None:
    import pytest

    from store.db import StoreError

    with pytest.raises(StoreError, match="only sqlite:// and postgresql:// databases"):
        make_engine("mysql://x/y")
    with pytest.raises(StoreError, match="not a database URL"):
        make_engine("not a url")

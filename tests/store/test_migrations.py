"""Migrations: from empty to head on each backend, repeatable, and in step with the models."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from store.db import HEAD_REVISION, current_revision, make_engine, migrate, open_store, ours
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
        context = MigrationContext.configure(conn, opts={"include_name": ours})
        diff = compare_metadata(context, metadata)
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


def test_passwords_are_hidden_wherever_the_url_carries_them() -> None:
    import config.urls
    from store.db import StoreError, redact

    assert redact is config.urls.redact  # one redactor, one list of secret parameters
    shown = redact("postgresql://shop:hunter2@db/x?sslpassword=s3cret&application_name=bot")
    assert "hunter2" not in shown and "s3cret" not in shown
    assert shown == "postgresql://shop:***@db/x?sslpassword=***&application_name=bot"
    assert "hunter2" not in redact("not really://shop:hunter2@db x")
    # SQLAlchemy reads the password up to the first @, a / included
    assert redact("postgresql://shop:hun/ter2@db/x") == "postgresql://shop:***@db/x"
    message = StoreError("postgresql://u:p@127.0.0.1/x?access_token=t0k", "no").message
    assert "t0k" not in message and ":p@" not in message


def test_a_plain_path_is_a_sqlite_file_and_memory_is_refused(tmp_path: Path) -> None:
    import pytest

    from store.db import StoreError, normalise_url

    path = tmp_path / "data" / "shop.db"
    with pytest.raises(StoreError, match=r"the folder .*data does not exist; create it first"):
        open_store(str(path))  # a typo in --db must not make folders (and a store) anywhere
    assert not path.parent.exists()
    path.parent.mkdir()
    engine = open_store(str(path))
    assert path.exists() and engine.url.database == str(path)
    engine.dispose()
    with pytest.raises(StoreError, match="is a folder; name a file in it"):
        open_store(str(tmp_path))
    assert normalise_url("data/shop.db").startswith("sqlite:////")
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(StoreError, match="in-memory database keeps nothing"):
            open_store(url)


def test_a_store_from_a_newer_version_says_so(tmp_path: Path) -> None:
    import pytest
    from sqlalchemy import text

    from store.db import StoreError

    url = f"sqlite:///{tmp_path / 'new.db'}"
    open_store(url).dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StoreError, match="written by a newer shopbot .*0099.*upgrade shopbot"):
        open_store(url)


def test_a_read_only_store_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    import pytest

    from store.db import StoreError, session_scope
    from store.models import Shop

    path = tmp_path / "ro.db"
    open_store(f"sqlite:///{path}").dispose()
    # Opened read-only (as a file without write permission is, for anyone but root).
    engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(StoreError, match="it is read-only; check the file's permissions"):
        with session_scope(engine) as s:
            s.add(Shop(id="x", market="TH", timezone="Asia/Bangkok"))
    engine.dispose()


def test_readers_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    """A write transaction holds SQLite's lock; a read still answers at once."""
    import time

    from sqlmodel import select

    from store.db import read_scope, session_scope
    from store.models import Shop

    engine = open_store(f"sqlite:///{tmp_path / 'busy.db'}")
    with session_scope(engine) as s:
        s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
    other = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    with session_scope(engine) as writing:
        writing.add(Shop(id="acme-uk", market="UK", timezone="Europe/London"))
        writing.flush()  # the write lock is held from BEGIN IMMEDIATE until commit
        started = time.perf_counter()
        with read_scope(other) as s:
            assert [r.id for r in s.exec(select(Shop))] == ["acme-th"]
        assert time.perf_counter() - started < 1.0
    other.dispose()
    engine.dispose()


def test_two_processes_registering_one_shop_both_succeed(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import select

    from store.db import session_scope
    from store.models import Shop
    from store.queries import sync_shops

    engine = open_store(db_url)
    row = {"id": "acme-th", "market": "TH", "timezone": "Asia/Bangkok", "weekly_quota": 3}

    def register(_: int) -> int:
        with session_scope(engine) as s:
            return sync_shops(s, shops=[row])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(register, range(8)))
    with session_scope(engine) as s:
        assert [r.id for r in s.exec(select(Shop))] == ["acme-th"]
    engine.dispose()


def _procrastinate_objects(engine) -> list[str]:  # type: ignore[no-untyped-def]
    """procrastinate's tables, functions and types in the store's schema."""
    if engine.dialect.name != "postgresql":
        return [t for t in inspect(engine).get_table_names() if t.startswith("procrastinate_")]
    sql = """
        SELECT relname FROM pg_class WHERE relname LIKE 'procrastinate%%'
            AND relnamespace = current_schema()::regnamespace AND relkind = 'r'
        UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'procrastinate%%'
            AND pronamespace = current_schema()::regnamespace
        UNION ALL SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%%'
            AND typnamespace = current_schema()::regnamespace AND typtype IN ('e', 'c')
    """
    with engine.connect() as conn:
        return sorted(conn.exec_driver_sql(sql).scalars())


def test_procrastinates_schema_is_applied_on_postgresql_only_and_goes_down_again(
    db_url: str,
) -> None:
    from tests.store.test_upgrades import upgrade_to

    engine = open_store(db_url)
    objects = _procrastinate_objects(engine)
    if engine.dialect.name == "postgresql":
        assert {"procrastinate_jobs", "procrastinate_workers", "procrastinate_fetch_job_v2"} <= set(
            objects
        )
        with engine.connect() as conn:  # its own functions answer
            assert conn.exec_driver_sql("SELECT procrastinate_register_worker_v1()").scalar()
    else:
        assert objects == []
    upgrade_to(engine, "0008", verb="downgrade")
    assert _procrastinate_objects(engine) == []
    migrate(engine)  # and up again
    assert len(_procrastinate_objects(engine)) == len(objects)
    engine.dispose()


def test_a_process_that_stays_up_has_its_store_migrated_by_a_child(db_url: str) -> None:
    """A daemon migrates a new store in a child process: the store is current, and the
    daemon's own process never imported Alembic (which it would keep, some 14 MB)."""
    probe = (
        "import os, sys\n"
        "from store.db import current_revision, open_store\n"
        "engine = open_store(os.environ['URL'], migrate_apart=True)\n"
        "print(current_revision(engine), 'alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "URL": db_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [HEAD_REVISION, "False"]


def test_a_migration_the_child_cannot_do_is_reported_as_in_process(tmp_path: Path) -> None:
    import pytest
    from sqlalchemy import text

    from store.db import StoreError

    url = f"sqlite:///{tmp_path / 'new.db'}"
    open_store(url).dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StoreError, match="written by a newer shopbot .*0099.*upgrade shopbot"):
        open_store(url, migrate_apart=True)

"""Opening the store: engines for SQLite and PostgreSQL, migrations, transactions."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from config.errors import AppError

SQLITE_BUSY_TIMEOUT_MS = 15_000
_MIGRATION_LOCK = 0x5B0B07  # pg_advisory_xact_lock key: one migrator at a time


class StoreError(AppError):
    """The database cannot be opened or migrated."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"database {redact(url)}: {problem}")


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def normalise_url(url: str) -> str:
    """Point bare postgres:// URLs at the psycopg 3 driver this project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`: SQLite with WAL, a busy timeout and foreign keys; or PostgreSQL."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            url, "not a database URL; use sqlite:///PATH or postgresql://..."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(url, "only sqlite:// and postgresql:// databases are supported")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if not database or database == ":memory:":
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(url, f"cannot create its folder: {exc.strerror}") from exc
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE below is ours.
        dbapi_conn.isolation_level = None
        _with_retry(dbapi_conn, f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _with_retry(dbapi_conn, "PRAGMA foreign_keys=ON")
        _with_retry(dbapi_conn, "PRAGMA synchronous=NORMAL")
        if _with_retry(dbapi_conn, "PRAGMA journal_mode") != "wal":
            _with_retry(dbapi_conn, "PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that later
        # writes can fail with SQLITE_BUSY at once instead of waiting its turn.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _with_retry(dbapi_conn: Any, sql: str) -> Any:
    """Run a connect-time PRAGMA, waiting out a lock the busy handler does not cover.

    Switching a new file to WAL needs an exclusive lock, and SQLite reports "database is
    locked" at once (without the busy handler) while another process is creating the file.
    """
    delay, waited = 0.01, 0.0
    while True:
        try:
            row = dbapi_conn.execute(sql).fetchone()
            return row[0] if row else None
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited > SQLITE_BUSY_TIMEOUT_MS / 1000:
                raise
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.5)


# The newest migration; tests/store/test_migrations.py keeps it equal to Alembic's head.
HEAD_REVISION = "0001"


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision, or None for an empty database."""
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except (OperationalError, ProgrammingError):
        return None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe when several processes start at once."""
    # Most commands find the store current: skip importing Alembic (a tenth of a second).
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str) -> Engine:
    """Open the database at `url` and migrate it; errors become StoreError."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(url, f"cannot open it: {exc.orig}") from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(url, f"cannot migrate it: {exc}") from exc
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

"""Opening the store: engines for SQLite and PostgreSQL, migrations, transactions."""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DataError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.pool import StaticPool

from config.errors import AppError, echoed
from config.urls import redact

if TYPE_CHECKING:  # imported where a session is made: a Core reader needs no ORM
    from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Seconds psycopg waits for a PostgreSQL server to take a connection, unless the URL says
# (?connect_timeout=N): a port that accepts and never answers held a command 262 s, mute.
PG_CONNECT_TIMEOUT = 10
_PG_LEAST_TIMEOUT = 2  # psycopg waits at least this long, whatever the URL says
_MIGRATION_LOCK = 0x5B0B07  # pg_advisory_xact_lock key: one migrator at a time


class StoreError(AppError):
    """The database cannot be opened, migrated or written."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"database {echoed(redact(url))}: {problem}")


_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def normalise_url(url: str) -> str:
    """Point bare postgres:// URLs at the psycopg 3 driver this project installs; take a
    plain path to a SQLite file (`data/shop.db`) as the sqlite:/// URL it means."""
    if "\x00" in url:  # no driver or file system takes one; say so before either chokes
        raise StoreError(url.replace("\x00", "\\x00"), "a NUL character cannot be in a URL")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" not in url and url.strip() and (url.lower().endswith(_SQLITE_SUFFIXES) or "/" in url):
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


_NOT_A_URL = (
    "not a database URL or a path to a .db file; use sqlite:///PATH, a path such "
    "as data/shop.db, or postgresql://USER@HOST/DB"
)


def make_engine(url: str) -> Engine:
    """An engine for `url`: SQLite with WAL, a busy timeout and foreign keys; or PostgreSQL."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(url, _NOT_A_URL) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(url, parsed.database)
        elif parsed.get_backend_name() == "postgresql":
            given = "connect_timeout" in parsed.query
            connect = {} if given else {"connect_timeout": PG_CONNECT_TIMEOUT}
            engine = create_engine(url, pool_pre_ping=True, connect_args=connect)
        else:
            raise StoreError(url, "only sqlite:// and postgresql:// databases are supported")
    except ArgumentError:  # sqlite://host/...: its text repeats the URL, password and all
        raise StoreError(url, "SQLite takes a file, not a host: use sqlite:///PATH") from None
    event.listen(engine, "handle_error", functools.partial(_bad_value, url))
    return engine


def _bad_value(url: str, context: ExceptionContext) -> None:
    """A value the column cannot hold (a number past 2**63 on SQLite, past 2**31 on
    PostgreSQL, a NUL byte there) is the input's fault: a StoreError naming it."""
    original = context.original_exception
    if not isinstance(original, OverflowError) and not isinstance(
        context.sqlalchemy_exception, DataError
    ):
        return
    params = context.parameters
    values = list(params.values() if isinstance(params, dict) else params or ())
    big = [v for v in values if isinstance(v, int) and not -(2**31) <= v < 2**31]
    if big:
        raise StoreError(
            url, f"the number {big[0]} is out of range (ids and counts go up to {2**31 - 1})"
        )
    if isinstance(original, OverflowError):
        raise StoreError(url, f"a number is out of range (ids and counts go up to {2**31 - 1})")
    lines = str(original).strip().splitlines()
    raise StoreError(
        url, f"a value cannot be stored: {lines[0] if lines else type(original).__name__}"
    )


def _sqlite_engine(url: str, database: str | None) -> Engine:
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if not database or database == ":memory:":
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    elif not database.startswith("file:"):  # a SQLite URI names its file itself
        # A folder is not made here: a typo in --db would quietly make one (and an empty
        # store) anywhere. The data folder, the default's, is made by config.runtime.
        path = Path(database).expanduser()
        try:
            folder, parent = path.is_dir(), path.parent.is_dir()
        except OSError as exc:  # a name too long to look up (exit 3 before)
            raise StoreError(url, f"cannot be used: {exc.strerror or exc}") from None
        if folder:
            raise StoreError(url, f"is a folder; name a file in it, such as {path / 'shopbot.db'}")
        if not parent:
            raise StoreError(
                url,
                f"the folder {path.parent} does not exist; create it first, or leave --db out "
                "to use the data folder",
            )
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
        # A writer takes the write lock up front with IMMEDIATE: a deferred transaction
        # that later writes can fail with SQLITE_BUSY at once instead of waiting its turn.
        # A reader begins deferred: in WAL mode it never waits for a writer.
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
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
HEAD_REVISION = "0013"


def ours(name: str | None, type_: str, _parents: object) -> bool:
    """Whether a database object is one our models describe: procrastinate's tables (migration
    0009) are its own, left out when the models are compared with the database."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision, or None for an empty database."""
    # A store that cannot be reached is said by the caller, once: swallowed here, the
    # migration would connect again and wait out a silent server's timeout twice.
    with reader(engine).connect() as conn:
        try:
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
    from alembic.util.exc import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as conn, _keys_checked_at_commit(conn), conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
        except CommandError as exc:
            if "Can't locate revision" not in str(exc):
                raise
            raise NewerStore(str(engine.url), current_revision(engine)) from None
        if (
            conn.dialect.name == "sqlite"
            and conn.exec_driver_sql("PRAGMA foreign_key_check").first()
        ):
            raise StoreError(str(engine.url), "a migration left rows pointing at no row")


@contextmanager
def _keys_checked_at_commit(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys off for the migration's transaction (checked whole before it
    commits), on again after; nothing elsewhere.

    A batch migration rebuilds a table (copy, drop, rename) that other tables point at, and
    SQLite refuses that drop while keys are enforced; the setting cannot change inside a
    transaction, so it is switched on the driver's connection before one begins.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = conn.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


class NewerStore(StoreError):
    """The store was written by a newer version of shopbot."""

    def __init__(self, url: str, revision: str | None) -> None:
        super().__init__(
            url,
            f"written by a newer shopbot (schema revision {revision}; this version knows up "
            f"to {HEAD_REVISION}); upgrade shopbot, or point --db at another store",
        )


def open_store(url: str, *, migrate_apart: bool = False) -> Engine:
    """Open the database at `url` and migrate it; errors become StoreError.

    An in-memory SQLite database is refused: everything a command wrote would be lost.
    `migrate_apart` (for a process that stays up, such as a daemon) migrates a store that
    is not current in a child process, so that Alembic and what a migration loads (some
    14 MB) do not stay in this one; a migration the child could not do is tried here
    again, which raises the error this process would have met.
    """
    if _in_memory(normalise_url(url)):
        raise StoreError(
            url,
            "an in-memory database keeps nothing after the command; give a file "
            "(sqlite:///PATH or a path such as data/shop.db)",
        )
    engine = make_engine(url)
    try:
        if migrate_apart and current_revision(engine) != HEAD_REVISION:
            _migrate_in_child(url)
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        problem = _unanswered(engine, exc) or _unwritable(engine) or _reason(exc)
        raise StoreError(url, f"cannot open it: {problem}") from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(url, f"cannot migrate it: {_reason(exc)}") from exc
    return engine


_MIGRATE_URL = "SHOPBOT_MIGRATE_URL"  # the URL goes to the child by its environment, not
# its command line, which other users of the machine can read (with a password in it)


def _migrate_in_child(url: str) -> None:
    """Migrate the store at `url` in a child Python that imports what this one does; its
    failure is left for the caller's own migration to meet and report."""
    import os
    import subprocess
    import sys

    code = f"import os; from store.db import open_store; open_store(os.environ[{_MIGRATE_URL!r}])"
    env = {**os.environ, _MIGRATE_URL: url, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)


def _in_memory(url: str) -> bool:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return False
    return (
        parsed.get_backend_name() == "sqlite"
        and not parsed.host
        and parsed.database in (None, "", ":memory:")
    )


_READ_ONLY = "shopbot_read_only"


def reader(engine: Engine) -> Engine:
    """The same engine for reading only: on SQLite its transactions never take the write
    lock, so a long import cannot make `status` wait (PostgreSQL readers never wait)."""
    return engine.execution_options(**{_READ_ONLY: True})


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on error; a database
    that is read-only, locked too long or gone is a StoreError, not a traceback."""
    from sqlmodel import Session

    with _as_store_errors(engine), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A Core connection in a transaction committed on success and rolled back on error,
    for what a command writes without the ORM; errors as in `session_scope`."""
    with _as_store_errors(engine), engine.begin() as conn:
        yield conn


@contextmanager
def _as_store_errors(engine: Engine) -> Iterator[None]:
    """A database that is read-only, locked too long, gone or damaged as a StoreError (the
    work already rolled back); an integrity error stays the caller's to handle."""
    try:
        yield
    except OperationalError as exc:
        raise StoreError(str(engine.url), _operational(exc, engine)) from exc
    except DatabaseError as exc:
        if type(exc) is not DatabaseError:
            raise
        raise StoreError(str(engine.url), damaged(engine, _reason(exc))) from exc


def damaged(engine: Engine, problem: str) -> str:
    """What to say of a damaged SQLite file, and what to do about it."""
    path = engine.url.database or str(engine.url)
    return (
        f"the file {path} is damaged ({problem.strip().splitlines()[0]}); stop every process "
        f"that uses it, then restore it from a backup, or recover what it holds with "
        f"`sqlite3 {path} .recover | sqlite3 {path}.recovered` and use that file"
    )


def check_intact(engine: Engine) -> None:
    """StoreError naming the file when a SQLite store is damaged (PRAGMA quick_check reads
    every page once: for a daemon's start, not every command); a PostgreSQL server looks
    after its own pages."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with reader(engine).connect() as conn:
            found = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check(3)")]
    except OperationalError as exc:
        raise StoreError(str(engine.url), _operational(exc, engine)) from None
    except DatabaseError as exc:  # "file is not a database", or damaged before any row
        raise StoreError(str(engine.url), damaged(engine, _reason(exc))) from None
    if found != ["ok"]:
        raise StoreError(str(engine.url), damaged(engine, found[0] if found else "no answer"))


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session for reading (see `reader`); nothing it holds is written."""
    with session_scope(reader(engine)) as session:
        yield session


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection for reading (see `reader`), for what a command reads without the
    ORM; a database locked too long or gone is a StoreError, as in `session_scope`."""
    try:
        with reader(engine).connect() as conn:
            yield conn
    except OperationalError as exc:
        raise StoreError(str(engine.url), _unanswered(engine, exc) or _operational(exc)) from exc


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own words: without SQLAlchemy's "[SQL: ...]" and "Background on this
    error at: <link>", which speak to a developer, not to whoever typed the URL."""
    text = str(getattr(exc, "orig", None) or exc)
    text = text.split("\n(Background on this error")[0].split("\n[SQL:")[0]
    return text.strip() or type(exc).__name__


def _unwritable(engine: Engine) -> str | None:
    """Why SQLite cannot write a store's file or the -wal and -shm files beside it (a
    read-only filesystem, a folder or file this user may not write), with what to do; None
    when neither is the reason. SQLite itself only says "unable to open database file"."""
    import os

    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    path = Path(engine.url.database)
    folder = path.parent
    move = (
        "copy the store to a writable folder and pass it with --db PATH (or set "
        "$SHOPBOT_HOME to a writable folder)"
    )
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return None
    if read_only:
        return (
            f"{folder} is on a read-only filesystem, and SQLite writes the store and its "
            f"-wal and -shm files there; remount it read-write, or {move}"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"this user may not write in the folder {folder}; change its permissions, or {move}"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"this user may not read and write the file {path}; change its permissions"
    return None


def _unanswered(engine: Engine, exc: OperationalError) -> str | None:
    """Why a PostgreSQL server did not take a connection in time, with what to do; None
    for any other failure."""
    if engine.dialect.name != "postgresql" or "timeout expired" not in _reason(exc):
        return None
    url = engine.url
    try:
        given = float(str(url.query.get("connect_timeout", PG_CONNECT_TIMEOUT)))
    except ValueError:
        given = PG_CONNECT_TIMEOUT
    waited = max(given, _PG_LEAST_TIMEOUT)
    return (
        f"no answer from {url.host or 'localhost'}:{url.port or 5432} within {waited:g} s "
        "(connect_timeout); is PostgreSQL running there and is that its port? Add "
        "?connect_timeout=SECONDS to the URL to wait longer"
    )


def _operational(exc: OperationalError, engine: Engine | None = None) -> str:
    if engine is not None and (said := _unanswered(engine, exc)):
        return said
    text = _reason(exc)
    if engine is not None and ("unable to open" in text or "readonly" in text):
        if reason := _unwritable(engine):
            return reason
    if "malformed" in text or "not a database" in text:
        return f"it is damaged ({text.strip().splitlines()[0]})"
    if "readonly" in text or "read-only" in text:
        return "it is read-only; check the file's permissions (and its folder's)"
    if "locked" in text:
        return (
            f"another process held it locked for over {SQLITE_BUSY_TIMEOUT_MS // 1000} s; "
            "try again when it has finished"
        )
    return f"it failed: {text.strip().splitlines()[0] if text.strip() else type(exc).__name__}"

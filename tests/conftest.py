"""Fixtures shared by every test: environments, databases on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from config.runtime import Environment
from tests import pgserver

BACKENDS = ["sqlite", "postgres"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run once on SQLite, once on PostgreSQL")


@pytest.fixture(scope="session")
def pg() -> Iterator[pgserver.PgServer | None]:
    server = pgserver.start()
    yield server
    if server is not None:
        server.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Without PostgreSQL binaries (a developer's laptop) the postgres half is skipped,
    # loudly; .ci/run always provides a server.
    if pgserver.start_possible():
        return
    skip = pytest.mark.skip(reason="no PostgreSQL here: install the postgresql package")
    for item in items:
        if "[postgres" in item.nodeid:
            item.add_marker(skip)


def _worker() -> str:
    """This pytest-xdist worker's name ("gw0"), or "main" in a run of one process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store migrated once per run: each `engine` on SQLite starts from a copy
    (migrating from nothing took a fifth of a second of CPU, for each of 200-odd tests)."""
    from store.db import open_store

    path = tmp_path_factory.mktemp("template") / "store.db"
    open_store(f"sqlite:///{path}").dispose()  # closing the last connection empties the WAL
    return path


@pytest.fixture(scope="session")
def pg_template(pg: pgserver.PgServer | None) -> Iterator[str]:
    """A PostgreSQL database migrated once per run (per worker: a template cannot be copied
    while another session is connected to it): each `engine` on PostgreSQL is a copy."""
    from store.db import open_store

    assert pg is not None, "PostgreSQL did not start"
    name = f"tmpl_{_worker()}_{uuid.uuid4().hex[:8]}"
    _admin(pg, f"CREATE DATABASE {name}")
    open_store(_database_url(pg, name)).dispose()
    yield name
    _admin(pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _database_url(server: pgserver.PgServer, name: str) -> str:
    return make_url(server.url).set(database=name).render_as_string(hide_password=False)


def _admin(server: pgserver.PgServer, statement: str) -> None:
    """Run `statement` outside a transaction (CREATE/DROP DATABASE refuse to run in one)."""
    admin = create_engine(server.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with nothing in it, on each backend; migrated already when the test
    also asks for `engine` (a copy of a store migrated once, which is what `engine` gives)."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: pgserver.PgServer | None = request.getfixturevalue("pg")
    assert server is not None, "PostgreSQL did not start"
    if migrated:
        name = f"t_{uuid.uuid4().hex[:12]}"
        _admin(server, f"CREATE DATABASE {name} TEMPLATE {request.getfixturevalue('pg_template')}")
        yield _database_url(server, name)
        _admin(server, f"DROP DATABASE {name} WITH (FORCE)")
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in server.url else "?"
    yield f"{server.url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated store on each backend."""
    from store.db import open_store

    eng = open_store(db_url)
    yield eng
    eng.dispose()


@dataclass
class Result:
    """What a command did: its exit code and what it printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty SHOPBOT_HOME."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def cli(home: Path, tmp_path: Path):
    """Run `cadence` or `localize` in-process with their own streams and variables."""

    def invoke(program: str, *args: str, environ: dict[str, str] | None = None) -> Result:
        from config.cli import main

        if program == "cadence":
            from cadence.cli import app
        else:
            from localize.cli import app
        out, err = io.StringIO(), io.StringIO()
        env = Environment(
            stdout=out,
            stderr=err,
            environ={"SHOPBOT_HOME": str(home), **(environ or {})},
            cwd=tmp_path,
        )
        code = main(app, list(args), env)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


_SUMMARY: list[str] = []


@pytest.fixture
def summary_line():  # type: ignore[no-untyped-def]
    """Lets a test put a figure in the run's closing summary (it is captured otherwise)."""
    return _SUMMARY.append


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    for line in _SUMMARY:
        terminalreporter.write_line(line)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-goldens",
        action="store_true",
        help="rewrite golden images from the current rendering",
    )


@pytest.fixture
def regen_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites golden images instead of comparing with them."""
    return bool(request.config.getoption("--regen-goldens"))

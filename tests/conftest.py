"""Fixtures shared by every test: environments, databases on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

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


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with nothing in it, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server: pgserver.PgServer | None = request.getfixturevalue("pg")
    assert server is not None, "PostgreSQL did not start"
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

"""Fixtures for commands run end to end: a shop that translates through a local
LibreTranslate route, with three product photos beside its files."""

from __future__ import annotations

import io
import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.httpserver import serve
from tests.localize.images import photo
from tests.localize.libre import libre

# The review tests' queue: two listings, the first with two photos, the second too short.
LISTINGS = (
    "product_id,sku,title,description,caption,images\n"
    "p1,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,a.jpg;b.jpg\n"
    "p2,SKU-2,短标题,,,\n"  # its translation is under the market's 25 characters: an error
)

# Test servers listen on 127.0.0.1, which a shop may download images from only when allowed.
LOOPBACK_IMAGES = '[shops.images]\nallow_networks = ["127.0.0.0/8"]\n'


def allow_loopback(tmp_path: Path, extra: str = "") -> None:
    """Let the `setup` shop download images from test servers on 127.0.0.1."""
    with (tmp_path / "shops.toml").open("a", encoding="utf-8") as f:
        f.write(LOOPBACK_IMAGES + extra)


@pytest.fixture
def engine_server():  # type: ignore[no-untyped-def]
    """A local engine that takes the API key "k"."""
    with serve({"/translate": libre(api_key="k")}) as srv:
        yield srv


def vn_shop(path: Path, url: str, settings: str) -> Path:
    """`path` written as a shops.toml of one shop, "acme-vn" (market VN), that translates
    through LibreTranslate at `url` with `settings` (lines of its [shops.translation])."""
    path.write_text(
        '[[shops]]\nid = "acme-vn"\nmarket = "VN"\n[shops.translation]\nengine = "libre"\n'
        f'url = "{url}"\n{settings}',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def shop_config(tmp_path: Path, engine_server) -> Path:  # type: ignore[no-untyped-def]
    """The shop "acme-vn" translating through `engine_server`, its key in LIBRE_KEY."""
    return vn_shop(
        tmp_path / "shops.toml",
        engine_server.url,
        'api_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 5\n',
    )


@pytest.fixture
def setup(cli, tmp_path: Path, db_url: str, engine_server):  # type: ignore[no-untyped-def]
    for seed, name in enumerate(("a.jpg", "b.jpg", "c.jpg")):
        photo(seed=seed * 40).save(tmp_path / name)
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms", "en"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{engine_server.url}"\n'
        'api_key_env = "LIBRE_KEY"\nretries = 0\n',
        encoding="utf-8",
    )

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli(
            "localize", *args, "--config", str(config), "--db", db_url, environ={"LIBRE_KEY": "k"}
        )

    return run, db_url


def commands(root: Path, url: str, env: dict[str, str], *commands: list[str]) -> str:
    """Run `localize` commands on `root`'s shops.toml and store, each to exit 0; what the
    last one said on stderr."""
    from config.cli import main
    from config.runtime import Environment
    from localize.cli import app

    said = ""
    for args in commands:
        err = io.StringIO()
        code = main(
            app,
            [*args, "--config", str(root / "shops.toml"), "--db", url],
            Environment(stdout=io.StringIO(), stderr=err, environ=env, cwd=root),
        )
        said = err.getvalue()
        assert code == 0, said
    return said


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory, pg):  # type: ignore[no-untyped-def]
    """`get(name, backend, make)`: a store built once per run, backend and name by
    `make(root, url)` (photos, listings and a `localize run`: seconds of CPU a test), in a
    folder of its own with the home it drew into (`root / "home"`), for `store_copy` to
    copy. SQLite: root / store.db; PostgreSQL: a template database, named in root /
    database."""
    from tests.conftest import _admin, _database_url, _worker

    built: dict[tuple[str, str], Path] = {}

    def get(name: str, backend: str, make: Callable[[Path, str], None]) -> Path:
        if (name, backend) in built:
            return built[(name, backend)]
        root = tmp_path_factory.mktemp(f"{name}-{backend}")
        (root / "home").mkdir()
        if backend == "sqlite":
            url = f"sqlite:///{root / 'store.db'}"
        else:
            assert pg is not None, "PostgreSQL did not start"
            database = f"{name}_{_worker()}_{uuid.uuid4().hex[:8]}"
            _admin(pg, f"CREATE DATABASE {database}")
            (root / "database").write_text(database, encoding="utf-8")
            url = _database_url(pg, database)
        make(root, url)
        if backend == "sqlite":  # everything in store.db, none left in its WAL: one file
            import sqlite3

            with sqlite3.connect(root / "store.db") as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # a template is copied only with no one connected: the commands' pool is
            _admin(
                pg,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{database}' AND pid <> pg_backend_pid()",
            )
        built[(name, backend)] = root
        return root

    yield get
    if pg is not None:
        for root in built.values():
            if (root / "database").is_file():
                database = (root / "database").read_text(encoding="utf-8")
                _admin(pg, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def store_copy(tmp_path: Path, home: Path, pg):  # type: ignore[no-untyped-def]
    """`copy(root)`: this test's own copy of a store `built_once` made, its URL: the home
    copied into this test's, the listings' photos and the items' drawn images moved to
    this test's folder and home, and with them each listing's source_hash (what an import
    of the same file in this folder computes, so that it finds nothing changed)."""
    from sqlalchemy import text

    from localize.listings import ListingRecord
    from store.db import open_store
    from tests.conftest import _admin, _database_url

    made: list[str] = []

    def copy(root: Path) -> str:
        shutil.copytree(root / "home", home, dirs_exist_ok=True)
        if not (root / "database").is_file():
            shutil.copyfile(root / "store.db", tmp_path / "store.db")
            url = f"sqlite:///{tmp_path / 'store.db'}"
            images, as_json = "images", "{}"
        else:
            name = f"c_{uuid.uuid4().hex[:12]}"
            template = (root / "database").read_text(encoding="utf-8")
            _admin(pg, f"CREATE DATABASE {name} TEMPLATE {template}")
            made.append(name)
            url = _database_url(pg, name)
            images, as_json = "CAST(images AS TEXT)", "CAST({} AS JSON)"
        store = open_store(url)
        with store.begin() as conn:
            conn.execute(
                text(
                    "UPDATE localization_item SET images = "
                    + as_json.format(f"replace({images}, :built, :mine)")
                ),
                {"built": str(root), "mine": str(tmp_path)},
            )
            rows = conn.execute(
                text(
                    "SELECT id, product_id, title, description, caption, images, source_hash "
                    "FROM listing"
                )
            ).all()
            for row in rows:
                photos = json.loads(row.images) if isinstance(row.images, str) else row.images
                moved = [p.replace(str(root), str(tmp_path), 1) for p in photos]
                record = ListingRecord(
                    product_id=row.product_id,
                    title=row.title,
                    description=row.description,
                    caption=row.caption,
                    images=tuple(moved),
                )
                conn.execute(
                    text(
                        f"UPDATE listing SET images = {as_json.format(':images')}, "
                        "source_hash = :hash WHERE id = :id"
                    ),
                    {"images": json.dumps(moved), "hash": record.source_hash, "id": row.id},
                )
                conn.execute(
                    text(
                        "UPDATE localization_item SET source_hash = :hash WHERE source_hash = :was"
                    ),
                    {"hash": record.source_hash, "was": row.source_hash},
                )
        store.dispose()
        return url

    yield copy
    for name in made:
        _admin(pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def backend_of(url: str) -> str:
    """ "sqlite" or "postgres": which store a db_url is on."""
    return "sqlite" if url.startswith("sqlite") else "postgres"


def _review_queue(root: Path, url: str) -> None:
    """Two listings translated and captioned, four items waiting for review."""
    from tests.localize.images import photo

    for seed, name in enumerate(("a.jpg", "b.jpg")):
        photo(seed=seed * 40).save(root / name)
    (root / "listings.csv").write_text(LISTINGS, encoding="utf-8")
    with serve({"/translate": libre(api_key="k")}) as srv:
        (root / "shops.toml").write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms", "en"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\n'
            'api_key_env = "LIBRE_KEY"\nretries = 0\n',
            encoding="utf-8",
        )
        said = commands(
            root,
            url,
            {"SHOPBOT_HOME": str(root / "home"), "LIBRE_KEY": "k"},
            ["listings", "import", str(root / "listings.csv"), "--shop", "acme-my"],
            ["run", "--shop", "acme-my"],
        )
    assert "4 item(s) wait for review: localize review --shop acme-my" in said


@pytest.fixture
def queued(setup, built_once, store_copy, cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    """`setup`'s shop with the review queue in its store: two listings translated and
    captioned, four items waiting (built once per run, `localize run` on two photos took
    ~4 s of CPU for each of ~140 tests; each test has its own copy)."""
    _, db_url = setup
    url = store_copy(built_once("queued", backend_of(db_url), _review_queue))
    # the same photos as the run's (`setup` drew them from the same seeds), the same file
    (tmp_path / "listings.csv").write_text(LISTINGS, encoding="utf-8")
    config = tmp_path / "shops.toml"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli(
            "localize", *args, "--config", str(config), "--db", url, environ={"LIBRE_KEY": "k"}
        )

    return run, url

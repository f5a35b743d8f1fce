"""Fixtures for commands run end to end: a shop that translates through a local
LibreTranslate route, with three product photos beside its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.httpserver import serve
from tests.localize.images import photo
from tests.localize.libre import libre

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

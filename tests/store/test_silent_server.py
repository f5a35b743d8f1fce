"""A PostgreSQL URL whose server accepts and never answers: the command ends by the
connect timeout (psycopg's `connect_timeout`, 10 s unless the URL sets one) with a message
naming the URL without its password, exit 2 (it waited 262 s, saying nothing)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event

from store.db import PG_CONNECT_TIMEOUT, make_engine
from tests.httpserver import raw_serve


def test_a_silent_server_ends_by_the_urls_connect_timeout(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shops = tmp_path / "shops.toml"
    shops.write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8")
    with raw_serve(None) as silent:
        url = f"postgresql://shop:s3cret@127.0.0.1:{silent.port}/shop?connect_timeout=1"
        started = time.monotonic()
        result = cli("cadence", "status", "--config", str(shops), "--db", url)
        took = time.monotonic() - started
        assert silent.accepted == 1  # reached once: the silence is the server's
    assert result.code == 2, result.err
    assert took < PG_CONNECT_TIMEOUT, took  # the URL's 1 s (2 s at least), not the default
    assert "s3cret" not in result.err and f"postgresql://shop:***@127.0.0.1:{silent.port}" in (
        result.err
    ), result.err
    # psycopg waits 2 s at least, whatever the URL says: the message says what it waited
    said = f"no answer from 127.0.0.1:{silent.port} within 2 s (connect_timeout)"
    assert said in result.err and "?connect_timeout=SECONDS" in result.err, result.err


def test_without_one_in_the_url_the_driver_is_given_the_default_timeout(pg) -> None:  # type: ignore[no-untyped-def]
    if pg is None:
        pytest.skip("no PostgreSQL here")
    db_url = pg.url
    engine = make_engine(db_url)
    given: list[dict[str, object]] = []
    event.listen(engine, "do_connect", lambda d, rec, args, params: given.append(dict(params)))
    with engine.connect():
        pass
    engine.dispose()
    assert given and given[0]["connect_timeout"] == PG_CONNECT_TIMEOUT == 10
    sep = "&" if "?" in db_url else "?"
    kept = make_engine(f"{db_url}{sep}connect_timeout=3")  # the URL's own is kept
    event.listen(kept, "do_connect", lambda d, rec, args, params: given.append(dict(params)))
    with kept.connect():
        pass
    kept.dispose()
    assert str(given[1]["connect_timeout"]) == "3"

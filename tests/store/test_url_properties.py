"""Property-based: any store URL or path is opened or refused with a StoreError, never
another exception, and no message ever shows the password it carried."""

from __future__ import annotations

import contextlib
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.urls import redact
from store.db import StoreError, make_engine, normalise_url, open_store

RUNS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SECRET = "S3cr3t"  # found nowhere else in a generated URL, so its absence means masked
PASSWORD_CHARS = string.ascii_letters + string.digits + "!$()*,;~-._@/?#:% "
passwords = st.text(PASSWORD_CHARS, max_size=10).map(lambda rest: SECRET + rest)
schemes = st.sampled_from(
    ["sqlite", "postgresql", "postgres", "postgresql+psycopg", "mysql", "garbage", "SQLite", ""]
)
# Only addresses on this machine, at a port nothing listens on: a refusal, at once.
hosts = st.sampled_from(
    ["127.0.0.1:1", "localhost:1", "[::1]:1", "", "127.0.0.1:99999", "127.0.0.1:abc", "[::1"]
)
words = st.text(string.ascii_letters + string.digits + "-_.%:=&?#@ /\\\x00é", max_size=12)
secret_params = st.sampled_from(["password", "sslpassword", "access_token", "pwd", "secret"])


@st.composite
def store_urls(draw: st.DrawFn, folder: Path) -> tuple[str, str | None]:
    """(URL, the password it carries or None); files only ever inside `folder`."""
    password = draw(st.none() | passwords)
    kind = draw(st.sampled_from(["server", "sqlite", "path", "noise"]))
    if kind == "path":  # a plain path: normalise_url takes it as a SQLite file
        name = draw(words).replace("..", "_").lstrip("/")
        return f"{folder}/{name}{draw(st.sampled_from(['.db', '.sqlite', '', '/x.db']))}", None
    if kind == "sqlite":
        name = draw(words).replace("..", "_").lstrip("/")
        tail = draw(st.sampled_from(["", ":memory:", f"{folder}/{name}", f"/{folder}/{name}"]))
        query = f"?{draw(secret_params)}={password}" if password else ""
        return f"{draw(schemes)}:///{tail}{query}", password
    if kind == "noise":
        return draw(words), None
    user = draw(st.sampled_from(["", "shop", "a b", "u%40x"]))
    userinfo = f"{user}:{password}@" if password is not None else (f"{user}@" if user else "")
    query = ""
    if password is not None and draw(st.booleans()):
        userinfo = f"{user}@" if user else ""
        query = f"?{draw(secret_params)}={password}&application_name={draw(words)}"
    url = f"{draw(schemes)}://{userinfo}{draw(hosts)}/{draw(words)}{query}"
    return url, password


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stores")


@RUNS
@given(data=st.data())
def test_any_store_url_opens_or_is_a_store_error_without_its_password(
    folder: Path, data: st.DataObject
) -> None:
    url, password = data.draw(store_urls(folder))
    messages = []
    with contextlib.chdir(folder):  # a relative path makes its file there, not in the tree
        for step in (normalise_url, make_engine, open_store):
            try:
                made = step(url)
            except StoreError as exc:
                messages.append(exc.message)
                continue
            if isinstance(made, str):
                messages.append(redact(made))
            else:
                made.dispose()
    if password is not None:
        for message in [*messages, redact(url)]:
            assert password not in message, message


@RUNS
@given(st.sampled_from(["postgresql", "garbage", "json", "sqlite", "mailto"]), passwords)
def test_the_redactor_hides_a_password_in_the_user_part_or_the_query(
    scheme: str, password: str
) -> None:
    for url in (
        f"{scheme}://shop:{password}@127.0.0.1:1/x",
        f"{scheme}://127.0.0.1:1/x?password={password}",
        f"{scheme}://127.0.0.1:1/x?a=1&access_token={password}",
    ):
        assert password not in redact(url), url

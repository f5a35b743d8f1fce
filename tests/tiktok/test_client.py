"""The Partner API client against a local server that checks signatures like TikTok's."""

from __future__ import annotations

import json
import time

import pytest

from tests.httpserver import Reply, Request, Route, raw_serve, serve
from tests.tiktok.partner import client, signed, success
from tiktok import TikTokError, sign

PATH = "/product/202309/products/search"


def test_the_official_signing_vector() -> None:
    query = {"app_key": "29a39d", "timestamp": "1623812664", "sign": "x", "access_token": "y"}
    assert sign("e59af819cc", "/authorization/202309/shops", query) == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_the_body_takes_part_in_the_signature() -> None:
    query = {"app_key": "k", "timestamp": "1"}
    assert sign("s", "/p", query, b'{"a":1}') != sign("s", "/p", query)


def echo(req: Request) -> Reply:
    return success({"method": req.method, "query": req.query, "body": req.body.decode("latin-1")})


def test_get_sends_the_params_signed_and_the_token_in_a_header() -> None:
    with serve({PATH: signed(echo)}) as srv:
        data = client(srv.url).get(PATH, {"shop_cipher": "ROW_x", "page_token": None})
    assert data["method"] == "GET"
    assert data["query"]["shop_cipher"] == "ROW_x" and "page_token" not in data["query"]


def test_post_signs_the_json_body_exactly_as_sent() -> None:
    with serve({PATH: signed(echo)}) as srv:
        data = client(srv.url).post(PATH, {"shop_cipher": "ROW_x"}, {"title": "保温杯", "n": 1})
        [req] = srv.requests
    assert data["method"] == "POST" and req.json() == {"title": "保温杯", "n": 1}
    assert req.headers["content-type"] == "application/json"


def test_post_multipart_leaves_the_body_out_of_the_signature() -> None:
    upload = "/product/202309/images/upload"
    with serve({upload: signed(lambda r: success({"uri": "tos-img/1"}))}) as srv:
        data = client(srv.url).post_multipart(
            upload,
            {"use_case": "MAIN_IMAGE"},
            {"data": ("main.jpg", b"\xff\xd8jpeg", "image/jpeg")},
        )
        [req] = srv.requests
    assert data == {"uri": "tos-img/1"}
    assert req.headers["content-type"].startswith("multipart/form-data")
    assert b'name="data"; filename="main.jpg"' in req.body and b"\xff\xd8jpeg" in req.body


def rate_limited(times: int) -> Route:
    calls = {"n": 0}

    def route(req: Request) -> Reply:
        calls["n"] += 1
        if calls["n"] <= times:
            return Reply(429, {"code": 36009002, "message": "rate limited", "request_id": "r"})
        return success({"ok": True})

    return signed(route)


def test_rate_limits_are_retried() -> None:
    with serve({PATH: rate_limited(2)}) as srv:
        assert client(srv.url).get(PATH, {}) == {"ok": True}
        assert len(srv.requests) == 3


def failing_first(times: int, reply: Reply) -> Route:
    """`reply` to the first `times` requests, then success."""
    calls = {"n": 0}

    def route(req: Request) -> Reply:
        calls["n"] += 1
        return reply if calls["n"] <= times else success({"ok": True})

    return signed(route)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(503, "<html>upstream unavailable</html>"),
        Reply(500, {"code": 0, "message": "", "request_id": "r"}),
        Reply(200, {"code": 36009003, "message": "internal error", "request_id": "r"}),
        Reply(200, {"code": 36009002, "message": "rate limited", "request_id": "r"}),
    ],
    ids=["http-503", "http-500", "code-36009003", "code-36009002"],
)
def test_server_errors_and_internal_codes_are_retried_with_backoff(reply: Reply) -> None:
    pauses: list[float] = []
    with serve({PATH: failing_first(3, reply)}) as srv:
        assert client(srv.url, pause=pauses.append).get(PATH, {}) == {"ok": True}
        assert len(srv.requests) == 4
    assert pauses == [1, 2, 4]  # doubling between tries


def test_the_backoff_is_capped() -> None:
    pauses: list[float] = []
    with serve({PATH: rate_limited(99)}) as srv:
        with pytest.raises(TikTokError, match="gave up after 8 tries"):
            client(srv.url, retries=7, pause=pauses.append).get(PATH, {})
    assert pauses == [1, 2, 4, 8, 16, 30, 30]


def test_a_refusal_that_is_not_transient_is_not_retried() -> None:
    locked = Reply(200, {"code": 12019005, "message": "product locked", "request_id": "r"})
    with serve({PATH: signed(lambda r: locked)}) as srv:
        with pytest.raises(TikTokError, match="code 12019005: product locked"):
            client(srv.url).get(PATH, {})
        assert len(srv.requests) == 1


def test_giving_up_says_how_often_and_why() -> None:
    with serve({PATH: rate_limited(99)}) as srv:
        with pytest.raises(TikTokError, match="gave up after 3 tries: HTTP 429, code 36009002"):
            client(srv.url, retries=2).get(PATH, {})


def test_a_bad_signature_is_explained() -> None:
    with serve({PATH: signed(echo)}) as srv:
        with pytest.raises(TikTokError, match="code 106001: bad signature; check the app secret"):
            client(srv.url, secret="wrong").get(PATH, {})


def test_an_expired_token_is_explained() -> None:
    expired = Reply(200, {"code": 105002, "message": "expired", "request_id": "r9"})
    with serve({PATH: lambda r: expired}) as srv:
        with pytest.raises(TikTokError, match=r"access token expired.*\(request_id r9\)"):
            client(srv.url).get(PATH, {})


def test_refusals_name_the_variable_to_fix() -> None:
    named = {"token_variable": "ACME_TTS_TOKEN", "secret_variable": "ACME_TTS_APP_SECRET"}
    with serve({PATH: signed(echo)}) as srv:
        with pytest.raises(TikTokError, match="check the app secret in ACME_TTS_APP_SECRET"):
            client(srv.url, secret="wrong", **named).get(PATH, {})
        with pytest.raises(TikTokError, match="refresh it and set ACME_TTS_TOKEN"):
            client(srv.url, access_token="old", **named).get(PATH, {})


def test_garbage_is_an_error_not_a_crash() -> None:
    with serve({PATH: lambda r: Reply(200, "<html>gateway</html>")}) as srv:
        with pytest.raises(TikTokError, match="not JSON"):
            client(srv.url).get(PATH, {})


def test_the_deadline_covers_the_whole_request_not_each_read() -> None:
    # Every byte arrives well within a read timeout; the whole answer never does.
    body = json.dumps({"code": 0, "data": {"pad": "x" * 200}})
    with serve({PATH: lambda r: Reply(200, body, trickle=0.05)}) as srv:
        started = time.monotonic()
        with pytest.raises(TikTokError, match=r"gave up after 1 tries: no answer within 0.5 s"):
            client(srv.url, timeout=0.5, retries=0).get(PATH, {})
        assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("pause", [0.5, None], ids=["dripping-headers", "accepts-only"])
def test_the_deadline_covers_the_status_line_and_headers(pause: float | None) -> None:
    with raw_serve(pause) as srv:
        started = time.monotonic()
        with pytest.raises(TikTokError, match=r"gave up after 1 tries: no answer within 1 s"):
            client(srv.url, timeout=1, retries=0).get(PATH, {})
        assert time.monotonic() - started < 1 + 1
        assert srv.all_closed()  # the request itself ended: no thread left on the socket


def test_an_answer_past_the_size_cap_is_refused() -> None:
    big = success({"pad": "x" * 5000})
    with serve({PATH: lambda r: big}) as srv:
        with pytest.raises(TikTokError, match="answer larger than 1000 bytes"):
            client(srv.url, max_bytes=1000).get(PATH, {})
        assert len(srv.requests) == 1


def test_an_answer_nested_too_deeply_is_an_error_not_a_crash() -> None:
    deep = '{"code":0,"data":' + "[" * 100_000 + "]" * 100_000 + "}"
    with serve({PATH: lambda r: Reply(200, deep)}) as srv:
        with pytest.raises(TikTokError, match="nested deeper than"):
            client(srv.url).get(PATH, {})
        assert len(srv.requests) == 1  # the same answer would come again: not retried


@pytest.mark.parametrize(
    "path", ["/product/202309/products/../x", "/product/1?a=b", "/product/1#frag", "/a//b", ""]
)
def test_a_path_that_is_not_a_plain_api_path_is_refused_before_anything_is_sent(path: str) -> None:
    with serve({PATH: signed(echo)}) as srv:
        with pytest.raises(TikTokError, match="not a Partner API path"):
            client(srv.url).post(path, {}, {"title": "x"})
        assert srv.requests == []


def test_an_analytics_version_that_is_not_digits_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from config.errors import ConfigError
    from config.settings import parse

    text = (
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.tiktok]\napp_key_env = "K"\n'
        'app_secret_env = "S"\naccess_token_env = "T"\nshop_cipher = "C"\n'
        'analytics_version = "../../x"\n'
    )
    with pytest.raises(ConfigError, match="analytics_version"):
        parse(text, "shops.toml")

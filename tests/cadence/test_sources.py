"""The Partner API client against a local server that checks signatures like TikTok's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cadence.tiktok import PartnerClient, ShopVideosSource, TikTokError, sign
from tests.httpserver import Reply, Request, serve

SECRET, KEY, TOKEN = "e59af819cc", "29a39d", "tok-123"
PATH = "/analytics/202409/shop_videos/performance"


def test_the_official_signing_vector() -> None:
    query = {"app_key": "29a39d", "timestamp": "1623812664", "sign": "x", "access_token": "y"}
    assert sign("e59af819cc", "/authorization/202309/shops", query) == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_the_body_takes_part_in_the_signature() -> None:
    query = {"app_key": "k", "timestamp": "1"}
    assert sign("s", "/p", query, b'{"a":1}') != sign("s", "/p", query)


VIDEOS = [
    {
        "id": f"v{i}",
        "title": f"video {i}",
        "username": "acme",
        "video_post_time": f"2026-11-2{i}T12:00:00+07:00",
        "products": [{"id": "p1", "name": "cup"}] if i % 2 else [],
        "views": 10,
    }
    for i in range(1, 6)
]


def partner_api(pages: int = 2, fail_first: int = 0):  # type: ignore[no-untyped-def]
    """Serves VIDEOS in `pages` pages; refuses bad signatures; 429s the first calls."""
    calls = {"n": 0}

    def route(req: Request) -> Reply:
        calls["n"] += 1
        if calls["n"] <= fail_first:
            return Reply(429, {"code": 36009002, "message": "rate limited", "request_id": "r"})
        expected = sign(SECRET, req.path, req.query)
        if req.query.get("sign") != expected or req.query.get("app_key") != KEY:
            return Reply(200, {"code": 106001, "message": "invalid sign", "request_id": "r1"})
        if req.headers.get("x-tts-access-token") != TOKEN or "access_token" in req.query:
            return Reply(200, {"code": 105002, "message": "token expired", "request_id": "r2"})
        assert (
            req.query["start_date_ge"] == "2026-11-15" and req.query["end_date_lt"] == "2026-11-30"
        )
        size = -(-len(VIDEOS) // pages)
        page = int(req.query.get("page_token") or 0)
        chunk = VIDEOS[page * size : (page + 1) * size]
        nxt = str(page + 1) if (page + 1) * size < len(VIDEOS) else ""
        return Reply(
            200,
            {
                "code": 0,
                "message": "Success",
                "request_id": "r3",
                "data": {
                    "videos": chunk,
                    "next_page_token": nxt,
                    "total_count": len(VIDEOS),
                    "latest_available_date": "2026-11-28",
                },
            },
        )

    return route


def client(url: str, secret: str = SECRET, retries: int = 3) -> PartnerClient:
    return PartnerClient(
        base_url=url,
        app_key=KEY,
        app_secret=secret,
        access_token=TOKEN,
        timeout=2,
        retries=retries,
        clock=lambda: 1764300000.0,
        pause=lambda s: None,
    )


def fetch(url: str, **kw) -> list:  # type: ignore[no-untyped-def]
    source = ShopVideosSource(
        client=client(url, **kw), shop_cipher="ROW_x", zone=ZoneInfo("Asia/Bangkok")
    )
    return list(source.fetch(date(2026, 11, 15), date(2026, 11, 30)))


def test_pages_are_followed_and_products_mean_linked() -> None:
    with serve({PATH: partner_api(pages=3)}) as srv:
        records = fetch(srv.url)
        assert len(srv.requests) == 3
    assert [r.video_id for r in records] == ["v1", "v2", "v3", "v4", "v5"]
    assert [bool(r.product_ids) for r in records] == [True, False, True, False, True]
    assert records[0].posted_at.isoformat() == "2026-11-21T12:00:00+07:00"


def test_rate_limits_are_retried() -> None:
    with serve({PATH: partner_api(pages=1, fail_first=2)}) as srv:
        assert len(fetch(srv.url)) == 5
        assert len(srv.requests) == 3


def test_giving_up_says_how_often_and_why() -> None:
    with serve({PATH: partner_api(pages=1, fail_first=99)}) as srv:
        with pytest.raises(TikTokError, match="gave up after 3 tries: HTTP 429, code 36009002"):
            fetch(srv.url, retries=2)


def test_a_bad_signature_is_explained() -> None:
    with serve({PATH: partner_api()}) as srv:
        with pytest.raises(TikTokError, match="code 106001: bad signature; check the app secret"):
            fetch(srv.url, secret="wrong")


def test_garbage_is_an_error_not_a_crash() -> None:
    with serve({PATH: lambda r: Reply(200, "<html>gateway</html>")}) as srv:
        with pytest.raises(TikTokError, match="not JSON"):
            fetch(srv.url)


def test_sync_from_the_command_line(cli, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    with serve({PATH: partner_api(pages=2)}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            f'[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.tiktok]\nbase_url = "{srv.url}"\n'
            'app_key_env = "K"\napp_secret_env = "S"\naccess_token_env = "T"\n'
            'shop_cipher = "ROW_x"\n',
            encoding="utf-8",
        )
        args = ("videos", "sync", "--shop", "acme-th", "--config", str(config), "--db", db_url)
        missing = cli("cadence", *args, environ={"K": KEY, "T": TOKEN})
        assert missing.code == 2
        assert (
            "environment variable S is not set (needed by [shops.tiktok] of shop 'acme-th')"
            in missing.err
        )
        env = {"K": KEY, "S": SECRET, "T": TOKEN}
        # the window is the last 14 days in Bangkok up to tomorrow: pin it with the server
        srv.routes[PATH] = lambda r: (
            Reply(200, {"code": 0, "data": {"videos": VIDEOS, "next_page_token": ""}})
            if r.query.get("sign") == sign(SECRET, r.path, r.query)
            else Reply(200, {"code": 106001, "message": "bad"})
        )
        result = cli("cadence", *args, environ=env)
        assert result.code == 0, result.err
        assert "acme-th: 5 added, 0 updated" in result.out
        again = cli("cadence", *args, environ=env)
        assert "0 added, 5 updated" in again.out
        status = cli(
            "cadence",
            "status",
            "--config",
            str(config),
            "--db",
            db_url,
            "--as-of",
            "2026-11-26T12:00+07:00",
            "--json",
        )
        assert json.loads(status.out)[0]["counted"] == 2  # v3 and v5 are this week and linked

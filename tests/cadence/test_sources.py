"""The VideoSource contract, run over every source: TikTok Shop's analytics against a local
Partner API that checks signatures, and the fake source registered like any other."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from cadence.service import sync_videos
from cadence.sources import SOURCES, VideoSource, source_for
from cadence.videos import VideoRecord
from config.runtime import Secrets
from config.settings import Settings, parse
from tests.cadence.fakes import FakeVideoSource
from tests.httpserver import Reply, Request, serve
from tests.tiktok.partner import KEY, SECRET, TOKEN, client, signed
from tiktok import sign

PATH = "/analytics/202409/shop_videos/performance"
START, END = date(2026, 11, 15), date(2026, 11, 30)
NOW = datetime.fromisoformat("2026-11-29T12:00:00+07:00")  # sync's 14 days are START..END
SHOP = '[[shops]]\nid = "acme-th"\nmarket = "TH"\n'

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
UNREADABLE = {"id": "v9", "video_post_time": "last tuesday"}


def records() -> list[VideoRecord | str]:
    """VIDEOS and UNREADABLE as the fake source holds them."""
    return [
        VideoRecord(
            video_id=v["id"],
            posted_at=datetime.fromisoformat(v["video_post_time"]),
            product_ids=tuple(p["id"] for p in v["products"]),
            title=v["title"],
        )
        for v in VIDEOS
    ] + [str(UNREADABLE)]


def partner_api(videos: list[Any], pages: int = 2) -> Callable[[Request], Reply]:
    """Serves `videos` in `pages` pages behind TikTok's signature checks."""

    def answer(req: Request) -> Reply:
        assert (req.query["start_date_ge"], req.query["end_date_lt"]) == (
            "2026-11-15",
            "2026-11-30",
        )
        size = -(-len(videos) // pages)
        page = int(req.query.get("page_token") or 0)
        more = (page + 1) * size < len(videos)
        data = {
            "videos": videos[page * size : (page + 1) * size],
            "next_page_token": str(page + 1) if more else "",
            "total_count": len(videos),
            "latest_available_date": "2026-11-28",
        }
        return Reply(200, {"code": 0, "message": "Success", "request_id": "r3", "data": data})

    return signed(answer)


@pytest.fixture(params=["tiktok", "fake"])
def world(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Settings, Secrets]]:
    """Settings and secrets whose shop syncs from each source, all serving the same videos."""
    if request.param == "fake":
        monkeypatch.setitem(
            SOURCES, "fake", lambda s, shop, secrets: FakeVideoSource(records(), s.zone(shop))
        )
        yield parse(SHOP + 'video_source = "fake"\n', "shops.toml"), Secrets({})
        return
    with serve({PATH: partner_api(VIDEOS + [UNREADABLE])}) as srv:
        table = (
            f'[shops.tiktok]\nbase_url = "{srv.url}"\napp_key_env = "K"\n'
            'app_secret_env = "S"\naccess_token_env = "T"\nshop_cipher = "ROW_x"\n'
        )
        yield parse(SHOP + table, "shops.toml"), Secrets({"K": KEY, "S": SECRET, "T": TOKEN})


def built(world: tuple[Settings, Secrets]) -> VideoSource:
    settings, secrets = world
    return source_for(settings, settings.shop("acme-th"), secrets)


def test_the_registry_builds_a_source_that_carries_its_name(world, request) -> None:  # type: ignore[no-untyped-def]
    source = built(world)
    assert source.name == request.node.callspec.params["world"]
    assert source.skipped == []


def test_fetch_yields_the_window_with_product_links_in_the_shops_time(world) -> None:  # type: ignore[no-untyped-def]
    got = list(built(world).fetch(START, END))
    assert [r.video_id for r in got] == ["v1", "v2", "v3", "v4", "v5"]
    assert [bool(r.product_ids) for r in got] == [True, False, True, False, True]
    assert got[0].posted_at.isoformat() == "2026-11-21T12:00:00+07:00"
    assert got[0].title == "video 1"


def test_unreadable_items_are_skipped_with_a_reason_and_the_rest_goes_on(world) -> None:  # type: ignore[no-untyped-def]
    source = built(world)
    assert len(list(source.fetch(START, END))) == 5
    [problem] = source.skipped
    assert problem.message.startswith("unreadable video item:") and "v9" in str(problem)


def test_sync_stores_what_the_source_reports(world, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    settings, secrets = world
    summary, skipped = sync_videos(engine, settings, settings.shop("acme-th"), secrets, NOW)
    assert (summary.added, summary.updated) == (5, 0)
    assert len(skipped) == 1 and "v9" in str(skipped[0])
    again, _ = sync_videos(engine, settings, settings.shop("acme-th"), secrets, NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)


# TikTok Shop's own behaviour, beyond the contract.


def test_tiktok_follows_every_page() -> None:
    from zoneinfo import ZoneInfo

    from cadence.sources.tiktok import ShopVideosSource

    with serve({PATH: partner_api(VIDEOS, pages=3)}) as srv:
        source = ShopVideosSource(
            client=client(srv.url), shop_cipher="ROW_x", zone=ZoneInfo("Asia/Bangkok")
        )
        assert len(list(source.fetch(START, END))) == 5
        assert len(srv.requests) == 3


def test_sync_from_the_command_line(cli, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    with serve({PATH: partner_api(VIDEOS)}) as srv:
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
        assert "0 added, 0 updated, 5 unchanged" in again.out
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


def endless(items_per_page: int) -> Callable[[Request], Reply]:
    """A Partner API that answers every page with a new token (until page 200, so that a
    client that never stops fails the test instead of hanging it)."""
    served = {"n": 0}

    def answer(req: Request) -> Reply:
        served["n"] += 1
        n = served["n"]
        videos = [
            {"id": f"v{n}-{i}", "video_post_time": "2026-11-20T12:00:00+07:00", "products": []}
            for i in range(items_per_page)
        ]
        body = {"videos": videos, "next_page_token": f"token-{n}" if n < 200 else ""}
        return Reply(200, {"code": 0, "message": "Success", "request_id": "r", "data": body})

    return signed(answer)


@pytest.mark.parametrize(
    ("items_per_page", "pages", "says"),
    [
        # 16 days of at most 200 videos a day, 100 a page: 32 pages and one more
        (100, 33, "each of 33 pages carried a new"),
        (0, 1, "a page with no videos"),
    ],
    ids=["new-token-every-page", "empty-page-with-a-token"],
)
def test_tiktok_paging_ends_when_the_server_would_never_end_it(
    items_per_page: int, pages: int, says: str
) -> None:
    from zoneinfo import ZoneInfo

    from cadence.sources.tiktok import ShopVideosSource

    with serve({PATH: endless(items_per_page)}) as srv:
        source = ShopVideosSource(
            client=client(srv.url), shop_cipher="ROW_x", zone=ZoneInfo("Asia/Bangkok")
        )
        fetched = list(source.fetch(date(2026, 11, 15), date(2026, 12, 1)))
        assert len(srv.requests) == pages
    assert len(fetched) == items_per_page * pages
    [problem] = source.skipped
    assert says in str(problem) and "next_page_token" in str(problem)


def test_tiktok_paging_stops_at_a_repeated_token_and_says_so() -> None:
    from zoneinfo import ZoneInfo

    from cadence.sources.tiktok import ShopVideosSource

    def answer(req: Request) -> Reply:
        body = {"videos": VIDEOS[:1], "next_page_token": "same"}
        return Reply(200, {"code": 0, "message": "Success", "request_id": "r", "data": body})

    with serve({PATH: signed(answer)}) as srv:
        source = ShopVideosSource(
            client=client(srv.url), shop_cipher="ROW_x", zone=ZoneInfo("Asia/Bangkok")
        )
        list(source.fetch(START, END))
        assert len(srv.requests) == 2
    [problem] = source.skipped
    assert "gave the same next_page_token again" in str(problem)

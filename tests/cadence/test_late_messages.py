"""A message sent late (its first send failed and is retried): never with a text that is no
longer true. Real stores, a local webhook server, time passed in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import Reply, Request, serve

SHOP = '[[shops]]\nid = "sz-th"\nmarket = "TH"\nalert_language = "zh"\nreminder_hours = 6\n'


@pytest.fixture
def shops(tmp_path: Path) -> Path:
    path = tmp_path / "shops.toml"
    path.write_text(SHOP, encoding="utf-8")
    return path


class Webhook:
    """A team chat's webhook that can be down (answers 500) or up."""

    def __init__(self) -> None:
        self.up = False
        self.taken: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Reply:
        if not self.up:
            return Reply(500, {"errcode": 500, "errmsg": "down"})
        self.taken.append(request.json())
        return Reply(200, {"errcode": 0})


def add(run, video: str, when: str, *more: str) -> None:  # type: ignore[no-untyped-def]
    result = run("videos", "add", "--shop", "sz-th", "--id", video, "--posted-at", when, *more)
    assert result.code == 0, result.err


def mark_product(run, video: str) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "videos", "mark", video, "--shop", "sz-th", "--product", "--by", "li", "--reason", "link"
    )
    assert result.code == 0, result.err


def messages(run) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [m for a in json.loads(run("alerts", "--json").out) for m in a["messages"]]


def test_a_reminder_retried_after_its_video_is_in_is_dropped_not_sent(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    hook = Webhook()
    with serve({"/hook": hook}) as srv:
        shops.write_text(SHOP + f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n', "utf-8")
        add(run, "9001", "2026-11-23T12:00+07:00")
        add(run, "9002", "2026-11-25T12:00+07:00")
        add(run, "9003", "2026-11-27T12:00+07:00", "--no-product")
        first = run("check", "--as-of", "2026-11-29T20:00+07:00")
        assert "notice reminder" in first.out and "retrying 1" in first.out, first.out
        mark_product(run, "9003")  # the shop reaches 3/3 ...
        add(run, "9100", "2026-11-29T20:30+07:00")  # ... and 4/3
        hook.up = True
        late = run("check", "--as-of", "2026-11-29T21:00+07:00")
        assert late.code == 0, late.err
    assert hook.taken == []  # "video 3 of 3 is due in 4 hours, 9003 not counted": untrue now
    [reminder] = messages(run)
    assert reminder["state"] == "dropped"
    assert "counted" in str(reminder["last_error"]), reminder
    assert "dropped" in run("alerts").out


def test_a_reminder_retried_while_still_owed_says_the_standing_at_send_time(
    run, shops: Path
) -> None:  # type: ignore[no-untyped-def]
    hook = Webhook()
    with serve({"/hook": hook}) as srv:
        shops.write_text(SHOP + f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n', "utf-8")
        add(run, "9001", "2026-11-23T12:00+07:00")
        add(run, "9002", "2026-11-25T12:00+07:00")
        add(run, "9003", "2026-11-27T12:00+07:00", "--no-product")
        run("check", "--as-of", "2026-11-29T20:00+07:00")
        add(run, "9200", "2026-11-29T20:30+07:00", "--no-product")
        hook.up = True
        run("check", "--as-of", "2026-11-29T21:00+07:00")
    [sent] = hook.taken
    assert sent["title"] == "【sz-th】提醒：本周第 3/3 条带货视频 3 小时后截止", sent["title"]
    assert "9200（未挂车）" in sent["message"], sent["message"]
    assert "ref: sz-th:2026-11-29:reminder#1" in sent["message"]


def test_a_resolved_message_is_not_sent_when_nobody_heard_of_the_alert(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    hook = Webhook()
    with serve({"/hook": hook}) as srv:
        shops.write_text(SHOP + f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n', "utf-8")
        first = run("check", "--as-of", "2026-11-26T10:00+07:00")  # video 1 overdue: behind
        assert "open behind" in first.out and "retrying 1" in first.out, first.out
        add(run, "9001", "2026-11-26T11:00+07:00")
        hook.up = True
        late = run("check", "--as-of", "2026-11-26T12:00+07:00")
        assert "resolve behind" in late.out, late.out
    assert hook.taken == []  # neither "behind" (untrue) nor "resolved" (of what?)
    states = sorted(str(m["state"]) for m in messages(run))
    assert states == ["dropped", "dropped"], messages(run)


def test_a_resolved_message_follows_a_delivered_alert(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    hook = Webhook()
    hook.up = True
    with serve({"/hook": hook}) as srv:
        shops.write_text(SHOP + f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n', "utf-8")
        run("check", "--as-of", "2026-11-26T10:00+07:00")
        add(run, "9001", "2026-11-26T11:00+07:00")
        run("check", "--as-of", "2026-11-26T12:00+07:00")
    assert [m["title"] for m in hook.taken] == [
        "【sz-th】本周带货视频进度落后",
        "【sz-th】已恢复：本周带货视频进度正常",
    ]

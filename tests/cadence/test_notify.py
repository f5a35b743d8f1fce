"""Notifiers against local servers that answer like the real ones: OK, errcode, slow, down."""

from __future__ import annotations

import io
import threading
import time

import pytest

from cadence.notify import (
    AppriseNotifier,
    ConsoleNotifier,
    DeliveryError,
    DingTalkNotifier,
    JsonWebhookNotifier,
    WeComBotNotifier,
    describe,
    notifier_for,
)
from tests.cadence.robots import dingtalk_robot, wecom_robot
from tests.httpserver import Reply, closed_port, serve


def test_json_webhook_posts_apprise_json_payload() -> None:
    with serve({"/hook": lambda r: Reply(200, "ok")}) as srv:
        JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook").send("T", "B", "critical")
        [req] = srv.requests
    assert req.json() == {"version": "1.0", "title": "T", "message": "B", "type": "failure"}
    assert req.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            Reply(200, {"errcode": 310000, "errmsg": "keywords not in content"}),
            "rejected with errcode 310000: keywords not in content",
        ),
        (Reply(200, {"code": 9499, "msg": "Bad Request"}), "rejected with code 9499: Bad Request"),
        (Reply(500, "boom"), "HTTP 500: boom"),
        (Reply(429, "slow down"), "HTTP 429"),
    ],
    ids=["dingtalk-errcode", "feishu-code", "5xx", "429"],
)
def test_a_200_with_an_error_code_is_a_failure(reply: Reply, expected: str) -> None:
    with serve({"/hook": lambda r: reply}) as srv:
        with pytest.raises(DeliveryError, match=expected):
            JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook").send("T", "B", "warning")


def test_errcode_zero_is_success() -> None:
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0, "errmsg": "ok"})}) as srv:
        JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook").send("T", "B", "warning")
        assert len(srv.requests) == 1


def test_a_slow_webhook_times_out() -> None:
    with serve({"/hook": lambda r: Reply(200, "ok", delay=5)}) as srv:
        notifier = JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook", timeout=0.3)
        with pytest.raises(DeliveryError, match="no answer within 0.3 s"):
            notifier.send("T", "B", "warning")


def test_a_webhook_that_is_down() -> None:
    notifier = JsonWebhookNotifier(f"json://127.0.0.1:{closed_port()}/hook", timeout=2)
    with pytest.raises(DeliveryError, match="cannot connect"):
        notifier.send("T", "B", "warning")


def test_dingtalk_signs_and_reads_errcode() -> None:
    with serve({"/robot/send": dingtalk_robot("SEC")}) as srv:
        DingTalkNotifier("dingtalk://SEC@tok/13800000000", base_url=srv.url).send(
            "标题", "第一行\n第二行", "warning"
        )
        payload = srv.requests[-1].json()
        assert payload["msgtype"] == "markdown" and payload["markdown"]["title"] == "标题"
        assert payload["at"]["atMobiles"] == ["13800000000"]
        with pytest.raises(DeliveryError, match="errcode 310000: sign not match"):
            DingTalkNotifier("dingtalk://WRONG@tok", base_url=srv.url).send("t", "b", "warning")
    with serve({"/robot/send": dingtalk_robot("SEC", errcode=130101)}) as srv:
        with pytest.raises(DeliveryError, match="errcode 130101"):
            DingTalkNotifier("dingtalk://SEC@tok", base_url=srv.url).send("t", "b", "warning")


def test_wecom_robot_reads_errcode() -> None:
    with serve({"/cgi-bin/webhook/send": wecom_robot("k1")}) as srv:
        WeComBotNotifier("wecombot://k1", base_url=srv.url).send("t", "b", "warning")
        assert srv.requests[-1].json()["msgtype"] == "markdown"
        with pytest.raises(DeliveryError, match="errcode 93000"):
            WeComBotNotifier("wecombot://k2", base_url=srv.url).send("t", "b", "warning")


def test_other_services_go_through_apprise_and_keep_its_error() -> None:
    with serve({"/form": lambda r: Reply(200, "ok")}) as srv:
        notifier = notifier_for(f"form://127.0.0.1:{srv.port}/form")
        assert isinstance(notifier, AppriseNotifier)
        notifier.send("T", "B", "warning")
        assert b"B" in srv.requests[-1].body
    with serve({"/form": lambda r: Reply(503, "down")}) as srv:
        with pytest.raises(DeliveryError, match="503"):
            notifier_for(f"form://127.0.0.1:{srv.port}/form").send("T", "B", "warning")


def test_an_apprise_send_past_its_deadline_lingers_alone() -> None:
    with serve({"/hook": lambda r: Reply(200, "ok", delay=30)}) as srv:
        # Apprise's own read timeout is longer than ours: only the worker's deadline ends it.
        notifier = notifier_for(f"form://127.0.0.1:{srv.port}/hook?rto=60", timeout=0.3)
        assert isinstance(notifier, AppriseNotifier)
        started = time.perf_counter()
        with pytest.raises(DeliveryError, match="no answer within 0.3 s"):
            notifier.send("T", "B", "warning")
        for _ in range(5):
            with pytest.raises(DeliveryError, match="an earlier send has not finished"):
                notifier.send("T", "B", "warning")
        assert time.perf_counter() - started < 0.3 + 2
        lingering = [t for t in threading.enumerate() if t.name == f"apprise {notifier.target}"]
        assert len(lingering) == 1 and lingering[0].daemon
        assert len(srv.requests) == 1


def test_unknown_urls_are_refused_clearly() -> None:
    with pytest.raises(DeliveryError, match="Apprise does not understand this URL"):
        notifier_for("nosuchscheme://x")


def test_targets_are_described_without_secrets() -> None:
    assert describe("dingtalk://SEC@tok123/1380").startswith("dingtalk://…#")
    assert "tok123" not in describe("dingtalk://SEC@tok123/1380")
    assert describe("json://127.0.0.1:8080/hook?token=abc").startswith("json://127.0.0.1:8080#")
    assert describe("json://h/a") != describe("json://h/b")


def test_a_port_out_of_range_is_described_and_refused_when_sending() -> None:
    assert describe("json://host:99999/x").startswith("json://host:99999#")
    with pytest.raises(DeliveryError, match="request failed"):
        notifier_for("json://host:99999/x").send("T", "B", "warning")


def test_console_prints() -> None:
    out = io.StringIO()
    ConsoleNotifier(out).send("Title", "Body", "warning")
    assert out.getvalue() == "[warning] Title\nBody\n\n"


def test_the_console_shows_control_characters_as_text() -> None:
    from tests.hostile import EVERYTHING, raw_controls

    out = io.StringIO()
    ConsoleNotifier(out).send(f"acme-th {EVERYTHING}", f"video by {EVERYTHING}", "warning")
    assert raw_controls(out.getvalue()) == []
    assert "[/bogus]" in out.getvalue() and "\\x1b]0;pwned\\x07" in out.getvalue()


DEEP = "[" * 100_000 + "]" * 100_000  # past any recursion limit the parser has


def test_an_answer_nested_too_deeply_is_a_failed_send() -> None:
    # A RecursionError is no ValueError: it escaped, and `cadence check` exited 3 unrecorded.
    with serve({"/hook": lambda r: Reply(200, DEEP)}) as srv:
        with pytest.raises(DeliveryError, match="nested deeper than"):
            JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook").send("T", "B", "warning")

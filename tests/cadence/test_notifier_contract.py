"""The Notifier contract, run over every notifier against a local server that answers like
its service: a message accepted, a message rejected (HTTP 200 with an errcode for the chat
robots, HTTP 500 for webhooks), a server too slow for the timeout, and a target name that
never gives a token or secret away."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from cadence.notify import (
    AppriseNotifier,
    ConsoleNotifier,
    DeliveryError,
    DingTalkNotifier,
    JsonWebhookNotifier,
    Notifier,
    WeComBotNotifier,
)
from tests.cadence.robots import dingtalk_robot, wecom_robot
from tests.httpserver import Reply, Route, Server, raw_serve, serve


@dataclass(frozen=True)
class Family:
    """One kind of notifier and a local stand-in for its service."""

    path: str
    route: Route  # accepts what a correctly built notifier sends
    build: Callable[[Server, float], Notifier]
    rejection: Reply  # how the service says no
    rejected: str  # what the DeliveryError then says (a regex)
    secrets: tuple[str, ...]  # never part of the target


def webhook(build: Callable[[Server, float], Notifier], rejected: str, secret: str) -> Family:
    """A plain webhook at /hook: any 2xx is success, HTTP 500 the rejection."""
    return Family(
        "/hook", lambda r: Reply(200, "ok"), build, Reply(500, "boom"), rejected, (secret,)
    )


FAMILIES = {
    "json-webhook": webhook(
        lambda srv, t: JsonWebhookNotifier(
            f"json://127.0.0.1:{srv.port}/hook?token=tokenx", timeout=t
        ),
        rejected="HTTP 500: boom",
        secret="tokenx",
    ),
    "dingtalk": Family(
        path="/robot/send",
        route=dingtalk_robot("SECRETX", token="tokenx"),
        build=lambda srv, t: DingTalkNotifier(
            "dingtalk://SECRETX@tokenx/13800000000", timeout=t, base_url=srv.url
        ),
        rejection=Reply(200, {"errcode": 310000, "errmsg": "keywords not in content"}),
        rejected="rejected with errcode 310000: keywords not in content",
        secrets=("SECRETX", "tokenx"),
    ),
    "wecom": Family(
        path="/cgi-bin/webhook/send",
        route=wecom_robot("keyx"),
        build=lambda srv, t: WeComBotNotifier("wecombot://keyx", timeout=t, base_url=srv.url),
        rejection=Reply(200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
        rejected="rejected with errcode 93000: invalid webhook url",
        secrets=("keyx",),
    ),
    "apprise": webhook(
        lambda srv, t: AppriseNotifier(f"json://bot:PASSX@127.0.0.1:{srv.port}/hook", timeout=t),
        rejected="error=500",
        secret="PASSX",
    ),
}


@pytest.fixture(params=sorted(FAMILIES))
def family(request: pytest.FixtureRequest) -> Family:
    """Each notifier that talks to a service."""
    return FAMILIES[request.param]


@pytest.fixture
def service(family: Family) -> Iterator[Server]:
    """The family's local service, accepting messages."""
    with serve({family.path: family.route}) as srv:
        yield srv


def test_an_accepted_message_arrives_whole(family: Family, service: Server) -> None:
    family.build(service, 5).send("库存提醒 Alert", "本周还差 2 条视频", "warning")
    [req] = service.requests
    sent = json.dumps(req.json(), ensure_ascii=False)
    assert "库存提醒 Alert" in sent and "本周还差 2 条视频" in sent


def test_a_rejected_message_is_a_delivery_error(family: Family, service: Server) -> None:
    service.routes[family.path] = lambda r: family.rejection
    notifier = family.build(service, 5)
    with pytest.raises(DeliveryError, match=family.rejected) as caught:
        notifier.send("T", "B", "critical")
    assert caught.value.target == notifier.target


def test_a_slow_service_fails_within_the_timeout(family: Family, service: Server) -> None:
    service.routes[family.path] = lambda r: Reply(200, {"errcode": 0}, delay=10)
    notifier = family.build(service, 0.3)
    started = time.monotonic()
    with pytest.raises(DeliveryError):
        notifier.send("T", "B", "warning")
    assert time.monotonic() - started < 2


def test_a_dripping_service_is_cut_at_the_deadline(family: Family, service: Server) -> None:
    # Each byte comes well within the timeout, so only a whole-request deadline ends it:
    # read to the end, this answer would take 25 s.
    body = '{"errcode": 0, "errmsg": "ok"}' + " " * 20
    service.routes[family.path] = lambda r: Reply(200, body, trickle=0.5)
    notifier = family.build(service, 1.5)
    started = time.perf_counter()
    with pytest.raises(DeliveryError, match="no answer within 1.5 s"):
        notifier.send("T", "B", "warning")
    assert time.perf_counter() - started < 1.5 + 2


@pytest.mark.parametrize("pause", [0.5, None], ids=["dripping-headers", "accepts-only"])
def test_a_service_dripping_its_headers_is_cut_at_the_deadline(
    family: Family, pause: float | None
) -> None:
    # Each byte of the status line comes well within any read timeout; the headers never end.
    with raw_serve(pause) as srv:
        notifier = family.build(srv, 1.0)  # type: ignore[arg-type]
        started = time.perf_counter()
        # Apprise's own read timeout is the same second: under load it may end the send
        # a moment before our deadline does, with its own words (CI at stop 22)
        said = "no answer within 1 s"
        if family.build is FAMILIES["apprise"].build:
            said += "|Connection error occurred"
        with pytest.raises(DeliveryError, match=said):
            notifier.send("T", "B", "warning")
        assert time.perf_counter() - started < 1 + 1
        if family.build is not FAMILIES["apprise"].build:  # Apprise's send is abandoned
            assert srv.all_closed()  # the request itself ended: no thread left on the socket


def test_an_oversized_answer_is_refused(family: Family, service: Server) -> None:
    if family.build is FAMILIES["apprise"].build:
        pytest.skip("Apprise reads answers itself: its sends are bounded by time only")
    body = '{"errcode": 0, "pad": "' + "x" * (4 * 1024 * 1024) + '"}'
    service.routes[family.path] = lambda r: Reply(200, body)
    with pytest.raises(DeliveryError, match="answer larger than"):
        family.build(service, 5).send("T", "B", "warning")


def test_the_target_never_contains_a_token_or_secret(family: Family, service: Server) -> None:
    target = family.build(service, 5).target
    assert target and not any(secret in target for secret in family.secrets)


def test_the_console_prints_and_names_itself_plainly() -> None:
    out = io.StringIO()
    notifier: Notifier = ConsoleNotifier(out)
    notifier.send("库存提醒 Alert", "本周还差 2 条视频", "warning")
    assert "库存提醒 Alert" in out.getvalue() and notifier.target == "console"

"""The outbox on a real store: one transaction with the decision, retries, leases, give-up."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from cadence.alerts import Action, AlertDecision
from cadence.messages import Message
from cadence.notify import NamedTarget
from cadence.notify.webhook import JsonWebhookNotifier
from cadence.outbox import apply_decision, backoff, deliver_due
from store.db import session_scope
from store.models import Alert, DeliveryAttempt, OutboxMessage, Shop
from tests.cadence.fakes import KilledMidSend, ProcessKilled, RecordingNotifier
from tests.httpserver import Reply, Request, closed_port, serve

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def enqueue(engine: Engine, rule: str = "behind", send_at: datetime = NOW) -> int:
    with session_scope(engine) as s:
        if s.get(Shop, "acme-th") is None:
            s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
            s.flush()
        decision = AlertDecision(Action.OPEN, rule, date(2026, 11, 23), True, send_at)
        row = apply_decision(
            s,
            shop_id="acme-th",
            decision=decision,
            message=Message("title " + rule, "body"),
            now=NOW,
            existing=None,
        )
        assert row is not None
        return row.id


def message(engine: Engine, message_id: int) -> OutboxMessage:
    with session_scope(engine) as s:
        return s.get(OutboxMessage, message_id)


def test_a_decision_and_its_message_are_written_together(engine: Engine) -> None:
    mid = enqueue(engine)
    with session_scope(engine) as s:
        alert = s.exec(select(Alert)).one()
        row = s.get(OutboxMessage, mid)
    assert alert.state == "firing" and alert.notifications == 1 and alert.last_notified_at == NOW
    assert row.alert_id == alert.id and row.dedup_key == "acme-th:2026-11-23:behind"
    assert row.sequence == 1 and row.body.endswith("ref: acme-th:2026-11-23:behind#1")


def test_delivered_once_and_recorded(engine: Engine) -> None:
    mid = enqueue(engine)
    team = RecordingNotifier()
    summary = deliver_due(engine, notifiers=lambda shop: [team], now=NOW)
    assert summary.delivered == 1 and len(team.sent) == 1
    assert deliver_due(engine, notifiers=lambda shop: [team], now=NOW).delivered == 0
    row = message(engine, mid)
    assert row.state == "delivered" and row.delivered_at == NOW and row.attempts == 1


def test_failures_back_off_then_give_up_visibly(engine: Engine) -> None:
    mid = enqueue(engine)
    team = RecordingNotifier(failures=100)
    now = NOW
    for attempt in range(1, 4):
        summary = deliver_due(engine, notifiers=lambda shop: [team], now=now, max_attempts=3)
        row = message(engine, mid)
        assert row.attempts == attempt and "refused" in row.last_error
        if attempt < 3:
            assert summary.retrying == 1 and row.next_attempt_at == now + backoff(attempt)
            # not due again before the backoff has passed
            assert (
                deliver_due(
                    engine,
                    notifiers=lambda s: [team],
                    now=now + timedelta(seconds=1),
                    max_attempts=3,
                ).retrying
                == 0
            )
            now = row.next_attempt_at
    assert row.state == "failed" and summary.failed == 1
    with session_scope(engine) as s:
        assert len(s.exec(select(DeliveryAttempt)).all()) == 3


def test_a_retry_skips_targets_that_already_took_the_message(engine: Engine) -> None:
    enqueue(engine)
    good, flaky = (
        RecordingNotifier("recording://good"),
        RecordingNotifier("recording://flaky", failures=1),
    )
    deliver_due(engine, notifiers=lambda shop: [good, flaky], now=NOW)
    deliver_due(engine, notifiers=lambda shop: [good, flaky], now=NOW + timedelta(minutes=5))
    assert len(good.sent) == 1 and len(flaky.sent) == 1


def test_a_target_named_by_its_env_entry_still_skips_what_it_took_under_its_old_name(
    engine: Engine,
) -> None:
    enqueue(engine)
    good, flaky = RecordingNotifier("json://h#1"), RecordingNotifier("json://f", failures=1)
    deliver_due(engine, notifiers=lambda shop: [good, flaky], now=NOW)  # stored as json://h#1
    named = NamedTarget("env:GOOD_HOOK", good)
    deliver_due(engine, notifiers=lambda shop: [named, flaky], now=NOW + timedelta(minutes=5))
    assert len(good.sent) == 1 and len(flaky.sent) == 1
    assert named.target == "env:GOOD_HOOK (json://h#1)"


def test_quiet_hours_hold_the_message(engine: Engine) -> None:
    mid = enqueue(engine, send_at=NOW + timedelta(hours=6))
    team = RecordingNotifier()
    assert deliver_due(engine, notifiers=lambda shop: [team], now=NOW).delivered == 0
    assert deliver_due(engine, notifiers=lambda s: [team], now=NOW + timedelta(hours=6)).delivered
    assert message(engine, mid).state == "delivered"


def test_a_leased_message_is_not_taken_twice_until_the_lease_runs_out(engine: Engine) -> None:
    from store.queries import claim_due_messages

    mid = enqueue(engine)
    with session_scope(engine) as s:  # a deliverer claims it, then dies
        claimed = claim_due_messages(s, now=NOW, lease=timedelta(minutes=2), clock=lambda: NOW)
        assert [m.id for m in claimed] == [mid]
    team = RecordingNotifier()

    def deliver(after: timedelta) -> int:
        moment = NOW + after
        summary = deliver_due(engine, notifiers=lambda s: [team], now=moment, clock=lambda: moment)
        return summary.delivered

    assert deliver(timedelta(minutes=1)) == 0
    assert deliver(timedelta(minutes=2)) == 1


def test_two_deliverers_never_send_the_same_message(engine: Engine) -> None:

    ids = [enqueue(engine, rule=rule) for rule in ("behind", "at_risk", "missed")]
    with session_scope(engine) as s:  # more messages: repeats of the same alerts
        for n in range(2, 8):
            for mid in ids:
                m = s.get(OutboxMessage, mid)
                s.add(
                    OutboxMessage(
                        shop_id=m.shop_id,
                        alert_id=m.alert_id,
                        dedup_key=m.dedup_key,
                        sequence=n,
                        kind="repeat",
                        title=f"{m.title} {n}",
                        body="b",
                        created_at=NOW,
                        next_attempt_at=NOW,
                    )
                )
    team = RecordingNotifier()
    lock = threading.Lock()

    class Locked:
        target = team.target

        def send(self, title: str, body: str, severity: str) -> None:
            with lock:
                team.send(title, body, severity)

    workers = [
        threading.Thread(
            target=deliver_due,
            kwargs={"engine": engine, "notifiers": lambda shop: [Locked()], "now": NOW},
        )
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    titles = [t for t, _, _ in team.sent]
    assert len(titles) == 21 and len(set(titles)) == 21


@dataclass
class SlowTarget:
    """A webhook that takes `seconds` per message (on a clock the test owns), during which a
    second deliverer may start: `meanwhile(n)` runs before the n-th send returns."""

    clock: list[datetime]
    seconds: float
    meanwhile: Callable[[int], None]
    target: str = "slow://team"
    sent: list[str] = field(default_factory=list)

    def send(self, title: str, body: str, severity: str) -> None:
        self.clock[0] += timedelta(seconds=self.seconds)
        self.meanwhile(len(self.sent) + 1)
        self.sent.append(body.rsplit("ref: ", 1)[1])


def test_a_pass_longer_than_the_lease_hands_out_no_expired_claims(engine: Engine) -> None:
    """16 messages to a target answering in 9 s: the pass lasts 144 s, past the 120 s lease.
    A second deliverer starting 125 s in must find every claimed message still leased."""
    with session_scope(engine) as s:
        s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
        s.flush()
        for n in range(16):
            decision = AlertDecision(  # this week's: a message of a week over is dropped
                Action.OPEN, "behind", date(2026, 11, 23), True, NOW, subject=f"s{n}"
            )
            apply_decision(
                s,
                shop_id="acme-th",
                decision=decision,
                message=Message("t", "b"),
                now=NOW,
                existing=None,
            )
    clock = [NOW]
    second: list[str] = []

    def later(n: int) -> None:
        if clock[0] - NOW >= timedelta(seconds=125) and not second:
            other = SlowTarget(clock, 0, lambda n: None)
            deliver_due(engine, notifiers=lambda s: [other], now=clock[0], clock=lambda: clock[0])
            second.extend(other.sent or ["(none)"])

    first = SlowTarget(clock, 9, later)
    summary = deliver_due(
        engine,
        notifiers=lambda s: [first],
        now=NOW,
        lease=timedelta(seconds=120),
        clock=lambda: clock[0],
    )
    sent = first.sent + [r for r in second if r != "(none)"]
    assert len(sent) == 16 and len(set(sent)) == 16  # every message once, none twice
    assert second and second != ["(none)"]  # the second deliverer did take the unclaimed rest
    assert summary.delivered == len(first.sent)


def test_an_answer_nested_too_deeply_is_a_recorded_attempt_retried_later(engine: Engine) -> None:
    from cadence.notify import JsonWebhookNotifier
    from tests.httpserver import Reply, serve

    mid = enqueue(engine)
    deep = "[" * 100_000 + "]" * 100_000
    with serve({"/hook": lambda r: Reply(200, deep)}) as srv:
        hook = JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook")
        summary = deliver_due(engine, notifiers=lambda shop: [hook], now=NOW)
    assert summary.retrying == 1
    row = message(engine, mid)
    assert row.attempts == 1 and "nested deeper than 64 levels" in row.last_error
    assert row.state != "delivered" and row.next_attempt_at == NOW + backoff(1)
    with session_scope(engine) as s:
        [attempt] = s.exec(select(DeliveryAttempt)).all()
    assert attempt.ok is False


def test_a_robots_top_level_errcode_is_read_past_a_deep_part(engine: Engine) -> None:
    # DingTalk/WeCom answer {"errcode": 0, ...}: a part nested past the parser's depth
    # elsewhere made a delivered message a failed attempt, sent again up to 8 times.
    from cadence.notify import DingTalkNotifier
    from tests.httpserver import Reply, serve

    deep = "[" * 100_000 + "]" * 100_000
    answers = {
        "ok": '{"errcode": 0, "errmsg": "ok", "extra": ' + deep + ', "n": 1}',
        "refused": '{"extra": {"a": ' + deep + '}, "errcode": 310000, "errmsg": "sign not match"}',
    }
    for (case, body), rule in zip(answers.items(), ("behind", "at_risk"), strict=True):
        mid = enqueue(engine, rule=rule)
        with serve({"/robot/send": lambda r, body=body: Reply(200, body)}) as srv:
            robot = DingTalkNotifier("dingtalk://SEC@tok", base_url=srv.url)
            summary = deliver_due(engine, notifiers=lambda shop, robot=robot: [robot], now=NOW)
            assert len(srv.requests) == 1
        row = message(engine, mid)
        if case == "ok":
            assert summary.delivered == 1 and row.state == "delivered" and row.attempts == 1
        else:
            assert summary.retrying == 1 and row.attempts == 1
            assert "errcode 310000: sign not match" in (row.last_error or "")


# A worker killed while a target holds its request: the chat may have shown the message
# (webhooks take no idempotency key), so the one that takes over records it as uncertain
# and never sends it again; a send that could not even connect is certainly not delivered.
KILLED_SENDER = """
import sys
from datetime import datetime
from cadence.notify.webhook import JsonWebhookNotifier
from cadence.outbox import deliver_due
from store.db import open_store
hook = JsonWebhookNotifier(sys.argv[2])
deliver_due(open_store(sys.argv[1]), notifiers=lambda shop: [hook],
            now=datetime.fromisoformat(sys.argv[3]))
"""


def test_a_send_under_way_when_its_worker_is_killed_is_never_sent_again(
    engine: Engine, db_url: str
) -> None:

    mid = enqueue(engine)
    held, released = threading.Event(), threading.Event()

    def hold(req: Request) -> Reply:
        held.set()
        released.wait(30)  # the chat has the message; its answer never reaches the worker
        return Reply(200, {"errcode": 0})

    with serve({"/hook": hold}) as srv:
        worker = subprocess.Popen(
            [sys.executable, "-c", KILLED_SENDER, db_url, f"json://127.0.0.1:{srv.port}/hook"]
            + [NOW.isoformat()],
            stderr=subprocess.PIPE,
        )
        try:
            assert held.wait(60), worker.stderr.read() if worker.poll() is not None else ""
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            released.set()
        hook = JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook")
        later = datetime.now(UTC) + timedelta(minutes=3)  # the killed worker's lease is over
        summary = deliver_due(engine, notifiers=lambda s: [hook], now=later, clock=lambda: later)
        again = deliver_due(engine, notifiers=lambda s: [hook], now=later, clock=lambda: later)
        assert len(srv.requests) == 1
    assert summary.uncertain == 1 and summary.delivered == 0 and again.idle
    row = message(engine, mid)
    assert row.state == "uncertain" and "may have been delivered" in row.last_error
    with session_scope(engine) as s:
        attempt = s.exec(select(DeliveryAttempt)).one()
    assert attempt.ok is None and "may have been delivered" in attempt.error


def test_a_takeover_sends_to_the_targets_not_yet_tried_but_not_to_the_uncertain_one(
    engine: Engine,
) -> None:
    mid = enqueue(engine)
    other = RecordingNotifier(target="recording://other")
    with pytest.raises(ProcessKilled):
        deliver_due(
            engine, notifiers=lambda s: [KilledMidSend(), other], now=NOW, clock=lambda: NOW
        )
    assert other.sent == []
    first = RecordingNotifier(target="chat://killed")
    later = NOW + timedelta(minutes=3)
    summary = deliver_due(
        engine, notifiers=lambda s: [first, other], now=later, clock=lambda: later
    )
    assert first.sent == [] and len(other.sent) == 1 and summary.uncertain == 1
    row = message(engine, mid)
    assert row.state == "uncertain" and "chat://killed" in row.last_error


def test_a_send_under_way_is_not_taken_for_uncertain_while_its_lease_holds(
    engine: Engine,
) -> None:
    mid = enqueue(engine)
    with pytest.raises(ProcessKilled):
        deliver_due(engine, notifiers=lambda s: [KilledMidSend()], now=NOW, clock=lambda: NOW)
    soon = NOW + timedelta(minutes=1)
    summary = deliver_due(
        engine, notifiers=lambda s: [RecordingNotifier()], now=soon, clock=lambda: soon
    )
    assert summary.idle and message(engine, mid).state == "pending"


def test_a_held_message_whose_send_began_is_not_dropped_as_stale(engine: Engine) -> None:
    mid = enqueue(engine)
    with pytest.raises(ProcessKilled):
        deliver_due(engine, notifiers=lambda s: [KilledMidSend()], now=NOW, clock=lambda: NOW)
    with session_scope(engine) as s:  # the alert closes while the taken message waits
        alert = s.exec(select(Alert)).one()
        alert.state, alert.resolved_at = "resolved", NOW - timedelta(minutes=1)
        s.add(alert)
    later = NOW + timedelta(minutes=3)
    deliver_due(engine, notifiers=lambda s: [RecordingNotifier()], now=later, clock=lambda: later)
    assert message(engine, mid).state == "uncertain"  # it may be in the chat: not "not sent"


def test_a_send_that_could_not_connect_is_retried(engine: Engine) -> None:
    mid = enqueue(engine)
    hook = JsonWebhookNotifier(f"json://127.0.0.1:{closed_port()}/hook")
    summary = deliver_due(engine, notifiers=lambda s: [hook], now=NOW, clock=lambda: NOW)
    assert summary.retrying == 1 and summary.uncertain == 0
    row = message(engine, mid)
    assert row.state == "pending" and "cannot connect" in row.last_error
    with session_scope(engine) as s:
        attempt = s.exec(select(DeliveryAttempt)).one()
    assert attempt.ok is False
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        hook = JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook")
        later = row.next_attempt_at
        summary = deliver_due(engine, notifiers=lambda s: [hook], now=later, clock=lambda: later)
        assert summary.delivered == 1 and len(srv.requests) == 1


def test_a_send_the_chat_never_answered_is_uncertain_and_never_sent_again(
    engine: Engine,
) -> None:
    mid = enqueue(engine)
    silent = {"/hook": lambda r: Reply(200, {"errcode": 0}, delay=60)}  # takes it, never answers
    with serve(silent) as srv, serve({"/other": lambda r: Reply(200, {"errcode": 0})}) as ok:
        hook = JsonWebhookNotifier(f"json://127.0.0.1:{srv.port}/hook", timeout=0.3)
        refused = JsonWebhookNotifier(f"json://127.0.0.1:{closed_port()}/refused")
        summary = deliver_due(
            engine, notifiers=lambda s: [hook, refused], now=NOW, clock=lambda: NOW
        )
        # The request went out and no answer came: the chat may show it, as when the
        # sender is killed mid-send. The target that refused the connection is retried.
        assert len(srv.requests) == 1 and summary.retrying == 1
        with session_scope(engine) as s:
            timed_out = s.exec(
                select(DeliveryAttempt).where(DeliveryAttempt.target == hook.target)
            ).one()
        assert timed_out.ok is None and "no answer within 0.3 s" in (timed_out.error or "")
        back = JsonWebhookNotifier(f"json://127.0.0.1:{ok.port}/other")
        later = message(engine, mid).next_attempt_at
        summary = deliver_due(
            engine, notifiers=lambda s: [hook, back], now=later, clock=lambda: later
        )
        assert len(srv.requests) == 1, "sent again to the target that never answered"
        assert len(ok.requests) == 1 and summary.uncertain == 1
    row = message(engine, mid)
    assert row.state == "uncertain" and "no answer within 0.3 s" in row.last_error


def test_a_retried_message_whose_alert_closed_meanwhile_is_dropped(engine: Engine) -> None:
    mid = enqueue(engine)
    hook = JsonWebhookNotifier(f"json://127.0.0.1:{closed_port()}/hook")
    assert deliver_due(engine, notifiers=lambda s: [hook], now=NOW, clock=lambda: NOW).retrying
    with session_scope(engine) as s:  # closed by a decision written elsewhere (a fleet)
        alert = s.exec(select(Alert)).one()
        alert.state, alert.resolved_at = "resolved", NOW + timedelta(seconds=10)
        s.add(alert)
    team = RecordingNotifier()
    later = message(engine, mid).next_attempt_at
    summary = deliver_due(engine, notifiers=lambda s: [team], now=later, clock=lambda: later)
    assert summary.dropped == 1 and not team.sent
    assert "closed" in message(engine, mid).last_error


def test_a_message_about_a_week_that_is_over_is_dropped(engine: Engine) -> None:
    mid = enqueue(engine)  # behind in the week of Mon 23 Nov (Bangkok)
    team = RecordingNotifier()
    monday = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # Mon 30 Nov 00:00 Bangkok
    summary = deliver_due(engine, notifiers=lambda s: [team], now=monday, clock=lambda: monday)
    assert summary.dropped == 1 and not team.sent
    assert "week it is about ended" in message(engine, mid).last_error
    just_before = monday - timedelta(seconds=1)  # the same message an instant earlier: sent
    other = enqueue(engine, rule="at_risk")
    deliver_due(engine, notifiers=lambda s: [team], now=just_before, clock=lambda: just_before)
    assert message(engine, other).state == "delivered" and len(team.sent) == 1


def test_cadence_check_counts_and_names_a_send_that_got_no_answer(engine: Engine) -> None:
    """A timed-out send is recorded as "may have been delivered"; the check's line said
    "delivered 0, retrying 0, failed 0" and nothing on stderr, as if nothing was due."""
    import io

    from cadence import views
    from cadence.service import check, notifiers_for
    from config.runtime import Environment, Secrets
    from config.settings import parse
    from store.queries import register_shops

    silent = {"/hook": lambda r: Reply(200, {"errcode": 0}, delay=60)}  # takes it, never answers
    with serve(silent) as srv:
        url = f"json://127.0.0.1:{srv.port}/hook"
        settings = parse(
            f'[[shops]]\nid = "a-my"\nmarket = "MY"\nalert_urls = ["{url}"]\n', "shops.toml"
        )
        register_shops(engine, settings, settings.shops)
        notifiers = notifiers_for(settings, Secrets({}), io.StringIO(), timeout=0.3)
        run = check(engine, settings, settings.shops, NOW, notifiers)
    assert run.shops[0].delivery.uncertain == 1
    out, err = io.StringIO(), io.StringIO()
    views.checked(Environment(stdout=out, stderr=err, environ={}), run)
    assert "uncertain 1: may have been delivered, not sent again" in out.getvalue()
    assert url.split("//")[1].split("/")[0] in err.getvalue(), err.getvalue()
    assert "no answer within 0.3 s" in err.getvalue()

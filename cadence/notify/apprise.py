"""Every other service (Feishu, Lark, Telegram, Slack, email, ...) through Apprise.

Apprise sends with requests and takes only per-read socket timeouts, so a service dripping
its answer could hold it for ever. Each send therefore runs in a worker thread that we wait
for at most `timeout` seconds; a send still running then is abandoned (a daemon thread, so
it never holds the process at exit), and while it lingers the same target is not tried
again: at most one abandoned send per target, however long the daemon runs.
"""

from __future__ import annotations

import threading

from cadence.notify.delivery import DeliveryError, describe
from store.states import Severity

# target -> its send still running after its deadline; guarded by _LOCK
_LINGERING: dict[str, threading.Thread] = {}
_LOCK = threading.Lock()


class AppriseNotifier:
    """Any other Apprise URL (Feishu, Lark, Telegram, Slack, email, ...)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        import apprise

        self.apprise = apprise.Apprise()
        self.target = describe(url)
        self.timeout = timeout
        if not self.apprise.add(url):
            raise DeliveryError(self.target, "Apprise does not understand this URL")
        for server in self.apprise:  # Apprise's own knobs (URL ?rto=&cto=) win when given
            if "rto=" not in url:
                server.socket_read_timeout = timeout  # type: ignore[attr-defined]
            if "cto=" not in url:
                server.socket_connect_timeout = min(timeout, 4.0)  # type: ignore[attr-defined]

    def send(self, title: str, body: str, severity: str) -> None:
        """Notify through Apprise within `timeout` seconds, keeping what it logged as the
        error."""
        outcome: list[str | None] = []
        worker = threading.Thread(
            target=lambda: outcome.append(self._notify(title, body, severity)),
            name=f"apprise {self.target}",
            daemon=True,
        )
        with _LOCK:
            earlier = _LINGERING.get(self.target)
            if earlier is not None and earlier.is_alive():
                raise DeliveryError(
                    self.target, "an earlier send has not finished yet; not sent this time"
                )
            _LINGERING[self.target] = worker
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            # connecting gives up sooner (cto, at most 4 s): a send still running has most
            # likely gone out, and is taken for one that may have been shown
            raise DeliveryError(self.target, f"no answer within {self.timeout:g} s", uncertain=True)
        with _LOCK:
            if _LINGERING.get(self.target) is worker:
                del _LINGERING[self.target]
        if not outcome:  # the worker died of an exception Apprise did not catch
            raise DeliveryError(self.target, "Apprise failed without saying why")
        if outcome[0] is not None:
            raise DeliveryError(self.target, outcome[0])

    def _notify(self, title: str, body: str, severity: str) -> str | None:
        """Apprise's send; None when it succeeded, else what it logged."""
        import apprise

        kind = {
            Severity.CRITICAL: apprise.NotifyType.FAILURE,
            Severity.WARNING: apprise.NotifyType.WARNING,
        }.get(severity, apprise.NotifyType.INFO)
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            ok = self.apprise.notify(title=title, body=body, notify_type=kind)
        if ok:
            return None
        return " ".join(log.getvalue().split())[:300] or "Apprise reported a failure"

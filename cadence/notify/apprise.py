"""Every other service (Feishu, Lark, Telegram, Slack, email, ...) through Apprise."""

from __future__ import annotations

from cadence.notify.delivery import DeliveryError, describe


class AppriseNotifier:
    """Any other Apprise URL (Feishu, Lark, Telegram, Slack, email, ...)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        import apprise

        self.apprise = apprise.Apprise()
        self.target = describe(url)
        if not self.apprise.add(url):
            raise DeliveryError(self.target, "Apprise does not understand this URL")
        for server in self.apprise:  # Apprise's own knobs (URL ?rto=&cto=) win when given
            if "rto=" not in url:
                server.socket_read_timeout = timeout  # type: ignore[attr-defined]
            if "cto=" not in url:
                server.socket_connect_timeout = min(timeout, 4.0)  # type: ignore[attr-defined]

    def send(self, title: str, body: str, severity: str) -> None:
        """Notify through Apprise, keeping what it logged as the error."""
        import apprise

        kind = {"critical": apprise.NotifyType.FAILURE, "warning": apprise.NotifyType.WARNING}.get(
            severity, apprise.NotifyType.INFO
        )
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            ok = self.apprise.notify(title=title, body=body, notify_type=kind)
        if not ok:
            detail = " ".join(log.getvalue().split())[:300] or "Apprise reported a failure"
            raise DeliveryError(self.target, detail)

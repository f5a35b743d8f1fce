"""Generic JSON webhooks, in Apprise's `json://` / `jsons://` URL form and payload."""

from __future__ import annotations

from urllib.parse import urlsplit

from cadence.notify.delivery import HttpPoster, describe
from store.states import Severity


class JsonWebhookNotifier:
    """`json://host[:port]/path` (http) and `jsons://` (https), Apprise's JSON payload."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        scheme = "https" if parts.scheme == "jsons" else "http"
        self.url = f"{scheme}://{parts.netloc}{parts.path or '/'}"
        if parts.query:
            self.url += f"?{parts.query}"
        self.target = describe(url)
        self.http = HttpPoster(self.target, timeout)

    def send(self, title: str, body: str, severity: str) -> None:
        """POST {version, title, message, type}."""
        kind = {Severity.CRITICAL: "failure", Severity.WARNING: "warning"}.get(severity, "info")
        self.http.post(self.url, {"version": "1.0", "title": title, "message": body, "type": kind})

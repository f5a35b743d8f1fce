"""Notifiers: one message to one target. The team chats answer HTTP 200 with an `errcode`
when they reject a message, so the robots we must read the answer of are sent here; the
long tail of services goes through Apprise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol
from urllib.parse import quote, urlsplit

from config.errors import AppError, ExitCode


class DeliveryError(AppError):
    """A target did not accept a message."""

    exit_code = ExitCode.FAILURES

    def __init__(self, target: str, problem: str) -> None:
        self.target = target
        self.problem = problem
        super().__init__(f"{target}: {problem}")


class Notifier(Protocol):
    """Delivers one message to one target, or raises DeliveryError saying why not."""

    target: str  # safe to print and store: no token, plus a short fingerprint

    def send(self, title: str, body: str, severity: str) -> None:
        """Send; return only when the target accepted the message."""
        ...


def describe(url: str) -> str:
    """A target's name for logs and the store: scheme and (for webhooks) host, no secrets."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    if parts.scheme in ("json", "jsons", "http", "https"):
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}#{digest}"
    return f"{parts.scheme}://…#{digest}"


@dataclass
class ConsoleNotifier:
    """Prints messages (the default when a shop has no alert_urls)."""

    stream: IO[str]
    target: str = "console"

    def send(self, title: str, body: str, severity: str) -> None:
        """Print the message."""
        print(f"[{severity}] {title}\n{body}\n", file=self.stream, flush=True)


def _check_answer(target: str, status: int, content: bytes) -> None:
    """Raise unless the answer is a success: 2xx, and no non-zero errcode/code in the body."""
    if not 200 <= status < 300:
        raise DeliveryError(target, f"HTTP {status}: {content[:200].decode('utf-8', 'replace')}")
    try:
        answer = json.loads(content) if content.strip() else None
    except ValueError:
        return  # a plain-text 200 is how generic webhooks say OK
    if isinstance(answer, dict):
        for key in ("errcode", "code", "StatusCode"):
            value = answer.get(key)
            if isinstance(value, int) and value != 0:
                message = answer.get("errmsg") or answer.get("msg") or answer.get("message") or ""
                raise DeliveryError(target, f"rejected with {key} {value}: {message}")


@dataclass
class HttpPoster:
    """POSTs JSON with a timeout, turning every transport failure into DeliveryError."""

    target: str
    timeout: float

    def post(self, url: str, payload: dict[str, Any]) -> None:
        """POST and check the answer."""
        import requests

        try:
            response = requests.post(
                url,
                data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "shopbot",
                },
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise DeliveryError(self.target, f"no answer within {self.timeout:g} s") from None
        except requests.ConnectionError:
            raise DeliveryError(self.target, "cannot connect") from None
        except requests.RequestException as exc:
            raise DeliveryError(self.target, f"request failed ({type(exc).__name__})") from None
        _check_answer(self.target, response.status_code, response.content)


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
        kind = {"critical": "failure", "warning": "warning"}.get(severity, "info")
        self.http.post(self.url, {"version": "1.0", "title": title, "message": body, "type": kind})


class DingTalkNotifier:
    """`dingtalk://[secret@]token[/mobile...]`: a DingTalk custom robot, signed when a
    secret is given; `errcode` in the answer decides success."""

    base_url = "https://oapi.dingtalk.com"

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        base_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        parts = urlsplit(url)
        self.secret = parts.username or None
        self.token = parts.hostname or ""
        if not self.token:
            raise DeliveryError(describe(url), "the URL has no robot token")
        self.mobiles = [m for m in parts.path.split("/") if m]
        self.base_url = (base_url or self.base_url).rstrip("/")
        self.clock = clock
        self.target = describe(url)
        self.http = HttpPoster(self.target, timeout)

    def signed_url(self) -> str:
        """The send URL, with timestamp and sign when the robot has a secret."""
        url = f"{self.base_url}/robot/send?access_token={quote(self.token)}"
        if self.secret:
            stamp = str(int(self.clock() * 1000))
            mac = hmac.new(
                self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
            url += f"&timestamp={stamp}&sign={quote(base64.b64encode(mac).decode(), safe='')}"
        return url

    def send(self, title: str, body: str, severity: str) -> None:
        """A markdown message; the title doubles as DingTalk's keyword check."""
        text = f"### {title}\n\n" + body.replace("\n", "\n\n")
        self.http.post(
            self.signed_url(),
            {
                "msgtype": "markdown",
                "markdown": {"title": title, "text": text},
                "at": {"atMobiles": self.mobiles, "isAtAll": False},
            },
        )


class WeComBotNotifier:
    """`wecombot://key`: a WeCom group robot; `errcode` in the answer decides success."""

    base_url = "https://qyapi.weixin.qq.com"

    def __init__(self, url: str, timeout: float = 10.0, base_url: str | None = None) -> None:
        parts = urlsplit(url)
        self.key = parts.hostname or ""
        if not self.key:
            raise DeliveryError(describe(url), "the URL has no robot key")
        self.base_url = (base_url or self.base_url).rstrip("/")
        self.target = describe(url)
        self.http = HttpPoster(self.target, timeout)

    def send(self, title: str, body: str, severity: str) -> None:
        """A markdown message."""
        self.http.post(
            f"{self.base_url}/cgi-bin/webhook/send?key={quote(self.key)}",
            {
                "msgtype": "markdown",
                "markdown": {"content": f"**{title}**\n{body}"},
            },
        )


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


NOTIFIERS: dict[str, Callable[..., Notifier]] = {
    "json": JsonWebhookNotifier,
    "jsons": JsonWebhookNotifier,
    "dingtalk": DingTalkNotifier,
    "wecombot": WeComBotNotifier,
}


def notifier_for(url: str, timeout: float = 10.0) -> Notifier:
    """The notifier for a (secret-resolved) URL: ours for the chat robots, else Apprise."""
    scheme = urlsplit(url).scheme
    factory = NOTIFIERS.get(scheme)
    if factory is not None:
        return factory(url, timeout=timeout)
    return AppriseNotifier(url, timeout=timeout)

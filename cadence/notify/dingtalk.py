"""DingTalk custom robots: signed sends, and `errcode` in a 200 answer decides success."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from cadence.notify.delivery import NO_MENTIONS, DeliveryError, HttpPoster, Mentions, describe


class DingTalkNotifier:
    """`dingtalk://[secret@]token[/mobile...]`: a DingTalk custom robot, signed when a
    secret is given; `errcode` in the answer decides success. Mentions (the URL's mobiles
    and `mentions`) go in `at` and, as DingTalk wants, as @ in the text."""

    base_url = "https://oapi.dingtalk.com"

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        base_url: str | None = None,
        clock: Callable[[], float] = time.time,
        mentions: Mentions = NO_MENTIONS,
    ) -> None:
        parts = urlsplit(url)
        self.secret = parts.username or None
        self.token = parts.hostname or ""
        if not self.token:
            raise DeliveryError(describe(url), "the URL has no robot token")
        self.mobiles = [m for m in parts.path.split("/") if m]
        self.mobiles += [m for m in mentions.mobiles if m not in self.mobiles]
        self.user_ids = list(mentions.user_ids)
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
        at: dict[str, object] = {"atMobiles": self.mobiles, "isAtAll": False}
        if self.user_ids:
            at["atUserIds"] = self.user_ids
        # Only the ones named in `at` are notified, and only when the text holds their @.
        named = [f"@{m}" for m in self.mobiles + self.user_ids]
        if named:
            text += "\n\n" + " ".join(named)
        self.http.post(
            self.signed_url(),
            {"msgtype": "markdown", "markdown": {"title": title, "text": text}, "at": at},
        )

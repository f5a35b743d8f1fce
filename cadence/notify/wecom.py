"""WeCom (企业微信) group robots: `errcode` in a 200 answer decides success."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from cadence.notify.delivery import DeliveryError, HttpPoster, describe


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

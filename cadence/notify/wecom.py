"""WeCom (企业微信) group robots: `errcode` in a 200 answer decides success."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from cadence.notify.delivery import NO_MENTIONS, DeliveryError, HttpPoster, Mentions, describe


class WeComBotNotifier:
    """`wecombot://key`: a WeCom group robot; `errcode` in the answer decides success.

    Markdown messages can mention user ids (`<@userid>`) but not mobile numbers, so a
    message that mentions a mobile goes as a text message (`mentioned_mobile_list`) and
    loses its bold title; one without mobiles stays markdown.
    """

    base_url = "https://qyapi.weixin.qq.com"

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        base_url: str | None = None,
        mentions: Mentions = NO_MENTIONS,
    ) -> None:
        parts = urlsplit(url)
        self.key = parts.hostname or ""
        if not self.key:
            raise DeliveryError(describe(url), "the URL has no robot key")
        self.base_url = (base_url or self.base_url).rstrip("/")
        self.target = describe(url)
        self.http = HttpPoster(self.target, timeout)
        self.mentions = mentions

    def send(self, title: str, body: str, severity: str) -> None:
        """A markdown message, or a text message when it mentions mobile numbers."""
        m = self.mentions
        if m.mobiles:
            payload: dict[str, object] = {
                "msgtype": "text",
                "text": {
                    "content": f"{title}\n{body}",
                    "mentioned_list": list(m.user_ids),
                    "mentioned_mobile_list": list(m.mobiles),
                },
            }
        else:
            named = "".join(f"\n<@{u}>" for u in m.user_ids)
            payload = {
                "msgtype": "markdown",
                "markdown": {"content": f"**{title}**\n{body}{named}"},
            }
        self.http.post(f"{self.base_url}/cgi-bin/webhook/send?key={quote(self.key)}", payload)

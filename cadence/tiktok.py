"""TikTok Shop Partner API: request signing, a small client, and the shop-videos source."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from cadence.videos import VideoRecord, parse_time
from config.errors import AppError, ExitCode

RETRYABLE_CODES = {36009002, 36009003}  # rate limited; internal error
TOKEN_EXPIRED = 105002
BAD_SIGN = 106001


class TikTokError(AppError):
    """The Partner API refused or failed a request."""

    exit_code = ExitCode.FAILURES

    def __init__(
        self, path: str, problem: str, *, code: int | None = None, request_id: str | None = None
    ) -> None:
        self.code = code
        ref = f" (request_id {request_id})" if request_id else ""
        super().__init__(f"TikTok Shop API {path}: {problem}{ref}")


def sign(secret: str, path: str, query: Mapping[str, Any], body: bytes = b"") -> str:
    """The `sign` parameter: HMAC-SHA256 over secret + path + sorted params + body + secret.

    Every query parameter but `sign` and `access_token` takes part, sorted by key, as
    `{key}{value}`; a multipart body does not (pass b"" for it).
    """
    params = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
    wrapped = f"{secret}{path}{params}".encode() + body + secret.encode()
    return hmac.new(secret.encode(), wrapped, hashlib.sha256).hexdigest()


@dataclass
class PartnerClient:
    """Signed JSON requests to the Partner API, with retries on rate limits and 5xx."""

    base_url: str
    app_key: str
    app_secret: str
    access_token: str
    timeout: float = 15.0
    retries: int = 3
    clock: Callable[[], float] = time.time
    pause: Callable[[float], None] = time.sleep

    def get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET `path` with `params`; the response's `data`, or TikTokError."""
        import requests

        last = "no attempt made"
        for attempt in range(self.retries + 1):
            query = {
                **{k: v for k, v in params.items() if v is not None},
                "app_key": self.app_key,
                "timestamp": str(int(self.clock())),
            }
            query["sign"] = sign(self.app_secret, path, query)
            url = f"{self.base_url.rstrip('/')}{path}?{urlencode(query)}"
            try:
                response = requests.get(
                    url,
                    headers={
                        "x-tts-access-token": self.access_token,
                        "content-type": "application/json",
                    },
                    timeout=self.timeout,
                )
            except requests.Timeout:
                last = f"no answer within {self.timeout:g} s"
            except requests.RequestException as exc:
                last = f"cannot connect ({type(exc).__name__})"
            else:
                payload = _json(response.content)
                code = payload.get("code") if payload else None
                if (
                    response.status_code == 429
                    or code in RETRYABLE_CODES
                    or (response.status_code >= 500 and code in (None, 0))
                ):
                    last = f"HTTP {response.status_code}, code {code}"
                elif payload is None:
                    raise TikTokError(
                        path, f"HTTP {response.status_code} with a body that is not JSON"
                    )
                elif code != 0:
                    raise TikTokError(
                        path,
                        _explain(code, payload.get("message", "")),
                        code=code,
                        request_id=payload.get("request_id"),
                    )
                else:
                    data = payload.get("data")
                    return data if isinstance(data, dict) else {}
            if attempt < self.retries:
                self.pause(min(2**attempt, 30))
        raise TikTokError(path, f"gave up after {self.retries + 1} tries: {last}")


def _json(content: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _explain(code: int, message: str) -> str:
    if code == TOKEN_EXPIRED:
        return f"code {code}: the access token expired; refresh it and update its variable"
    if code == BAD_SIGN:
        return f"code {code}: bad signature; check the app secret's variable"
    return f"code {code}: {message}"


@dataclass
class ShopVideosSource:
    """The shop's own videos from `GET /analytics/{version}/shop_videos/performance`."""

    client: PartnerClient
    shop_cipher: str
    zone: ZoneInfo
    version: str = "202409"
    account_type: str | None = None
    page_size: int = 100
    name: str = "tiktok"
    skipped: list[str] = field(default_factory=list)  # items that could not be read

    @property
    def path(self) -> str:
        """The endpoint's path."""
        return f"/analytics/{self.version}/shop_videos/performance"

    def fetch(self, start: date, end: date) -> Iterator[VideoRecord]:
        """Videos posted from `start` to before `end` (shop-local dates), page by page."""
        token: str | None = None
        seen_tokens: set[str] = set()
        while True:
            data = self.client.get(
                self.path,
                {
                    "shop_cipher": self.shop_cipher,
                    "start_date_ge": start.isoformat(),
                    "end_date_lt": end.isoformat(),
                    "page_size": self.page_size,
                    "page_token": token,
                    "account_type": self.account_type,
                },
            )
            for item in data.get("videos") or []:
                record = _record(item, self.zone) if isinstance(item, dict) else None
                if record is None:
                    self.skipped.append(f"unreadable video item: {str(item)[:120]}")
                else:
                    yield record
            token = data.get("next_page_token") or None
            if not token or token in seen_tokens:  # a repeated token would loop forever
                return
            seen_tokens.add(token)


def _record(item: Mapping[str, Any], zone: ZoneInfo) -> VideoRecord | None:
    video_id = str(item.get("id") or "").strip()
    posted = item.get("video_post_time")
    if not video_id or not isinstance(posted, str):
        return None
    try:
        posted_at: datetime = parse_time(posted, zone)
    except ValueError:
        return None
    products = tuple(
        str(p.get("id")) for p in item.get("products") or [] if isinstance(p, dict) and p.get("id")
    )
    return VideoRecord(
        video_id=video_id,
        posted_at=posted_at,
        product_ids=products,
        title=str(item.get("title") or ""),
    )

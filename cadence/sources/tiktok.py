"""The shop's own videos from TikTok Shop's analytics, through the Partner API client."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cadence.videos import VideoRecord
from config.files import parse_time
from config.i18n import Msg, msg
from config.runtime import Secrets
from config.settings import Settings, ShopSettings
from config.tables import Place, RowProblem
from tiktok import PartnerClient, client_for

# More than any shop posts in a day: it bounds how many pages a date range can fill.
MAX_VIDEOS_PER_DAY = 200


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
    skipped: list[RowProblem] = field(default_factory=list)  # items that could not be read

    @classmethod
    def from_settings(
        cls, settings: Settings, shop: ShopSettings, secrets: Secrets
    ) -> ShopVideosSource:
        """The source for a shop's `[shops.tiktok]` table, secrets read from `secrets`."""
        client = client_for(
            settings,
            shop,
            secrets,
            "add one to sync from TikTok Shop, or use `cadence videos import` / `videos add`",
        )
        tt = shop.tiktok
        assert tt is not None
        return cls(
            client=client,
            shop_cipher=tt.shop_cipher,
            zone=settings.zone(shop),
            version=tt.analytics_version,
            account_type=tt.account_type,
        )

    @property
    def path(self) -> str:
        """The endpoint's path."""
        return f"/analytics/{self.version}/shop_videos/performance"

    def fetch(self, start: date, end: date) -> Iterator[VideoRecord]:
        """Videos posted from `start` to before `end` (shop-local dates), page by page, for
        at most `max_pages(start, end)` pages: a server that keeps giving new page tokens
        (or the same one, or an empty page with one) is stopped, and that is said in
        `skipped` (videos past it may be missing)."""
        token: str | None = None
        seen_tokens: set[str] = set()
        limit = self.max_pages(start, end)
        for page in range(1, limit + 1):
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
            items = data.get("videos") or []
            for item in items if isinstance(items, list) else []:
                record = _record(item, self.zone) if isinstance(item, dict) else None
                if record is None:
                    place = Place(f"{self.name} {self.path}", item=len(self.skipped), kind="video")
                    self.skipped.append(
                        place.problem(msg("unreadable video item: {item}", item=str(item)[:120]))
                    )
                else:
                    yield record
            token = data.get("next_page_token") or None
            if not token:
                return
            if token in seen_tokens:
                return self._stopped(page, msg("it gave the same next_page_token again"))
            if not items:
                return self._stopped(
                    page, msg("a page with no videos still carried a next_page_token")
                )
            seen_tokens.add(token)
        self._stopped(
            limit,
            msg(
                "each of {limit} pages carried a new next_page_token, more pages than "
                "{days} days can fill ({per_day} videos a day, {per_page} a page)",
                limit=limit,
                days=(end - start).days,
                per_day=MAX_VIDEOS_PER_DAY,
                per_page=self.page_size,
            ),
        )

    def max_pages(self, start: date, end: date) -> int:
        """The most pages the date range can fill, and one more."""
        videos = max((end - start).days, 1) * MAX_VIDEOS_PER_DAY
        return -(-videos // self.page_size) + 1

    def _stopped(self, page: int, why: Msg) -> None:
        """Say that paging was stopped at `page`, and why."""
        place = Place(f"{self.name} {self.path}", item=page, kind="page")
        self.skipped.append(
            place.problem(
                msg("paging stopped: {why}; videos past this page may be missing", why=why)
            )
        )


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

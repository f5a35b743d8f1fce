"""Where videos come from: the `VideoSource` protocol and the registry of sources."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Protocol

from cadence.videos import VideoRecord
from config.errors import AppError, ConfigError
from config.runtime import Secrets
from config.settings import Settings, ShopSettings


class VideoSource(Protocol):
    """Reports the videos a shop posted between two shop-local dates."""

    name: str

    def fetch(self, start: date, end: date) -> Iterable[VideoRecord]:
        """Videos posted on `start` up to (not including) `end`."""
        ...


def _tiktok(settings: Settings, shop: ShopSettings, secrets: Secrets) -> VideoSource:
    from cadence.tiktok import PartnerClient, ShopVideosSource

    tt = shop.tiktok
    if tt is None:
        raise ConfigError(
            settings.path,
            f"shop {shop.id!r} has no [shops.tiktok] table; add one to sync from TikTok Shop, "
            "or use `cadence videos import` / `videos add`",
        )
    where = f"[shops.tiktok] of shop {shop.id!r}"
    client = PartnerClient(
        base_url=tt.base_url,
        app_key=secrets.require(tt.app_key_env, where),
        app_secret=secrets.require(tt.app_secret_env, where),
        access_token=secrets.require(tt.access_token_env, where),
        timeout=tt.timeout,
    )
    return ShopVideosSource(
        client=client,
        shop_cipher=tt.shop_cipher,
        zone=settings.zone(shop),
        version=tt.analytics_version,
        account_type=tt.account_type,
    )


# name -> factory(settings, shop, secrets); tests register fakes here.
SOURCES: dict[str, Callable[[Settings, ShopSettings, Secrets], VideoSource]] = {
    "tiktok": _tiktok,
}


class NoSource(AppError):
    """The shop has no source to sync from."""


def source_for(settings: Settings, shop: ShopSettings, secrets: Secrets) -> VideoSource:
    """The shop's configured source."""
    name = shop.video_source or ("tiktok" if shop.tiktok else None)
    if name is None:
        raise NoSource(
            f"shop {shop.id!r} has no video source: add [shops.tiktok] to sync from "
            "TikTok Shop, or record videos with `cadence videos import` / `videos add`"
        )
    if name not in SOURCES:
        raise ConfigError(
            settings.path,
            f"shop {shop.id!r}: unknown video_source {name!r}; known: {', '.join(SOURCES)}",
        )
    return SOURCES[name](settings, shop, secrets)

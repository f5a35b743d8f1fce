"""Where videos come from: the `VideoSource` protocol, the registry of sources by the name
a shop's `video_source` gives, and `source_for`. One module per source."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Protocol

from cadence.sources.tiktok import ShopVideosSource
from cadence.videos import VideoRecord
from config.errors import AppError, ConfigError
from config.runtime import Secrets
from config.settings import Settings, ShopSettings
from config.tables import RowProblem


class VideoSource(Protocol):
    """Reports the videos a shop posted between two shop-local dates."""

    name: str
    skipped: list[RowProblem]  # what `fetch` could not read, and why; the rest goes on

    def fetch(self, start: date, end: date) -> Iterable[VideoRecord]:
        """Videos posted on `start` up to (not including) `end`."""
        ...


SourceFactory = Callable[[Settings, ShopSettings, Secrets], VideoSource]

# name -> factory(settings, shop, secrets); tests register fakes here.
SOURCES: dict[str, SourceFactory] = {
    "tiktok": ShopVideosSource.from_settings,
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

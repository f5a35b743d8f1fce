"""Where each shop stands in its week, read from the store: what `cadence status` shows.

Apart from cadence.service so that the command imports only what it reads with: the pure
quota core and a Core query (store.video_facts), not the ORM, the outbox or the notifiers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cadence.quota import Mark, QuotaRules, VideoFacts, WeekStatus, evaluate_week, week_of
from store.db import read_connection
from store.video_facts import videos_between

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from config.settings import Settings, ShopSettings


def rules_for(settings: Settings, shop: ShopSettings) -> QuotaRules:
    """The core's view of a shop's cadence settings."""
    return QuotaRules(
        shop=shop.id,
        zone=settings.zone(shop),
        quota=shop.weekly_quota,
        week_start=shop.week_start_index,
        require_product=shop.require_product,
        require_original=shop.require_original,
        opened_on=shop.opened_on,
        new_shop_days=shop.new_shop_days,
        new_shop_daily=shop.new_shop_daily,
        display_zone=settings.display_zone(shop),
    )


def facts(video: Any) -> VideoFacts:
    """A row of store.video_facts.VIDEO_FACTS as the core sees it: a person's judgement
    (its mark) wins over what was imported and over the cover-hash re-upload detection."""
    mark = None
    if getattr(video, "mark_by", None) is not None:
        mark = Mark(video.mark_by, video.mark_reason, video.mark_original, video.mark_product)
    original, has_product = video.original, bool(video.product_ids)
    duplicate_of = video.duplicate_of
    if mark is not None and mark.original is not None:
        original = mark.original
        duplicate_of = None if mark.original else duplicate_of
    if mark is not None and mark.has_product is not None:
        has_product = mark.has_product
    return VideoFacts(
        video_id=video.video_id,
        posted_at=video.posted_at,
        status=video.status,
        has_product=has_product,
        original=original,
        duplicate_of=duplicate_of,
        title=video.title,
        mark=mark,
    )


def statuses(
    engine: Engine, settings: Settings, shops: Sequence[ShopSettings], now: datetime
) -> list[WeekStatus]:
    """Every shop's current week, from one query over all of them."""
    rules = [rules_for(settings, s) for s in shops]
    weeks = [week_of(now, r.zone, r.week_start) for r in rules]
    if not weeks:
        return []
    with read_connection(engine) as conn:
        rows = videos_between(
            conn,
            shop_ids=[r.shop for r in rules],
            start=min(w.starts_at for w in weeks),
            end=max(w.ends_at for w in weeks),
        )
    by_shop: dict[str, list[VideoFacts]] = defaultdict(list)
    for row in rows:
        by_shop[row.shop_id].append(facts(row))
    return [
        evaluate_week(r, by_shop[r.shop], now, week=w) for r, w in zip(rules, weeks, strict=True)
    ]

"""The image half of `localize run`: each translated item's main images captioned in its
language and stored with the item for review."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from config.settings import ShopSettings
from localize import lifecycle
from localize.image.batch import Job, run_batch
from localize.image.fit import FitSpec
from localize.image.render import ImageInputError, Layout, safe_name
from store.db import session_scope
from store.models import ItemState

MAX_DOWNLOAD = 30 * 1024 * 1024
ACTOR = "localize run"
TRUNCATED = {
    "code": "caption_truncated",
    "severity": "warning",
    "message": "caption: did not fit on the image and was cut with an ellipsis; shorten it",
}


@dataclass
class ImageSummary:
    """What the image half did."""

    items: int = 0
    images: int = 0
    failed: int = 0
    truncated: int = 0
    errors: list[str] = field(default_factory=list)


def positions(count: int, which: str) -> list[int]:
    """Which of a listing's main images get a caption (TikTok advises a clean first one)."""
    if which == "none":
        return []
    return list(range(count)) if which == "all" else list(range(1, count))


def fetch(url: str, folder: Path, timeout: float = 20.0) -> Path:
    """Download a remote image (bounded in time and size) into `folder`."""
    import requests

    folder.mkdir(parents=True, exist_ok=True)
    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            if response.status_code != 200:
                raise ImageInputError(url, f"download answered HTTP {response.status_code}")
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".download")
            size = 0
            with os.fdopen(fd, "wb") as f:
                for block in response.iter_content(65536):
                    size += len(block)
                    if size > MAX_DOWNLOAD:
                        raise ImageInputError(url, "download is over 30 MB")
                    f.write(block)
    except requests.RequestException as exc:
        raise ImageInputError(url, f"cannot download it ({type(exc).__name__})") from None
    return Path(tmp)


def run_images(
    store: Engine,
    shop: ShopSettings,
    root: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImageSummary:
    """Caption the images of every translated item that has none yet."""
    summary = ImageSummary()
    with session_scope(store) as session:
        rows = lifecycle.with_listings(session, shop_id=shop.id, states=[ItemState.TRANSLATED])
    layout = Layout(position=shop.caption_position, spec=FitSpec(max_lines=shop.caption_max_lines))
    work: dict[int, list[str]] = {}
    jobs: list[Job] = []
    owners: dict[str, int] = {}
    failures: dict[int, list[str]] = {}
    downloads: list[Path] = []
    for item, listing in rows:
        chosen = positions(len(listing.images), shop.caption_images)
        if item.images or not chosen or not (item.caption or "").strip():
            continue
        folder = root / shop.id / str(item.id)
        planned = list(listing.images)
        for n in chosen:
            source = listing.images[n]
            name = safe_name(f"{n + 1}-{listing.sku or listing.product_id}-{item.language}", ".jpg")
            try:
                if "://" in source:
                    src = fetch(source, folder / ".downloads")
                    downloads.append(src)
                else:
                    src = Path(source)
            except ImageInputError as exc:
                failures.setdefault(item.id, []).append(exc.message)
                continue
            out = folder / name
            planned[n] = str(out)
            owners[str(out)] = item.id
            jobs.append(Job(src, out, item.caption or "", item.language, layout))
        work[item.id] = planned
    try:
        result = run_batch(jobs, workers, progress)
    finally:
        for path in downloads:
            path.unlink(missing_ok=True)
    truncated: dict[int, int] = {}
    for done in result.done:
        owner = owners[str(done["output"])]
        truncated[owner] = truncated.get(owner, 0) + int(bool(done["truncated"]))
    for failed in result.failed:
        failures.setdefault(owners[failed["output"]], []).append(failed["error"])
    items = {item.id: item for item, _ in rows}
    with session_scope(store) as session:
        for item_id, planned in work.items():
            item = items[item_id]
            try:
                if item_id in failures:
                    error = "images: " + "; ".join(failures[item_id])[:1900]
                    lifecycle.change(session, item, ItemState.FAILED, actor=ACTOR, error=error)
                    summary.failed += 1
                    summary.errors.append(f"item {item_id}: {error}")
                    continue
                findings = list(item.findings)
                if truncated.get(item_id):
                    findings.append(TRUNCATED)
                lifecycle.change(
                    session,
                    item,
                    ItemState.TRANSLATED,
                    actor=ACTOR,
                    images=planned,
                    findings=findings,
                )
            except lifecycle.ItemChanged:
                continue  # changed while its images were drawn: the next run sees it again
            summary.items += 1
            summary.images += sum(1 for p in planned if p.startswith(str(root)))
            if truncated.get(item_id):
                summary.truncated += 1
    return summary

"""The image half of `localize run`: each translated item's main images captioned in its
language and stored with the item for review.

Every finished image is recorded with its item, even when another image fails, so the
next run does only what is missing. Downloads live in temporary files that are removed
whatever happens.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from config.errors import AppError
from config.i18n import SEMICOLON, Joined, Text, msg, stored
from config.markets import ImageRules, primary_language
from config.settings import Settings, ShopSettings
from config.urls import redact
from localize import lifecycle
from localize.engines.resilient import Failing
from localize.image.batch import Job, run_batch
from localize.image.fetch import ImageFetcher
from localize.image.findings import CHINESE_LEFT, NOWHERE, image_finding
from localize.image.fonts import FontError
from localize.image.inputs import ImageInputError, open_for_drawing, text_lost_in_fitting
from localize.image.ocr import OcrCache, RapidOcrDetector, data_cache
from localize.image.outputs import safe_name
from localize.image.pipeline import ImagePipeline, Layers, shop_layout
from localize.image.readback import STILL_READ, still_read_finding
from localize.image.regions import (
    FINDING,
    POOR_ERASE,
    ImageText,
    Translate,
    colours_of,
    doubted_of,
    edits_for,
    engine_failed,
    finding,
    kinds_of,
    occupied,
    on_object_of,
    plan_text,
    poor_erase_finding,
    product_of,
    with_doubted,
    with_erase_scores,
)
from localize.image.render import TRUNCATED_WARNING, Caption, chinese_overlay, validate_caption
from localize.image.replace import ReplaceText
from localize.prices import shop_prices
from store.db import session_scope
from store.models import ItemState, Listing, LocalizationItem

ACTOR = "localize run"
_CUT = msg("caption: did not fit on the image and was cut with an ellipsis; shorten it")
TRUNCATED = {
    "code": "caption_truncated",
    "severity": "warning",
    "message": str(_CUT),
    "says": stored(_CUT),
}


OWN_FINDINGS = (f"{POOR_ERASE}:", f"{STILL_READ}:")  # drawing notes that are findings
REDRAWN_HERE = (FINDING, POOR_ERASE, STILL_READ, CHINESE_LEFT)  # what a replacing drawing replaces
NOTES = "image_notes"  # what drawing an image said (a caption covering text)
INFO = "image_info"  # what was done to an image that needs no fixing (transparency flattened)


def _notes(image: int, told: list[Text]) -> dict[str, Any]:
    """The finding of what drawing image `image` (from 0) said."""
    said = msg("image {image}: {notes}", image=image + 1, notes=Joined(told, SEMICOLON))
    return {
        "code": NOTES,
        "severity": "warning",
        "message": str(said),
        "says": stored(said),
        "image": image,
    }


def _info(image: int, told: list[Text]) -> dict[str, Any]:
    """The finding of what reading image `image` (from 0) did to it that needs no fixing,
    as `localize image` says it of its file (inputs.Picture.info: a transparent PNG
    flattened onto white): a reviewer otherwise sees a cut-out come back on white, and
    nothing saying so (trial s31's 11_transparent)."""
    said = msg("image {image}: {notes}", image=image + 1, notes=Joined(told, SEMICOLON))
    return image_finding(INFO, "info", image, said)


def chinese_on_image(image: int, texts: list[str]) -> dict[str, Any]:
    """The finding of image `image` (from 0) still carrying the supplier's Chinese `texts`
    after a caption-only run: a buyer in a market of another language reads it."""
    shown = ", ".join(repr(t) for t in texts[:3]) + (" ..." if len(texts) > 3 else "")
    said = msg(
        "image {image}: it still carries the supplier's Chinese text or yuan prices ({texts}) "
        "that a caption alone leaves: set [shops.captions] replace_text = true in the shops "
        "file, or retouch the image (publishing refuses it as it is)",
        image=image + 1,
        texts=shown,
    )
    return {**image_finding(CHINESE_LEFT, "warning", image, said), "texts": texts}


def caption_nowhere(count: int, which: str) -> dict[str, Any]:
    """The finding of an item whose caption no image will carry: `which` of the shop's
    `caption_images` picks none of the listing's `count` images."""
    from localize.text.checks import WARNING, Finding, about

    says = (
        msg(
            'drawn on no image: the listing has {count} image(s) and caption_images = "{which}" '
            'leaves it without one; set caption_images = "all" in the shops file to caption '
            "it, or clear the caption",
            count=count,
            which=which,
        )
        if count == 1
        else msg(
            'drawn on no image: the listing has {count} image(s) and caption_images = "{which}" '
            'leaves them without one; set caption_images = "all" in the shops file to caption '
            "it, or clear the caption",
            count=count,
            which=which,
        )
    )
    return Finding(NOWHERE, WARNING, about("caption", says)).as_dict()


@dataclass
class ImageSummary:
    """What the image half did."""

    items: int = 0  # items whose images are all captioned now
    images: int = 0  # images written by this run
    failed: int = 0
    truncated: int = 0
    errors: list[str] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # item -> the version it recorded
    nowhere: list[int] = field(default_factory=list)  # items whose caption no image carries
    # the engines that failed the text on images (localize.run's caption_items counts them)
    engines_failing: list[Failing] = field(default_factory=list)


@dataclass(frozen=True)
class Unsaved:
    """A reviewer's edit of an item's findings (its image regions) drawn before it is
    stored: `save` writes it in the transaction that records the drawing, so the two land
    together, or, when any image of it cannot be drawn, neither does."""

    item: int
    findings: list[dict[str, Any]]
    save: Callable[[Session, LocalizationItem], None]


@dataclass
class _ItemWork:
    """One item's images as this run leaves them: outputs where finished, else sources."""

    item: LocalizationItem
    images: list[str]
    written: int = 0
    truncated: bool = False
    errors: list[str] = field(default_factory=list)
    regions: dict[int, dict[str, Any]] = field(default_factory=dict)  # image -> finding
    texts: dict[int, tuple[str, ImageText]] = field(default_factory=dict)  # ... its plan
    poor: dict[int, dict[str, Any]] = field(default_factory=dict)  # image -> poor_erase
    left: dict[int, dict[str, Any]] = field(default_factory=dict)  # image -> chinese_still_read
    nowhere: dict[str, str] | None = None  # its caption goes on no image: the finding
    notes: dict[int, list[str]] = field(default_factory=dict)  # image -> what drawing it said
    info: dict[int, list[str]] = field(default_factory=dict)  # image -> what reading it did
    # image -> the Chinese a caption-only run leaves on it (every image read: [] for none)
    chinese: dict[int, list[str]] = field(default_factory=dict)
    only_read: bool = False  # nothing to draw: its images are only read for the Chinese
    captioned: set[int] = field(default_factory=set)  # the images drawn with the caption


@dataclass(frozen=True)
class _TextContext:
    """What replacing an item's image text needs: markets, the OCR cache, a translator."""

    settings: Settings
    cache: OcrCache
    translate_for: Callable[[str], Translate]


def _untranslated(text: str) -> tuple[str | None, list[str]]:
    return None, ["no translation engine in this run; translate it in review"]


def _replacement(
    state: _ItemWork, n: int, src: Path, source: str, texts: _TextContext, rules: ImageRules
) -> ReplaceText:
    """The text replacement for image `n` of an item: regions read (cached by content),
    translated or as a reviewer left them; the regions are kept for the review queue."""
    item = state.item
    shop = texts.settings.shop(item.shop_id)
    picture = open_for_drawing(src, rules, shop.captions.aspect)
    detector = RapidOcrDetector()
    content, regions = texts.cache.keyed(picture.image, detector)
    text_lost_in_fitting(src, picture, regions, detector)  # an item's error, as an unread file's
    product = product_of(picture.image) if regions else None  # found once
    kinds = kinds_of(picture.image, regions, product)
    text = plan_text(
        regions,
        texts.translate_for(item.language),
        edits_for(item.findings, n),
        kinds=kinds,
        prices=shop_prices(texts.settings, shop, texts.settings.markets.script(item.language)),
        on_object=on_object_of(picture.image, regions, kinds, product),
        colours=colours_of(picture.image, regions),
        doubted=doubted_of(picture.image, regions, kinds, product),
    )
    state.regions[n] = finding(n, redact(source), text)
    state.texts[n] = (redact(source), text)
    script = texts.settings.markets.script(item.language)
    return ReplaceText(
        text.plans,
        item.language,
        script,
        text.notes,
        plates=texts.cache.plates,
        read_back=RapidOcrDetector(),
        untouched=text.untouched,
        content=content,
    )


def _chinese_left(
    state: _ItemWork, n: int, src: Path, texts: _TextContext, rules: ImageRules, only: bool
) -> None:
    """Read image `n` of an item (once per content: the OCR cache) and keep the supplier's
    Chinese overlay text on it, for a run that draws captions without replacing text.
    `only`: the image is only read (nothing is drawn on it), so one that cannot be opened
    fails its item here (a drawn one fails in the batch, saying why), as the import said:
    `localize run` fails its items until the file is there."""
    shop = texts.settings.shop(state.item.shop_id)
    try:
        picture = open_for_drawing(src, rules, shop.captions.aspect)
    except AppError as exc:
        if only:
            state.errors.append(exc.message)
        return
    regions = texts.cache.regions(picture.image, RapidOcrDetector())
    state.chinese[n] = [r.text for r in chinese_overlay(picture.image, regions, yuan=True)]


def reads_chinese_left(shop: ShopSettings, language: str) -> bool:
    """Whether a run reads an item's images for the Chinese a caption leaves on them: its
    text is not replaced, and its buyers do not read Chinese."""
    return not shop.captions.replace_text and primary_language(language) != "zh"


def positions(count: int, which: str) -> list[int]:
    """Which of a listing's main images get a caption (TikTok advises a clean first one)."""
    if which == "none":
        return []
    return list(range(count)) if which == "all" else list(range(1, count))


def run_images(
    store: Engine,
    settings: Settings,
    shop: ShopSettings,
    root: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    only: Collection[int] | None = None,
    redo: bool = False,
    translate_for: Callable[[str], Translate] | None = None,
    versions: Mapping[int, int] | None = None,
    actor: str = ACTOR,
    unsaved: Unsaved | None = None,
) -> ImageSummary:
    """Caption the missing images of every translated item (of the items `only` names),
    under `root` (the data directory's `images`), and record what was finished; `redo`
    draws them all again (the caption was edited). With the shop's `replace_text`, every
    image's Chinese text is replaced first, caption or not, translated by
    `translate_for(language)` (a re-render without it uses the stored translations).
    `versions` (item -> version) draws those items only as they stand at that version: a
    reviewer's edit is drawn for that edit, or not at all once someone changed the item;
    `actor` is who the history credits (the reviewer whose edit is drawn). An `unsaved`
    edit is drawn as if stored, and stored with its drawing or not at all."""
    # a reviewer's edit moves a rejected or failed item back to review: drawn from there
    states = [ItemState.TRANSLATED] if unsaved is None else list(ItemState)
    with session_scope(store) as session:
        rows = lifecycle.with_listings(session, shop_id=shop.id, states=states)
    if unsaved is not None:
        rows = [
            (item, listing)
            for item, listing in rows
            if item.state == ItemState.TRANSLATED or item.id == unsaved.item
        ]
    if only is not None:
        rows = [(item, listing) for item, listing in rows if item.id in only]
    if versions is not None:
        rows = [(item, listing) for item, listing in rows if versions.get(item.id) == item.version]
    stored: dict[int, LocalizationItem] = {}  # the unsaved edit's item as the store holds it
    if unsaved is not None:
        for i, (item, listing) in enumerate(rows):
            if item.id == unsaved.item:
                stored[unsaved.item] = item
                rows[i] = (_drawn_as(item, unsaved.findings), listing)
    rules = settings.markets.market(shop.market).images
    layout = shop_layout(shop)
    downloads = root / shop.id / ".downloads"
    texts = _TextContext(
        settings, data_cache(root.parent), translate_for or (lambda language: _untranslated)
    )
    work: list[_ItemWork] = []
    wanted: list[tuple[_ItemWork, int, Path, ImagePipeline, str]] = []
    idle: list[tuple[LocalizationItem, dict[str, str] | None]] = []
    unread: list[tuple[_ItemWork, int, str]] = []  # images only read for the Chinese left
    for item, listing in rows:
        nowhere = None
        if (item.caption or "").strip() and listing.images:
            if not positions(len(listing.images), shop.caption_images):
                nowhere = caption_nowhere(len(listing.images), shop.caption_images)
        missing = _missing(item, listing, shop, root, redo)
        if redo:  # never over the picture the store points at until this drawing is stored
            missing = [(n, _redrawn(out, item.findings, n)) for n, out in missing]
        if not missing and _unread(item, listing, shop):
            state = _ItemWork(item, list(listing.images), only_read=True, nowhere=nowhere)
            work.append(state)
            unread += [(state, n, s) for n, s in enumerate(listing.images)]
            continue
        if not missing:
            idle.append((item, nowhere))
            continue
        state = _ItemWork(item, _images_so_far(item, listing), nowhere=nowhere)
        work.append(state)
        script = settings.markets.script(item.language)
        drawn: Caption | None = None
        if (item.caption or "").strip():  # without one, only the text on them is replaced
            try:
                drawn = Caption(
                    validate_caption(
                        item.caption or "",
                        script,
                        settings.markets.language_name(item.language),
                    ),
                    item.language,
                    script,
                    layout,
                    read_before=texts.cache.folder,  # clear of text read before, if any
                    # the Chinese left is this run's own finding (state.chinese)
                    say_chinese=not reads_chinese_left(shop, item.language),
                )
            except FontError as exc:  # every image would fail alike: open none of them
                state.errors.append(exc.message)
                continue
        captioned = set(positions(len(listing.images), shop.caption_images)) if drawn else set()
        wanted += [
            (state, n, out, drawn if n in captioned else None, listing.images[n])
            for n, out in missing
        ]
        if reads_chinese_left(shop, item.language):  # the uncaptioned ones, the main one too
            drawing = {n for n, _ in missing}
            unread += [(state, n, s) for n, s in enumerate(listing.images) if n not in drawing]
    jobs: list[Job] = []
    owners: dict[Path, tuple[_ItemWork, int]] = {}
    fetched: dict[str, Path | ImageInputError] = {}
    try:
        fetcher = ImageFetcher.for_shop(shop.images)
        sources = [s for *_, s in wanted] + [s for *_, s in unread]
        fetched = fetcher.fetch_all(sorted({s for s in sources if "://" in s}), downloads)
        for state, n, source in unread:
            src = fetched.get(source, Path(source))
            if isinstance(src, ImageInputError):  # (a trial's loopback URL, a missing
                # file: the reviewer approved them, and publish blocked them as "missing")
                state.errors.append(src.message)
                continue
            _chinese_left(state, n, src, texts, rules, only=True)
        for state, n, out, caption_drawing, source in wanted:
            src = fetched.get(source, Path(source))
            if isinstance(src, ImageInputError):
                state.errors.append(src.message)
                continue
            if reads_chinese_left(shop, state.item.language):
                _chinese_left(state, n, src, texts, rules, only=False)
            owners[out] = (state, n)
            if caption_drawing:
                state.captioned.add(n)
            layers: list[Any] = [caption_drawing] if caption_drawing else []
            if shop.captions.replace_text:
                try:
                    layers.insert(0, _replacement(state, n, src, source, texts, rules))
                except AppError as exc:  # the batch opens it again and fails it with the rest
                    state.errors.append(exc.message)
                    continue
                if caption_drawing:  # placed clear of the text the image carries
                    avoid = occupied(state.regions[n]["regions"])
                    layers[-1] = dataclass_replace(caption_drawing, avoid=avoid, read_before=None)
            operation = ImagePipeline(Layers(tuple(layers)), rules, shop.captions.aspect)
            jobs.append(Job(src, out, operation))
        result = run_batch(jobs, workers, progress)
    finally:
        for path in fetched.values():
            if isinstance(path, Path):
                path.unlink(missing_ok=True)
        _remove_if_empty(downloads)
    for done in result.done:
        state, n = owners[done.output]
        state.images[n] = str(done.output)
        state.written += 1
        state.truncated = state.truncated or done.truncated
        if n in state.regions and done.erased:  # the erase's scores, known once drawn
            records = state.regions[n]["regions"]
            with_erase_scores(records, done.erased)
            state.regions[n] = finding(n, *state.texts[n])  # counted as now read back
            if (poor := poor_erase_finding(n, records)) is not None:
                state.poor[n] = poor
            if (left := still_read_finding(n, records)) is not None:
                state.left[n] = left
        said = str(state.regions.get(n, {}).get("message", ""))  # the regions' own notes
        told = [
            w
            for w in done.warnings  # a poor erase is its own finding (state.poor), and so
            # is Chinese read back (state.left)
            if w != TRUNCATED_WARNING and w not in said and not w.startswith(OWN_FINDINGS)
        ]
        state.notes[n] = told
        state.info[n] = list(done.info)
    shown = {path: redact(url) for url, path in fetched.items() if isinstance(path, Path)}
    for failed in result.failed:  # a download is named by its URL, not its temporary file
        error = failed.error
        if failed.input in shown:
            error = error.replace(str(failed.input), shown[failed.input])
        owners[failed.output][0].errors.append(error)
    summary = _record(store, work, actor, unsaved, stored)
    summary.nowhere += _said_nowhere(store, idle, summary.versions, actor)
    return summary


def items_to_caption(store: Engine, shop: ShopSettings, root: Path) -> list[int]:
    """The shop's translated items with images still to caption (or text to replace, or
    only to read for the Chinese on them): what `run_images` would draw, item by item, so
    that a queue's workers can share them."""
    with session_scope(store) as session:
        rows = lifecycle.with_listings(session, shop_id=shop.id, states=[ItemState.TRANSLATED])
    return [
        item.id
        for item, listing in rows
        if item.id is not None
        and (_missing(item, listing, shop, root) or _unread(item, listing, shop))
    ]


def _with_nowhere(findings: list[dict[str, Any]], nowhere: dict[str, str] | None) -> list[Any]:
    """The findings with the caption-on-no-image one as it stands now (added or gone)."""
    rest = [f for f in findings if f.get("code") != NOWHERE]
    return rest + [nowhere] if nowhere else rest


def _said_nowhere(
    store: Engine,
    idle: list[tuple[LocalizationItem, dict[str, str] | None]],
    versions: dict[int, int],
    actor: str = ACTOR,
) -> list[int]:
    """The items with no image to draw whose caption goes on no image, said in their
    findings (once); their ids. `versions` gets the version each item is left at (an
    approval after a caption edit goes by it)."""
    said = []
    with session_scope(store) as session:
        for item, nowhere in idle:
            findings = _with_nowhere(list(item.findings), nowhere)
            if nowhere:
                said.append(int(item.id or 0))
            if findings != item.findings:
                try:
                    lifecycle.change(
                        session, item, ItemState.TRANSLATED, actor=actor, findings=findings
                    )
                except lifecycle.ItemChanged:
                    continue  # changed meanwhile: the next run sees it again
            versions[int(item.id or 0)] = item.version
    return said


def _expected(item: LocalizationItem, listing: Listing, root: Path, n: int) -> Path:
    """Where image `n` of an item goes once captioned: named for the caption it carries, so
    that two reviewers' captions drawn at once never write one file (the one approved
    would show the other's)."""
    before = _named_before(item, listing, root, n)
    drawn = hashlib.sha256((item.caption or "").encode()).hexdigest()[:8]
    return before.with_name(f"{before.stem}-{drawn}{before.suffix}")


def _redrawn(out: Path, findings: list[dict[str, Any]], n: int) -> Path:
    """Where image `n` goes when drawn again with its text regions as `findings` hold them:
    named for those texts too, so that a reviewer's edit is drawn beside the picture the
    store points at (removed once the edit is stored), never over it: a drawing whose
    edit is then refused or killed leaves the old regions' picture where the store says."""
    texts = _region_texts(findings).get(n)
    if texts is None:  # no text replaced on it: only its caption, which names it already
        return out
    kept = [
        bool(r.get("keep"))
        for f in findings
        if f.get("code") == FINDING and f.get("image") == n
        for r in f.get("regions") or []
    ]
    said = json.dumps([texts, kept], ensure_ascii=False).encode()
    return out.with_name(f"{out.stem}-r{hashlib.sha256(said).hexdigest()[:8]}{out.suffix}")


def _drawn_for(recorded: str, out: Path) -> bool:
    """Whether `recorded` is image `out` as named when drawn, or drawn again (`_redrawn`)."""
    found = Path(recorded)
    pattern = re.escape(out.stem) + r"(-r[0-9a-f]{8})?" + re.escape(out.suffix)
    return found.parent == out.parent and re.fullmatch(pattern, found.name) is not None


def _named_before(item: LocalizationItem, listing: Listing, root: Path, n: int) -> Path:
    """Where image `n` went before names carried the caption: still its own, since a new
    caption drops an item's images."""
    name = safe_name(f"{n + 1}-{listing.sku or listing.product_id}-{item.language}", ".jpg")
    return root / item.shop_id / str(item.id) / name


def _missing(
    item: LocalizationItem, listing: Listing, shop: ShopSettings, root: Path, redo: bool = False
) -> list[tuple[int, Path]]:
    """The positions still to caption (or to replace the text on), with their outputs: not
    recorded, or gone from disk (every one when `redo`), or with text an engine failed to
    translate (asked again, as a listing text whose engine failed is)."""
    if shop.captions.replace_text:
        which = "all"  # Chinese on any of them, caption or not, keeps the listing back
    elif (item.caption or "").strip():
        which = shop.caption_images
    else:
        return []
    wanted = [(n, _expected(item, listing, root, n)) for n in positions(len(listing.images), which)]
    have = [] if redo else item.images
    # a reviewer's region edit saved but not drawn (killed between): drawn now
    undrawn = {
        int(f["image"])
        for f in item.findings
        if f.get("code") == FINDING and any(r.get("undrawn") for r in f.get("regions") or [])
    }
    return [
        (n, out)
        for n, out in wanted
        if n in undrawn
        or not (
            n < len(have)
            and (_drawn_for(have[n], out) or have[n] == str(_named_before(item, listing, root, n)))
            and Path(have[n]).is_file()
            and not (shop.captions.replace_text and engine_failed(item.findings, n))
        )
    ]


def _unread(item: LocalizationItem, listing: Listing, shop: ShopSettings) -> bool:
    """Whether an item with nothing to draw (no caption, or one `caption_images` puts on
    none of its images; text not replaced) still has its images to read for the Chinese on
    them: it goes out with the supplier's own images, so their Chinese is a finding (and
    publishing refuses them) like a captioned one's. Read once: its images are then
    recorded, as the originals. (A one-image listing's caption under the default
    "all-but-first" went on no image, so nothing read it: its main image's Chinese was
    published, said nowhere.)"""
    captioned = bool((item.caption or "").strip()) and bool(
        positions(len(listing.images), shop.caption_images)
    )
    return (
        reads_chinese_left(shop, item.language)
        and not captioned
        and bool(listing.images)
        and not item.images
    )


def _images_so_far(item: LocalizationItem, listing: Listing) -> list[str]:
    """The item's images as recorded, or the listing's own before any was captioned."""
    return list(item.images) if len(item.images) == len(listing.images) else list(listing.images)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # absent, or another run's downloads are in it
        pass


def _region_texts(findings: list[dict[str, Any]]) -> dict[int, list[Any]]:
    """Image -> the translations drawn on its text regions, as the findings record them."""
    return {
        int(f["image"]): [r.get("translation") for r in f.get("regions") or []]
        for f in findings
        if f.get("code") == FINDING and f.get("image") is not None
    }


def _drawn_as(item: LocalizationItem, findings: list[dict[str, Any]]) -> LocalizationItem:
    """A copy of `item` with `findings` (an edit not stored yet), to draw it from."""
    from store.item_rows import Record

    names = list(LocalizationItem.__table__.columns.keys())  # type: ignore[attr-defined]
    copy = Record(names, [getattr(item, name) for name in names])
    copy.findings = findings
    return copy  # type: ignore[return-value]


def _record(
    store: Engine,
    work: list[_ItemWork],
    actor: str = ACTOR,
    unsaved: Unsaved | None = None,
    stored: Mapping[int, LocalizationItem] | None = None,
) -> ImageSummary:
    """Store each item's images through the lifecycle: finished ones always, the item
    failed with the errors when any image could not be made. An `unsaved` edit is saved
    first, in the same transaction; when its item's images failed, nothing is written."""
    summary = ImageSummary()
    for state in work:
        if unsaved is not None and state.item.id == unsaved.item and state.errors:
            summary.failed += 1
            summary.errors.append(f"item {unsaved.item}: " + "; ".join(state.errors)[:1900])
            return summary  # the edit is not stored: its regions stay as they were
    replaced: list[Path] = []  # pictures drawn again under a new name: gone once stored
    with session_scope(store) as session:
        for state in work:
            if unsaved is not None and stored and state.item.id in stored:
                state.item = stored[unsaved.item]
                unsaved.save(session, state.item)  # now at the edit's version and findings
            item = state.item
            recorded = list(item.images)
            fields: dict[str, Any] = {}
            if state.written or item.images:
                fields["images"] = state.images
            elif state.only_read and len(state.chinese) == len(state.images):
                # every image read: recorded as they go out (the originals), so that the
                # next run does not read them again
                fields["images"] = state.images
            findings = [
                f
                for f in item.findings
                if not (f.get("code") in REDRAWN_HERE and f.get("image") in state.regions)
            ] + [  # each says whether its image carries the caption (review's label)
                {**state.regions[n], "caption": n in state.captioned} for n in sorted(state.regions)
            ]
            findings += [state.poor[n] for n in sorted(state.poor)]
            findings += [state.left[n] for n in sorted(state.left)]
            # by its code: one stored before it carried `says` is the same finding
            if state.truncated and not any(f.get("code") == TRUNCATED["code"] for f in findings):
                findings.append(TRUNCATED)
            findings = [
                f
                for f in findings
                if not (f.get("code") == NOTES and f.get("image") in state.notes)
            ] + [_notes(n, told) for n, told in sorted(state.notes.items()) if told]
            findings = [
                f for f in findings if not (f.get("code") == INFO and f.get("image") in state.info)
            ] + [_info(n, told) for n, told in sorted(state.info.items()) if told]
            findings = [
                f
                for f in findings
                if not (f.get("code") == CHINESE_LEFT and f.get("image") in state.chinese)
            ] + [chinese_on_image(n, left) for n, left in sorted(state.chinese.items()) if left]
            findings = with_doubted(_with_nowhere(findings, state.nowhere))
            if findings != item.findings:
                fields["findings"] = findings
            # the text drawn on an image a reviewer had seen changed: a version to review
            before, after = _region_texts(item.findings), _region_texts(findings)
            changed = any(n in before and before[n] != after.get(n) for n in state.regions)
            seen = "text on images" if changed else ""
            error = "images: " + "; ".join(state.errors)[:1900] if state.errors else None
            try:
                if error:
                    lifecycle.change(
                        session, item, ItemState.FAILED, actor=actor, error=error, **fields
                    )
                else:
                    lifecycle.change(
                        session, item, ItemState.TRANSLATED, actor=actor, seen=seen, **fields
                    )
            except lifecycle.ItemChanged:
                continue  # changed while its images were drawn: the next run sees it again
            summary.versions[item.id] = item.version
            replaced += [
                Path(old)
                for old, now in zip(recorded, state.images, strict=False)
                if old != now and Path(old).parent == Path(now).parent  # ours, not a source
            ]
            summary.images += state.written
            summary.truncated += int(state.truncated)
            if error:
                summary.failed += 1
                summary.errors.append(f"item {item.id}: {error}")
            else:
                summary.items += 1
            if state.nowhere:
                summary.nowhere.append(int(item.id or 0))
    for path in replaced:  # after the commit: until then the store pointed at them
        path.unlink(missing_ok=True)
    return summary

"""`localize run`: every listing of a shop in every target language, as localization items.

Idempotent: an item exists once per (listing, language, source version); only pending and
failed items are (re)translated, so a second run translates nothing and calls no engine.
A failure leaves the item `failed` with its error, never half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from config.i18n import Text
from config.runtime import Progress, Secrets, ticker
from config.settings import Settings, ShopSettings
from localize import lifecycle
from localize.engines.resilient import EngineChain, Failing, together
from localize.image.items import ImageSummary, items_to_caption, run_images
from localize.image.regions import translator
from localize.prices import Prices, shop_prices
from localize.text import memory
from localize.text.checks import Limits, has_errors
from localize.text.service import (
    NO_RATE,
    Rejected,
    SegmentTranslator,
    assemble,
    briefs,
    engine_chain,
    engine_codes,
    field_segments,
    load_terms,
)
from store.db import read_scope, session_scope
from store.item_facts import waiting_items
from store.models import ItemState, Listing, LocalizationItem
from store.queries import register_shops

FIELDS = ("title", "description", "caption")
SAYS = lifecycle.PERSON_SAYS
SOURCE_LANGUAGE = "zh-CN"
ACTOR = "localize run"


@dataclass
class RunSummary:
    """What a run did."""

    items_created: int = 0
    translated: int = 0
    failed: int = 0
    with_errors: int = 0  # translated, but error-level findings wait for the reviewer
    segments: int = 0
    from_memory: int = 0
    engine_calls: int = 0
    errors: list[str] = field(default_factory=list)
    # rejected items left for a person's translation (on_reject = "person", or every
    # engine gave only the rejected text): item id -> why
    for_a_person: dict[int, Text] = field(default_factory=dict)
    # language -> what reviewers rejected of the items translated again (the text on their
    # images is translated without it too)
    avoided: dict[str, dict[str, Rejected]] = field(default_factory=dict)
    # the shop's engines that failed texts in this run (a fallback may have answered them)
    engines_failing: list[Failing] = field(default_factory=list)
    # failed items whose local image files are still missing: item id -> those files (not
    # translated again for nothing until a file is there or the listing changes)
    waiting_for_a_file: dict[int, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {
            k: getattr(self, k)
            for k in (
                "items_created",
                "translated",
                "failed",
                "with_errors",
                "segments",
                "from_memory",
                "engine_calls",
                "errors",
            )
        } | {
            "waiting_for_a_person": [
                {"id": k, "why": str(v)} for k, v in self.for_a_person.items()
            ],
            "engines_failing": [f.as_dict() for f in self.engines_failing],
            "waiting_for_a_file": sorted(self.waiting_for_a_file),
        }


def run_text(
    store: Engine,
    settings: Settings,
    shop: ShopSettings,
    secrets: Secrets,
    *,
    progress: Progress | None = None,
) -> RunSummary:
    """Translate and check every pending or failed item of the shop."""
    summary = RunSummary()
    languages = shop.target_languages(settings.markets)
    with session_scope(store) as session:
        summary.items_created = lifecycle.create_missing(
            session, shop_id=shop.id, languages=languages
        )
    market = settings.markets.market(shop.market)
    limits = Limits.of(market)
    chain = engine_chain(shop.translation, secrets, settings.fleet.engine_calls)
    try:
        source_codes = engine_codes(settings.markets, SOURCE_LANGUAGE, chain)
        for lang in languages:
            work = _open_items(store, shop.id, lang)
            work = _without_missing_files(work, summary)
            work, rejected = _after_rejection(store, work, shop.translation.on_reject, summary)
            if not work:
                continue
            avoid = summary.avoided.setdefault(lang, avoided(rejected))
            # A rejection is of the item it was made on: its texts are avoided for that item
            # only. Another product with the same sentence is translated as usual (avoided
            # for every item in hand, a product nobody rejected failed on one run and took
            # the rejected text on the next).
            again = [(i, listing) for i, listing in work if int(i.id or 0) in rejected]
            plain = [(i, listing) for i, listing in work if int(i.id or 0) not in rejected]
            batches = []
            for group, avoiding in ((plain, {}), (again, avoid)):
                fields = [(f, getattr(listing, f)) for _, listing in group for f in FIELDS]
                segments = [s for f, text in fields for s in field_segments(text, f)]
                if group:
                    batches.append((group, avoiding, fields, segments, len(set(segments))))
            tick = _Ticker(progress, lang, sum(b[-1] for b in batches))
            for group, avoiding, fields, segments, unique in batches:
                translator = SegmentTranslator(
                    store=store,
                    chain=chain,
                    scope=shop.id,
                    source_lang=SOURCE_LANGUAGE,
                    target_lang=lang,
                    source_codes=source_codes,
                    target_codes=engine_codes(settings.markets, lang, chain),
                    terms=load_terms(store, scope=shop.id, language=lang),
                    concurrency=shop.translation.concurrency,
                    on_done=tick,
                    briefs=briefs(fields, market, limits),
                    rejected=avoiding,
                )
                done = translator.translate_many(segments)
                summary.segments += unique
                summary.from_memory += translator.from_memory
                _store_results(
                    store, group, done, lang, limits, summary, rejected, shop_prices(settings, shop)
                )
    finally:
        summary.engine_calls = chain.calls
        summary.engines_failing = chain.failing()
        chain.close()
    return summary


@dataclass
class _Ticker:
    """Counts finished segments of one language for the progress bar."""

    report: Progress | None
    lang: str
    total: int
    done: int = 0

    def __call__(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        if self.report:
            self.report(self.lang, self.done, self.total)


def _open_items(store: Engine, shop_id: str, lang: str) -> list[tuple[LocalizationItem, Listing]]:
    """The pending and failed items of the current source version, with their listings."""
    with read_scope(store) as session:
        return lifecycle.with_listings(
            session,
            shop_id=shop_id,
            states=lifecycle.TO_TRANSLATE,
            language=lang,
            current_source=True,
        )


def _without_missing_files(
    work: list[tuple[LocalizationItem, Listing]], summary: RunSummary
) -> list[tuple[LocalizationItem, Listing]]:
    """The items to translate, less those that failed on their images with a local image
    file still missing: translating them again would only fail them again. A changed
    listing is a new version (new items), and a file that is there now lets them go on."""
    keep = []
    for item, listing in work:
        missing = [
            image for image in listing.images if "://" not in image and not Path(image).is_file()
        ]
        if item.state == ItemState.FAILED and (item.error or "").startswith("images:") and missing:
            summary.waiting_for_a_file[int(item.id or 0)] = missing
        else:
            keep.append((item, listing))
    return keep


def _after_rejection(
    store: Engine,
    work: list[tuple[LocalizationItem, Listing]],
    on_reject: str,
    summary: RunSummary,
) -> tuple[list[tuple[LocalizationItem, Listing]], dict[int, list[dict[str, Any]]]]:
    """The items to translate now, and what reviewers rejected of them. With on_reject =
    "person" no rejected item is translated again (each is marked as waiting for a
    person) unless only its images were rejected (its text stands, from the memory: the
    images are drawn again); with "next-engine", one whose engines all gave the rejected
    text waits too."""
    keep: list[tuple[LocalizationItem, Listing]] = []
    with session_scope(store) as session:
        found = lifecycle.rejections(session, [i.id for i, _ in work if i.id is not None])
        for item, listing in work:
            latest = (found.get(int(item.id or 0)) or [{}])[-1]
            only_images = latest.get("fields") == [] and bool(latest.get("images"))
            if item.state != ItemState.REJECTED or only_images:
                keep.append((item, listing))
            elif on_reject == lifecycle.ON_REJECT_PERSON:
                summary.for_a_person[int(item.id or 0)] = SAYS[lifecycle.ON_REJECT_PERSON]
                if item.needs_person != lifecycle.ON_REJECT_PERSON:
                    try:
                        lifecycle.change(
                            session,
                            item,
                            ItemState.REJECTED,
                            actor=ACTOR,
                            reason="on_reject = person: no engine is asked",
                            needs_person=lifecycle.ON_REJECT_PERSON,
                        )
                    except lifecycle.ItemChanged:
                        continue
            elif item.needs_person == lifecycle.NO_NEW_TEXT:
                summary.for_a_person[int(item.id or 0)] = SAYS[lifecycle.NO_NEW_TEXT]
            else:
                keep.append((item, listing))
    kept = {item.id for item, _ in keep}
    return keep, {k: v for k, v in found.items() if k in kept}


def avoided(rejected: dict[int, list[dict[str, Any]]]) -> dict[str, Rejected]:
    """Source segment key -> the texts reviewers rejected for it and the engines that gave
    them, over every rejection of the items in hand."""
    texts: dict[str, set[str]] = {}
    engines: dict[str, set[str]] = {}
    for details in rejected.values():
        for detail in details:
            for source, text, engine in detail.get("segments") or []:
                key = memory.source_key(source)
                texts.setdefault(key, set()).add(memory.normalise(text))
                if engine:
                    engines.setdefault(key, set()).add(engine)
    return {
        key: Rejected(frozenset(found), frozenset(engines.get(key, ())))
        for key, found in texts.items()
    }


def _rejected_field(details: list[dict[str, Any]], name: str, text: str) -> bool:
    """Whether a field's new text is one a reviewer rejected for it (a description's
    segments may not line up with the rejected one's: the whole field is compared too)."""
    said = memory.normalise(text)
    return bool(said) and any(
        memory.normalise((d.get("texts") or {}).get(name) or "") == said for d in details
    )


def _store_results(
    store: Engine,
    work: list[tuple[LocalizationItem, Listing]],
    done: dict[str, Any],
    lang: str,
    limits: Limits,
    summary: RunSummary,
    rejected: dict[int, list[dict[str, Any]]] | None = None,
    prices: Prices = NO_RATE,
) -> None:
    rejected = rejected or {}
    with session_scope(store) as session:
        for item, listing in work:
            results = {
                f: assemble(
                    getattr(listing, f), f, done, target_lang=lang, limits=limits, prices=prices
                )
                for f in FIELDS
            }
            details = rejected.get(int(item.id or 0), [])
            same = [
                f
                for f, r in results.items()
                if r.no_new
                or (details and not r.error and _rejected_field(details, f, r.translation))
            ]
            # a rejected item whose last run met an outage is failed, but still rejected:
            # it waits for a person as it would have had the engine answered then
            rejected_still = item.state == ItemState.REJECTED or (
                item.state == ItemState.FAILED and bool(details)
            )
            if same and rejected_still:
                # the fields that did get a new text have it: the person starts from there
                new = {
                    f: r.translation for f, r in results.items() if f not in same and not r.error
                }
                # each new text credited to the engine that gave it, not the rejected one's
                origins = {**(item.origins or {}), **{f: results[f].origin for f in new}}
                try:
                    lifecycle.change(
                        session,
                        item,
                        ItemState.REJECTED,
                        actor=ACTOR,
                        reason=f"{', '.join(same)}: every engine gave only the rejected text",
                        needs_person=lifecycle.NO_NEW_TEXT,
                        attempts=item.attempts + 1,
                        **new,
                        **({"origins": origins} if new else {}),
                    )
                except lifecycle.ItemChanged:
                    continue
                summary.for_a_person[int(item.id or 0)] = SAYS[lifecycle.NO_NEW_TEXT]
                continue
            errors = [f"{f}: {r.error}" for f, r in results.items() if r.error]
            error = "; ".join(errors)[:2000] if errors else None
            written = (
                {"error": error}
                if error
                else {
                    "error": None,
                    "needs_person": None,
                    **{f: r.translation for f, r in results.items()},
                    "origins": {f: r.origin for f, r in results.items()},
                    # an image's findings stay with the image (drawn again, they are
                    # replaced; kept, as when only another image was rejected, they stand)
                    "findings": [x.as_dict() for r in results.values() for x in r.findings]
                    + [f for f in item.findings if f.get("image") is not None],
                }
            )
            to = ItemState.FAILED if error else ItemState.TRANSLATED
            try:
                lifecycle.change(
                    session, item, to, actor=ACTOR, attempts=item.attempts + 1, **written
                )
            except lifecycle.ItemChanged:
                continue  # someone else got there first: theirs stands
            if error:
                summary.failed += 1
                summary.errors.append(f"{listing.product_id} ({lang}): {error}")
                continue
            summary.translated += 1
            if has_errors([x for r in results.values() for x in r.findings]):
                summary.with_errors += 1


@dataclass
class ShopRun:
    """What `localize run` did for a shop: the text half, then the image half."""

    text: RunSummary
    images: ImageSummary
    # items of the shop waiting for a person (for review, or rejected for their
    # translation), counted as the team's notice counts them; blocked ones told apart
    waiting: int = 0
    handed: int = 0  # items whose images were handed to a queue's workers
    blocked: int = 0  # approved items publish preflight blocked

    @property
    def engines_failing(self) -> list[Failing]:
        """The engines that failed texts in either half (an image's words count like a
        listing field's)."""
        return together(self.text.engines_failing, self.images.engines_failing)

    @property
    def failed(self) -> bool:
        """Whether any item failed (it is kept, with its error, for the next run)."""
        # one waiting for a missing file failed before and still would: said as failing
        return bool(self.text.failed or self.images.failed or self.text.waiting_for_a_file)

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        i = self.images
        return {
            **self.text.as_dict(),
            "engines_failing": [f.as_dict() for f in self.engines_failing],
            "waiting_for_review": self.waiting,
            "blocked": self.blocked,
            "images": {
                "items": i.items,
                "captioned": i.images,
                "failed": i.failed,
                "truncated": i.truncated,
                # items whose caption no image carries; only when there are some
                **({"caption_on_no_image": list(i.nowhere)} if i.nowhere else {}),
            },
        }


def run_shop(
    store: Engine,
    settings: Settings,
    shop: ShopSettings,
    secrets: Secrets,
    images_root: Path,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    hand_images: Callable[[list[int]], None] | None = None,
) -> ShopRun:
    """Translate every pending item of the shop, then caption the images of the translated
    ones; both halves are idempotent, so a re-run does only what is missing. With
    `hand_images`, the items whose images are missing are handed to it instead (a queue's
    workers caption them, an item each, with `caption_items`)."""
    register_shops(store, settings, [shop])
    text = run_text(store, settings, shop, secrets, progress=progress)
    handed: list[int] = []
    if hand_images is None:
        images = caption_items(
            store,
            settings,
            shop,
            secrets,
            images_root,
            workers=workers,
            progress=progress,
            avoided=text.avoided,
        )
    else:
        images = ImageSummary()
        handed = items_to_caption(store, shop, images_root)
        if handed:
            hand_images(handed)
    with read_scope(store) as session:
        waiting = len(waiting_items(session, shop_ids=[shop.id]))
        blocked = lifecycle.count(session, shop_id=shop.id, states=[ItemState.BLOCKED])
    return ShopRun(text, images, waiting, handed=len(handed), blocked=blocked)


def caption_items(
    store: Engine,
    settings: Settings,
    shop: ShopSettings,
    secrets: Secrets,
    images_root: Path,
    *,
    only: Collection[int] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    avoided: dict[str, dict[str, Rejected]] | None = None,
    engines: Callable[[], EngineChain] | None = None,
) -> ImageSummary:
    """The image half of a shop's run: caption the translated items' images (those `only`
    names), their Chinese text replaced when the shop says so, never with a text a reviewer
    rejected (`avoided`: what this run's text half read of the rejections). The engines
    that failed the images' text are in the summary's `engines_failing`. `engines`, when
    given, lends the chain to use (the caller's, shared by several calls: an engine given
    up on is not waited on again; it stays open), asked when an image first needs one."""
    chains: list[EngineChain] = []  # one for the run, made when an image first needs one
    lent: list[EngineChain] = []

    def chain() -> EngineChain:
        if engines is not None:
            if not lent:
                lent.append(engines())
            return lent[0]
        if not chains:
            chains.append(engine_chain(shop.translation, secrets, settings.fleet.engine_calls))
        return chains[0]

    try:
        summary = run_images(
            store,
            settings,
            shop,
            images_root,
            workers=workers,
            progress=ticker(progress, "captioning"),
            only=only,
            translate_for=lambda language: translator(
                store,
                secrets,
                to=language,
                settings=settings,
                shop=shop,
                rejected=(avoided or {}).get(language),
                chain=chain,
            ),
        )
    finally:
        for made in chains:
            made.close()
    summary.engines_failing = [f for made in chains + lent for f in made.failing()]
    return summary

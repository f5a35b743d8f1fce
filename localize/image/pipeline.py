"""One image through its three stages: input (read, check, orient, RGB, fitted to the
market's rules), drawing (a caption today; replacing the text already on it, issue #13,
is another drawing), output (encoded within the market's byte limit, written atomically).
And `localize image`'s service: that pipeline over a batch of files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from config.errors import AppError, BadInput, ConfigError, echoed
from config.i18n import Text
from config.markets import ImageRules, MarketCatalog
from localize.image.batch import BatchResult, Done, plan, run_batch
from localize.image.fit import FitSpec
from localize.image.inputs import ImageInputError, open_for_drawing, text_lost_in_fitting
from localize.image.ocr import OcrCache, Region, TextDetector
from localize.image.outputs import save
from localize.image.regions import (
    PRICE,
    ImageText,
    Translate,
    colours_of,
    doubted_of,
    kinds_of,
    on_object_of,
    plan_text,
    product_of,
    still_read_count,
)
from localize.image.render import Caption, Layout, validate_caption
from localize.image.replace import RegionPlan, Replaced, ReplaceText
from localize.prices import shop_prices

if TYPE_CHECKING:  # settings bring pydantic; worker processes unpickling a job need none
    from config.settings import Settings, ShopSettings


class Drawn(Protocol):
    """What a drawing reports about what it drew."""

    size: int
    lines: tuple[str, ...]
    truncated: bool
    contrast: float

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reviewer should know about the drawing."""
        ...


class Drawing(Protocol):
    """An operation drawn onto a fitted RGB image in place (it must pickle)."""

    def draw(self, img: Any) -> Drawn:
        """Draw on `img`; raise an AppError naming the problem when it cannot."""
        ...


@dataclass(frozen=True)
class Layers:
    """Drawings one after another (the text replaced, then a caption); reports the last,
    with every layer's warnings."""

    drawings: tuple[Drawing, ...]

    def draw(self, img: Any) -> Drawn:
        """Draw every layer on `img` in order."""
        drawn = [d.draw(img) for d in self.drawings]
        last = drawn[-1]
        return Replaced(
            last.size,
            tuple(last.lines),
            any(d.truncated for d in drawn),
            min(d.contrast for d in drawn),
            tuple(w for d in drawn for w in d.warnings),
            tuple(f for d in drawn for f in getattr(d, "erased", ())),
        )


@dataclass(frozen=True)
class ImagePipeline:
    """Input, drawing and output for one file: the operation a batch runs on each image."""

    drawing: Drawing
    rules: ImageRules
    aspect: str = "pad"  # pad | crop: how an image outside the aspect range is reframed

    def __call__(self, src: Path, out: Path) -> Done:
        """Read `src`, draw on it, write `out`; what was done."""
        picture = open_for_drawing(src, self.rules, self.aspect)
        drawn = self.drawing.draw(picture.image)
        written = save(picture.image, out, self.rules)
        return Done(
            input=src,
            output=out,
            size=drawn.size,
            lines=tuple(drawn.lines),
            truncated=drawn.truncated,
            contrast=round(drawn.contrast, 2),
            bytes=written,
            warnings=(*picture.notes, *drawn.warnings),
            info=tuple(picture.info),
            erased=tuple(getattr(drawn, "erased", ())),  # a caption erases nothing
        )


@dataclass(frozen=True)
class Refused:
    """The operation of an image found unfit before the batch: it fails with `error` (a
    message naming the file), and nothing is written."""

    error: Text

    def __call__(self, src: Path, out: Path) -> Done:
        """Fail the image."""
        raise AppError(self.error)


def shop_layout(shop: ShopSettings) -> Layout:
    """The caption layout a shop configured: `[shops.captions]`, with the older
    `caption_position` and `caption_max_lines` keys still honoured."""
    captions = shop.captions
    position = captions.position or (
        shop.caption_position if "caption_position" in shop.model_fields_set else "auto"
    )
    return Layout(
        position=position,
        style=captions.style,
        colour=captions.rgb(),
        weight=captions.weight,
        spec=FitSpec(max_lines=shop.caption_max_lines),
    )


def image_rules(catalog: MarketCatalog, market: str | None = None) -> ImageRules:
    """A market's image rules; without a market, the markets file's default ones."""
    if market is not None:
        return catalog.market(market).images
    if catalog.default_images is None:
        raise ConfigError(catalog.path, "[defaults] images is missing or incomplete")
    return catalog.default_images


@dataclass(frozen=True)
class CaptionedImages:
    """What `localize image` did: the caption as drawn, every image's outcome, and the text
    regions found on each input when its text was replaced."""

    caption: str
    result: BatchResult
    regions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    replaced_text: bool = False  # the text on the images was replaced; no caption drawn
    erased_only: bool = False  # ... only erased: the clean plate
    findings: tuple[Any, ...] = ()  # the checks' findings on a translated caption

    def still_chinese(self) -> list[Done]:
        """The images written with Chinese still read around a region once it was erased
        (a translucent watermark, a ghost): not ready to upload, so `localize image` fails
        them (exit 1) as it fails a region it could not replace, while writing them for a
        person to look at (trial 31: such an image said "1 written" and exited 0)."""
        status = "erased" if self.erased_only else "replaced"
        return [
            d
            for d in self.result.done
            if still_read_count(self.regions.get(str(d.input), []), status)
        ]


def _context(
    settings: Settings | None, shop: str | None
) -> tuple[MarketCatalog, str | None, str, Layout]:
    """The markets, the shop's market, how it reframes images and its caption layout;
    without a shop, the markets file's defaults."""
    if settings is not None and shop is not None:
        shop_settings = settings.shop(shop)
        return (
            settings.markets,
            shop_settings.market,
            shop_settings.captions.aspect,
            shop_layout(shop_settings),
        )
    from config.markets import load_markets

    return load_markets(), None, "pad", Layout()


def caption_images(
    inputs: Sequence[Path],
    out: Path | str,
    *,
    caption: str,
    language: str,
    settings: Settings | None = None,
    shop: str | None = None,
    layout: Layout | Callable[[Layout], Layout] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: OcrCache | None = None,
) -> CaptionedImages:
    """Caption images into `out` (a file for one input, else a folder) to the shop's
    market's rules and caption style, or the markets file's defaults without a shop;
    `layout` replaces the style, or adjusts it when it is a function. The caption is
    checked once, before any image is opened. With a `cache`, each image's text is read in
    the worker (once per content) so that the caption goes clear of it, and Chinese on it
    is warned."""
    catalog, market, aspect, base = _context(settings, shop)
    script = catalog.script(language)
    text = validate_caption(caption, script, catalog.language_name(language))
    rules = image_rules(catalog, market)
    drawing = Caption(
        text,
        language,
        script,
        _layout(layout, base),
        read_before=cache.folder if cache is not None else None,
        read=cache is not None,
    )
    jobs = plan(inputs, out, ImagePipeline(drawing, rules, aspect), rules)
    return CaptionedImages(text, run_batch(jobs, workers, progress))


def _layout(given: Layout | Callable[[Layout], Layout] | None, base: Layout) -> Layout:
    """The layout to draw with: the one given, or the shop's (or default) one adjusted."""
    if given is None:
        return base
    return given if isinstance(given, Layout) else given(base)


def replace_text_images(
    inputs: Sequence[Path],
    out: Path | str,
    *,
    language: str,
    translate: Translate | None,
    cache: OcrCache,
    settings: Settings | None = None,
    shop: str | None = None,
    detector: TextDetector | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    caption: str | None = None,
    layout: Layout | Callable[[Layout], Layout] | None = None,
) -> CaptionedImages:
    """Replace the Chinese text on images by its translation into `out`: regions read
    (from the cache when this content was read before), translated by `translate`, then
    erased and redrawn in worker processes; without `translate`, only erased (the clean
    plate); with a `caption`, it is drawn after, clear of every text region. An input that
    cannot be opened fails alone. Each region erased carries its erase score; a poor one
    is a warning naming it, and so is text `detector` still reads around a region erased
    (`left` in its record)."""
    from localize.image.ocr import RapidOcrDetector
    from localize.image.regions import (
        ERASED,
        NOT_WRITTEN,
        OVERLAY,
        occupied,
        with_erase_scores,
    )

    catalog, market, aspect, base = _context(settings, shop)
    captioned = (
        Caption(
            validate_caption(caption, catalog.script(language), catalog.language_name(language)),
            language,
            catalog.script(language),
            _layout(layout, base),
        )
        if caption is not None
        else None
    )
    script = catalog.script(language)
    rules = image_rules(catalog, market)
    prices = shop_prices(
        settings, settings.shop(shop) if settings is not None and shop else None, script
    )
    nothing = ImagePipeline(ReplaceText((), language, script), rules, aspect)
    detector = detector or RapidOcrDetector()
    jobs, found = [], {}
    for job in plan(inputs, out, nothing, rules):
        try:
            picture = open_for_drawing(job.src, rules, aspect)
        except AppError:  # the batch opens it again and reports the error with the others
            jobs.append(job)
            continue
        content, regions = cache.keyed(picture.image, detector)
        try:  # a long strip's Chinese, too small once fitted to be read: said, not "0 of 0"
            text_lost_in_fitting(job.src, picture, regions, detector)
        except ImageInputError as exc:
            jobs.append(replace(job, operation=Refused(exc.text)))
            continue
        product = product_of(picture.image) if regions else None  # found once
        kinds = kinds_of(picture.image, regions, product)
        # the clean plate erases a price like any overlay text, but it is still a price
        # (one kind per region in --json, whichever the mode)
        erased_as = [OVERLAY if k == PRICE else k for k in kinds] if translate is None else kinds
        text = plan_text(
            regions,
            translate or _nothing_drawn,
            kinds=erased_as,
            prices=prices,
            on_object=on_object_of(picture.image, regions, kinds, product),
            colours=colours_of(picture.image, regions) if translate is not None else (),
            doubted=doubted_of(picture.image, regions, kinds, product),
        )
        if translate is None:  # ... even one OCR read without its ¥ ("?99"): erased too
            text = _erase_prices(text, regions)
        records = [
            {**r, "status": ERASED, "translation": None, "kind": PRICE if k == PRICE else r["kind"]}
            if translate is None and r["status"] == "replaced"
            else r
            for r, k in zip(text.records, kinds, strict=True)
        ]
        found[str(job.src)] = records
        drawing: Drawing = ReplaceText(
            text.plans,
            language,
            script,
            text.notes,
            text.left,
            strict=True,
            erase_only=translate is None,
            plates=cache.plates,
            read_back=detector,
            untouched=text.untouched,
            content=content,
        )
        if captioned is not None:
            on_top = replace(captioned, avoid=occupied(text.records))
            drawing = Layers((drawing, on_top))
        jobs.append(replace(job, operation=ImagePipeline(drawing, rules, aspect)))
        # the job opens its picture again: this copy (27 MB at 3000 px) is not held
        # through the drawing (nor its array in `product`)
        del picture, product
    result = run_batch(jobs, workers, progress)
    for done in result.done:  # the drawing's warnings already name a poor erase
        with_erase_scores(found.get(str(done.input), []), done.erased)
    for failed in result.failed:  # nothing was written: no region of it was replaced
        records = found.get(str(failed.input), [])
        records[:] = [
            {**r, "status": NOT_WRITTEN} if r["status"] in ("replaced", ERASED) else r
            for r in records
        ]
    return CaptionedImages(
        captioned.text if captioned else "",
        result,
        found,
        replaced_text=True,
        erased_only=translate is None,
    )


def _erase_prices(text: ImageText, regions: Sequence[Region]) -> ImageText:
    """The clean plate's plan with every yuan price erased as well: one OCR read as "?99"
    has no Chinese in it, so plan_text leaves it as not Chinese."""
    from localize.prices import yuan_price

    plans, records = list(text.plans), []
    for region, record in zip(regions, text.records, strict=True):
        if record["status"] == "not_chinese" and yuan_price(region.text):
            record = {**record, "kind": PRICE, "status": "replaced"}
            plans.append(RegionPlan(region.polygon, region.text, ""))
        records.append(record)
    return replace(text, plans=tuple(plans), records=tuple(records))


def _nothing_drawn(text: str) -> tuple[str | None, list[str]]:
    """The clean plate's 'translation': the region erased, nothing drawn in its place."""
    return "", []


@dataclass(frozen=True)
class ImageOrder:
    """What `localize image` is asked to draw: a caption (translated from `text`, or
    `caption` as it is, in a position and style), or the text on the images replaced."""

    text: str | None = None
    caption: str | None = None
    replace_text: bool = False
    position: str | None = None
    style: str | None = None
    max_lines: int | None = None
    erase_only: bool = False  # the clean plate: the text erased, nothing drawn

    def check(self) -> None:
        """BadInput when the options do not make one order."""
        from localize.image.render import STYLES

        if self.erase_only and (
            self.replace_text or self.text is not None or self.caption is not None
        ):
            raise BadInput(
                "--erase-only writes the clean plate and draws nothing: give it without "
                "--replace-text, --text or --caption"
            )
        if self.erase_only:
            return
        if self.text is not None and self.caption is not None:
            raise BadInput("give one of --text (to translate) or --caption (as is), not both")
        if not self.replace_text and self.text is None and self.caption is None:
            raise BadInput(
                "give --text (to translate) or --caption (as is), or --replace-text "
                "(with either to draw a caption too)"
            )
        if self.position not in (None, "auto", "bottom", "top"):
            raise BadInput(f"--position {echoed(self.position)!r}: use auto, bottom or top")
        if self.style not in (None, *STYLES):
            raise BadInput(f"--style {echoed(self.style)!r}: use band, badge or outline")

    def layout(self, base: Layout) -> Layout:
        """The shop's (or default) layout with the order's position, style and lines."""
        return replace(
            base,
            position=self.position or base.position,
            style=self.style or base.style,
            spec=replace(base.spec, max_lines=self.max_lines or base.spec.max_lines),
        )


def refuse_folders(inputs: Sequence[Path]) -> None:
    """BadInput naming the first input that is a folder: images are given one by one."""
    for path in inputs:
        try:
            folder = path.is_dir()
        except OSError:  # a name over 255 bytes: the batch fails that input alone
            folder = False
        if folder:
            raise BadInput(
                f"{echoed(str(path))} is a folder, not an image: give the images in it "
                f"(e.g. {echoed(str(path))}/*.jpg)"
            )


NO_LANGUAGE = "und"  # BCP 47's undetermined: the clean plate draws nothing in any language


def localize_images(
    store: Callable[[], Any],
    secrets: Any,
    inputs: Sequence[Path],
    out: Path | str,
    *,
    to: str | None,
    order: ImageOrder,
    data_dir: Path,
    settings: Settings | None = None,
    shop: str | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CaptionedImages:
    """`localize image`: the order checked, the language code resolved, then a caption
    (translated and checked first when given as source text) drawn on every input, or the
    Chinese text on them replaced (or, for the clean plate, erased: `to` may be None).
    `store` opens the store only when a translation needs
    it; `progress(what, done, total)` hears how far the batch is."""
    from config.runtime import ticker

    order.check()
    refuse_folders(inputs)
    if settings is not None and shop:
        catalog = settings.markets
    else:
        from config.markets import load_markets

        catalog = load_markets()
    to = catalog.language_code(to, "--to") if to is not None else NO_LANGUAGE
    from localize.image.ocr import data_cache

    shop_settings = settings.shop(shop) if settings is not None and shop else None
    caption, findings = order.caption, ()
    if order.text is not None:  # translated like `localize text` would, and checked
        from localize.text.service import translated_caption

        result = translated_caption(
            store(), secrets, order.text, to=to, settings=settings, shop=shop_settings
        )
        caption, findings = result.translation, tuple(result.findings)
    if order.replace_text or order.erase_only:
        translate = None  # the clean plate: no translation, no store, no engine
        chain = None
        if order.replace_text:
            from localize.image.regions import translator
            from localize.text.service import CallChain

            chain = CallChain(secrets, settings, shop_settings)
            translate = translator(
                store(), secrets, to=to, settings=settings, shop=shop_settings, chain=chain
            )
        try:
            made = replace_text_images(
                inputs,
                out,
                language=to,
                translate=translate,
                cache=data_cache(data_dir),
                settings=settings,
                shop=shop,
                workers=workers,
                progress=ticker(progress, "replacing text" if translate else "erasing text"),
                caption=caption,
                layout=order.layout,
            )
        finally:
            if chain is not None:
                chain.close()
        return replace(made, findings=findings)
    made = caption_images(
        inputs,
        out,
        caption=caption or "",
        language=to,
        settings=settings,
        shop=shop,
        layout=order.layout,
        workers=workers,
        progress=ticker(progress, "captioning"),
        cache=data_cache(data_dir),
    )
    return replace(made, findings=findings)

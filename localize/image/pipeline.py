"""One image through its three stages: input (read, check, orient, RGB, fitted to the
market's rules), drawing (a caption today; replacing the text already on it, issue #13,
is another drawing), output (encoded within the market's byte limit, written atomically).
And `localize image`'s service: that pipeline over a batch of files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from config.errors import AppError, ConfigError
from config.markets import ImageRules, MarketCatalog
from localize.image.batch import BatchResult, Done, plan, run_batch
from localize.image.fit import FitSpec
from localize.image.inputs import open_for_drawing
from localize.image.ocr import OcrCache, TextDetector
from localize.image.outputs import save
from localize.image.regions import Translate, plan_text
from localize.image.render import Caption, Layout, validate_caption
from localize.image.replace import Replaced, ReplaceText

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
        )


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
) -> CaptionedImages:
    """Caption images into `out` (a file for one input, else a folder) to the shop's
    market's rules and caption style, or the markets file's defaults without a shop;
    `layout` replaces the style, or adjusts it when it is a function. The caption is
    checked once, before any image is opened."""
    catalog, market, aspect, base = _context(settings, shop)
    script = catalog.script(language)
    text = validate_caption(caption, script)
    rules = image_rules(catalog, market)
    operation = ImagePipeline(Caption(text, language, script, _layout(layout, base)), rules, aspect)
    return CaptionedImages(text, run_batch(plan(inputs, out, operation, rules), workers, progress))


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
    translate: Translate,
    cache: OcrCache,
    settings: Settings | None = None,
    shop: str | None = None,
    detector: TextDetector | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CaptionedImages:
    """Replace the Chinese text on images by its translation into `out`: regions read
    (from the cache when this content was read before), translated by `translate`, then
    erased and redrawn in worker processes. An input that cannot be opened fails alone."""
    from localize.image.ocr import RapidOcrDetector

    catalog, market, aspect, _ = _context(settings, shop)
    script = catalog.script(language)
    rules = image_rules(catalog, market)
    nothing = ImagePipeline(ReplaceText((), language, script), rules, aspect)
    detector = detector or RapidOcrDetector()
    jobs, found = [], {}
    for job in plan(inputs, out, nothing, rules):
        try:
            picture = open_for_drawing(job.src, rules, aspect)
        except AppError:  # the batch opens it again and reports the error with the others
            jobs.append(job)
            continue
        text = plan_text(cache.regions(picture.image, detector), translate)
        found[str(job.src)] = list(text.records)
        drawing = ReplaceText(text.plans, language, script, text.notes, text.left, strict=True)
        jobs.append(replace(job, operation=ImagePipeline(drawing, rules, aspect)))
    return CaptionedImages("", run_batch(jobs, workers, progress), found, replaced_text=True)

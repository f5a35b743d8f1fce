"""Replacing the text already on an image: each region erased within its panel
(erase.py: the panel's background modelled, glyph fill, outline and shadow removed, a
texture continued; every erase scored, a poor one said), then the translations set block
by block (typeset.py: lines alike grouped, one size and weight per block, grown into the
free panel around it) in the original text's colours, weight, outline and rules (looks.py,
measured before erasing). With `erase_only` nothing is drawn: the clean plate.

The drawing is a plain dataclass of plans, so it pickles into worker processes; the
detection and translation that produce the plans happen before, in the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from config.errors import AppError, ExitCode
from config.i18n import SEMICOLON, Joined, Msg, msg
from localize.image import curves, fonts, looks, smear
from localize.image.curves import is_curved
from localize.image.emphasis import ColourRun
from localize.image.erase import (  # noqa: F401 - erase's names, as callers import them here
    Erased,
    Ink,
    dilation,
    erase,
    geometry,
    region_mask,
    stroke_width,
)
from localize.image.ocr import Point, TextDetector
from localize.image.plates import ErasedRegion, Kept, Plate, PlateCache
from localize.image.readback import read_around, reader, still_read, still_read_note, unsure
from localize.image.render import dropped_note, region_text
from localize.image.typeset import Piece, set_pieces


class ChineseLeft(AppError):
    """An image would still carry Chinese text a buyer sees: it is not written."""

    exit_code = ExitCode.FAILURES

    def __init__(self, left: list[Msg]) -> None:
        super().__init__(
            msg("Chinese text left on the image: {left}", left=Joined(left, SEMICOLON))
        )


@dataclass(frozen=True)
class RegionPlan:
    """What to do with one region: its outline and text, and the translation drawn in its
    place (`keep`: leave it as it is, e.g. the product's own printing or a logo)."""

    polygon: tuple[Point, ...]
    text: str
    translation: str
    keep: bool = False
    runs: tuple[ColourRun, ...] = ()  # parts of the translation drawn in a colour of their
    # own (indices into it as drawn: NFC, spaces folded), as the original's were
    erase_only: bool = False  # erased, nothing drawn (its own English beside it says it)


def _drawn(plan: RegionPlan, text: str) -> RegionPlan:
    """`plan` as `text` (its translation as region_text draws it) is set: its colour runs
    index the translation as drawn, so when a symbol's stand-in or a symbol left out moved
    the characters after it, the line is drawn in its main colour (a rare pair: a circled
    number in a two-coloured line) rather than colouring the wrong letters."""
    import unicodedata

    folded = unicodedata.normalize("NFC", " ".join(plan.translation.split()))
    if plan.runs and len(folded) != len(text):
        return replace(plan, runs=())
    return plan


@dataclass(frozen=True)
class Replaced:
    """What a replacement (or a stack of drawings) drew, as a pipeline reports it (`Drawn`)."""

    size: int
    lines: tuple[str, ...]
    truncated: bool
    contrast: float
    notes: tuple[str, ...] = ()
    erased: tuple[dict[str, Any], ...] = ()  # per region: text, polygon, erase score, method

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reviewer should know about the drawing."""
        return self.notes


@dataclass(frozen=True)
class ReplaceText:
    """The drawing that replaces regions of text by their translations in `language`."""

    regions: tuple[RegionPlan, ...]
    language: str
    script: str
    notes: tuple[str, ...] = field(default=())  # found before drawing (low confidence...)
    left: tuple[str, ...] = ()  # Chinese regions known before drawing not to be replaced
    strict: bool = False  # any Chinese left fails the image (one-off use: nobody reviews it)
    erase_only: bool = False  # the clean plate: regions erased, nothing drawn
    plates: Path | None = None  # where clean plates are kept between runs (plates.py)
    read_back: TextDetector | None = None  # reads the erased image again (readback.py)
    untouched: tuple[tuple[Point, ...], ...] = ()  # regions left as they are (not erased)
    content: str | None = None  # the picture's ocr.content_key when known: hashed once

    def draw(self, img: Any) -> Replaced:
        """Erase every region not kept, then (unless `erase_only`) set the translations
        block by block on `img` in place; a region whose translation cannot be drawn is left
        as it is and said (with `strict`, the image fails, naming every region left); an
        erase that scores poorly is said too, and so is text still read around a region
        once it is erased (with `read_back`)."""
        notes, left = list(self.notes), list(self.left)
        kept, todo = [], []
        for plan in self.regions:
            if plan.keep:
                kept.append(plan.polygon)
                continue
            try:
                text, dropped = (
                    ("", [])
                    if self.erase_only or plan.erase_only
                    else region_text(plan.translation, self.script)
                )
            except fonts.FontError as exc:
                left.append(
                    msg("region {text!r} not replaced: {problem}", text=plan.text, problem=exc.text)
                )
                notes.append(left[-1])
                continue
            if dropped:
                family = fonts.font_for(self.script).family
                notes.append(dropped_note(plan.text, plan.translation, dropped, family))
            todo.append((_drawn(plan, text), text))
        if self.strict and left:  # known before erasing: the image is not written
            raise ChineseLeft(left)
        # a line along a curve is unrolled, replaced as a straight one and laid back
        bent = [(plan, text) for plan, text in todo if is_curved(plan.polygon)]
        todo = [(plan, text) for plan, text in todo if not is_curved(plan.polygon)]
        along = [self._along(img, plan, text) for plan, text in bent]
        curved = [plan.polygon for plan, _ in bent]
        done = self._straight(img, todo, kept, curved, notes)
        if not along:
            return done
        return Replaced(
            max([done.size, *(a.size for a in along)]),
            (*(line for a in along for line in a.lines), *done.lines),
            done.truncated or any(a.truncated for a in along),
            min([done.contrast, *(a.contrast for a in along)]) if done.lines else
            min(a.contrast for a in along),
            (*(n for a in along for n in a.notes), *done.notes),
            (*(f for a in along for f in a.erased), *done.erased),
        )  # fmt: skip

    def _along(self, img: Any, plan: RegionPlan, text: str) -> Replaced:
        """Replace a line that runs along a curve: the band it runs along unrolled into a
        straight strip (ALONG_ROOM of its height across it, as much again past each end:
        the panel it stands on, for its erase), replaced there as a straight line, and the
        strip's changed pixels laid back along the band."""
        import numpy as np
        from PIL import Image

        band = curves.Band.from_outline(plan.polygon)
        past = round(band.height / 2)
        wide = band.extended(past)
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        picture = np.asarray(rgb).copy()
        strip = wide.strip(picture, ALONG_ROOM)
        middle = (strip.shape[0] - 1) / 2
        top, bottom = round(middle - band.height / 2), round(middle + band.height / 2)
        left, right = past, strip.shape[1] - 1 - past
        flat = RegionPlan(
            ((left, top), (right, top), (right, bottom), (left, bottom)),
            plan.text,
            text or plan.translation,  # as drawn: what it left out is said once, by draw()
            runs=plan.runs,
        )
        sheet = Image.fromarray(strip)
        alone = self.erase_only or plan.erase_only
        done = ReplaceText((flat,), self.language, self.script, erase_only=alone).draw(sheet)
        after = np.asarray(sheet)
        changed = (after != strip).any(axis=2)
        curves.roll_back(wide, picture, after, changed, ALONG_ROOM)
        img.paste(Image.fromarray(picture).convert(img.mode))
        polygon = [list(p) for p in plan.polygon]
        return replace(done, erased=tuple({**f, "polygon": polygon} for f in done.erased))

    def _straight(
        self,
        img: Any,
        todo: list[tuple[RegionPlan, str]],
        kept: list[tuple[Point, ...]],
        curved: list[tuple[Point, ...]],
        notes: list[Msg],
    ) -> Replaced:
        """Erase and set the straight lines of `todo` (the curved ones are done already:
        `curved`, no fill's source and never drawn over)."""
        import numpy as np

        pieces, figures = [], []
        plans = [plan for plan, _ in todo]
        place = self._place(img, plans)
        judged = place[2].doubts if place is not None and place[2] is not None else None
        # each region's surroundings before erasing, for the judge of erases (smear.py),
        # unless the kept plate holds what it doubted
        seen = (
            []
            if judged is not None
            else [smear.before(img, plan.polygon, dilation(plan.polygon)) for plan in plans]
        )
        # every other text region is no source for a region's fill: the ones erased before
        # or after it, and the ones left as they are (f12's paragraph: each line's fill
        # copied its neighbours' letters, 11.5 dB)
        text_regions = (*(p.polygon for p in plans), *kept, *curved, *self.untouched)
        erased, plate = self._erase(img, plans, place, text_regions)
        boxes = [smear.grown_box(p.polygon, dilation(p.polygon), img.size) for p in plans]
        doubted: list[tuple[dict[str, Any], ...]] = []
        for n, ((plan, text), region) in enumerate(zip(todo, erased, strict=True)):
            doubts: tuple[dict[str, Any], ...] = ()
            if judged is not None:
                doubts = judged[n]
            elif region is not None and seen[n] is not None:
                doubts = smear.judge(seen[n], img, boxes[:n] + boxes[n + 1 :])
            if judged is None and region is not None and region.erased.crowded:
                # the texture it stands on could not be continued: a smooth patch, said
                doubts = ({"kind": smear.CROWDED}, *doubts)
            doubted.append(doubts)
            if region is not None:
                figures += _figures(plan, region.erased, doubts)
                pieces.append(
                    Piece(
                        plan.polygon,
                        plan.text,
                        text,
                        region.mask,
                        region.erased,
                        region.look,
                        region.at,
                        plan.runs,
                    )
                )
        notes += [poor_erase_note(f) for f in figures if f["poor"] or f.get("doubts")]
        if not self.erase_only:
            notes += [unsure_note(p) for p in pieces if p.look.unsure]
        if plate is not None and judged is None:
            plate.judged(doubted)
        if self.read_back is not None and pieces:
            figures = self._read_back(img, pieces, figures, kept, plate)
            notes += [still_read_note(f["text"], f["left"]) for f in figures if f.get("left")]
        if plate is not None:  # the erase and its read-back in one write
            plate.keep()
        drawn = [piece for piece in pieces if piece.text]  # (an erase-only plan's is "")
        if not drawn or self.erase_only:
            return Replaced(0, (), False, 21.0, tuple(notes), tuple(figures))
        taken = None
        if kept or curved:  # kept text stays as it is, a curved line is drawn already:
            # nothing is drawn over them
            taken = np.zeros((img.height, img.width), np.uint8)
            for polygon in (*kept, *curved):
                taken |= region_mask(img.size, polygon, dilation(polygon))
        done = set_pieces(img, one_look_per_block(drawn), self.language, self.script, taken)
        lines = tuple(line for item in done.lines for line in item)
        notes += beside_original(done.notes, _original_contrasts(pieces))
        return Replaced(
            max(done.sizes), lines, done.truncated, done.contrast, tuple(notes), tuple(figures)
        )

    def _place(self, img: Any, plans: list[RegionPlan]) -> _Place | None:
        """Where the plate of `plans` erased from `img` is kept (cache and key) and the
        plate kept there by this erase code (None: not yet); None when plates are not
        kept."""
        if self.plates is None or not plans:
            return None
        from localize.image.ocr import content_key
        from localize.image.plates import plate_key

        cache = PlateCache(self.plates)
        content = self.content or content_key(img)
        key = plate_key(content, [(plan.polygon, plan.text) for plan in plans])
        plate = cache.get(key, img.size)
        return cache, key, plate if plate is not None and len(plate.regions) == len(plans) else None

    def _erase(
        self,
        img: Any,
        plans: list[RegionPlan],
        place: _Place | None,
        text_regions: Sequence[tuple[Point, ...]] = (),
    ) -> tuple[list[ErasedRegion | None], Kept | None]:
        """Erase the regions of `plans` from `img` in place, in order, and what each left
        (None: nothing to erase): the kept plate (`place`) when this picture's same regions
        were erased before by this erase code, else erased now (and its plate, to keep).
        `text_regions`: all the picture's text (polygons), never a source of a fill."""
        import numpy as np

        if place is not None and place[2] is not None:
            cache, key, plate = place
            plate.paste(img)
            return list(plate.regions), Kept(cache, key, plate, changed=False)
        original = np.asarray(img).copy()  # the looks are measured before anything is erased
        done = [  # (the plans' own polygons come first in `text_regions`)
            erase_region(img, original, plan, (*text_regions[:n], *text_regions[n + 1 :]))
            for n, plan in enumerate(plans)
        ]
        if place is None:
            return done, None
        from localize.image.plates import changed

        cache, key, _ = place
        return done, Kept(cache, key, Plate(changed(original, img), tuple(done)), changed=True)

    def _read_back(
        self,
        img: Any,
        pieces: list[Piece],
        figures: list[dict[str, Any]],
        kept: list[Any],
        plate: Kept | None,
    ) -> list[dict[str, Any]]:
        """The figures with what is still read around each erased region (`left`): what
        the plate kept of its read-back when the same reader read it, else read now."""
        assert self.read_back is not None
        detector = unsure(self.read_back)
        erased = [p.polygon for p in pieces]
        by = reader(detector)
        found = plate.readings(by) if plate is not None else None
        if found is None:
            found = tuple(read_around(img, erased, detector))
            if plate is not None:
                plate.read_by(by, found)
        readings = still_read(found, erased, img.size, (*self.untouched, *kept))
        return [
            {**figure, "left": found} if found else figure
            for figure, found in zip(figures, readings, strict=True)
        ]


# where a picture's plate is kept (cache and key) and the plate kept there (None: none yet)
_Place = tuple[PlateCache, str, Plate | None]

POOR_ERASE = "poor_erase"  # the finding a poorly scored erase raises
# a curved line's strip, across it: this many times its height (the panel it stands on, a
# ribbon's edges, for its erase; room for its translation on two lines)
ALONG_ROOM = 2.2


def poor_erase_note(figure: dict[str, Any]) -> Msg:
    """What a reviewer is told of a region whose erase scored poorly, or that the judge of
    erases doubts (smear.py: an edge smeared, specks left), whatever its score."""
    if figure.get("doubts"):
        return msg(
            "poor_erase: text {text!r} erased poorly ({doubts}; score {score} dB, {method} "
            "fill): retouch it or keep it",
            text=figure["text"],
            doubts=Joined([smear.said(d) for d in figure["doubts"]], SEMICOLON),
            score=figure["erase"],
            method=figure["method"],
        )
    return msg(
        "poor_erase: text {text!r} erased poorly (score {score} dB, {method} fill): the "
        "background may show a smear; retouch it or keep it",
        text=figure["text"],
        score=figure["erase"],
        method=figure["method"],
    )


def unsure_note(piece: Piece) -> Msg:
    """What a reviewer is told of a region whose look was not told with confidence
    (looks.Look.unsure), as it was drawn: never a silent restyle."""
    from localize.image.emphasis import hex_colour

    look = piece.look
    fill = hex_colour(look.fill or piece.erased.ink.fill)
    if look.unsure == "glow" and look.glow is not None:
        return msg(
            "restyled: text {text!r}: its glow was drawn as a {glow} halo round {fill} "
            "letters, though the two colours could be the other way round; check it",
            text=piece.source,
            glow=hex_colour(look.glow.colour),
            fill=fill,
        )
    return msg(
        "restyled: text {text!r}: its outline was drawn as {edge} round {fill} letters, read "
        "by its colours alone (no outline, glow or shadow shows round the letters); check it",
        text=piece.source,
        edge=hex_colour(look.edge or piece.erased.ink.outline or piece.erased.background),
        fill=fill,
    )


def _figures(
    plan: RegionPlan, erased: Erased | None, doubts: tuple[dict[str, Any], ...] = ()
) -> tuple[dict[str, Any], ...]:
    """The erase's figures for one region, as the region records carry them, with what the
    judge of erases doubts about it (smear.py)."""
    if erased is None:
        return ()
    figure = {
        "text": plan.text,
        "polygon": [list(p) for p in plan.polygon],
        "erase": erased.score,
        "method": erased.method,
        "poor": erased.poor,
    }
    return ({**figure, "doubts": list(doubts)} if doubts else figure,)


def one_look_per_block(pieces: list[Piece]) -> list[Piece]:
    """The pieces, each block's lines (grouped as typeset groups them) given the block's
    pooled look (looks.one_look): one block, one colour, one outline."""
    from localize.image.blocks import group
    from localize.image.typeset import line_of

    out = list(pieces)
    for block in group([line_of(p) for p in pieces]):
        members = [pieces[i] for i in block.lines]
        if len(members) < 2:
            continue
        fill, edge, width = looks.one_look(
            [(p.erased.ink.fill, p.erased.ink.outline) for p in members],
            [p.look.outline for p in members],
        )
        for i, p in zip(block.lines, members, strict=True):
            out[i] = replace(
                p,
                erased=replace(p.erased, ink=Ink(fill, edge)),
                look=replace(p.look, outline=width, swapped=False),
            )
    return out


def erase_piece(img: Any, original: Any, plan: RegionPlan, text: str) -> Piece | None:
    """Erase one region from `img` and measure how its original looked (on `original`, the
    image's pixels before any erasing), ready to set `text` in its place; None when there
    was nothing to erase."""
    region = erase_region(img, original, plan)
    if region is None:
        return None
    return Piece(
        plan.polygon, plan.text, text, region.mask, region.erased, region.look, region.at,
        plan.runs,
    )  # fmt: skip


def erase_region(
    img: Any, original: Any, plan: RegionPlan, others: Sequence[tuple[Point, ...]] = ()
) -> ErasedRegion | None:
    """Erase one region from `img` and measure how its original looked (on `original`, the
    image's pixels before any erasing); None when there was nothing to erase. Masks are
    made on a crop around the region, never the whole frame. `others`: the picture's other
    text regions, never copied into this one's hole."""
    import numpy as np

    grow = dilation(plan.polygon)
    erased = erase(img, plan.polygon, None, grow, others)
    if erased is None:
        return None
    ink = erased.ink
    look = looks.measure(
        original, plan.polygon, ink.fill, ink.outline, erased.background, plan.text
    )
    if look.fill is not None:  # the letters' colours and stroke as their shapes show them
        erased = replace(erased, ink=Ink(look.fill, look.edge), stroke=look.stroke or erased.stroke)
    xs, ys = [p[0] for p in plan.polygon], [p[1] for p in plan.polygon]
    left, top = max(0, int(min(xs)) - grow - 1), max(0, int(min(ys)) - grow - 1)
    right = min(img.width, int(max(xs)) + grow + 2)
    bottom = min(img.height, int(max(ys)) + grow + 2)
    shifted = tuple((x - left, y - top) for x, y in plan.polygon)
    mask = region_mask((right - left, bottom - top), shifted, grow)
    rows, cols = np.nonzero(np.any(mask, axis=1))[0], np.nonzero(np.any(mask, axis=0))[0]
    if len(rows) == 0:
        return None
    if erased.panel is not None:  # a tight band: the translation stays on it, not the page
        px0, py0, px1, py1 = erased.panel
        inside = np.zeros(mask.shape, bool)
        rows_in = slice(max(0, py0 - top), max(0, py1 - top))
        inside[rows_in, max(0, px0 - left) : max(0, px1 - left)] = True
        mask[~inside] = 0
        rows, cols = np.nonzero(np.any(mask, axis=1))[0], np.nonzero(np.any(mask, axis=0))[0]
        if len(rows) == 0:
            return None
    crop = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy()
    return ErasedRegion(crop, (left + int(cols[0]), top + int(rows[0])), erased, look)


# typeset.py's note for text drawn under WCAG's 3:1 (its wording, matched here)
LOW_CONTRAST_NOTE = "text {text!r}: low contrast ({ratio}:1) against its background"
CLEARLY_FAINTER = 0.8  # of the original's contrast: a translation drawn under it is fainter


def beside_original(notes: Sequence[Msg], originals: dict[str, float]) -> list[Msg]:
    """`notes` less each low contrast the supplier's own text had too: `originals` gives
    the contrast of each source text as it was; a translation drawn no clearly fainter
    (CLEARLY_FAINTER) leaves nothing for the tool or a reviewer to fix (a white headline
    on a light sky), so only one drawn fainter than its original is said."""
    said = []
    for note in notes:
        if isinstance(note, Msg) and note.text == LOW_CONTRAST_NOTE:
            original = originals.get(note.params["text"])
            if original is not None and float(note.params["ratio"]) >= CLEARLY_FAINTER * original:
                continue
        said.append(note)
    return said


def _original_contrasts(pieces: Sequence[Piece]) -> dict[str, float]:
    """Each source text's contrast as the supplier drew it: its fill against its outline,
    or against the background erasing found (as typeset measures what it draws)."""
    from localize.image import colors

    originals: dict[str, float] = {}
    for piece in pieces:
        ink = piece.erased.ink
        edge = ink.outline or piece.erased.background
        originals.setdefault(piece.source, colors.contrast(ink.fill, edge))
    return originals


def replace_region(img: Any, plan: RegionPlan, language: str, script: str) -> Replaced:
    """Erase one region from `img` and set its translation there, as a block of its own; a
    translation the font cannot draw raises FontError before anything is erased."""
    import numpy as np

    text, _ = region_text(plan.translation, script)
    plan = _drawn(plan, text)
    seen = smear.before(img, plan.polygon, dilation(plan.polygon))
    piece = erase_piece(img, np.asarray(img).copy(), plan, text)
    if piece is None:
        return Replaced(0, (), False, 21.0)
    doubts = smear.judge(seen, img) if seen is not None else ()
    done = set_pieces(img, [piece], language, script)
    figures = _figures(plan, piece.erased, doubts)
    notes = tuple(beside_original(done.notes, _original_contrasts([piece]))) + tuple(
        poor_erase_note(f) for f in figures if f["poor"] or f.get("doubts")
    )
    notes += (unsure_note(piece),) if piece.look.unsure else ()
    return Replaced(done.sizes[0], done.lines[0], done.truncated, done.contrast, notes, figures)


REFERENCE = 100  # px: the font size at which a text's ink height is measured


# the letter whose ink the original's is matched against, per script: a capital in Latin
# scripts, a consonant with a vowel above it in Thai (both 0.72 em in Noto Sans), so that
# one original gives one size whatever the words, and the same in every language
HEIGHT_SAMPLE = {"thai": "\u0e01\u0e34"}


def start_size(text: str, script: str, ink_height: float, language: str | None = None) -> int:
    """The font size that matches an original whose ink was `ink_height` tall: the size at
    which the script's sample letter (HEIGHT_SAMPLE, else "H") is that tall; a font
    without it is measured on `text` itself."""
    path = fonts.font_for(script).path
    font = fonts.load(path, REFERENCE)
    sample = HEIGHT_SAMPLE.get(script, "H")
    if not all(ord(ch) in fonts.coverage(path) for ch in sample):
        sample = text
    box = font.getbbox(sample, anchor="ls", language=language)
    return max(6, round(ink_height * REFERENCE / max(1, box[3] - box[1])))

"""Setting a block's translation like a designer: one size for the whole block, as large
as the original's (never larger), the lines wrapped at word boundaries within the space
the block has (its own box grown into the free panel around it), and only then smaller,
down to a legibility floor; a word is never broken (a Latin word is hyphenated only when
it cannot fit whole even at the floor).

`set_block` is pure: `measure(text, size)` is a line's width in the caller's font.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from config.i18n import Msg, msg
from localize.image.blocks import CJK_EM
from localize.image.cards import Card
from localize.image.colors import largest_channel
from localize.image.design import legible_size
from localize.image.fit import Measure, balance, hyphenable, wrap

FLOOR = 0.6  # of the original's size: below it text is too small to pass for the original
LEAST = 0.35  # of the original's size: the smallest a block is ever set
FLOOR_PX = 10  # px: and never smaller than this, whatever the original
WARN_UNDER = 0.5  # of the original's size: drawn smaller than this (and smaller than
# reads on a phone: design.legible_size), a reviewer is told
ALIKE = 0.75  # alike blocks share a size unless it shrinks one below this share of its own
LIST_GAP = 0.4  # of the size: the least space between two items of a list, past the pitch
SMOOTH = ("flat", "gradient")  # erase methods of a panel, not a picture (as ALIKE)
APART = 0.5  # of the gap between a row's labels: kept between their translations
WIDE = 1.0  # of the ink height: labels on one baseline this far apart are a row's labels
TITLE = 1.15  # an original this much taller than another is its title: never drawn smaller
HANG_GAP = 0.8  # of the size: the least space under a claim wrapped under itself, to the next
# (0.5 left c02 en's 'and sweatproof' 20 px over 'Bluetooth 5.3', the other claims 70 apart)
WRAP_GAIN = 1.1  # a list's claim is wrapped under itself only when that sets the list this
# much larger than one line each would
ONE_LINE = 1.0  # of the original's em: one original line (a heading) that reads as large as
# the original on one line stays on it, where wrapping would set it larger (it grows along
# its line before it wraps; d01's title, on one line at 76% of its em, wraps as before)
LINES_MOST = 3  # lines per original line (about twice, and a short last one): a block is
# wrapped onto more only when no size at or above its floor holds it on these (e09's
# one-line subline came back on 5 lines in English, down a tall room; a reviewer is told
# when it still is)


@dataclass(frozen=True)
class Setting:
    """A block set: one size, each item's lines (an item is one original line's
    translation), and what had to give: words hyphenated, the size under the floor, text
    that did not fit even at the least size (`overflow`: some of it is clipped)."""

    size: int
    lines: tuple[tuple[str, ...], ...]
    hyphenated: bool = False
    under_floor: bool = False
    overflow: bool = False
    gap: float = 0.0  # px between one item's last line and the next item's first, past the pitch
    apart: float = 0.0  # a list's: its items' tops this far apart (px), each item's lines under
    # its first (an item wrapped hangs under itself, its neighbours where they were)

    def all_lines(self) -> tuple[str, ...]:
        """The block's lines top to bottom."""
        return tuple(line for item in self.lines for line in item)


def depth(count: int, size: int, spacing: float, ink: float) -> float:
    """How tall `count` lines set at `size` are: the last line's ink (`ink` em) under the
    pitch of the others."""
    return size * (ink + (count - 1) * spacing) if count else 0.0


def item_gap(pitch: float, size: int, spacing: float) -> float:
    """The space added between two items of a block whose original lines were `pitch` px
    apart (top to top), so that items set at `size` stay as far apart as the original's
    (a list of claims keeps its gaps; its items do not run together); 0 for lines set
    closer than a line's pitch (a paragraph)."""
    return max(0.0, pitch - size * spacing)


PAUSES = frozenset(",;:.!?\u3001\uff0c\uff1b\uff1a\u3002\uff01\uff1f")  # end a phrase


def boundaries(units: Sequence[str]) -> list[int]:
    """How strong a break after each unit but the last is: 2 after a comma (or other
    pause) and its space, 1 after a space, 0 between two words not spaced apart (Thai)."""
    out, text = [], ""
    for unit in units[:-1]:
        text += unit
        spaced = text[-1:].isspace()
        out.append(2 if spaced and text.rstrip()[-1:] in PAUSES else int(spaced))
    return out


def phrases(units: Sequence[str], level: int = 1) -> list[list[str]]:
    """The units in runs that only a break of at least `level` ends: at 1 the phrases a
    space ends (Thai words between spaces are one phrase: ดูเพรียว is not split into
    ดู | เพรียว; Latin words are their own), at 2 those a comma ends (a Vietnamese claim
    'Thấm hút, nhanh khô' is not broken inside 'nhanh khô')."""
    out: list[list[str]] = [[]]
    for unit, strength in zip(units, [*boundaries(units), level], strict=True):
        out[-1].append(unit)
        if strength >= level:
            out.append([])
    return [run for run in out if run]


def break_at_phrases(units: Sequence[str], fits: Any, strict: bool = False) -> list[str] | None:
    """One rule for every script: the units joined into their phrases at the strongest
    break they have, and a phrase that does not `fit` (its line's width) broken at the
    next weaker break inside it, down to its units (words); `strict`: None instead,
    when a phrase at the strongest break must be broken (a claim set smaller rather than
    cut mid-phrase)."""

    def split(run: Sequence[str], level: int, top: bool) -> list[str] | None:
        if level <= 0 or len(run) < 2:
            return list(run)
        out: list[str] = []
        for part in phrases(run, level):
            joined = "".join(part)
            if len(part) == 1 or not joined.strip() or fits(joined.strip()):
                out.append(joined)
            elif strict and top:
                return None
            else:
                found = split(part, level - 1, False)
                if found is None:
                    return None
                out.extend(found)
        return out

    strongest = max(boundaries(units), default=0)
    return split(units, strongest, True)


def set_block(
    items: Sequence[Sequence[str]],
    measure: Measure,
    room: tuple[float, float],
    top: int,
    spacing: float = 1.2,
    ink: float = 1.0,
    pitch: float = 0.0,
    whole: bool = False,
    hyphens: bool = True,
    row: bool = False,
    parts: bool = False,
    along: int = 0,
    single: bool = False,
) -> Setting:
    """The largest size, at most `top`, whose lines fit `room` (width, height): for a
    block of several items (each an original line) or a label (`whole`), first every
    item whole on its one line at or above the floor, then each broken only between its
    phrases (break_at_phrases) at or above the floor (a list's claims are not broken
    mid-phrase to be set larger); then whole words at or above the floor (broken between
    phrases where they fit), then Latin words hyphenated there, then whole words under
    the floor, then whole words under the least size (down to FLOOR_PX), then the least
    size, overflowing. `pitch`: how far apart (top to top, px)
    the original's lines were: the items are set that far apart where the room has the
    height (item_gap), and at least LIST_GAP apart (smaller if need be: a list's claims
    set evenly run together into one paragraph); items further apart than that (a bullet
    list) keep their places (`Setting.apart`), one line each or a claim wrapped under
    itself, never pushing the next one down. `hyphens`: False for a vertical column set
    across, whose words are never broken (too long whole, it is flagged for a reviewer);
    `row`: a label of a row, the largest it fits on at most ROW_LINES lines of whole words
    (under its floor if need be: its row's size is the least of its labels'), a hyphenated
    compound whole (row_units) unless `parts`. `along`: one original line (a heading, a
    line alone) is kept on one line where that sets it at least this large, rather than
    wrapped larger (0: the largest size wins); `single`: a struck line (an old price), each
    item on its one line down to the least size before it is wrapped (on two struck lines
    it reads as two prices: g03's old price)."""
    width, height = room
    floor = min(top, max(FLOOR_PX, round(FLOOR * top)))
    least = min(floor, max(8, round(LEAST * top)))

    def units_at(units: Sequence[str], size: int, strict: bool = False) -> Sequence[str] | None:
        return break_at_phrases(units, lambda text: measure(text, size) <= width, strict)

    def lines_at(
        size: int, hyphen: bool, one: bool = False, strict: bool = False, hang: bool = False,
        items: Sequence[Sequence[str]] = items, most: int = 0,
    ) -> list[list[str]] | None:  # fmt: skip
        out = []
        for units in items:
            wide = [u for u in units if u.strip() and measure(u.strip(), size) > width]
            if wide and (not hyphen or not all(hyphenable(u) for u in wide)):
                return None  # a word wider than the room: it would be broken
            joined = units_at(units, size, strict)
            if joined is None:
                return None  # a claim would be broken mid-phrase
            out.append(wrap(joined, width, size, measure, hyphen=hyphen))
            if (one and len(out[-1]) > 1) or (most and len(out[-1]) > most):
                return None
        if hang:  # each item in its own place: its lines above the next item's top
            if any(
                depth(len(item), size, spacing, ink) + HANG_GAP * size > pitch for item in out[:-1]
            ):
                return None
            last = (len(out) - 1) * pitch + depth(len(out[-1]), size, spacing, ink)
            return out if last <= height else None
        count = sum(len(item) for item in out)
        apart = (len(out) - 1) * least_gap(size)
        return out if depth(count, size, spacing, ink) + apart <= height else None

    def least_gap(size: int) -> float:  # a list's items kept visibly apart, never run on
        return min(item_gap(pitch, size, spacing), LIST_GAP * size)

    def largest(
        lo: int, hi: int, hyphen: bool, one: bool, strict: bool, hang: bool = False,
        items: Sequence[Sequence[str]] = items, most: int = 0,
    ) -> tuple[int, list[list[str]]] | None:  # fmt: skip
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            found = lines_at(mid, hyphen, one, strict, hang, items, most)
            if found is not None:
                best, lo = (mid, found), mid + 1
            else:
                hi = mid - 1
        return best

    def gap(size: int, lines: Sequence[Sequence[str]]) -> float:
        if len(lines) < 2:
            return 0.0
        spare = height - depth(sum(len(item) for item in lines), size, spacing, ink)
        most = item_gap(pitch, size, spacing)
        return max(least_gap(size), min(most, spare / (len(lines) - 1)))

    def even(
        size: int, lines: Sequence[Sequence[str]], hyphen: bool,
        items: Sequence[Sequence[str]] = items,
    ) -> tuple[tuple[str, ...], ...]:  # fmt: skip
        return tuple(
            tuple(balance(units_at(units, size), width, size, measure, len(found)))
            if not hyphen
            else tuple(found)
            for units, found in zip(items, lines, strict=True)
        )

    # a list of claims set further apart than a line (a bullet list): its items keep their
    # places, one line each, or a claim too long wrapped under itself (between its phrases)
    # where that sets the list clearly larger, never pushing the next claim down
    if len(items) > 1 and item_gap(pitch, top, spacing) > LIST_GAP * top:
        one_line = largest(floor, top, False, True, False, True)
        hung = largest(floor, top, False, False, True, True)
        if hung is not None and (one_line is None or hung[0] >= WRAP_GAIN * one_line[0]):
            one_line = hung
        if one_line is not None:
            size, lines = one_line
            set_ = even(size, lines, False)
            return Setting(size, set_, gap=gap(size, set_), apart=pitch)
    if row:
        units = items if parts else [row_units(item) for item in items]
        best = largest(least, top, False, False, False, items=units, most=ROW_LINES)
        if best is not None:
            size, lines = best
            set_ = even(size, lines, False, units)
            return Setting(size, set_, False, size < floor, gap=gap(size, set_))
    if single:
        best = largest(least, top, False, True, False)
        if best is not None:
            size, lines = best
            set_ = even(size, lines, False)
            return Setting(size, set_, False, size < floor, gap=gap(size, set_))
    # (lo, hi, hyphen, under the floor, each item on one line, broken only between phrases)
    listed = len(items) > 1 or whole
    first = [(floor, top, False, False, True, False), (floor, top, False, False, False, True)]
    tries = [
        (floor, top, False, False, False, False),
        (floor, top, True, False, False, False),
        (least, floor - 1, False, True, False, False),
        (least, floor - 1, True, True, False, False),
        # then whole words smaller still, in the space there is: a line wider than its
        # room is cut at its edge when drawn (g09: "afte / uali" for "Crafted quality"),
        # and small text is said, cut text is lost
        (min(least, FLOOR_PX), least - 1, False, True, False, False),
    ]
    # (each item on at most LINES_MOST lines at or above the floor, where that holds it)
    capped = [(floor, top, False, False, False, False)]
    for n, (lo, hi, hyphen, under, one, strict) in enumerate(
        (first if listed else []) + capped + tries
    ):
        if hyphen and not hyphens:
            continue
        most = LINES_MOST if n == len(first if listed else []) else 0
        best = largest(lo, hi, hyphen, one, strict, most=most)
        if best is not None:
            size, lines = best
            if along and not listed and len(lines[0]) > 1:  # one original line: kept on
                # one line where that holds it at `along` (g11 vi's heading went onto two
                # lines at its full size, up to the image's top, where one line across the
                # empty page held it at 106% of the original's em)
                alone = largest(max(floor, along), size, False, True, False)
                if alone is not None:
                    size, lines = alone
                    return Setting(size, even(size, lines, False), gap=gap(size, lines))
            set_ = even(size, lines, hyphen)
            broken = hyphen and any(line.endswith("-") for item in set_ for line in item)
            return Setting(size, set_, broken, under, gap=gap(size, set_))
    if not hyphens:  # whole words even overflowing: a word too wide keeps a line of its own
        widest = max((measure(u.strip(), least) for units in items for u in units), default=0)
        width = max(width, widest)
    lines = [wrap(units, width, least, measure, hyphen=hyphens) for units in items]
    return Setting(least, tuple(tuple(item) for item in lines), hyphens, True, True)


SPREAD = 0.1  # lines set alike differing by more than this (of the size) are a fault said


@dataclass(frozen=True)
class Laid:
    """A block as drawn, for the check of its layout: its first original text, the size it
    was drawn at, the size matching its original (`top`), the size its own space held it
    at (`room`), its lines' left edges (px; a left-aligned block's, else none), and
    whether its size was already said; `em`: the original's em, px (its ink over CJK_EM),
    which a reader compares the drawn size with (0: `top`); `held`: a struck line or a
    card's line, shrunk on its one line or in its card rather than wrapped or moved:
    said under its floor, not only under half (g03 vi's price at 58%, silent)."""

    text: str
    size: int
    top: int
    room: int
    lefts: tuple[float, ...] = ()
    said: bool = False  # its size already said (illegible): not said again
    em: float = 0.0
    pinched: bool = False  # held under FLOOR of its em by the page's margin (page_margin)
    held: bool = False

    def percent(self, size: int) -> int:
        """A size, in % of the original's as a reader sees it (of its em)."""
        return round(100 * size / (self.em or self.top))


def faults(
    laid: Sequence[Laid], sized: Sequence[Sequence[int]], edged: Sequence[Sequence[int]]
) -> list[Msg]:
    """What a reviewer is told of a layout's faults (issue #18: none silent): a block drawn
    under the floor (FLOOR) of its original's size where its own space held it larger
    (something else made it smaller), or under half of it (WARN_UNDER: its translation is
    too long for its space; under the floor when it is `held`) or under FLOOR of its em
    where the page's margin held it there (`pinched`: the image's width past the margin held
    it larger), in every language alike; blocks set alike in the original (`sized`: groups
    of indexes into `laid`) drawn more than SPREAD apart in size; lines at one left edge in
    the original (a left-aligned block's own, and `edged`: its column's) drawn more than
    SPREAD of the size apart."""
    said = []
    for block in laid:
        floor = round(FLOOR * block.top)
        if block.size < floor <= block.room and not block.said:
            said.append(
                msg(
                    "text {text!r}: drawn at {percent}% of the original's size though its "
                    "space holds it at {room}%; check it by eye",
                    text=block.text,
                    percent=block.percent(block.size),
                    room=min(100, block.percent(block.room)),  # (its em may exceed the original's)
                )
            )
        elif not block.said and (
            block.size < round((FLOOR if block.held else WARN_UNDER) * (block.em or block.top))
            or block.pinched
        ):  # under
            # half, in every language (d01 th/vi were silent where en, its space measured
            # larger, was told); between half and FLOOR it is the most its space holds and
            # looks right (a13's subline under its headline, over the soap: trial-img9)
            said.append(
                msg(
                    "text {text!r}: drawn at {percent}% of the original's size, all its "
                    "space holds; shorten it or check it by eye",
                    text=block.text,
                    percent=block.percent(block.size),
                )
            )
        if block.lefts and max(block.lefts) - min(block.lefts) > SPREAD * block.size:
            said.append(_ragged(block.text, max(block.lefts) - min(block.lefts)))
    for group in sized:
        sizes = [laid[n].size for n in group]
        if max(sizes) > (1 + SPREAD) * min(sizes):
            smallest = laid[group[sizes.index(min(sizes))]]
            said.append(
                msg(
                    "text {text!r}: lines of one size in the original are drawn at {small} "
                    "to {large} px; check them by eye",
                    text=smallest.text,
                    small=min(sizes),
                    large=max(sizes),
                )
            )
    for group in edged:
        edges = [min(laid[n].lefts) for n in group if laid[n].lefts]
        if edges and max(edges) - min(edges) > SPREAD * min(laid[n].size for n in group):
            said.append(_ragged(laid[group[0]].text, max(edges) - min(edges)))
    return said


def _ragged(text: str, apart: float) -> Msg:
    """The fault of lines at one left edge drawn apart."""
    return msg(
        "text {text!r}: lines at one left edge in the original are drawn up to {apart} px "
        "apart; check them by eye",
        text=text,
        apart=round(apart),
    )


def grow(
    free: Any, box: tuple[int, int, int, int], reach: tuple[int, int], across: bool = True
) -> tuple[int, int, int, int]:
    """The box grown side by side over the free pixels of a boolean map (each new strip at
    least 98% free), at most `reach` (across, up and down) px: the panel space around a
    block that its text may take; `across`: sideways first, then up and down (else the
    other way round: rows taken first can stop the growth sideways, and the reverse)."""
    import numpy as np

    h, w = free.shape
    # (summed in place, in 32 bits: a 3000 px frame's table and its int64 temporaries
    # were 85 MB of the drawing's peak)
    table = np.zeros((h + 1, w + 1), np.int32)
    np.cumsum(free, axis=0, dtype=np.int32, out=table[1:, 1:])
    np.cumsum(table[1:, 1:], axis=1, out=table[1:, 1:])

    def share(x0: int, y0: int, x1: int, y1: int) -> float:
        if x1 <= x0 or y1 <= y0:
            return 0.0
        total = table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
        return float(total) / ((x1 - x0) * (y1 - y0))

    x0, y0, x1, y1 = (max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3]))
    limit = (box[0] - reach[0], box[1] - reach[1], box[2] + reach[0], box[3] + reach[1])
    for sides in ((0, 2), (1, 3)) if across else ((1, 3), (0, 2)):
        moving = [side in sides for side in range(4)]
        while any(moving):
            if moving[0]:
                moving[0] = x0 > max(0, limit[0]) and share(x0 - 1, y0, x0, y1) >= 0.98
                x0 -= moving[0]
            if moving[2]:
                moving[2] = x1 < min(w, limit[2]) and share(x1, y0, x1 + 1, y1) >= 0.98
                x1 += moving[2]
            if moving[1]:
                moving[1] = y0 > max(0, limit[1]) and share(x0, y0 - 1, x1, y0) >= 0.98
                y0 -= moving[1]
            if moving[3]:
                moving[3] = y1 < min(h, limit[3]) and share(x0, y1, x1, y1 + 1) >= 0.98
                y1 += moving[3]
    return (x0, y0, x1, y1)


# --- drawing: the blocks of an image set and drawn on it ------------------------------

SPACING = {"thai": 1.35}  # line pitch, of the size; Latin scripts 1.2
INK_EM = {"thai": 1.15}  # a line's ink (marks above and below), of the size; Latin 1.0
FREE_NEAR = 28  # a pixel within this (each channel) of a block's background is free panel
LOW_CONTRAST = 3.0  # WCAG: under this the text is hard to read
UNDER_CLEAR = 0.06  # of the size: kept clear between a line's lowest ink and its underline
HEAVY = ((0.088, 400), (0.12, 500), (0.135, 600))  # stroke / ink height -> weight; else 700
# (Regular up to near halfway to the Latin font's 500, its stroke over 0.9 of its em as a
# Chinese line's ink is: 400 0.075, 500 0.092; Noto CJK Regular reads 0.065-0.073 at 14-70
# px. At 0.105, trial 13 g06's 54 px selling points, Regular grown by 1 px a side: 0.104,
# as heavy as the Latin 600's 0.106, came back Regular)


@dataclass(frozen=True)
class Piece:
    """One region erased and ready to be set: its polygon and source text, its translation
    (validated), the erased area (a 0/255 mask, cropped), what erasing learnt
    (`erased`: a replace.Erased) and how the original looked (`look`: a looks.Look)."""

    polygon: tuple[tuple[float, float], ...]
    source: str
    text: str
    mask: Any  # 0/255 over the box `at`, not the whole image: a big image has many regions
    erased: Any
    look: Any
    at: tuple[int, int] = (0, 0)  # where the mask's top-left corner lies in the image
    runs: tuple[Any, ...] = ()  # emphasis.ColourRun: parts of `text` in a colour of their own

    def place(self, shape: tuple[int, int]) -> tuple[slice, slice, Any]:
        """The rows and columns of an image of `shape` the mask covers, and the mask
        (boolean) over them."""
        x, y = self.at
        h, w = self.mask.shape
        return slice(y, min(shape[0], y + h)), slice(x, min(shape[1], x + w)), self.mask > 0


@dataclass(frozen=True)
class Set:
    """What setting the pieces drew: per piece its size and lines (in the pieces' order),
    and the notes for a reviewer."""

    sizes: tuple[int, ...]
    lines: tuple[tuple[str, ...], ...]
    truncated: bool
    contrast: float
    notes: tuple[str, ...]
    originals: tuple[int, ...] = ()  # per piece: the size that matched its original
    blocks: tuple[tuple[int, ...], ...] = ()  # the pieces set together
    lefts: tuple[tuple[float, ...], ...] = ()  # per piece: each line's left edge, in px
    weights: tuple[int, ...] = ()  # per piece: the font weight it was drawn in
    baselines: tuple[tuple[float, ...], ...] = ()  # per piece: each line's baseline, in px
    pens: tuple[tuple[float, ...], ...] = ()  # per piece: where each line's pen started (x,
    # px, on its baseline: the letters are drawn from there, anchor "ls"); () when turned


def weight_for(heaviness: float | None) -> int:
    """The font weight for letters whose strokes were `heaviness` of their height thick
    (bold when unknown): decided from the original alone, so every language draws a
    block in the same weight."""
    from localize.image import fonts

    if heaviness is None:
        return fonts.BOLD
    return next((w for limit, w in HEAVY if heaviness < limit), 700)


def line_of(piece: Piece) -> Any:
    """The layout's view of a piece: its upright box around the ink, the ink's height, its
    colour, weight and angle."""
    from localize.image.blocks import Line, size_of
    from localize.image.replace import geometry
    from localize.text.symbols import leads_with_mark

    length, height, angle, (cx, cy) = geometry(piece.polygon)
    erased, look = piece.erased, piece.look
    if look.across:  # characters stacked in a column: their size is the column's width
        return Line(
            (cx - length / 2, cy - height / 2, cx + length / 2, cy + height / 2),
            look.across, erased.ink.fill,
            erased.stroke / look.across if erased.stroke else None, angle, vertical=True,
        )  # fmt: skip
    ink = look.letters or erased.ink_height or 0.75 * height
    du, dv = erased.offset
    middle = cy + dv if abs(angle) < 3 else cy
    heaviness = erased.stroke / ink if erased.stroke and ink else None
    box = (cx + du - length / 2, middle - ink / 2, cx + du + length / 2, middle + ink / 2)
    em = size_of(piece.source, ink)
    return Line(
        box, ink, erased.ink.fill, heaviness, angle, em=em, marked=leads_with_mark(piece.source)
    )


def set_pieces(
    img: Any, pieces: Sequence[Piece], language: str, script: str, taken: Any = None
) -> Set:
    """Group the erased pieces into blocks, set each block (one size, weight, alignment,
    grown into its free panel, the original's hierarchy kept) and draw it on `img` in
    place. `taken` (0/255, the image's size) is where nothing may be drawn (kept text)."""
    import statistics

    import numpy as np

    from localize.image import fonts
    from localize.image.blocks import Block, columns, group, side_by_side
    from localize.image.ocr import has_chinese
    from localize.image.replace import start_size

    lines = [line_of(p) for p in pieces]
    blocks = group(lines)
    path = fonts.font_for(script).path
    shaping = language if fonts.needs_shaping(script) else None
    spacing, ink_em = SPACING.get(script, 1.2), INK_EM.get(script, 1.0)
    owned = np.zeros((img.height, img.width), np.int16)  # which block erased each pixel
    for b, block in enumerate(blocks):
        for i in block.lines:
            rows, cols, inside = pieces[i].place(owned.shape)
            owned[rows, cols][inside[: rows.stop - rows.start, : cols.stop - cols.start]] = b + 1
    if taken is not None:
        owned[taken > 0] = -1
    rgb = np.asarray(img)  # the clean plate: what a block's ink must not run onto
    from localize.image.product import Product, foreground

    plate = Product(rgb)  # its work copy made once, for the silhouette and what stands
    product = plate.silhouette()
    # what stands on a backdrop (the product, a sticker): a photo's text keeps off it
    standing = _standing(foreground(rgb, plate), product, owned > 0, rgb)
    stacked = {n + 1 for n, b in enumerate(blocks) if any(lines[i].vertical for i in b.lines)}
    # the blocks over and under each (their ink as drawn, once it is): the gaps kept
    near = stacked_gaps(lines, blocks)
    inks: dict[int, tuple[float, float, float, float]] = {
        n: b.box(list(lines)) for n, b in enumerate(blocks)
    }

    def clear_of(n: int) -> list[tuple[tuple[float, float, float, float], int]]:
        return [(inks[m], kept) for m, kept in near.get(n, [])]

    plans, heights = [], []
    for block in blocks:
        members = [pieces[i] for i in block.lines]
        ink = statistics.median(lines[i].ink_height for i in block.lines)
        joined = " ".join(p.text for p in members)
        top = start_size(joined, script, ink, shaping)
        heavy = [lines[i].heaviness for i in block.lines if lines[i].heaviness]
        weight = weight_for(statistics.median(heavy) if heavy else None)
        plans.append((block, top, weight))
        heights.append(ink)
    per_size = [0] * len(pieces)
    per_lines: list[tuple[str, ...]] = [()] * len(pieces)
    per_left: list[tuple[float, ...]] = [()] * len(pieces)
    per_base: list[tuple[float, ...]] = [()] * len(pieces)
    per_pen: list[tuple[float, ...]] = [()] * len(pieces)
    originals = [0] * len(pieces)
    per_weight = [0] * len(pieces)
    notes: list[str] = []
    truncated, worst = False, 21.0
    # the largest text first; each block set in the room left by those drawn before it,
    # so that two blocks side by side do not both grow into the gap between them
    # (and so a block clearly larger in the original is drawn before the smaller ones,
    # whose size is capped by its: a title stays larger than its body)
    # blocks alike in a column (labels set apart) are set in one size: the smallest any of
    # them needs, unless that would shrink one by more than ALIKE
    # (a column's labels, or a row's, are each kept on one line where that fits at the
    # floor, and all set in one size when that leaves none under its floor: a table)
    caps = [plan[1] for plan in plans]
    labels: set[int] = set()
    tight: set[int] = set()  # labels wrapped inside their cell, up to its rules
    groups: list[set[int]] = []
    rows_of = {n: tuple(row) for row in side_by_side(lines, blocks) for n in row}
    # a row's labels (under icons, in a table's header) each kept to its share of the gaps,
    # on a smooth panel, flat or shaded (f04: four photos' corner labels, a row across a
    # collage, each capped near 184 px of its 594 px photo, "Living / room"; g10: a page
    # shaded top to bottom is a panel too, its labels were set at three sizes run together,
    # when the labels' backgrounds are alike: the collage's photos were each smooth too)
    reach: dict[int, tuple[float, float]] = {}
    for row in set(rows_of.values()):
        # (flat ones too: a collage's photos, each its own colour, were told from a page
        # only by one photo's erase coming out a poor "gradient"; fitted to its own panel
        # it is "flat", and the labels were capped to their share of the gaps again)
        under = [pieces[i].erased for n in row for i in blocks[n].lines]
        if all(e.method in SMOOTH for e in under) and _alike([e.background for e in under]):
            reach.update(row_reach(lines, blocks, row))
    row_base: dict[tuple[int, ...], float] = {}  # a row's baseline, once a cell of it is drawn
    for found in columns(lines, blocks) + side_by_side(lines, blocks):  # (a table: both,
        merged = set(found)  # one group: its columns and rows share their cells)
        for other in [g for g in groups if g & merged]:
            merged |= other
            groups.remove(other)
        groups.append(merged)
    in_row: dict[int, int] = {}  # a row's centred labels (under icons): its one size
    parted: set[int] = set()  # labels of a row wrapped at a compound's hyphen
    setters: set[int] = set()  # the labels whose length sets their row's size
    rows = {frozenset(row) for row in rows_of.values()}
    for column in (sorted(g) for g in groups):
        alone, one_line = {}, set()
        if frozenset(column) in rows and all(
            n in reach and len(blocks[n].lines) == 1 for n in column
        ):  # one block in the designer's eye: each label at the largest size at which
            # every one fits its share of the gaps, wrapped between its words where that
            # lets the row be larger (e07: en 27-40 px, th 30-57 px in one row); a
            # compound ('Hard-wearing') is one word, broken at its hyphen only when it
            # cannot fit whole at the least size
            for n in column:
                block, top, weight = plans[n]
                rooms = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing,
                              standing=standing, product=product, photo=False,
                              between=reach[n], clear=clear_of(n))  # fmt: skip
                for parts in (False, True):
                    found = _best(pieces, block, script, path, weight, shaping, rooms, top,
                                  spacing, ink_em, row=True, parts=parts)[0]  # fmt: skip
                    if not found.overflow:
                        break
                alone[n] = found.size
                if parts:
                    parted.add(n)
            least = min(alone.values())
            setters.update(n for n in column if alone[n] == least)
            for n in column:
                caps[n] = min(caps[n], least)
                in_row[n] = least
            continue
        labels.update(n for n in column if len(blocks[n].lines) == 1)
        for n in column:
            block, top, weight = plans[n]
            rooms = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing,
                          standing=standing, product=product, photo=False,
                          between=reach.get(n), clear=clear_of(n))  # fmt: skip
            found = _best(
                pieces, block, script, path, weight, shaping, rooms, top, spacing, ink_em,
                n in labels,
            )[0]  # fmt: skip
            alone[n] = found.size
            if len(found.all_lines()) == 1 and found.size >= FLOOR * top:
                one_line.add(n)
        # a label that fits its cell on one line only under its floor ("Trọng lượng" in
        # a02's narrow cell) does not set the column's size: it is wrapped inside its cell
        # (the cell's whole height, nearer its rules) at the size the others share, or the
        # largest under it that leaves it at or above its floor
        narrow = [n for n in column if n in labels and n not in one_line]
        rest = [n for n in column if n not in narrow]
        if narrow and rest:
            shared = min(alone[n] for n in rest)
            for n in narrow:
                block, top, weight = plans[n]
                rooms = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing, tight=True,
                              standing=standing, product=product, photo=False,
                              between=reach.get(n), clear=clear_of(n))  # fmt: skip
                wrapped = _best(
                    pieces, block, script, path, weight, shaping, rooms, shared, spacing, ink_em
                )[0]  # fmt: skip
                if wrapped.size >= max(alone[n], FLOOR * top) and not wrapped.overflow:
                    alone[n] = wrapped.size
                    labels.discard(n)
                    tight.add(n)
        least = min(alone.values())
        one = all(least >= FLOOR * plans[n][1] for n in column)
        for n in column:
            if one or least >= ALIKE * alone[n]:
                caps[n] = min(caps[n], least)
    grouped = {n for g in groups for n in g}  # a table's cells, a column's labels
    cards, axes = _cards(rgb, blocks, lines, pieces, grouped | set(rows_of))
    mates: dict[int, set[int]] = {}  # a table's cells, a column's or a row's labels: the
    for found in columns(lines, blocks) + side_by_side(lines, blocks):  # others of theirs
        for n in found:
            mates.setdefault(n, set()).update(m for m in found if m != n)
    on = _on_panels(rgb, blocks, lines, pieces)
    evened = _centred_in_panel(blocks, lines, on, mates)
    for n in axes | evened:  # set on its card's (panel's) centre: centred, whatever edge it
        # shares by chance
        if blocks[n].align != "centre":
            blocks[n] = Block(blocks[n].lines, "centre")
            plans[n] = (blocks[n], *plans[n][1:])
    steady = _steady(blocks, lines, on)
    final: dict[int, int] = {}
    laid: dict[int, Laid] = {}  # each block as drawn, for the check of the layout's faults
    for n in sorted(range(len(plans)), key=lambda n: (-heights[n], n)):
        block, top, weight = plans[n]
        # (a turned line is no title of an upright one: a corner ribbon's 新品, its size
        # bound by its triangle, held trial 13 g06's selling points at 73% in th)
        upright = lines[block.lines[0]].straight
        titles = [
            (m, size) for m, size in final.items()
            if heights[m] > TITLE * heights[n]
            and (lines[blocks[m].lines[0]].straight or not upright)
        ]  # fmt: skip
        larger = [size for _, size in titles]  # never larger than its title, and visibly
        # smaller (TITLE), down to its floor (a01 en: "Save $4.20" nearly the size of the
        # squeezed "Limited-time deal" over it; keeping the originals' whole ratio set
        # the bench's bodies at 72% of their originals' size instead of 93%)
        kept = [max(round(FLOOR * top), int(size / TITLE)) for _, size in titles]
        cap = min([caps[n], *larger, *kept])
        lent, held = None, None
        if n + 1 in stacked:  # vertical columns side by side give their space together:
            # the others not yet drawn lend theirs to this one's lines set across (trial
            # e05: each kept to its own narrow column, 高山云雾 broke into syllables)
            lent = np.isin(owned, [m for m in stacked if m != n + 1])
            held, owned[lent] = owned.copy(), 0
        rooms = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing, n in tight,
                      standing, product, n not in grouped, reach.get(n), cards.get(n),
                      n in axes, clear=clear_of(n))  # fmt: skip
        # (one on its panel's centre, a burst's, or on its neighbour's, sits on no margin:
        # trial 13 g02's 到手价 in the yellow burst by the right edge came back
        # right-aligned, "Final / price")
        edge = "" if n in on or n in steady else _margin_side(block, lines, rooms, img.width)
        if edge:  # a line alone on a photo, set by the image's margin: it keeps that edge
            block = blocks[n] = Block(block.lines, edge)
            plans[n] = (block, top, weight)
            rooms = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing, n in tight,
                          standing, product, n not in grouped, reach.get(n),
                          clear=clear_of(n))  # fmt: skip
        # (a line alone, no table's or column's: kept on one line at ONE_LINE of its em)
        along = math.ceil(ONE_LINE * heights[n] / CJK_EM) if n not in grouped else 0
        if n in steady and n not in axes:  # a line alone whose centre is told stays on it
            # where that costs it little of the size a room off its centre would give it
            # (trial 13 g05: the subtitle and footer centred on the image, grown into the
            # wood on their right, came back flush right)
            even = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing, n in tight,
                         standing, product, n not in grouped, reach.get(n), cards.get(n),
                         steady=2 if n in on and not on[n][2] else 1,
                         clear=clear_of(n))  # fmt: skip
            sizes = [
                _best(pieces, block, script, path, weight, shaping, r, cap, spacing, ink_em,
                      n in labels, n in in_row, n in parted, along)[0].size
                for r in (even, rooms)
            ]  # fmt: skip
            if sizes[0] >= STEADY * sizes[1]:
                rooms = even
        setting, frame = _best(
            pieces, block, script, path, weight, shaping, rooms, cap, spacing, ink_em, n in labels,
            n in in_row, n in parted, along,
        )  # fmt: skip
        # a block set over text already drawn (two turned lines, each wrapped within its
        # own region) is set again smaller, on fewer lines, until it clears it
        least = max(FLOOR_PX, round(LEAST * top))

        # and so is a block whose ink would run onto what the plate shows beside its
        # panel (the product, a rule, a pill, a price), when a smaller size clears it
        # (a cell of a table's row on the baseline of the row's cell drawn before it)
        baseline = row_base.get(rows_of.get(n, ()))
        row = [pieces[blocks[m].lines[0]].text for m in rows_of.get(n, ()) if m != n]

        # (what it stands on itself, a button under its label, is not what it runs onto:
        # f08's "Buy now" at 44%, "runs onto the product beside it", the button)
        around = None
        if standing is not None:
            box = block.box(list(lines))
            around = _without_its_own(
                standing,
                slice(max(0, int(box[1])), int(np.ceil(box[3]))),
                slice(max(0, int(box[0])), int(np.ceil(box[2]))),
            )

        def trial(
            setting: Setting, frame: Frame, block: Any = block, weight: int = weight,
            top: int = top, baseline: float | None = baseline, row: list[str] = row,
            around: Any = around,
        ) -> tuple[tuple[int, int], tuple[int, str, int]]:  # fmt: skip
            drawn = _draw_block(img, pieces, block, lines, setting, frame, owned, weight,
                                path, shaping, spacing, top, dry=True, script=script,
                                baseline=baseline, row=row, kept=taken)  # fmt: skip
            crossed = _crossing(drawn, owned) if final else (0, -1)
            # (on a calm texture only the product stands: the veins are the texture's)
            on = (_solid(product) if frame.calm else around) if frame.open else None
            speck = max(lines[i].ink_height for i in block.lines) if frame.calm else 0.0
            return crossed, _covering(drawn, rgb, product, owned, block, pieces, setting.size,
                                      on, frame.open, speck)  # fmt: skip

        crossed, covered = trial(setting, frame)
        size = size_set = setting.size
        while crossed[0] or covered[0]:
            # moved away from the text it touches, within the free panel, before it is
            # made smaller (a01: "giới hạn" touched "Giảm ngay", shrunk to 48% for it)
            for moved in _moves(owned, frame, setting.size, crossed, covered):
                again = trial(setting, moved)
                if not again[0][0] and not again[1][0]:
                    frame, (crossed, covered) = moved, again
                    break
            if not (crossed[0] or covered[0]) or size <= least:
                break
            size = max(least, min(size - 1, round(size * REFIT)))
            tried = _best(
                pieces, block, script, path, weight, shaping, rooms, size, spacing, ink_em,
                n in labels, n in in_row, n in parted, along,
            )  # fmt: skip
            again = trial(*tried)
            if (again[0][0], again[1][0]) < (crossed[0], covered[0]):
                (setting, frame), (crossed, covered) = tried, again
        if setting.size < size_set and not (crossed[0] or covered[0]):
            # shrunk, then cleared by a move: grown back toward the size it was set at,
            # into the free space it moved to (a01 vi 'Giảm ngay 105.000₫' stayed small)
            setting, frame = _grown_back(
                (setting, frame), size_set, trial,
                lambda size, block=block, weight=weight, rooms=rooms, label=n in labels,
                row=n in in_row, parts=n in parted, along=along: _best(
                    pieces, block, script, path, weight, shaping, rooms, size, spacing,
                    ink_em, label, row, parts, along,
                ),
                owned,
            )  # fmt: skip
        # held small by the page's margin (g11 kept its claims off the right edge): said,
        # when the image's width past the margin would have held it larger than its room
        # did (read before it is drawn: its own letters are no obstacle to itself; a size
        # cut later to clear what it ran onto is no cost of the margin, d07's badge)
        pinched = False
        if (
            setting.size < FLOOR * heights[n] / CJK_EM
            and setting.size >= legible_size(img.width)  # (else said illegible below)
            and not (frame.angle or n in in_row)
        ):
            wide = _room(rgb, owned, n + 1, block, lines, pieces, top, spacing, n in tight,
                         standing, product, n not in grouped, reach.get(n), cards.get(n),
                         n in axes, margin=False, clear=clear_of(n))  # fmt: skip
            pinched = _best(
                pieces, block, script, path, weight, shaping, wide, cap, spacing,
                ink_em, n in labels, n in in_row, n in parted, along,
            )[0].size > size_set  # fmt: skip
        final[n] = setting.size
        drawn = _draw_block(
            img, pieces, block, lines, setting, frame, owned, weight, path, shaping, spacing, top,
            script=script, baseline=baseline, row=row, kept=taken,
        )  # fmt: skip
        # (the row's baseline is a one-line cell's: a cell wrapped onto two lines, drawn
        # first, set its first line's, and "6 hours" beside "Keeps / hot" sat at the top of
        # its cell, level with "Keeps", not on its middle: trial 13 g07)
        if n in rows_of and [len(b) for b in drawn.baselines] == [1] and not frame.angle:
            row_base.setdefault(rows_of[n], drawn.baselines[0][0])
        if drawn.box is not None and not frame.angle:  # where it was drawn: the gap kept
            inks[n] = drawn.box  # from its ink (marks and descenders too: a Thai vowel
            # under a title's line, over a subline's, read as run together at 15 px)
        if drawn.ink is not None:  # its ink, for the blocks after it to keep clear of
            where, (ix, iy) = drawn.ink
            area = owned[iy : iy + where.shape[0], ix : ix + where.shape[1]]
            area[where & (area >= 0)] = INKED - n
        owned[owned == n + 1] = 0  # what it erased and left empty is free panel again,
        if drawn.box is not None:  # and what it drew is not, for the blocks after it
            x0, y0, x1, y1 = drawn.box
            area = owned[max(0, y0) : y1, max(0, x0) : x1]
            area[area == 0] = -1
        if lent is not None and held is not None:  # what it did not take is theirs again
            back = lent & (owned == 0)
            owned[back] = held[back]
        worst = min(worst, drawn.contrast)
        for k, i in enumerate(block.lines):
            per_size[i], per_lines[i], originals[i] = setting.size, setting.lines[k], top
            per_weight[i] = weight
            per_left[i] = drawn.lefts[k]
            per_base[i] = drawn.baselines[k]
            per_pen[i] = drawn.pens[k] if drawn.pens else ()
        first = pieces[block.lines[0]].source
        room = setting.size  # (one said illegible below is not said again)
        # small as a reader sees it: its em against the original's (e11's 'Free shipping'
        # at 0.48 of the size matching 包邮's ink by its capitals read fine: 0.57 of its em),
        # under its floor (d02's 'Premium / quality' wrapped at 57% of its em, 9 pt on a
        # phone)
        # (an original of no Chinese, a price's "¥59", is as tall as its capitals and digits:
        # `top` matches them; its ink over CJK_EM took g03 vi's price at 45% for 56%)
        em = heights[n] / CJK_EM if any(has_chinese(pieces[i].source) for i in block.lines) else 0.0
        shrunk = setting.size < FLOOR * (em or top) or setting.under_floor
        illegible = shrunk and setting.size < legible_size(img.width)
        # a row's label at its row's size, set by a longer one: that one is told, once for
        # the row (e07 en: the four labels told alike, where only 'Hard-wearing' is long)
        led = n in in_row and n not in setters and setting.size >= in_row[n]
        if n in in_row:  # a row's label: what the row's one size let it be (the row's
            # longest label is told when under half; the others are smaller by design)
            room = in_row[n]
        elif setting.size < round(FLOOR * top) and not illegible:  # what its own space held
            room = _best(
                pieces, block, script, path, weight, shaping, rooms, top, spacing, ink_em,
                n in labels, along=along,
            )[0].size  # fmt: skip
        edges = tuple(x for item in drawn.lefts for x in item) if block.align == "left" else ()
        kept_to = n in axes or all(struck(pieces[i]) for i in block.lines)  # (its card, a line)
        laid[n] = Laid(first, setting.size, top, room, () if frame.angle else edges,
                       illegible or led, em, pinched, kept_to)  # fmt: skip
        if n in axes and drawn.box is not None:  # its card's centre kept, or said
            off = abs((drawn.box[0] + drawn.box[2]) / 2 - cards[n].axis)
            if off > max(AXIS_OFF_PX, SPREAD * setting.size):
                notes.append(
                    msg(
                        "text {text!r}: drawn {apart} px off the centre it shared with the "
                        "lines of its card; check it by eye",
                        text=first,
                        apart=round(off),
                    )
                )
        if n in steady and n not in axes and drawn.box is not None:  # its centre kept, or
            # said: set off it, larger, where its centred room was too narrow
            box = block.box(list(lines))
            off = abs((drawn.box[0] + drawn.box[2]) / 2 - (box[0] + box[2]) / 2)
            if off > max(AXIS_OFF_PX, SPREAD * setting.size, OFF_CENTRE * img.width):
                notes.append(
                    msg(
                        "text {text!r}: centred in the original, drawn {apart} px off its "
                        "centre; check it by eye",
                        text=first,
                        apart=round(off),
                    )
                )
        if setting.overflow:
            truncated = True
            notes.append(
                msg("text {text!r}: its translation does not fit the space; shorten it", text=first)
            )
        if illegible and n in setters:  # (and the labels of its row with it)
            notes.append(
                msg(
                    "text {text!r}: drawn at {percent}% of the original's size, under the "
                    "legible size, and the labels of its row with it (they share one size); "
                    "shorten it",
                    text=first,
                    percent=laid[n].percent(setting.size),
                )
            )
        elif illegible and not led:  # small where a buyer sees it
            notes.append(
                msg(
                    "text {text!r}: drawn at {percent}% of the original's size, under the "
                    "legible size; shorten it",
                    text=first,
                    percent=laid[n].percent(setting.size),
                )
            )
        count = len(setting.all_lines())
        if count > LINES_MOST * len(block.lines) and not setting.overflow:  # unlike its
            # original: a reviewer shortens it (no size at or above the floor held it)
            notes.append(
                msg(
                    "text {text!r}: wrapped onto {count} lines where the original had "
                    "{lines}; shorten it",
                    text=first,
                    count=count,
                    lines=len(block.lines),
                )
            )
        if drawn.clipped and not setting.overflow:  # (a line left out, never cut)
            truncated = True
            notes.append(
                msg("text {text!r}: its translation does not fit the space; shorten it", text=first)
            )
        if drawn.box is not None and _at_edge(drawn.box, block.box(list(lines)), img.size):
            notes.append(
                msg(
                    "text {text!r}: drawn against the image's edge, outside the area a crop "
                    "or a phone's rounding leaves whole; move or shorten it",
                    text=first,
                )
            )
        if crossed[0]:
            notes.append(
                msg(
                    "text {text!r}: its translation overlaps the text drawn for {other!r} "
                    "even at its smallest size; shorten one of them",
                    text=first,
                    other=pieces[blocks[crossed[1]].lines[0]].source,
                )
            )
        if covered[0]:
            notes.append(msg(RUNS_ONTO[covered[1]].text, text=first, count=covered[2]))
        if drawn.contrast < LOW_CONTRAST:
            notes.append(
                msg(
                    "text {text!r}: low contrast ({ratio}:1) against its background",
                    text=first,
                    ratio=format(drawn.contrast, ".1f"),
                )
            )
        if any(lines[i].vertical for i in block.lines) and (
            setting.overflow or setting.size < legible_size(img.width)
        ):  # (its words are never broken: too long whole, it is flagged instead)
            notes.append(
                msg(
                    "vertical text {text!r}: no free space around its column holds its "
                    "translation across in whole words at a legible size; a reviewer "
                    "should lay it out by hand",
                    text=first,
                )
            )
    shown = [laid[n] for n in range(len(blocks))]
    left_columns = [c for c in columns(lines, blocks) if blocks[c[0]].align == "left"]
    notes += faults(shown, [sorted(g) for g in groups], left_columns)
    return Set(
        tuple(per_size), tuple(per_lines), truncated, worst, tuple(notes), tuple(originals),
        tuple(b.lines for b in blocks), tuple(per_left), tuple(per_weight), tuple(per_base),
        tuple(per_pen),
    )  # fmt: skip


PANEL_EVEN = 0.15  # of the two gaps' mean (and at least EVEN_INK of the ink height): a
EVEN_INK = 0.3  # block's gaps to its panel's sides this near each other are even


def _panel_gaps(
    rgb: Any, box: tuple[float, ...], background: Any
) -> tuple[float, float, bool] | None:
    """A box's gaps (left, right; px, medians along its rows on the plate) to the sides
    of the panel round it: the nearest pixels either side not near `background`, else the
    image's edges; and whether both sides are the panel's own (not the image's edges).
    None for a box at the image's edge."""
    import numpy as np

    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = (round(v) for v in box)
    if x0 <= 0 or x1 >= w or y1 <= y0:
        return None
    background = np.asarray(background, np.int16)
    gaps, closed = [], []
    for y in np.linspace(y0, y1 - 1, 7).round().astype(int).clip(0, h - 1):
        free = (np.abs(rgb[y].astype(np.int16) - background) <= FREE_NEAR).all(axis=1)
        left = np.nonzero(~free[:x0])[0]
        right = np.nonzero(~free[x1:])[0]
        # (the block's own row: its letters erased, the plate there is the panel)
        gaps.append((x0 - (left[-1] + 1 if len(left) else 0),
                     (right[0] if len(right) else w - x1)))  # fmt: skip
        closed.append(bool(len(left)) and bool(len(right)))
    left_gap, right_gap = (float(np.median([g[k] for g in gaps])) for k in (0, 1))
    return left_gap, right_gap, sum(closed) > len(closed) / 2


def _even(gaps: tuple[float, float, bool] | None, ink: float) -> bool:
    """Whether a box's gaps to its panel's sides (`_panel_gaps`) are even: it sits on the
    panel's centre. Gaps under EVEN_INK of the ink are no panel's: a weave's threads
    or a photo's detail right by the letters on both sides (a title and its subline set
    from one left edge on a blue weave, 1-3 px from its threads, were taken for centred)."""
    if gaps is None or min(gaps[0], gaps[1]) < EVEN_INK * ink:
        return False
    left, right = gaps[0], gaps[1]
    return abs(left - right) <= max(PANEL_EVEN * (left + right) / 2, EVEN_INK * ink)


def _on_panels(
    rgb: Any, blocks: Sequence[Any], lines: Sequence[Any], pieces: Sequence[Piece]
) -> dict[int, tuple[float, float, bool]]:
    """The upright blocks that sit on the centre of the panel round them (by index: their
    gaps to its sides, `_panel_gaps`)."""
    out = {}
    for n, block in enumerate(blocks):
        members = [lines[i] for i in block.lines]
        if not all(m.straight and not m.vertical for m in members):
            continue
        ink = max(m.ink_height for m in members)
        gaps = _panel_gaps(rgb, block.box(list(lines)), pieces[block.lines[0]].erased.background)
        if gaps is not None and _even(gaps, ink):
            out[n] = gaps
    return out


def _centred_in_panel(
    blocks: Sequence[Any], lines: Sequence[Any], on: dict[int, Any], mates: dict[int, set[int]]
) -> set[int]:
    """The blocks set on an edge only by chance, that sit on the centre of the panel round
    them (`on`, `_on_panels`): centred. Lines of one width (left, centre and right edges
    all within ALIGNED: read as left, the first) tell no edge: a sticker's 新品 / 8折 in a
    red disc came back "New" / "20% off" on the disc's left (trial-img12 g09); a
    left-aligned paragraph keeps its edge (its panel runs on past its right end). A line
    alone tells no edge by itself: it takes the edge of its neighbours, and one that
    lends it the edge while sitting on its own panel's centre lends none (trial 13 g02:
    the red band's centred 限时特惠 买一送一, its right end by chance within 16 px of the
    burst's centred 到手价 180 px under it, was set flush right, the band's left half
    empty; g10 of trial-img12: a title and its subline of one width centred on denim). A
    table's cell (a column's or a row's label: `mates`, the others of its column and row by
    block) is centred when every cell of its column and row sits on its own cell's centre
    (trial 13 g07: the first column's 容量 / 保温 / 材质 / 杯盖, of one width, came back
    left-aligned)."""
    from localize.image.blocks import ALIGNED, alignment, alike, untold

    out = set()
    for n in on:
        block = blocks[n]
        if block.align == "centre":
            continue
        members = [lines[i] for i in block.lines]
        ink = max(m.ink_height for m in members)
        if len(members) > 1:
            if n not in mates and all(
                untold(a.box, b.box, ALIGNED * ink)
                for a, b in zip(members, members[1:], strict=False)
            ):
                out.add(n)
            continue
        if n in mates:
            if all(m in on for m in mates[n]):
                out.add(n)
            continue
        line = members[0]
        lenders = []
        for m, other in enumerate(blocks):
            if m == n or m in mates:
                continue
            box = other.box(list(lines))
            near = max(box[1] - line.box[3], line.box[1] - box[3]) <= 3 * ink
            column = len(other.lines) == 1 and alike(line, lines[other.lines[0]])
            tolerance = ALIGNED * max(lines[i].ink_height for i in other.lines)
            if (near or column) and block.align in alignment(line.box, box, tolerance):
                lenders.append(m)
        if all(m in on for m in lenders):
            out.add(n)
    return out


STEADY = 0.75  # of the size a room off its centre gives it: a line alone whose centre is
# told is set on it down to this
OFF_CENTRE = 0.03  # of the image's width: such a line drawn further off its centre is said


def _steady(blocks: Sequence[Any], lines: Sequence[Any], on: dict[int, Any]) -> set[int]:
    """The centred lines alone whose centre is told, not guessed: on the centre of the
    panel round them (`on`; the image's, when the panel runs to its edges), or on the
    centre of a block within a few lines above or below, its edges apart (a subtitle
    centred under a wider title)."""
    from localize.image.blocks import ALIGNED, alignment

    out = set()
    for n, block in enumerate(blocks):
        line = lines[block.lines[0]]
        if len(block.lines) > 1 or block.align != "centre" or not line.straight:
            continue
        if line.vertical:
            continue
        if n in on:
            out.add(n)
            continue
        for m, other in enumerate(blocks):
            if m == n or not all(lines[i].straight for i in other.lines):
                continue
            box = other.box(list(lines))
            if max(box[1] - line.box[3], line.box[1] - box[3]) > 3 * line.ink_height:
                continue
            if alignment(line.box, box, ALIGNED * line.ink_height) == {"centre"}:
                out.add(n)
                break
    return out


def _cards(
    rgb: Any, blocks: Sequence[Any], lines: Sequence[Any], pieces: Sequence[Piece],
    apart: set[int],
) -> tuple[dict[int, Card], set[int]]:  # fmt: skip
    """The card each block sits on with another (cards.py; blocks by index, none for those
    of `apart`: a table's cells, a column's or a row's labels, which have rules of their
    own), and the blocks set on their card's centre: centred ones whose centre is the
    card's, and every block of a card whose blocks all have their centres on it (a label's
    left edge near the old price's by chance is no left edge: g03)."""
    from localize.image.cards import cards_of

    wanted = [
        n for n, b in enumerate(blocks)
        if n not in apart and all(lines[i].straight and not lines[i].vertical for i in b.lines)
    ]  # fmt: skip
    found = cards_of(
        rgb, [(blocks[n].box(list(lines)), pieces[blocks[n].lines[0]].erased.background)
              for n in wanted],
    )  # fmt: skip
    # (a card with one block on it is its panel as before: a banner, a button, a tag; its
    # lines' shared centre is what a card of several gives them)
    cards = {
        n: card
        for n, card in zip(wanted, found, strict=True)
        if card is not None and found.count(card) > 1
    }

    def centred(n: int) -> bool:
        ink = max(lines[i].ink_height for i in blocks[n].lines)
        return cards[n].centres(blocks[n].box(list(lines)), ink)

    axes = set()
    for n, card in cards.items():
        mates = [m for m, other in cards.items() if other == card]
        if centred(n) and (
            blocks[n].align == "centre" or (len(mates) > 1 and all(map(centred, mates)))
        ):
            axes.add(n)
    return cards, axes


REFIT = 0.9  # a block set over text already drawn is set again this much smaller
GROW_STEPS = 6  # sizes tried, largest first, when a shrunk and moved block grows back


def _grown_back(
    done: tuple[Setting, Frame], largest: int, trial: Any, set_at: Any, owned: Any
) -> tuple[Setting, Frame]:
    """A block shrunk and then moved clear of what it touched, set at the largest size
    under `largest` (the size it was set at before) that is clear where it is set or
    moved as _moves would move it: a move that clears the block makes room a smaller size
    did not need. `trial(setting, frame)` is what it touches; `set_at(size)` the block
    set at most that large."""
    setting, _ = done
    step = max(1, (largest - setting.size) // GROW_STEPS)
    for size in range(largest - 1, setting.size, -step):
        tried = set_at(size)
        if tried[0].size <= setting.size:
            continue
        touched = trial(*tried)
        if not (touched[0][0] or touched[1][0]):
            return tried
        for moved in _moves(owned, tried[1], tried[0].size, *touched):
            again = trial(tried[0], moved)
            if not (again[0][0] or again[1][0]):
                return tried[0], moved
    return done


MOVES = (0.1, 0.2, 0.35, 0.5, 0.7, 1.0)  # of the size: how far a block is tried moved away


def _moves(
    owned: Any, frame: Frame, size: int, crossed: tuple[int, int], covered: tuple[int, str]
) -> list[Frame]:
    """The block's frame moved straight away from the drawn text it touches, by each of
    MOVES, nearest first: candidates, each kept only when, drawn there (on its erased area
    and the free panel around it), the block touches nothing; none when it touches no
    drawn text (a product or a rule: no side to move away from is known)."""
    import numpy as np

    if crossed[0]:
        ys, xs = np.nonzero(owned == INKED - crossed[1])
    elif covered[1] == "text":
        ys, xs = np.nonzero(owned <= INKED)
    else:
        return []
    if not len(xs):
        return []
    if frame.angle:
        cx, cy = frame.centre
    else:
        cx, cy = (frame.box[0] + frame.box[2]) / 2, (frame.box[1] + frame.box[3]) / 2
    # the nearest of the other text's ink decides the side, down or up: a line is moved
    # across its baseline, never along it into its neighbour's column
    near = np.argsort(np.hypot(xs - cx, ys - cy))[: max(1, len(xs) // 20)]
    t = np.radians(-frame.angle)  # the frame's "down", turned with it
    down = (-float(np.sin(t)), float(np.cos(t)))
    ox, oy = cx - float(xs[near].mean()), cy - float(ys[near].mean())
    across = ox * down[1] - oy * down[0]  # along the baseline
    below = ox * down[0] + oy * down[1]  # across it
    if abs(across) > abs(below):  # beside it on one baseline (a label and its price)
        return []
    step = 1.0 if below >= 0 else -1.0
    return [
        _shifted(frame, (down[0] * step * share * size, down[1] * step * share * size))
        for share in MOVES
    ]


def _shifted(frame: Frame, move: tuple[float, float]) -> Frame:
    """The frame moved by (dx, dy) px."""
    dx, dy = move
    if frame.angle:
        return Frame(frame.box, frame.angle, (frame.centre[0] + dx, frame.centre[1] + dy),
                     frame.ink, frame.pitch, frame.open)  # fmt: skip
    x0, y0, x1, y1 = frame.box
    ix0, iy0, ix1, iy1 = frame.ink
    x, y = round(dx), round(dy)
    return Frame((x0 + x, y0 + y, x1 + x, y1 + y), 0.0, frame.centre,
                 (ix0 + x, iy0 + y, ix1 + x, iy1 + y), frame.pitch, frame.open,
                 frame.stacked, frame.calm)  # fmt: skip


INKED = -2  # in `owned`: the ink block n drew is INKED - n (kept text is -1, free 0)


def _crossing(drawn: _Drawn, owned: Any) -> tuple[int, int]:
    """How many px of a block's ink, were it drawn so (a dry run), lie on (or within a px
    of) ink an earlier block drew, and which block that was."""
    import cv2
    import numpy as np

    if drawn.whole is None:  # (all its lines, those it would leave out for it too)
        return 0, -1
    where, (ix, iy) = drawn.whole
    area = owned[iy : iy + where.shape[0], ix : ix + where.shape[1]]
    near = cv2.dilate(where.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    hit = area[near & (area <= INKED)]
    if not hit.size:
        return 0, -1
    return int(hit.size), int(np.bincount(INKED - hit).argmax())


FOREIGN = 60  # per channel: a plate pixel this far from a block's panel is something else
GAP = 0.06  # of the size: ink nearer than this to something else runs onto it
WORD_GAP = 0.3  # of the size: text nearer than this to another block's reads as one run (a
# word space is 0.26 em: two labels on one baseline need at least that between them)
COVERS = 0.002  # of a block's ink (and more than COVERS_PX px) near something else is said
COVERS_PX = 4


RUNS_ONTO = {  # what a block's ink runs onto -> what a reviewer is told
    "product": msg(
        "text {text!r}: its translation runs onto the product beside it ({count} px) even "
        "at its smallest size; shorten it or move it"
    ),
    "text": msg(
        "text {text!r}: its translation runs into the text drawn beside it ({count} px) even "
        "at its smallest size; shorten one of them"
    ),
    "other": msg(
        "text {text!r}: its translation runs onto the lettering, rule or panel edge beside "
        "it ({count} px) even at its smallest size; shorten it or move it"
    ),
}


def _covering(
    drawn: _Drawn, rgb: Any, product: Any, owned: Any, block: Any, pieces: Sequence[Piece],
    size: int, standing: Any = None, on_photo: bool = False, speck: float = 0.0,
) -> tuple[int, str, int]:  # fmt: skip
    """How many px of a block's whole ink (before clipping), were it drawn so, lie on or
    within GAP of what the clean plate shows that is not the block's panel (the product's
    silhouette, pixels far from the panel's colour: a rule, a pill, other text, or ink an
    earlier block drew), what that mostly is, and the figure a reviewer is told: how many
    px of its letters as drawn (the fill, not the outline around it; before clipping when
    clipping leaves none) lie on or within GAP of that; (0, "", 0) when within COVERS of
    nothing. `on_photo`: the block lies on a photo or a texture, where only what stands
    on it (`standing`, the product among it) and hard edges are something else, a
    photo's soft detail being no more than its panel's shading (d04, d08); `speck`: a calm
    texture's, whose short hard stretches (a vein's) are its own (`_clear`)."""
    import cv2
    import numpy as np

    if drawn.whole is None:
        return 0, "", 0
    where, (ix, iy) = drawn.whole
    if not where.any():
        return 0, "", 0
    reach = max(1, round(WORD_GAP * size))  # the ink's surroundings, past its layer
    rows, cols = owned.shape
    x0, y0 = max(0, ix - reach), max(0, iy - reach)
    x1, y1 = min(cols, ix + where.shape[1] + reach), min(rows, iy + where.shape[0] + reach)
    ink = np.zeros((y1 - y0, x1 - x0), np.uint8)
    ink[iy - y0 : iy - y0 + where.shape[0], ix - x0 : ix - x0 + where.shape[1]] = where

    def near(mask: Any, across: float, down: float) -> Any:
        kernel = np.ones((2 * max(1, round(down * size)) + 1, 2 * max(1, round(across * size)) + 1))
        return cv2.dilate(mask.astype(np.uint8), kernel.astype(np.uint8)).astype(bool)

    plate = rgb[y0:y1, x0:x1].astype(np.int16)
    background = np.asarray(pieces[block.lines[0]].erased.background, np.int16)
    far = largest_channel(np.abs(plate - background)) > FOREIGN
    if on_photo:  # of what is far from its colour, only a hard edge or what stands there
        here = None if standing is None else standing[y0:y1, x0:x1]
        far &= ~_clear(rgb[y0:y1, x0:x1], None, speck)
        if here is not None:
            far |= here
        product = standing
    on_product = np.zeros(far.shape, bool)
    if product is not None:
        on_product = ink.astype(bool) & near(product[y0:y1, x0:x1] & far, GAP, GAP)
    # the ink's px on or near: another block's letters (a word space across, a gap above
    # and below), or what the plate shows that is not the panel
    theirs = ink.astype(bool) & near(owned[y0:y1, x0:x1] <= INKED, WORD_GAP, GAP)
    hit = theirs | (ink.astype(bool) & near(far, GAP, GAP))
    count = int(hit.sum())
    if not theirs.any() and count <= max(COVERS_PX, COVERS * int(where.sum())):
        return 0, "", 0
    # (the figure: letters on the product or the other thing itself; for text, the
    # letters nearer it than a word space)
    if int((hit & on_product).sum()) * 2 >= count:
        kind, onto = "product", product[y0:y1, x0:x1] & far
    elif theirs.any():
        kind, onto = "text", near(owned[y0:y1, x0:x1] <= INKED, WORD_GAP, GAP)
    else:
        kind, onto = "other", far
    figure = 0
    for letters in (drawn.fill, drawn.fill_whole):  # as drawn; else before clipping
        if letters is not None and not figure:
            mask, (lx, ly) = letters
            drawn_here = np.zeros(onto.shape, bool)
            top, left = ly - y0, lx - x0
            part = mask[max(0, -top) : onto.shape[0] - top, max(0, -left) : onto.shape[1] - left]
            drawn_here[max(0, top) : max(0, top) + part.shape[0],
                       max(0, left) : max(0, left) + part.shape[1]] = part  # fmt: skip
            figure = int((drawn_here & onto).sum())
    return count, kind, figure or count


@dataclass(frozen=True)
class Frame:
    """Where a block is drawn: the room's box in its own upright frame, the angle the
    frame is turned by, its centre in the image, and where the original block's ink was
    in the frame (left, top, right, bottom)."""

    box: tuple[int, int, int, int]
    angle: float
    centre: tuple[float, float]
    ink: tuple[float, float, float, float]
    pitch: float = 0.0  # how far apart (top to top, px) the original's lines were
    open: bool = False  # found on a photo or texture (no flat panel): its room is the
    # photo's free space, not the pixels near one background colour
    stacked: bool = False  # a vertical column's lines set across: from where it began
    calm: bool = False  # a column's room on a calm texture: only the product, other text
    # and hard edges bound it (a marble's veins, a grain's specks are no obstacle)


KEPT = FLOOR  # of the gap between two blocks stacked one over the other (at most of the
# larger's ink height): kept clear between their translations. A gap shrinks no more than
# the type may (FLOOR): a title grown down over its own erased margin was set 15 px over
# its subtitle, 36 px under it in the original, closer than its own two lines, and read
# as one block with it (issue #18); 0.75 cost a13 th's subline, squeezed between its
# headline and the soap, a tenth of its size


def stacked_gaps(lines: Sequence[Any], blocks: Sequence[Any]) -> dict[int, list[tuple[int, int]]]:
    """Per upright block, the upright blocks right above and right below it (the nearest
    whose ink shares some of its columns, and any beside that one, level with it) and the
    px kept clear between their ink: KEPT of the original's gap, at most KEPT of the larger
    block's ink height (a footer far below a title is no reason to keep it from the room
    between them)."""
    upright = [
        n for n, b in enumerate(blocks)
        if all(lines[i].straight and not lines[i].vertical for i in b.lines)
    ]  # fmt: skip
    boxes = {n: blocks[n].box(list(lines)) for n in upright}
    inks = {n: max(lines[i].ink_height for i in blocks[n].lines) for n in upright}
    out: dict[int, list[tuple[int, int]]] = {n: [] for n in upright}
    for n in upright:
        a = boxes[n]
        under = [
            (boxes[m][1] - a[3], m) for m in upright
            if m != n and boxes[m][1] >= a[3]
            and min(a[2], boxes[m][2]) - max(a[0], boxes[m][0]) > 0
        ]  # fmt: skip
        if not under:
            continue
        nearest = boxes[min(under)[1]]
        for gap, m in under:  # (the nearest, and those beside it: two claims under a title)
            if boxes[m][1] >= nearest[3]:
                continue
            kept = round(KEPT * min(gap, max(inks[n], inks[m])))
            if kept > 0:
                out[n].append((m, kept))
                out[m].append((n, kept))
    return out


def _room(
    rgb: Any, owned: Any, number: int, block: Any, lines: Sequence[Any], pieces: Sequence[Piece],
    top: int, spacing: float, tight: bool = False, standing: Any = None, product: Any = None,
    photo: bool = True, between: tuple[float, float] | None = None, card: Card | None = None,
    axis: bool = False, margin: bool = True, steady: int = 0,
    clear: Sequence[tuple[tuple[float, float, float, float], int]] = (),
) -> list[tuple[tuple[float, float], Frame]]:  # fmt: skip
    """The spaces a block may take and their frames: an upright block grows over the free
    panel around it (pixels near its background, or erased by it, away from other text;
    on a photo or a texture with no flat panel beside it, over whatever is neither the
    product, what else stands on the picture (`standing`), a hard edge nor other text),
    up and down by at most a line; a turned one keeps its own region. `tight`: kept only a
    little way from what bounds the panel (a label wrapped inside its table cell);
    `photo`: False for a table's cell or a column's label, whose rules and neighbours
    beside it are no photo (its cell is its room); `between`: the columns (left, right)
    a row's label stays within, its share of the gaps to its neighbours (`row_reach`);
    `card`: the card the block sits on (cards.py), a flat panel whatever lies past it, its
    room kept its margin from the card's sides; `axis`: the block was centred on the
    card's centre and stays so, its room even about it; `margin`: False to let it reach the
    image's edges past the page's margin; `steady`: a centred line alone whose centre is
    told (`_steady`): its room even about it (1), and as wide on both sides as on its freer
    one where nothing standing there nor other text bounds the other (2: on a photo, a
    texture or a page whose panel runs to the image's edges, its colour's spread, a grain,
    is no side of a panel); `clear`: the ink (as drawn, or the original's before it is) of
    the blocks stacked right above and below it, and the px its room keeps from each
    (stacked_gaps: the gap between them kept a gap, not taken by its own erased margin)."""
    import cv2
    import numpy as np

    from localize.image.replace import dilation, geometry

    first = lines[block.lines[0]]
    if not first.straight:
        length, height, angle, centre = geometry(pieces[block.lines[0]].polygon)
        margin = dilation(pieces[block.lines[0]].polygon)
        w, h = round(length) + 2 * margin, round(height) + 2 * margin
        du, dv = pieces[block.lines[0]].erased.offset
        ink = first.ink_height
        inner = (w / 2 + du - length / 2, h / 2 + dv - ink / 2, w / 2 + du + length / 2,
                 h / 2 + dv + ink / 2)  # fmt: skip
        own = ((float(length), float(h)), Frame((0, 0, w, h), angle, centre, inner))
        piece = pieces[block.lines[0]]
        return [own, *_turned_room(rgb, owned, number, piece, own[1], margin, top, spacing)]
    box = block.box(list(lines))
    ink = max(lines[i].ink_height for i in block.lines)
    pitch = round(top * spacing)
    tops = [lines[i].box[1] for i in block.lines]
    apart = float(np.median(np.diff(tops))) if len(tops) > 1 else 0.0
    grown = max(dilation(pieces[i].polygon) for i in block.lines)  # erased around the ink
    vertical = any(lines[i].vertical for i in block.lines)
    # (a column's margin erased beside it is no room of its own: set across, its lines
    # ran up against a rule beside it, trial e05)
    side = 0 if vertical else grown
    height, width = owned.shape
    span = OPEN_REACH * pitch  # (the window holds what a block on a photo may take)
    if vertical:  # (and the space a column's neighbours left it, along their length)
        span = max(span, 2 * round(box[3] - box[1]))
    y0 = max(0, int(box[1]) - span - grown - 2)
    y1 = min(height, int(box[3]) + span + grown + 2)
    window = rgb[y0:y1].astype(np.int16)
    background = np.asarray(pieces[block.lines[0]].erased.background, np.int16)
    off = largest_channel(np.abs(window - background))
    del window  # (a full frame's int16 copy: not held through the rest)
    free = _panel_free(off)
    # (a flat panel is within half FREE_NEAR of its colour beside the line: a weave or a
    # wood grain within FREE_NEAR of its mean is still no panel, d01/d03)
    close = off <= FREE_NEAR // 2
    ink_rows = slice(max(0, int(box[1]) - y0), max(0, int(np.ceil(box[3])) - y0))
    standing_here = None if standing is None else standing[y0:y1]
    others = owned[y0:y1] == 0  # (beside it: neither text nor the product)
    if product is not None:
        others &= ~product[y0:y1]
    # a panel its erase found of one colour (a badge, a band) is a flat panel, whatever
    # lies past its edge: a red disc on a card's corner, read three ink heights either
    # side, was a photo with the product all round (d07: "Hot" at 32%, "runs onto the
    # product")
    flat = [pieces[i].erased.panel for i in block.lines if pieces[i].erased.method == "flat"]
    one_colour = len(flat) == len(block.lines) and all(flat)
    # and so is one a line of the block found holding the whole block: a title's first
    # line by a white card's top edge, its erase crop reaching the photo past it, was
    # erased as a texture and set as on a photo, the card taken for the product it ran
    # onto (e01: 34%, "runs onto the product (2988 px)")
    one_colour |= any(
        p[0] <= box[0] and p[1] <= box[1] and p[2] >= box[2] and p[3] >= box[3] for p in flat if p
    )
    # and so is a card it sits on (g03: the price's rows ran past the card onto the
    # gradient and the bottle, and it was set as on a photo, by the image's right margin)
    one_colour |= card is not None
    open_ = photo and not one_colour and not _flat(close, others, box, ink, ink_rows)
    if open_ and standing_here is not None:
        standing_here = _without_its_own(
            standing_here, ink_rows, slice(max(0, int(box[0])), int(np.ceil(box[2])))
        )
    if open_:  # a photo or a texture: free wherever nothing stands or is drawn (the
        # Chinese line's own box is not its room: d04's line squeezed to 35% beside
        # 500 px of blurred photo)
        free = _clear(rgb[y0:y1], standing_here)
    # a column on a calm texture (g09: two columns on marble beside a vase) has the room
    # around it that a flat panel would give: the veins far from its background colour
    # kept its translation in the column's own narrow box ("afte / uali")
    calm = vertical and not open_ and not one_colour
    if calm:  # (a vein's stretch shorter than the letters are wide is the marble's)
        free |= _clear(rgb[y0:y1], None if product is None else _solid(product)[y0:y1], ink)
    mine = owned[y0:y1] == number
    if open_ and standing_here is not None:  # its erased area over the product is not
        mine &= ~standing_here  # its room either (d08: a line across a phone's edge)
    free = (free & (owned[y0:y1] == 0)) | mine
    keep = max(2, round((0.12 if tight else 0.4) * ink))  # kept clear of what bounds the panel
    if card is not None:  # (a card's lines keep its margin: 0.4 of a big price's ink
        keep = min(keep, card.margin)  # kept g03's price 47 px off a 470 px card's sides)
    apart_from = keep
    if open_:  # on a photo, kept no farther from what stands there or was drawn than the
        # original was (down to the gap a block's ink keeps from it): a subline set 17 px
        # under its headline, its last letters on the soap's top, kept 31 px from both
        # had a strip too short for its line and was wrapped at 35% (a13)
        ink_box = np.zeros(free.shape, bool)
        ink_box[ink_rows, max(0, int(box[0])) : int(np.ceil(box[2]))] = True
        reach = cv2.distanceTransform((free | ink_box).astype(np.uint8), cv2.DIST_L2, 3)
        edge = cv2.dilate(ink_box.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        clearance = float(reach[edge & ~ink_box].min()) if (edge & ~ink_box).any() else keep
        apart_from = max(round(GAP * top) + 1, min(keep, int(clearance)))
    eroded = cv2.erode(
        free.astype(np.uint8), np.ones((2 * apart_from + 1, 2 * apart_from + 1), np.uint8)
    )
    eroded = eroded.astype(bool)
    solid = None
    if steady > 1 or (steady and open_):  # (what only the texture bounds: trial 13 g05's
        # subtitle and footer centred on wood, their rooms stopped by its grain 60 px on
        # their left and free to the margin on their right, were set flush right)
        solid = ~standing_here if standing_here is not None else np.ones(free.shape, bool)
        solid = (solid & (owned[y0:y1] == 0)) | mine
        square = np.ones((2 * apart_from + 1, 2 * apart_from + 1), np.uint8)
        solid = cv2.erode(solid.astype(np.uint8), square).astype(bool)
    # in the rows the original's own ink took, only what is beside it bounds the room: a
    # table's rule under a label (a cell's text sits nearer its rules than `keep`) is no
    # reason to keep the translation in the Chinese glyph box instead of its cell
    beside = cv2.erode(free[ink_rows].astype(np.uint8), np.ones((1, 2 * keep + 1), np.uint8))
    if not open_ and not calm:  # (on a photo, the edge beside the ink bounds the rows
        # above it too; and round a column set across, whose own rows are no line's:
        # g09's subline, set in the column's rows, came within 9 px of the vase's lip)
        eroded[ink_rows] |= beside.astype(bool)
        # (but text drawn just under or over those rows is no rule: a claim moved down
        # off its title, its top level with the bottom of its neighbour's rows, let that
        # neighbour's room run over it, and 'One-touch keep-warm' sat on 'Dry-boil')
        drawn = cv2.dilate(
            (owned[y0:y1] < 0).astype(np.uint8), np.ones((2 * keep + 1, 2 * keep + 1), np.uint8)
        )
        eroded[ink_rows] &= ~drawn[ink_rows].astype(bool)
    eroded[:, :keep] = False  # nor drawn against the image's edges
    eroded[:, width - keep :] = False
    if y0 == 0:
        eroded[:keep] = False
    if y1 == height:
        eroded[-keep:] = False
    # the block's ink box and the margin erased around it are always its room
    # (grown from the ink's own rows: the erased margin above and below it may touch
    # another block's text, which would stop it growing sideways at once)
    own = np.zeros(mine.shape, bool)
    own[
        max(0, int(box[1]) - grown - y0) : max(0, int(np.ceil(box[3])) + grown - y0),
        max(0, int(box[0]) - side) : int(np.ceil(box[2])) + side,
    ] = True
    start = (
        max(0, int(box[0]) - side),
        max(0, int(box[1]) - y0),
        min(width, int(np.ceil(box[2])) + side),
        min(y1 - y0, int(np.ceil(box[3])) - y0),
    )
    away = None
    if open_ and standing_here is not None:  # grown from the longest run of its own
        # columns off the product (a busy photo's edges do not cut its own box)
        square = np.ones((2 * apart_from + 1, 2 * apart_from + 1), np.uint8)
        away = cv2.erode((~standing_here).astype(np.uint8), square).astype(bool)
        start = _free_run(away, start)
        own[:, : start[0]] = False
        own[:, start[2] :] = False
    eroded |= mine & own
    # a tight band: the margin erased around the ink may reach past its edges, and text
    # set against them looks cut; the room keeps a little of the band all round
    panels = [pieces[i].erased.panel for i in block.lines if pieces[i].erased.panel]
    inset = max(2, round(0.05 * ink))
    bounds = (
        min(p[0] for p in panels) + inset, min(p[1] for p in panels) + inset - y0,
        max(p[2] for p in panels) - inset, max(p[3] for p in panels) - inset - y0,
    ) if panels else (0, 0, width, y1 - y0)  # fmt: skip
    if bounds[2] > bounds[0] and bounds[3] > bounds[1]:
        sx0, sy0, sx1, sy1 = start
        start = (
            max(sx0, min(bounds[0], sx1 - 1)), max(sy0, min(bounds[1], sy1 - 1)),
            min(sx1, max(bounds[2], sx0 + 1)), min(sy1, max(bounds[3], sy0 + 1)),
        )  # fmt: skip
    else:
        bounds = (0, 0, width, y1 - y0)
    # (a centred block tells little of the page's margin: its room stays centred on it,
    # clear of the edges by CENTRE_MARGIN at most; a red band's centred line across the
    # image kept its size, bench_layout; with none, headlines and a corner note ran to
    # 18-30 px from the edge on 1000, trial-img12 g01, g06, g11)
    margin = page_margin(box, width) if margin else 0
    if block.align == "centre":
        margin = min(margin, int(CENTRE_MARGIN * width))
    seeds = [(start, True), (start, False)]
    if open_:  # and from its rows clear beside it: text drawn just over it (d01's title,
        # drawn larger than its original) keeps a few of its top rows from the free photo
        # beside it, which stopped the room growing sideways at its own Chinese box
        seeds += [(seed, True) for seed in _clear_rows(eroded, start)]
        # and from its top or bottom rows alone, sideways first: its translation, at most
        # the original's size and often smaller, needs no more than the rows left free
        # beside it (a13: the soap's top beside the subline's last rows)
        part = max(1, round(FLOOR * (start[3] - start[1])))
        for seed in ((start[0], start[1], start[2], start[1] + part),
                     (start[0], start[3] - part, start[2], start[3])):  # fmt: skip
            seeds.append((seed if away is None else _free_run(away, seed), True))
    if vertical:  # set across from its top (or under its foot), it needs a line's
        # height of the rows beside it, not the whole column's: grown sideways from its
        # first rows, from its last ones, and from the rows just under it
        part = min(start[3] - start[1], pitch)
        under = (start[0], start[3], start[2], min(y1 - y0, start[3] + part))
        seeds += [
            ((start[0], start[1], start[2], start[1] + part), True),
            ((start[0], start[3] - part, start[2], start[3]), True),
            *([(under, True)] if under[3] > under[1] else []),
        ]
    if vertical:  # a column set across keeps a line's gap from text drawn before it (its
        # own erased area, always its room, let g09's subline be set 4 px under the
        # heading set across over its column)
        apart_px = round(COLUMN_APART * pitch)
        near_text = cv2.dilate(
            (owned[y0:y1] < 0).astype(np.uint8), np.ones((2 * apart_px + 1, 1), np.uint8)
        )
        eroded &= ~near_text.astype(bool)
    for (ax0, ay0, ax1, ay1), kept in clear:  # the gap to a block over or under it kept:
        # a title grown down over its own erased margin was set 15 px over its subtitle,
        # 36 px under it in the original, and read as one block with it (issue #18)
        cols = slice(max(0, int(ax0) - kept), max(0, int(np.ceil(ax1)) + kept))
        if ay0 >= box[3] - 1:  # under it: from `kept` over its ink down (never into the
            # rows of its own original ink, its room whatever was drawn)
            eroded[max(start[3], int(ay0) - kept - y0) : max(0, int(np.ceil(ay1)) - y0), cols] = (
                False
            )
        elif ay1 <= box[1] + 1:  # over it (a block over the window, more than its reach
            # above, reaches no row of it: its end clamped at 0, not counted from the
            # window's bottom, which took every row but the last across the block over it;
            # trial s32's 08: a paragraph under its title wrapped in its Chinese box at 64%)
            over = max(0, min(start[1], int(np.ceil(ay1)) + kept - y0))
            eroded[max(0, int(ay0) - y0) : over, cols] = False
    below_above = _below_above(eroded, start) if vertical else []
    if below_above:  # its own column taken by a column set across before it: grown from
        # the free rows below (or above), sideways first or down first (a row's strip
        # grown sideways first may pass between what a deeper room must keep clear of)
        seeds = [(seed, across) for seed in below_above for across in (True, False)]
    out = []
    for seed, across in seeds:
        x0, gy0, x1, gy1 = grow(eroded, seed, (width, span if open_ or vertical else pitch), across)
        x0, gy0 = max(x0, min(bounds[0], start[0])), max(gy0, min(bounds[1], start[1]))
        x1, gy1 = min(x1, max(bounds[2], start[2])), min(gy1, max(bounds[3], start[3]))
        # the text keeps the original's edge: a left-aligned block grows rightwards only,
        # a right-aligned one leftwards, a centred one evenly about its centre (a line
        # alone, whose centring is only a guess, may move off it to stay whole)
        if block.align == "left":
            x0 = max(x0, min(int(box[0]), x1))
        elif block.align == "right":
            x1 = min(x1, max(int(np.ceil(box[2])), x0))
        elif len(block.lines) > 1 or axis or steady:  # (on a card's centre: no guess)
            middle = card.axis if axis and card is not None else (box[0] + box[2]) / 2
            half = max(0.0, min(middle - x0, x1 - middle))
            if solid is not None:
                half = _mirrored(solid[gy0:gy1], middle, half, max(middle - x0, x1 - middle))
            x0, x1 = int(middle - half), int(np.ceil(middle + half))
        # and keeps the page's margin: as far from the image's right edge as the original
        # kept from its left (and the reverse), whatever free paper lies past it (g11: the
        # claims at x = 98 ran to 20 px from the right edge in th and vi)
        x0 = max(x0, min(margin, int(box[0]), x1))
        x1 = min(x1, max(width - margin, int(np.ceil(box[2])), x0))
        if between is not None:  # a row's label: never into its neighbours' share of the
            # gaps (e07: four labels under icons grew into one run of text ~10 px apart)
            if between[0] > x0:  # (an end of the row is bounded on one side only)
                x0 = min(int(np.ceil(between[0])), x1)
            if between[1] < x1:
                x1 = max(int(between[1]), x0)
        room = (x0, gy0 + y0, x1, gy1 + y0)
        inked = box
        if axis and card is not None:  # drawn on the card's centre, not the line's own
            move = card.axis - (box[0] + box[2]) / 2
            inked = (box[0] + move, box[1], box[2] + move, box[3])
        frame = Frame(room, 0.0, (0.0, 0.0), inked, apart, open_ or calm, vertical, calm)
        out.append(((float(x1 - x0), float(gy1 - gy0)), frame))
    return out


GRAIN = 5  # px: a speck off a panel's colour shorter than this across, and no farther off
# than twice FREE_NEAR, is the panel's grain (grass, a JPEG's noise), not something on it


def _panel_free(off: Any) -> Any:
    """Where a panel is free for text, given each px's distance from its colour (`off`,
    its largest channel's): within FREE_NEAR of it, and the specks of its grain too. A
    room is kept clear of what is not free by a few px all round, and a grass's grain
    (1 px in 200 off its green by 29-52, never more than 4 px across) left no px of the
    ground free: trial s32's 01, a slogan's second line held to its own Chinese box at
    about half its size, under a first line on a smooth sky at full size; a rule's or a
    dotted line's dark dots are farther off than grain, and stay."""
    import cv2
    import numpy as np

    free = off <= FREE_NEAR
    if free.all():  # (a clean flat panel: no specks to label, 24 ms on 3000 x 1200 px)
        return free
    count, parts, stats, _ = cv2.connectedComponentsWithStats(
        (~free).astype(np.uint8), connectivity=8
    )
    grain = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) < GRAIN
    grain[parts[off > 2 * FREE_NEAR]] = False
    grain[0] = False  # (the free px themselves)
    return free | grain[parts]


CENTRE_MARGIN = 0.06  # of the image's width: the most a centred block keeps from its edges


def _mirrored(free: Any, middle: float, half: float, most: float) -> float:
    """The half-width (from `half` up to `most`) of the strip about `middle` whose columns
    of `free` (boolean rows x columns) are all free (98%, as grow() takes a strip)."""
    import numpy as np

    if most <= half or free.size == 0:
        return half
    share = free.mean(axis=0)
    width = free.shape[1]
    reach = half
    while reach < most:
        left, right = int(middle - reach - 1), int(np.ceil(middle + reach))
        if left < 0 or right >= width or share[left] < 0.98 or share[right] < 0.98:
            break
        reach += 1
    return reach


MARGIN_MOST = 0.12  # of the image's width: the widest a page's side margin is taken to be


def page_margin(box: tuple[float, ...], width: int) -> int:
    """The page's side margin a block keeps from both edges of an image `width` px wide:
    the nearer of its original's distances from them (a heading at x = 98 keeps 98 px
    on its right too), at most MARGIN_MOST of the width (a short line far from both edges
    says little of the page's margin)."""
    return max(0, int(min(box[0], width - box[2], MARGIN_MOST * width)))


ALIKE = 36  # sum over R, G, B: backgrounds this close are one panel's


def _alike(colours: Sequence[tuple[int, int, int]]) -> bool:
    """Whether every two of the colours are within ALIKE of each other."""
    return all(
        sum(abs(a - b) for a, b in zip(one, other, strict=True)) <= ALIKE
        for k, one in enumerate(colours)
        for other in colours[k + 1 :]
    )


def row_reach(
    lines: Sequence[Any], blocks: Sequence[Any], row: Sequence[int]
) -> dict[int, tuple[float, float]]:
    """The columns (left, right, px) each label of a row (block indexes, left to right)
    may be drawn within: its own box and its share of the wide gaps (at least WIDE of the
    ink height) to its neighbours, APART of each gap kept free between them; a centred
    label keeps its centre (one under each icon), a left-aligned one takes nothing of the
    gap on its left, a right-aligned one nothing on its right."""
    boxes = [blocks[n].box(list(lines)) for n in row]
    low = [float("-inf")] * len(row)
    high = [float("inf")] * len(row)
    for k in range(len(row) - 1):
        left, right = blocks[row[k]], blocks[row[k + 1]]
        gap = boxes[k + 1][0] - boxes[k][2]
        ink = max(lines[i].ink_height for i in (*left.lines, *right.lines))
        if gap < WIDE * ink:  # close: words of one line, not labels set apart
            continue
        if left.align != "centre" or right.align != "centre":  # a table's cells, set on
            # their column's edge, are bounded by its rules: the gap to the next cell's
            # text is no bound (c01's cells came out at half their size)
            continue
        grows = (left.align != "right", right.align != "left")
        share = (1 - APART) * gap / max(1, sum(grows))
        high[k] = boxes[k][2] + share * grows[0]
        low[k + 1] = boxes[k + 1][0] - share * grows[1]
    out = {}
    for k, n in enumerate(row):
        if low[k] == float("-inf") and high[k] == float("inf"):
            continue
        if blocks[n].align == "centre":
            middle = (boxes[k][0] + boxes[k][2]) / 2
            half = min(middle - low[k], high[k] - middle)
            low[k], high[k] = middle - half, middle + half
        out[n] = (low[k], high[k])
    return out


CLEAR_ROWS = 0.6  # of a block's rows: the least clear beside it that it may grow from
COLUMN_APART = 0.4  # of a line's pitch: a column set across keeps this much space above
# and below it from text drawn before it


def _below_above(free: Any, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """A seed one row high across a column's width (`box`, in `free`'s frame), where its
    own rows are not free (another column's translation set across over them): the first
    wholly free row below its top (read after what took it), else the last one above its
    bottom; none when its own rows are free."""
    import numpy as np

    x0, y0, x1, y1 = box
    clear = free[:, x0:x1].all(axis=1)
    if x1 <= x0 or clear[y0:y1].mean() >= CLEAR_ROWS:
        return []
    below, above = np.nonzero(clear[y0:])[0], np.nonzero(clear[:y1])[0]
    if len(below):
        return [(x0, y0 + int(below[0]), x1, y0 + int(below[0]) + 1)]
    if len(above):
        return [(x0, int(above[-1]), x1, int(above[-1]) + 1)]
    return []


def _clear_rows(free: Any, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The box cut to the longest run of its rows free just past its right edge, or its
    left one (each side that has such a run of at least CLEAR_ROWS of them, short of all):
    where a block hemmed in at its top or bottom still has the room beside it."""
    x0, y0, x1, y1 = box
    out = []
    for column in (x1, x0 - 1):
        if not 0 <= column < free.shape[1] or y1 <= y0:
            continue
        at, best = _longest_run(free[y0:y1, column])
        if CLEAR_ROWS * (y1 - y0) <= best < y1 - y0:
            out.append((x0, y0 + at, x1, y0 + at + best))
    return out


def _longest_run(flags: Sequence[Any]) -> tuple[int, int]:
    """Where the longest run of true flags starts, and how long it is (0, 0: none)."""
    best, start, run_at = 0, 0, None
    for k, good in enumerate([*flags, False]):
        if good and run_at is None:
            run_at = k
        elif not good and run_at is not None:
            if k - run_at > best:
                best, start = k - run_at, run_at
            run_at = None
    return start, best


MARGIN_SIDE = 0.5  # a line alone this much nearer one side of the image than the other
# is set by that side's margin (d03: at x = 80 of 1000 px, 300 px free past its end)


def _margin_side(
    block: Any, lines: Sequence[Any], rooms: Sequence[tuple[Any, Frame]], width: int
) -> str:
    """The edge a line alone on a photo or a texture keeps ("left" or "right"; "" to
    stay centred): with no panel and no neighbour to align to, a line much nearer one
    side of the picture than the other was set from that side's margin, not centred."""
    line = lines[block.lines[0]]
    if len(block.lines) > 1 or block.align != "centre" or not line.straight or line.vertical:
        return ""
    if not rooms or not rooms[0][1].open:
        return ""
    left, right = line.box[0], width - line.box[2]
    if left < MARGIN_SIDE * right:
        return "left"
    if right < MARGIN_SIDE * left:
        return "right"
    return ""


def _without_its_own(standing: Any, rows: slice, cols: slice) -> Any:
    """`standing` (what stands on the picture) without what a block's letters, in `rows`
    and `cols` of it, stand on themselves (half their box or more: a sticker, a button, a
    panel over the photo): no obstacle to it, and not the product it might run onto; a
    product it only crosses is (d08's phone)."""
    import cv2
    import numpy as np

    count, parts = cv2.connectedComponents(standing.astype(np.uint8), connectivity=8)
    under = parts[rows, cols]
    share = np.bincount(under.ravel(), minlength=count) / max(1, under.size)
    share[0] = 0.0
    return standing & ~(share >= 0.5)[parts]


SOLID = 0.02  # of the image's shorter side: a product's part thinner than this on a calm
# texture is the texture's (a vein the silhouette ran along)


def _solid(product: Any) -> Any:
    """The product's silhouette without its thin tendrils (an opening by SOLID of the
    image's side): on veined marble the silhouette ran from a vase along the veins
    touching it, 400 px across the marble a column's translation was set on (imagesynth's
    "columns": "runs onto the product", set at 43%). None stays None."""
    if product is None:
        return None
    return _opened(product.tobytes(), product.shape)


@functools.lru_cache(maxsize=4)
def _opened(data: bytes, shape: tuple[int, int]) -> Any:
    """`_solid` of a silhouette given as its bytes (the drawing asks once per trial)."""
    import cv2
    import numpy as np

    mask = np.frombuffer(data, bool).reshape(shape).astype(np.uint8)
    side = max(3, round(SOLID * min(shape)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel).astype(bool)


SOFT_EDGE = 0.05  # of the px just round a thing standing on the picture: fewer on a hard
# edge, it is soft shading (a cloud), not an object (a tent's or a tag's outline is all hard)


def _standing(things: Any, product: Any, erased: Any, rgb: Any = None) -> Any:
    """What stands on the picture (the things on its backdrop and the product's
    silhouette, either None when unknown), without what the erase left behind: a thing
    lying mostly in the erased areas is a trace of the text, not something there; nor,
    given the plate `rgb`, a thing with hardly a hard edge round it (`_clear`, under
    SOFT_EDGE of its outline): a cloud's soft shading on a sky, no object text keeps off."""
    import cv2
    import numpy as np

    if things is not None:
        count, parts = cv2.connectedComponents(things.astype(np.uint8), connectivity=8)
        if count > 1:
            area = np.bincount(parts.ravel(), minlength=count)
            inside = np.bincount(parts[erased].ravel(), minlength=count)
            trace = inside * 2 > area
            if rgb is not None:  # (g12: three wisps of cloud read as things standing on
                # the sky cut the headline's room at x = 425, and it was wrapped onto
                # three lines at 44% with 500 px of calm sky beside it)
                around = cv2.dilate(things.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
                ring = cv2.connectedComponents(around.astype(np.uint8), connectivity=8)[1]
                hard = ~_clear(rgb, None)
                edge = np.bincount(ring[around & ~things].ravel(), minlength=count)
                edged = np.bincount(ring[hard & around].ravel(), minlength=count)
                owner = np.zeros(count, np.int64)  # each thing's dilated component
                owner[parts[things]] = ring[things]
                trace |= edged[owner] < SOFT_EDGE * np.maximum(1, edge[owner])
            trace[0] = False
            things = things & ~trace[parts]
    if product is None:
        return things
    return product if things is None else things | product


OPEN_REACH = 2  # lines: how far up and down a block on a photo may grow (a short line
# wrapped there: d08's 'Extra-long battery life' beside the phone it crossed)
BESIDE = 0.25  # of the px beside a block's rows: fewer free of text, and its window is read
FLAT = 0.8  # of the px beside a line: this many near its background make a flat panel
HARD = 24  # per channel, across 2 px of the softened plate: an edge (a product's, a rule's)
SOFTEN = 2.0  # px: the blur that takes a texture's weave or grain and JPEG's noise out


def _flat(near: Any, others: Any, box: tuple[float, ...], ink: float, rows: slice) -> bool:
    """Whether a block sits on a flat panel: most px beside it in its `rows` (within
    three ink heights either side, `others`: not text, not the product) are near its
    background colour; in all the rows given when its own erased text leaves few there
    (a list's claims: the space between them is erased too)."""
    x0, x1 = max(0, int(box[0] - 3 * ink)), int(box[2] + 3 * ink)
    around = others[rows, x0:x1]
    if around.mean() < BESIDE:
        rows = slice(None)
        around = others[rows, x0:x1]
    if not around.any():
        return True
    return float(near[rows, x0:x1][around].mean()) >= FLAT


def _clear(rgb: Any, standing: Any, speck: float = 0.0) -> Any:
    """Where a photo or a texture is free for text (boolean, as `rgb`'s rows x columns):
    not what stands on it (`standing`: the product, a sticker; None: nothing known) and
    no hard edge, a texture's weave, grain or a photo's soft shading being no edge;
    `speck`: on a calm texture, a hard edge shorter than this (px, across its longer
    side) is the texture's own detail, no edge either."""
    import cv2
    import numpy as np

    soft = cv2.GaussianBlur(np.ascontiguousarray(rgb, np.uint8), (0, 0), SOFTEN)
    kernel = np.ones((3, 3), np.uint8)
    step = largest_channel(cv2.dilate(soft, kernel).astype(np.int16) - cv2.erode(soft, kernel))
    free = step <= HARD
    if speck:  # (marble's veins at their darkest: stretches of 5-60 px, where a vase's
        # outline runs 600 px and a sticker's all round it)
        count, parts, stats, _ = cv2.connectedComponentsWithStats(
            (~free).astype(np.uint8), connectivity=8
        )
        short = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) < speck
        short[0] = False
        free |= short[parts]
    if standing is not None:
        free &= ~standing
    return free


RUN_SHARE = 1 / 3  # of a line's box: the least part off the product it grows from


def _free_run(free: Any, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The box cut to the longest run of its columns that are free down its rows (at least
    90%), when that run is at least RUN_SHARE of it: a line across a product's edge grows
    from its part off the product."""

    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return box
    at, best = _longest_run(free[y0:y1, x0:x1].mean(axis=0) >= 0.9)
    # (a line lying mostly on what stands there is not bounded by it: its own box stays)
    return (x0 + at, y0, x0 + at + best, y1) if best >= RUN_SHARE * (x1 - x0) else box


def _turned_room(
    rgb: Any, owned: Any, number: int, piece: Piece, frame: Frame, margin: int, top: int,
    spacing: float,
) -> list[tuple[tuple[float, float], Frame]]:  # fmt: skip
    """A turned block's room grown over the free panel around its region, in its own
    turned frame (the panel turned upright about the region's centre, grown as an upright
    block's is: along by half its length, across by a line), and that room's frame; none
    when nothing around it is free. A turned block kept to its own region was set small
    where the panel around it had the room (a01 vi 'Giảm ngay 105.000₫' at 29 px of 54)."""
    import math

    import cv2
    import numpy as np

    _, _, w, h = frame.box
    length = w - 2 * margin
    cx, cy = frame.centre
    along, across = round(0.5 * length), round(top * spacing)
    reach = round(math.hypot(w / 2 + along, h / 2 + across)) + 1
    rows, cols = owned.shape
    x0, y0 = max(0, round(cx) - reach), max(0, round(cy) - reach)
    x1, y1 = min(cols, round(cx) + reach), min(rows, round(cy) + reach)
    if x1 <= x0 or y1 <= y0:
        return []
    background = np.asarray(piece.erased.background, np.int16)
    near = _panel_free(largest_channel(np.abs(rgb[y0:y1, x0:x1].astype(np.int16) - background)))
    mine = owned[y0:y1, x0:x1]
    free = ((near & (mine == 0)) | (mine == number)).astype(np.uint8)
    keep = max(2, round(0.2 * (frame.ink[3] - frame.ink[1])))
    free = cv2.erode(free, np.ones((2 * keep + 1, 2 * keep + 1), np.uint8))
    turn = cv2.getRotationMatrix2D((cx - x0, cy - y0), frame.angle, 1.0)
    upright = cv2.warpAffine(free, turn, (x1 - x0, y1 - y0), flags=cv2.INTER_NEAREST,
                             borderValue=0).astype(bool)  # fmt: skip
    mx, my = cx - x0, cy - y0
    start = (round(mx - w / 2), round(my - h / 2), round(mx + w / 2), round(my + h / 2))
    out = []
    # (as an upright block's room: both ways round; and from the middle of its region,
    # deeper where the panel narrows under it: a star, a round badge)
    middle = (round(mx - w * 0.3), start[1], round(mx + w * 0.3), start[3])
    # and from the original's ink rows alone, sideways first: the region with the margin
    # erased round it is as deep as a tight banner (its edges in its first and last rows
    # stopped it growing along the banner at all: e03 set on two lines at 54%)
    ink = (round(start[0] + frame.ink[0]), round(start[1] + frame.ink[1]),
           round(start[0] + frame.ink[2]), round(start[1] + frame.ink[3]))  # fmt: skip
    seeds = ((True, start), (False, start), (False, middle), (True, ink))
    for sideways, seed in seeds:
        gx0, gy0, gx1, gy1 = grow(upright, seed, (along, across), sideways)
        gx0, gy0 = min(gx0, start[0]), min(gy0, start[1])
        gx1, gy1 = max(gx1, start[2]), max(gy1, start[3])
        big_w, big_h = gx1 - gx0, gy1 - gy0
        if (big_w, big_h) == (w, h):
            continue
        ox, oy = (gx0 + gx1) / 2 - mx, (gy0 + gy1) / 2 - my  # its centre moved, upright
        a = math.radians(frame.angle)  # turned back into the image
        centre = (cx + ox * math.cos(a) - oy * math.sin(a),
                  cy + ox * math.sin(a) + oy * math.cos(a))  # fmt: skip
        dx, dy = big_w / 2 - w / 2 - ox, big_h / 2 - h / 2 - oy
        ink = (frame.ink[0] + dx, frame.ink[1] + dy, frame.ink[2] + dx, frame.ink[3] + dy)
        room = (float(big_w - 2 * margin), float(big_h))
        out.append((room, Frame((0, 0, big_w, big_h), frame.angle, centre, ink)))
    return out


ROW_LINES = 2  # a row's label is wrapped onto at most this many lines


def row_units(units: Sequence[str]) -> list[str]:
    """The units a row's label is wrapped at, a hyphenated compound whole ('Hard-wearing'
    is one word: broken at its hyphen only when it cannot fit whole)."""
    out: list[str] = []
    for unit in units:
        if out and out[-1].endswith("-"):
            out[-1] += unit
        else:
            out.append(unit)
    return out


def _set(
    pieces: Sequence[Piece], block: Any, script: str, path: Any, weight: int, shaping: str | None,
    room: tuple[float, float], top: int, spacing: float, ink_em: float, pitch: float = 0.0,
    whole: bool = False, row: bool = False, parts: bool = False, along: int = 0,
) -> Setting:  # fmt: skip
    """A block's translations set in its room (`pitch`: the original's, kept between
    items; `whole`: a label, kept on one line where it fits at the floor; `row`: a row's
    label, on up to ROW_LINES lines of whole words, `parts`: a compound's parts apart;
    `along`: the size one original line is kept on one line at, set_block's)."""
    from localize.image import fonts
    from localize.image.render import break_units

    def measure(text: str, size: int) -> float:
        return fonts.length(path, size, weight, text, shaping)

    items = [break_units(pieces[i].text, script) for i in block.lines]
    stacked = any(pieces[i].look.across for i in block.lines)  # a vertical column's
    return set_block(items, measure, room, top, spacing, ink_extent(
        [pieces[i].text for i in block.lines], path, weight, shaping, ink_em
    ), pitch, whole, hyphens=not stacked, row=row, parts=parts, along=along,
        single=all(struck(pieces[i]) for i in block.lines))  # fmt: skip


AXIS_OFF_PX = 4  # px: a card's line drawn further than this (and SPREAD of its size) off
# the card's centre has left the axis its lines share


def struck(piece: Piece) -> bool:
    """Whether a piece is struck through (an old price): never wrapped, since two struck
    lines read as two prices (g03's "ราคาปกติ / ฿606"); a price with words beside it may
    be wrapped between them (a sticker's "Giảm ngay / 105.000₫" is larger so), its amount
    is one word."""
    return any(rule.kind == "strike" for rule in piece.look.rules)


INK_SIZE = 100  # px: the size a translation's real ink extent is measured at


def ink_extent(
    texts: Sequence[str], path: Any, weight: int, shaping: str | None, least: float
) -> float:
    """How tall a line of these texts' ink is, in em, from the highest mark above to the
    lowest descender (Vietnamese stacks marks above capitals: 'Giữ ấm' is taller than
    'Flash'), at least `least`: what a block's depth is fitted with, so that nothing is
    cut by a short band."""
    from localize.image import fonts

    font = fonts.load(path, INK_SIZE, weight)
    tallest = least
    for text in texts:
        if text.strip():
            _, top, _, bottom = font.getbbox(text, anchor="ls", language=shaping)
            tallest = max(tallest, (bottom - top) / INK_SIZE)
    return tallest


def _best(
    pieces: Sequence[Piece], block: Any, script: str, path: Any, weight: int,
    shaping: str | None, rooms: list[tuple[tuple[float, float], Frame]], top: int,
    spacing: float, ink_em: float, whole: bool = False, row: bool = False, parts: bool = False,
    along: int = 0,
) -> tuple[Setting, Frame]:  # fmt: skip
    """The block set in whichever of its rooms lets it be largest (then on fewer lines);
    one original line on one line in the room that holds it so at `along` or larger."""
    tried = []
    for room, frame in rooms:
        set_ = _set(pieces, block, script, path, weight, shaping, room, top, spacing, ink_em,
                    frame.pitch, whole, row, parts, along)  # fmt: skip
        tried.append((set_, frame))
    # (a word is hyphenated only when no room holds it whole: a01 en "Limited- / time")
    # (and a room that holds it on at most LINES_MOST lines an original line at or above
    # its floor before one that holds it larger on more: not down a tall room, line by line)
    most = LINES_MOST * len(block.lines)

    def rank(t: tuple[Setting, Frame]) -> tuple[bool, bool, bool, int, int]:
        return (
            not t[0].overflow, not t[0].hyphenated,
            len(t[0].all_lines()) <= most and not t[0].under_floor,
            t[0].size, -len(t[0].all_lines()),
        )  # fmt: skip

    best = max(tried, key=rank)
    if best[1].stacked:  # a column set across: on the fewest lines within COMPACT of the
        # largest size (its translation set down a tall room line by line took the space
        # of the column beside it: imagesynth's "columns" vi, 'Chất / lượng / tinh xảo'
        # over 'Sống thanh lịch' squeezed to 24%)
        near = [
            t for t in tried
            if rank(t)[:3] == rank(best)[:3] and t[0].size >= COMPACT * best[0].size
        ]  # fmt: skip
        best = min(near, key=lambda t: (len(t[0].all_lines()), -t[0].size))
    else:  # any block: a room that holds it on fewer lines at nearly the size (FEWER) is
        # the designer's (g04's title in bold: 'New for / Winter' at 117 px in its own
        # box's width over 'New for Winter' at 115 across the image, run onto its subline)
        fewer = [
            t for t in tried
            if rank(t)[:3] == rank(best)[:3] and t[0].size >= FEWER * best[0].size
        ]  # fmt: skip
        best = min(fewer, key=lambda t: (len(t[0].all_lines()), -t[0].size))
    # (one original line kept on one line in the room that holds it so, where that costs
    # it little of the size another room wraps it at, as set_block keeps it in one room)
    if along and len(block.lines) == 1 and len(best[0].all_lines()) > 1:
        alone = [
            t for t in tried
            if len(t[0].all_lines()) == 1 and t[0].size >= along and not t[0].overflow
        ]  # fmt: skip
        if alone:
            return max(alone, key=lambda t: t[0].size)
    return best


COMPACT = 0.8  # of the largest size a column set across could have: on fewer lines, it
# may be set this much smaller
FEWER = 0.95  # of the largest size any block could have: on fewer lines, it may be set
# this much smaller


@dataclass(frozen=True)
class _Drawn:
    contrast: float
    clipped: int  # lines left out: they could not be drawn whole
    lefts: tuple[tuple[float, ...], ...]
    box: tuple[int, int, int, int] | None  # the drawn ink's box, in the image
    ink: tuple[Any, tuple[int, int]] | None = None  # its pixels (boolean) and their corner
    whole: tuple[Any, tuple[int, int]] | None = None  # the same before clipping
    fill: tuple[Any, tuple[int, int]] | None = None  # the letters' own px drawn (no outline)
    fill_whole: tuple[Any, tuple[int, int]] | None = None  # the same before clipping
    baselines: tuple[tuple[float, ...], ...] = ()  # per item: its lines' baselines, in the image
    pens: tuple[tuple[float, ...], ...] = ()  # per item: its lines' pens (x), upright only


def _draw_block(
    img: Any, pieces: Sequence[Piece], block: Any, lines: Sequence[Any], setting: Setting,
    frame: Frame, owned: Any, weight: int, path: Any, shaping: str | None, spacing: float,
    top: int, *, dry: bool = False, script: str = "latin", baseline: float | None = None,
    row: Sequence[str] = (), kept: Any = None,
) -> _Drawn:  # fmt: skip
    """Draw a set block in its frame: one size, one weight, one alignment (one left edge,
    centre or right edge), centred on the original's ink across the lines; outline, strike
    and underline as the original had them; each line whole, never cut (one that cannot
    be drawn whole, past the image's edge or onto `kept` text, is left out and counted).
    `dry`: only say where its ink would go, drawing nothing."""
    import numpy as np
    from PIL import Image, ImageDraw

    from localize.image import colors, fonts

    members = [pieces[i] for i in block.lines]
    first = members[0]
    ink = first.erased.ink
    opacity = first.erased.opacity  # (a translucent watermark is laid again as it was)
    if first.look.swapped and ink.outline is not None:  # as the pixels showed it
        ink = type(ink)(ink.outline, ink.fill)
    size = setting.size
    font = fonts.load(path, size, weight)
    scale = size / max(1, top)
    outline = 0
    if ink.outline is not None:
        from localize.image.looks import drawn_outline

        widths = [p.look.outline for p in members if p.look.outline]
        outline = drawn_outline(float(np.median(widths)) if widths else None, size, scale)
    rows = [(k, line) for k, item in enumerate(setting.lines) for line in item]
    boxes = [_inked(path, size, weight, line, outline, shaping) for _, line in rows]
    pitch = size * spacing
    baselines = [n * pitch + k * setting.gap for n, (k, _) in enumerate(rows)]
    if setting.apart:  # a list: each item where the original's was, its lines under it
        within = [sum(1 for m, _ in rows[:n] if m == k) for n, (k, _) in enumerate(rows)]
        baselines = [k * setting.apart + j * pitch for (k, _), j in zip(rows, within, strict=True)]
    x0, y0, x1, y1 = frame.box
    w, h = x1 - x0, y1 - y0
    glow, shadow = _glow_shadow(members, scale)
    pad = outline + 2
    ink_top = min((y + b[1] for y, b in zip(baselines, boxes, strict=True)), default=0)
    ink_bottom = max((y + b[3] for y, b in zip(baselines, boxes, strict=True)), default=0)
    if len(rows) == 1 and row:  # a table's cell: kept in its room as the row's deepest and
        # tallest text would be, so that every cell of the row is placed alike
        beside = [
            _inked(path, size, weight, text, outline, shaping) for text in row if text.strip()
        ]
        ink_top = min([ink_top, *(b[1] for b in beside)])
        ink_bottom = max([ink_bottom, *(b[3] for b in beside)])
    rules = {r.kind: r for p in members for r in p.look.rules}
    # an underline's centre under the baseline: below the lowest mark or descender of the
    # block's lines, as the original's rule lay clear of its letters (g11 vi: the rule at
    # 0.12 of the size ran through the dot under "ệ"), at one depth for all its lines
    under = 0.12 * size
    deepest = ink_bottom  # (and the rule under it: kept in the room, not centred on)
    if "underline" in rules and boxes:
        thick = max(1, round(rules["underline"].thickness * scale))
        clear = max(2, round(UNDER_CLEAR * size))
        under = max(under, max(b[3] for b in boxes) + clear + thick / 2)
        deepest = max(ink_bottom, max(baselines) + under + thick / 2)
    # centred on the original's ink (a table's cell as the row's tallest and deepest text
    # would be: Thai marks above or below, a descender, an accent over a capital do not
    # move one cell of a row up or down against the next; and a row's later cells take
    # the baseline of the first drawn)
    middle = (frame.ink[1] + frame.ink[3]) / 2 - y0  # the original's centre, in the room
    shift = _within(middle - (ink_top + ink_bottom) / 2, -ink_top, h - deepest)
    if len(rows) == 1 and row:  # a table's cell: its body (a capital, a Thai consonant)
        # centred in its cell (its room: the cell kept as far from the rule above as from
        # the one below), its marks and descenders kept in the room; placed by its own
        # ink, or where the original's was, the rows drifted with what each had above or
        # below (c01 th: the last row, with nothing under it, sat on its cell's bottom rule)
        high, low = _body(font, script, shaping)
        shift = _within(h / 2 - (high + low) / 2, -ink_top, h - deepest)
    if len(setting.lines) > 1 and (setting.gap or setting.apart):  # a list: its first
        # line's body (a capital, a Thai consonant: whatever marks its claim has) where
        # the original's first line was, each next item at the original's pitch
        high, low = _body(font, script, shaping)
        first_line = lines[block.lines[0]].box
        middle = frame.ink[1] - y0 + (first_line[3] - first_line[1]) / 2
        shift = _within(middle - baselines[0] - (high + low) / 2, -ink_top, h - deepest)
    if frame.stacked and rows:  # a column's lines set across start where it began
        shift = _within(frame.ink[1] - y0 - ink_top, -ink_top, h - deepest)
    if baseline is not None and len(rows) == 1 and not frame.angle:  # a row's: shared,
        # or as near as fits; a cell wrapped onto more lines is centred as its original was
        # (its first line on the row's baseline hung it onto the rule below: trial 13 g07)
        shift = _within(baseline - y0 - baselines[0], -ink_top, h - deepest)
    widths = [b[2] - b[0] for b in boxes]
    widest = max(widths, default=0)
    left, right = frame.ink[0] - x0, frame.ink[2] - x0
    if block.align == "left":
        anchor = _within(left, 0, w - widest)
        xs = [anchor - b[0] for b in boxes]
    elif block.align == "right":
        anchor = _within(right, widest, w)
        xs = [anchor - b[2] for b in boxes]
    else:
        anchor = _within((left + right) / 2, widest / 2, w - widest / 2)
        xs = [anchor - (b[0] + b[2]) / 2 for b in boxes]
    # the layer holds every line whole, wherever it goes: a line past its room (set
    # overflowing) was cut at the layer's edge (g09's "afte / uali")
    past = [v for x, b in zip(xs, boxes, strict=True) for v in (-(x + b[0]), x + b[2] - w)]
    past += [-(shift + ink_top), shift + deepest - h] if rows else []
    pad += max(0, math.ceil(max(past, default=0)))
    strokes = ([outline] if outline else []) + [0]

    def paint(stroke: int, only: int | None = None, ruled: str | None = None) -> Any:
        """The layer of the block's lines (or of line `only` alone) at `stroke`, with the
        rules drawn in the letters' colour; with `ruled`, that rule alone (one drawn in a
        colour of its own, painted over the letters)."""
        layer = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
        draw = ImageDraw.Draw(layer)
        for n, ((_, line), x, y, b) in enumerate(zip(rows, xs, baselines, boxes, strict=True)):
            if only is not None and n != only:
                continue
            if ruled is None:
                draw.text((x + pad, y + shift + pad), line, font=font, fill=255, anchor="ls",
                          stroke_width=stroke, stroke_fill=255, language=shaping)  # fmt: skip
            for kind, rule in rules.items():
                if (kind != ruled) if ruled is not None else rule.colour is not None:
                    continue
                thick = max(1, round(rule.thickness * scale)) + 2 * stroke
                at = y + shift + pad + (-0.3 * size if kind == "strike" else under)
                draw.rectangle(
                    (x + pad + b[0] - stroke, at - thick / 2, x + pad + b[2] + stroke,
                     at + thick / 2 - 1), fill=255,
                )  # fmt: skip
        return layer

    def labels() -> Any:
        """Which line (1, 2, ...) each px of the outermost layer is, each drawn alone."""
        out = np.zeros((h + 2 * pad, w + 2 * pad), np.uint8)
        for n in range(len(rows)):
            out[np.asarray(paint(strokes[0], n)) > 0] = min(255, n + 1)
        return Image.fromarray(out)

    layers = [paint(stroke) for stroke in strokes]
    # the parts drawn in a colour of their own (a key word red in a black title), per
    # colour: the columns of its letters in each line, cut from the one shaped line
    zones = _zones(members, setting.lines, rows, xs, baselines, boxes, font, shaping,
                   (w + 2 * pad, h + 2 * pad), (pad, shift + pad))  # fmt: skip
    if zones:
        ink = type(ink)(_main_beside(ink.fill, members), ink.outline)
    colours = ([ink.outline] if outline else []) + [ink.fill]
    left_out, placed_labels = (
        _left_out(img, layers[0], labels, frame, pad, owned, kept) if layers else (set(), None)
    )
    keep = None  # the placed layer's px of the lines drawn (all but those left out)
    if layers and placed_labels is None:
        keep = np.ones(np.asarray(_place(layers[0], frame, pad)[0]).shape, bool)
    elif layers:
        keep = ~np.isin(placed_labels, [n + 1 for n in left_out])
        if left_out and frame.angle:  # (a turned layer's soft edge lies past its labels)
            import cv2

            gone = cv2.dilate((~keep).astype(np.uint8), np.ones((3, 3), np.uint8))
            keep = ~gone.astype(bool)
    total = 0
    inked: tuple[Any, tuple[int, int]] | None = None
    whole: tuple[Any, tuple[int, int]] | None = None
    letters: tuple[Any, tuple[int, int]] | None = None  # the fill's px drawn (no outline)
    letters_whole: tuple[Any, tuple[int, int]] | None = None
    if not dry and (glow or shadow) and layers:  # under the letters, their outline (where
        # the letters may go read on the plate as it was before: a halo is no panel)
        _under(img, layers[0], keep, frame, pad, glow, shadow, owned, block, pieces)
    for colour, layer in zip(colours, layers, strict=True):
        placed, origin = _place(layer, frame, pad)
        ox, oy = origin
        # the part of the layer inside the image
        ix0, iy0 = max(0, ox), max(0, oy)
        ix1, iy1 = min(img.width, ox + placed.width), min(img.height, oy + placed.height)
        if ix1 <= ix0 or iy1 <= iy0:
            continue
        alpha = np.asarray(placed)
        total += int((alpha >= 128).sum())
        alpha = alpha[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox]
        may = keep[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox]  # (its lines whole, or none)
        clip = np.where(may, alpha, 0).astype(np.uint8)
        if inked is None:  # the outline's layer, when there is one, holds the fill's
            inked = (clip >= 128, (ix0, iy0))
            whole = (alpha >= 128, (ix0, iy0))
        letters = (clip >= 128, (ix0, iy0))  # the last layer drawn: the fill's
        letters_whole = (alpha >= 128, (ix0, iy0))
        if dry:
            continue
        laid = clip if opacity >= 1 else np.rint(clip * opacity).astype(np.uint8)
        img.paste(Image.new("RGB", (ix1 - ix0, iy1 - iy0), colour), (ix0, iy0),
                  Image.fromarray(laid))  # fmt: skip
        if layer is layers[-1]:  # the letters' own layer: its runs in their colours
            for accent, zone in zones:
                part = np.asarray(_place(zone, frame, pad)[0])
                part = part[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox]
                img.paste(Image.new("RGB", (ix1 - ix0, iy1 - iy0), accent), (ix0, iy0),
                          Image.fromarray(np.minimum(clip, part)))  # fmt: skip
            for kind, rule in rules.items():  # a rule in its own colour, over the letters
                if rule.colour is None:
                    continue
                part = np.asarray(_place(paint(0, ruled=kind), frame, pad)[0])
                part = np.where(may, part[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox], 0)
                img.paste(Image.new("RGB", (ix1 - ix0, iy1 - iy0), rule.colour), (ix0, iy0),
                          Image.fromarray(part.astype(np.uint8)))  # fmt: skip
    lefts: list[list[float]] = [[] for _ in setting.lines]
    bases: list[list[float]] = [[] for _ in setting.lines]
    pens: list[list[float]] = [[] for _ in setting.lines]
    for n, ((k, _), x, y, b) in enumerate(zip(rows, xs, baselines, boxes, strict=True)):
        lefts[k].append(x0 + x + b[0])
        bases[k].append(y0 + y + shift)
        pens[k].append(math.nan if n in left_out else x0 + x)
    box = None
    if rows and not frame.angle:
        box = (
            int(x0 + min(x + b[0] for x, b in zip(xs, boxes, strict=True))),
            int(y0 + shift + ink_top),
            int(x0 + max(x + b[2] for x, b in zip(xs, boxes, strict=True))) + 1,
            int(y0 + shift + deepest) + 1,
        )
    edge = ink.outline or first.erased.background
    return _Drawn(
        colors.contrast(ink.fill, edge),
        len(left_out),
        tuple(tuple(v) for v in lefts),
        box,
        inked,
        whole,
        letters,
        letters_whole,
        tuple(tuple(v) for v in bases),
        () if frame.angle else tuple(tuple(v) for v in pens),
    )


def _zones(
    members: Sequence[Piece], items: Sequence[Sequence[str]], rows: Sequence[Any],
    xs: Sequence[float], baselines: Sequence[float], boxes: Sequence[Any], font: Any,
    shaping: str | None, size: tuple[int, int], origin: tuple[float, float],
) -> list[tuple[Any, Any]]:  # fmt: skip
    """Where a block's letters are drawn in a colour of their own: per colour, a layer
    (L, `size`, the block's layer's frame, `origin` its pen's offset) white over the
    columns of each run's letters in each line they fall on. A run's columns are cut from
    its line shaped whole (its advance up to the run and through it), so Thai and
    Vietnamese keep their shaping and kerning across the cut."""
    from PIL import Image, ImageDraw

    from localize.image.emphasis import line_spans

    spans = [line_spans(p.text, item) for p, item in zip(members, items, strict=True)]
    zones: dict[Any, Any] = {}
    seen = {k: 0 for k in range(len(items))}
    for (k, line), x, y, b in zip(rows, xs, baselines, boxes, strict=True):
        j = seen[k]
        seen[k] += 1
        start, end = spans[k][j]
        for run in members[k].runs:
            lo, hi = max(run.start, start) - start, min(run.end, end) - start
            if hi <= lo:
                continue
            layer = zones.get(run.colour)
            if layer is None:
                layer = zones[run.colour] = Image.new("L", size, 0)
            left = x + origin[0] + font.getlength(line[:lo], language=shaping)
            right = x + origin[0] + font.getlength(line[:hi], language=shaping)
            if hi == len(line):  # the line's last letter: all its ink, overhang too
                right = max(right, x + origin[0] + b[2] + 1)
            if lo == 0:
                left = min(left, x + origin[0] + b[0] - 1)
            top, bottom = y + origin[1] + b[1] - 2, y + origin[1] + b[3] + 2
            ImageDraw.Draw(layer).rectangle((left, top, right - 1, bottom), fill=255)
    return list(zones.items())


def _main_beside(fill: Any, members: Sequence[Piece]) -> Any:
    """The colour the rest of a block with runs of another colour is drawn in: its fill as
    read, unless that reading is nearer a run's colour than the line's main one (the
    erase's reading of a line of two colours may take either)."""
    for p in members:
        for run in p.runs:
            to_run = sum(abs(a - b) for a, b in zip(fill, run.colour, strict=True))
            to_main = sum(abs(a - b) for a, b in zip(fill, run.main, strict=True))
            if to_run < to_main:
                return run.main
    return fill


def _glow_shadow(members: Sequence[Piece], scale: float) -> tuple[Any, Any]:
    """The block's glow and drop shadow (looks.Glow, looks.Shadow or None), as most of its
    lines had them, each measure the lines' median scaled by `scale` (the size drawn over
    the size that matched the original)."""
    import numpy as np

    from localize.image.looks import Glow, Shadow

    glows = [p.look.glow for p in members if p.look.glow]
    shadows = [p.look.shadow for p in members if p.look.shadow]
    glow = shadow = None
    if 2 * len(glows) > len(members):
        colour = tuple(int(v) for v in np.median([g.colour for g in glows], axis=0))
        glow = Glow(colour, float(np.median([g.radius for g in glows])) * scale)  # type: ignore[arg-type]
    if 2 * len(shadows) > len(members):
        colour = tuple(int(v) for v in np.median([d.colour for d in shadows], axis=0))
        dx, dy, blur = (float(np.median(v)) * scale for v in zip(
            *((d.dx, d.dy, d.blur) for d in shadows), strict=True))  # fmt: skip
        shadow = Shadow(colour, dx, dy, blur)  # type: ignore[arg-type]
    return glow, shadow


def _reach(glow: Any, shadow: Any) -> int:
    """How far a glow and a shadow reach past the letters, px: the room their layer needs."""
    reach = 3 * glow.radius if glow else 0.0
    if shadow:
        reach = max(reach, max(abs(shadow.dx), abs(shadow.dy)) + 3 * shadow.blur)
    return math.ceil(reach)


def _under(
    img: Any, layer: Any, keep: Any, frame: Frame, pad: int, glow: Any, shadow: Any,
    owned: Any, block: Any, pieces: Sequence[Piece],
) -> None:  # fmt: skip
    """Draw the glow and the drop shadow of the letters whose outermost layer is `layer`
    (`pad` px round the frame) under where they go, the letters drawn over them next: of
    the lines drawn (`keep`: the placed layer's px of the lines not left out), where the
    block may be drawn within their reach of its frame."""
    import numpy as np
    from PIL import Image

    from localize.image.render import drop_shadow, halo

    placed, (ox, oy) = _place(layer, frame, pad)
    ix0, iy0 = max(0, ox), max(0, oy)
    ix1, iy1 = min(img.width, ox + placed.width), min(img.height, oy + placed.height)
    if ix1 <= ix0 or iy1 <= iy0:
        return
    letters = keep[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox]
    # the letters as drawn (a line left out casts nothing), on a canvas as far larger as
    # the glow and the shadow reach
    e = _reach(glow, shadow)
    canvas = np.zeros((placed.height + 2 * e, placed.width + 2 * e), np.uint8)
    alpha = np.asarray(placed)[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox]
    canvas[iy0 - oy + e : iy1 - oy + e, ix0 - ox + e : ix1 - ox + e] = np.where(letters, alpha, 0)
    drawn, ox, oy = Image.fromarray(canvas), ox - e, oy - e
    gx0, gy0 = max(0, ox), max(0, oy)
    gx1, gy1 = min(img.width, ox + drawn.width), min(img.height, oy + drawn.height)
    may = _allowed(img, owned, block, pieces, frame, pad + e, (gx0, gy0, gx1, gy1))
    under = []
    if shadow:
        under.append((shadow.colour, drop_shadow(drawn, shadow.dx, shadow.dy, shadow.blur)))
    if glow:
        under.append((glow.colour, halo(drawn, glow.radius)))
    for colour, soft in under:
        part = np.asarray(soft)[gy0 - oy : gy1 - oy, gx0 - ox : gx1 - ox]
        clip = np.where(may, part, 0).astype(np.uint8)
        img.paste(Image.new("RGB", (gx1 - gx0, gy1 - gy0), colour), (gx0, gy0),
                  Image.fromarray(clip))  # fmt: skip


EDGE_ALPHA = 32  # a line's px at least this opaque past the image's edge: it would be cut


def _left_out(
    img: Any, outer: Any, labels: Any, frame: Frame, pad: int, owned: Any, kept: Any
) -> tuple[set[int], Any]:
    """The lines (indexes into the block's rows) that cannot be drawn whole: their ink
    (the outermost layer's, `outer`) runs past the image's edge, or onto kept text
    (`kept`, 0/255: the product's own printing is never drawn over); and, when there are
    any, which line each px of the placed layer is (`labels()`: the lines drawn alone,
    only then), else None. Every other line is drawn whole over whatever its room holds (a
    texture's vein, a panel's edge, text drawn before it: the layout's checks move,
    shrink or say it), never cut by it."""
    import numpy as np

    placed, (ox, oy) = _place(outer, frame, pad)
    ys, xs = np.nonzero(np.asarray(placed) >= EDGE_ALPHA)
    gx, gy = xs + ox, ys + oy
    rows, cols = owned.shape
    bad = (gx < 0) | (gy < 0) | (gx >= min(cols, img.width)) | (gy >= min(rows, img.height))
    if kept is not None:
        on = ~bad
        bad[on] = kept[gy[on], gx[on]] > 0
    if not bad.any():
        return set(), None
    lab = _place_labels(labels(), frame, pad)
    found = lab[ys[bad], xs[bad]]
    return {int(v) - 1 for v in np.unique(found[found > 0])}, lab


def _place_labels(labels: Any, frame: Frame, pad: int) -> Any:
    """Which line each px of a block's placed layer is (uint8, as `_place` places the
    layer: turned with the frame, to the nearest px so no line's number blends)."""
    import numpy as np
    from PIL import Image

    if not frame.angle:
        return np.asarray(labels)
    return np.asarray(labels.rotate(-frame.angle, resample=Image.Resampling.NEAREST, expand=True))


BODY = {"thai": "\u0e01"}  # the letters a line's body is measured by (ก); else "H"


def _body(font: Any, script: str, shaping: str | None) -> tuple[float, float]:
    """The top and bottom of a line's body from its baseline, in px: the ink of a letter
    with nothing above or below it (a capital; a Thai consonant), the same for every line
    set in this font whatever marks, accents or descenders it has."""
    box = font.getbbox(BODY.get(script, "H"), anchor="ls", language=shaping)
    return float(box[1]), float(box[3])


@functools.lru_cache(maxsize=1024)
def _inked(
    path: Any, size: int, weight: int, line: str, stroke: int, shaping: str | None
) -> tuple[int, ...]:
    """The box of a line's ink from its baseline's start (the letters' side bearings left
    out, so that lines align on their ink, as the eye sees them), set in
    fonts.load(path, size, weight): each line rendered once, where every trial of a block's
    place and size rendered its lines again (9% of a drawing's CPU)."""
    from localize.image import fonts

    font = fonts.load(path, size, weight)
    mask, (dx, dy) = font.getmask2(line, anchor="ls", stroke_width=stroke, language=shaping)
    box = mask.getbbox()
    if box is None:
        return tuple(font.getbbox(line, anchor="ls", stroke_width=stroke, language=shaping))
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def _allowed(
    img: Any, owned: Any, block: Any, pieces: Sequence[Piece], frame: Frame, pad: int,
    area: tuple[int, int, int, int],
) -> Any:  # fmt: skip
    """Where a block may be drawn within `area` of the image (left, top, right, bottom):
    its own erased regions and, for an upright block, the free panel pixels of its room
    (never another block's text or kept text)."""
    import numpy as np

    ax0, ay0, ax1, ay1 = area
    mine = np.zeros((ay1 - ay0, ax1 - ax0), bool)
    for i in block.lines:
        x, y = pieces[i].at
        h, w = pieces[i].mask.shape
        left, top = max(ax0, x), max(ay0, y)
        right, bottom = min(ax1, x + w), min(ay1, y + h)
        if right > left and bottom > top:
            part = pieces[i].mask[top - y : bottom - y, left - x : right - x] > 0
            mine[top - ay0 : bottom - ay0, left - ax0 : right - ax0] |= part
    if frame.angle:  # a turned block: its erased area and the free panel its layer covers
        rx0, ry0, rx1, ry1 = ax0, ay0, ax1, ay1
    else:
        x0, y0, x1, y1 = frame.box
        rx0, ry0 = max(ax0, x0 - pad), max(ay0, y0 - pad)
        rx1, ry1 = min(ax1, x1 + pad), min(ay1, y1 + pad)
    near = np.zeros(mine.shape, bool)
    if rx1 > rx0 and ry1 > ry0:
        window = np.asarray(img.crop((rx0, ry0, rx1, ry1))).astype(np.int16)
        background = np.asarray(pieces[block.lines[0]].erased.background, np.int16)
        near[ry0 - ay0 : ry1 - ay0, rx0 - ax0 : rx1 - ax0] = (
            largest_channel(np.abs(window - background)) <= FREE_NEAR
        ) | frame.open  # (a photo's room was found free as a whole)
    return mine | (near & (owned[ay0:ay1, ax0:ax1] == 0))


def _place(layer: Any, frame: Frame, pad: int) -> tuple[Any, tuple[int, int]]:
    """The layer turned by the frame's angle, and where its top-left corner goes."""
    from PIL import Image

    if not frame.angle:
        return layer, (frame.box[0] - pad, frame.box[1] - pad)
    turned = layer.rotate(-frame.angle, resample=Image.Resampling.BICUBIC, expand=True)
    cx, cy = frame.centre
    return turned, (round(cx - turned.width / 2), round(cy - turned.height / 2))


EDGE = 0.01  # of the image's shorter side: ink nearer its edge than this is cut or cramped


def _at_edge(drawn: Any, original: Any, size: tuple[int, int]) -> bool:
    """Whether drawn ink (left, top, right, bottom) comes within EDGE of a side of the
    image that the original's ink kept clear of (or runs past it: clipped there)."""
    margin = max(2, round(EDGE * min(size)))
    w, h = size
    near = (drawn[0] < margin, drawn[1] < margin, drawn[2] > w - margin, drawn[3] > h - margin)
    was = (original[0] < margin, original[1] < margin, original[2] > w - margin,
           original[3] > h - margin)  # fmt: skip
    return any(n and not o for n, o in zip(near, was, strict=True))


def _within(value: float, low: float, high: float) -> float:
    """`value` kept between `low` and `high`; centred between them when they cross."""
    return (low + high) / 2 if low > high else min(max(value, low), high)

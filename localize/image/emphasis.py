"""A line of two colours: which of its characters carry the second colour (a key word in
red in a black title, f06's 补水保湿 black then 一整天 red), read from the original's ink
before it is erased, and where that run's own translation lies in the line's, so that the
drawing colours it the same.

CJK characters are near one em wide each, so the ink's columns split the OCR'd text into
characters; each character takes the colour most of its ink has. A line is read as two
colours only when every inked character is clearly one or the other (an outline, a shadow
or a gradient puts both colours in every character: one colour, as before), and only on a
plain panel (a photo's colours are not the letters').
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from config.i18n import Msg, pmsg
from localize.image import colors, looks

INK_FROM = 90  # sum over R, G, B: a pixel this far from the panel is ink
APART = 0.975  # cosine: two ways from the panel to the ink this far apart (13 degrees) are
# two colours (black and dark green from a white page lie 16 degrees apart: both dark)
APART_COLOUR = 90  # sum over R, G, B: ... and their cores this far apart
SECOND_INK = 0.03  # of a line's ink: a colour with less is no colour of its own (一 alone
# in blue in a black line of seven: 3.7%)
PURE = 0.8  # of a character's core ink: one colour's share that makes it that colour's
FAINT = 0.2  # of a character's mean ink: one with less (a dot, a comma) takes no colour
PLAIN = 0.7  # of the crop's border: this much of it the panel's colour, or no plain panel
EM = (0.6, 1.6)  # the ink's width per em against its height: outside, the OCR's text is
# not the ink's (a character missed or merged) and nothing is split by it


@dataclass(frozen=True)
class ColourRun:
    """Characters `start` to `end` (indices into a text) drawn in `colour`, the rest of
    the line in `main`."""

    start: int
    end: int
    colour: colors.RGB
    main: colors.RGB


def hex_colour(colour: colors.RGB) -> str:
    """A colour as a reviewer reads it: #rrggbb."""
    return "#" + "".join(f"{int(v):02x}" for v in colour)


def colour_name(colour: colors.RGB) -> Msg:
    """A colour's everyday name, as a reviewer would say it ("red", "black"): by its
    lightness and saturation first, then its hue."""
    import colorsys

    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
    if v < 0.25:
        name = "black"
    elif s < 0.2:
        name = "white" if v > 0.85 else "grey"
    else:
        hue = h * 360
        name = next(n for top, n in HUES if hue < top)
        if name == "red" and s < 0.5 and v > 0.7:
            name = "pink"
    return {
        "black": pmsg("colour", "black"),
        "white": pmsg("colour", "white"),
        "grey": pmsg("colour", "grey"),
        "red": pmsg("colour", "red"),
        "orange": pmsg("colour", "orange"),
        "yellow": pmsg("colour", "yellow"),
        "green": pmsg("colour", "green"),
        "blue": pmsg("colour", "blue"),
        "purple": pmsg("colour", "purple"),
        "pink": pmsg("colour", "pink"),
    }[name]


# hues (degrees) up to which a saturated colour has a name
HUES = ((15, "red"), (45, "orange"), (70, "yellow"), (170, "green"), (255, "blue"))
HUES += ((290, "purple"), (340, "pink"), (361, "red"))


def _ems(ch: str) -> float:
    """How wide a character is in ems: a CJK one (wide or full-width) one, others half."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def _two_ways(ways: Any) -> tuple[Any, Any]:
    """Two directions' centres among `ways` (N x 3 unit vectors, each pixel's way from the
    panel): from the one furthest from their mean and the one furthest from that
    (deterministic, unlike k-means' random seeds), then refined."""
    import numpy as np

    a = ways[int(((ways - ways.mean(axis=0)) ** 2).sum(axis=1).argmax())]
    b = ways[int(((ways - a) ** 2).sum(axis=1).argmax())]
    for _ in range(12):
        nearer_a = ways @ a >= ways @ b
        if nearer_a.all() or not nearer_a.any():
            break
        a, b = ways[nearer_a].mean(axis=0), ways[~nearer_a].mean(axis=0)
        a, b = a / max(1e-6, float(np.linalg.norm(a))), b / max(1e-6, float(np.linalg.norm(b)))
    return a, b


def _core_of(px: Any, panel: Any) -> colors.RGB:
    """The colour of a cluster of ink pixels (N x 3): the median of its furthest fifth
    from the panel (its letters' cores, not their edges)."""
    import numpy as np

    far = np.abs(px - panel).sum(axis=1)
    return tuple(int(v) for v in np.median(px[far >= np.percentile(far, 80)], axis=0))  # type: ignore[return-value]


def colour_runs(rgb: Any, polygon: Any, text: str) -> tuple[ColourRun, ...]:
    """The runs of `text`'s characters drawn in a second colour in the region `polygon` of
    the image `rgb` (H x W x 3, before erasing), the line's main colour beside each; none
    for a line of one colour, or one whose colours cannot be told character by character."""
    import numpy as np

    chars = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    if len(chars) < 2 or len(polygon) < 4:
        return ()
    (x0, y0), (x1, y1), _, (x3, y3) = polygon[:4]
    length, height = np.hypot(x1 - x0, y1 - y0), np.hypot(x3 - x0, y3 - y0)
    if height >= looks.TALL * length or height < 8:  # a column, or too small to tell
        return ()
    crop = looks.upright(rgb, polygon, max(2, round(0.1 * height))).astype(np.int16)
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    panel = np.median(border, axis=0)
    if (np.abs(border - panel).sum(axis=1) <= looks.INK_NEAR).mean() < PLAIN:
        return ()
    ink = np.abs(crop - panel).sum(axis=2) >= INK_FROM
    if ink.sum() < 50:
        return ()
    # the way from the panel, not the colour: a letter's anti-aliased edge lies on the
    # way to its core, so two colours are two ways and one colour's edge is no second
    away = crop[ink].astype(np.float32) - panel.astype(np.float32)
    far = np.linalg.norm(away, axis=1)
    ways = away / far[:, None]
    a, b = _two_ways(ways)
    if float(a @ b) > APART:
        return ()
    is_a = np.zeros(ink.shape, bool)
    is_a[ink] = ways @ a >= ways @ b
    is_b = ink & ~is_a
    if min(is_a.sum(), is_b.sum()) < SECOND_INK * ink.sum():
        return ()
    bg = tuple(int(v) for v in panel)
    ca, cb = (_core_of(crop[mask], panel) for mask in (is_a, is_b))
    cols, rows = np.nonzero(ink.any(axis=0))[0], np.nonzero(ink.any(axis=1))[0]
    left, right = int(cols[0]), int(cols[-1]) + 1
    ems = [_ems(ch) for _, ch in chars]
    unit = (right - left) / sum(ems)
    if not EM[0] <= unit / max(1, rows[-1] - rows[0] + 1) <= EM[1]:
        return ()
    counts, at = [], 0.0
    for em in ems:
        lo, hi = left + at * unit, left + (at + em) * unit
        trim = 0.1 * (hi - lo)  # a neighbour's stroke reaching over the em's edge
        band = slice(round(lo + trim), max(round(lo + trim) + 1, round(hi - trim)))
        counts.append((int(is_a[:, band].sum()), int(is_b[:, band].sum())))
        at += em
    mean = sum(na + nb for na, nb in counts) / len(counts)
    tags: list[str | None] = []
    for na, nb in counts:
        if na + nb < FAINT * mean:
            tags.append(None)
        elif max(na, nb) < PURE * (na + nb):
            return ()  # both colours in one character: an outline, a shadow, a gradient
        else:
            tags.append("a" if na > nb else "b")
    count_a, count_b = tags.count("a"), tags.count("b")
    if not count_a or not count_b:
        return ()
    second = "b" if (count_b, is_b.sum()) < (count_a, is_a.sum()) else "a"
    main_c, second_c = (ca, cb) if second == "b" else (cb, ca)
    main_c = looks.core(crop.astype(np.uint8), main_c, bg)
    second_c = looks.core(crop.astype(np.uint8), second_c, bg)
    if sum(abs(x - y) for x, y in zip(main_c, second_c, strict=True)) < APART_COLOUR:
        return ()
    runs, start, last = [], None, None
    for k, tag in enumerate([*tags, "end"]):
        if tag == second:
            start = k if start is None else start
            last = k
        elif tag is not None and start is not None:
            runs.append(ColourRun(chars[start][0], chars[last][0] + 1, second_c, main_c))  # type: ignore[index]
            start = None
    return tuple(runs)


THAI = re.compile("[\u0e00-\u0e7f]")


def find(translation: str, words: str) -> tuple[int, int] | None:
    """Where `words` occur in `translation` as whole words, case-insensitive (Thai's at
    its word segmenter's bounds): the first occurrence's start and end, or None."""
    words = unicodedata.normalize("NFC", " ".join(words.split())).strip(" .,!?;:。，！")
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    if THAI.search(words):
        from pythainlp.tokenize import word_tokenize

        bounds, at = {0}, 0
        for token in word_tokenize(translation, engine="newmm", keep_whitespace=True):
            at += len(token)
            bounds.add(at)
        for found in re.finditer(pattern, translation, re.IGNORECASE):
            if found.start() in bounds and found.end() in bounds:
                return found.start(), found.end()
        return None
    found = re.search(rf"(?<!\w){pattern}(?!\w)", translation, re.IGNORECASE)
    return (found.start(), found.end()) if found else None


def line_spans(text: str, lines: Any) -> list[tuple[int, int]]:
    """Where each of `lines` (`text` broken into lines: spaces at the breaks dropped, a
    word perhaps hyphenated) lies in `text`: start and end per line."""
    spans, at = [], 0
    for line in lines:
        while at < len(text) and text[at].isspace():
            at += 1
        start = at
        for ch in line:
            if at < len(text) and text[at] == ch:
                at += 1
            elif ch != "-":  # a hyphen the setter added is no character of the text
                break
        spans.append((start, at))
    return spans

"""The spaces a reading lost, put back from the picture it was read from.

RapidOCR's Chinese recogniser (CTC) often drops the space between Latin words, and between
Latin and Chinese, in a line at small sizes or in a mixed line: '颜色以实物为准 Color may
vary' was read '颜色以实物为准Colormayvary', sent to the engine and drawn so (a stranger's
trial, D9). The recogniser says at which of its columns each character was read; the
crop says where its ink is. Between two neighbouring characters (Latin and Latin, or
Latin and Han) with no space read between them, a space goes back where the blank
columns between them are clearly wider than the gaps between the letters of that run of
Latin (their median, plus a share of the line's height: a word space is about a quarter
of the font's size). A run of fewer than three Latin characters has no median to trust,
and nothing else (punctuation, digits beside a full stop) is ever spaced.

Two Chinese phrases a space parts on the picture are joined the same way ('轻便防风 安心过夜'
read '轻便防风安心过夜', trial 32's D8: the engine and the memory got one phrase). Han
characters are all an em wide and their gaps even: in a run of four or more, a space goes
back where the recogniser thought one possible (HAN_HINT) and the blank run nearest
half-way between two of them is wider than the run's median gap, and than the gaps either
side of it, by HAN_WIDER_BY of the height (a narrow glyph, 日 of 日常, has wide gaps on
both sides). Two narrow glyphs side by side (月日) or one with a blank side (卜) can still
look as a space does, and are taken for one when the recogniser hinted at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# a gap this share of the crop's height beyond the run's median letter gap is a space:
# a space is ~0.25 em and a crop ~1.0-1.3 em high; letters apart by their side bearings
# alone measured up to 2 px over the median at 20 px ('dr' of drinks), a space 4-6 px
WIDER_BY = 0.15
HINT = 0.01  # a space the recogniser thought this likely between two characters...
HINTED_BY = 0.05  # ...needs a gap only this share of the height over the median
INK_FROM = 0.25  # how far from the ground to the ink a pixel counts as ink
HAN_MARGIN = 0.25  # of the height: a Han glyph's own blank columns (川, 以) not counted
# Between Han characters (all one em wide, their gaps even): a space drawn between two
# phrases (轻便防风 安心过夜) measured 0.14-0.27 of the crop's height over the run's median
# gap at 20-80 px, a gap between characters of one phrase at most 0.03 (保温杯大容量食品级)
HAN_WIDER_BY = 0.1
HAN_RUN = 4  # the fewest Han characters whose gaps give a median to trust
# ...and only where the recogniser thought a space possible at all: the spaces of the
# trial's pictures it joined had odds of 0.001-0.007, the gaps of a narrow glyph (日常) 0;
# there the gap must be wider than those either side of it too (日's are both wide). At
# HAN_SURE (0.17-0.6 on drawn lines) a gap HAN_SURE_BY over the median is enough (a space
# beside 日 was only 0.08 over).
HAN_HINT = 0.0005
HAN_SURE = 0.1
HAN_SURE_BY = 0.05
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def latin(char: str) -> bool:
    """Whether `char` is a Latin letter or a digit (what words of a line are made of)."""
    return char.isalnum() and ord(char) < 0x250


def han(char: str) -> bool:
    """Whether `char` is a Chinese character."""
    return bool(_HAN.match(char))


def blank_columns(crop: Any) -> Any:
    """Which columns of `crop` (H x W x 3 uint8, BGR or RGB) hold no ink: its pixels split
    in two by Otsu's threshold, the ink being the smaller part (text on a plain ground)."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    cut, split = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dark = split.astype(bool)
    if dark.all() or not dark.any():
        return np.ones(gray.shape[1], bool)
    if dark.mean() > 0.5:  # light text on a dark ground
        dark = ~dark
    ground, ink = float(np.median(gray[~dark])), float(np.median(gray[dark]))
    # a quarter of the way from the ground to the ink: Otsu's half-way cut left a stem's
    # soft edge out, and 'u m' of vacuum measured as wide as a space at 20 px
    level = ground + INK_FROM * (ink - ground)
    inked = gray < level if ink < ground else gray > level
    return ~np.asarray(inked.any(axis=0))


def _blank_runs(blank: Any) -> list[tuple[int, int]]:
    """The runs of blank columns between ink (start, end: end excluded), the margins
    before the first ink and after the last left out."""
    runs: list[tuple[int, int]] = []
    start = None
    seen_ink = False
    for x, free in enumerate(blank):
        if free and start is None and seen_ink:
            start = x
        elif not free:
            if start is not None:
                runs.append((start, x))
            start, seen_ink = None, True
    return runs


def _runs(text: str, kind: Callable[[str], bool]) -> list[list[int]]:
    """The runs of neighbouring characters of one `kind` in `text`: [index, ...]."""
    runs: list[list[int]] = []
    run: list[int] = []
    for n, char in enumerate(text):
        if kind(char):
            run.append(n)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def respaced(text: str, xs: list[float], crop: Any, hints: list[float] | None = None) -> str:
    """`text` with a space put back between each two neighbouring characters (Latin and
    Latin, Latin and Han) whose gap on `crop` is a word's, not a letter's; `xs` is where
    each character of `text` was read (x on `crop`, as many as characters); `hints` how
    likely the recogniser thought a space between each two (SpaceOdds): a gap it hinted
    at needs only be wider than the run's median letter gap by HINTED_BY of the height,
    any other by WIDER_BY."""
    import statistics

    if len(xs) != len(text) or not any(latin(c) or han(c) for c in text):
        return text
    hints = hints if hints is not None and len(hints) == len(text) - 1 else [0.0] * len(xs)
    height = crop.shape[0]
    margin = HAN_MARGIN * height
    # each run of blank columns is the gap of the one pair of neighbours its middle lies
    # between (a character's place is only roughly known: a window from one to the next
    # took in the space beyond a word's last letter, and split 'vacuu m')
    gaps = [0] * (len(text) - 1)
    # between two Han characters, the one run nearest half-way from one to the next: a
    # glyph's own strokes (川's) leave runs as wide as a space, nearer where it was read
    han_gaps = [(0, float(height))] * (len(text) - 1)  # (width, off half-way)
    for start, end in _blank_runs(blank_columns(crop)):
        middle = (start + end) / 2
        n = sum(1 for x in xs if x <= middle) - 1
        if not 0 <= n < len(gaps):
            continue
        if (han(text[n]) and middle - xs[n] < margin) or (
            han(text[n + 1]) and xs[n + 1] - middle < margin
        ):
            continue  # a Han glyph's own blank columns (川, 以)
        gaps[n] = max(gaps[n], end - start)
        off = abs(middle - (xs[n] + xs[n + 1]) / 2)
        if off < han_gaps[n][1]:
            han_gaps[n] = (end - start, off)

    spaced_after: set[int] = set()
    for run in _runs(text, latin):
        if len(run) < 3:
            continue
        median = statistics.median(gaps[n] for n in run[:-1])
        wide = [
            n
            for n in range(len(gaps))
            if gaps[n] > median + height * (HINTED_BY if hints[n] >= HINT else WIDER_BY)
        ]
        spaced_after |= {n for n in wide if n in run[:-1]}
        before, after = run[0] - 1, run[-1] + 1
        if before >= 0 and han(text[before]) and before in wide:
            spaced_after.add(before)
        if after < len(text) and han(text[after]) and run[-1] in wide:
            spaced_after.add(run[-1])
    # two phrases of Chinese a space parts on the picture: the recogniser joins them too
    # (轻便防风 安心过夜, trial 32's D8), and the engine and the memory got one phrase
    for run in _runs(text, han):
        if len(run) < HAN_RUN:
            continue
        widths = [han_gaps[n][0] for n in run[:-1]]
        median = statistics.median(widths)
        for k, n in enumerate(run[:-1]):
            # the ink alone cannot tell: a narrow glyph (日 of 日常) leaves as wide a gap
            # as a space, on both its sides, where the recogniser saw no space at all
            if hints[n] >= HAN_SURE:
                least = median + height * HAN_SURE_BY
            elif hints[n] >= HAN_HINT:
                beside = [widths[j] for j in (k - 1, k + 1) if 0 <= j < len(widths)]
                least = max(median, *beside) + height * HAN_WIDER_BY
            else:
                continue
            if widths[k] > least:
                spaced_after.add(n)
    return "".join(c + (" " if n in spaced_after else "") for n, c in enumerate(text))

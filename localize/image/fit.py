"""Fitting a caption into a box, pure: the font size searched between a maximum and a
minimum within a number of lines; past the minimum, truncated with an ellipsis and flagged.

Text arrives as break units (words with their trailing space for Latin scripts, tokens from
a Thai word segmenter for Thai); a line breaks only between units, and a unit wider than
the box is split between grapheme clusters, never inside one. `measure(text, size)` is the
width of text at a size: the caller's font, so this module needs no Pillow.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Measure = Callable[[str, int], float]
ELLIPSIS = "…"


@dataclass(frozen=True)
class FitSpec:
    """Sizes and lines a caption may use."""

    max_size: int = 72
    min_size: int = 18
    max_lines: int = 2
    line_spacing: float = 1.25


@dataclass(frozen=True)
class Fit:
    """The chosen size and lines; `truncated` means the text did not fit at the minimum."""

    size: int
    lines: tuple[str, ...]
    truncated: bool

    def height(self, spec: FitSpec) -> int:
        """Height of the lines at this size."""
        return int(round(len(self.lines) * self.size * spec.line_spacing))


def clusters(text: str) -> list[str]:
    """Grapheme clusters, simply: a base character with the marks that follow it."""
    out: list[str] = []
    for ch in text:
        if out and (unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200d\ufe0f"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def latin_units(text: str) -> list[str]:
    """Words, each with the spaces that follow it; a compound of words of three letters
    or more is two units, the first ending on its hyphen ('Extra-' 'long': a line may
    break after a compound's own hyphen, as a typesetter breaks it, before any word is
    hyphenated)."""
    units: list[str] = []
    for ch in text:
        if units and (not units[-1][-1].isspace() or ch.isspace()):
            units[-1] += ch
        else:
            units.append(ch)
    out: list[str] = []
    for unit in units:
        parts = unit.split("-")
        letters = [sum(c.isalpha() for c in part) for part in parts]
        piece = parts[0]
        for k in range(1, len(parts)):  # after this hyphen: three letters on each side
            # ('Glow-' 'in-' 'the-dark', never 'T-' 'shirt' or 'Wi-' 'Fi')
            if sum(letters[:k]) >= 3 and sum(letters[k:]) >= 3 and letters[k - 1]:
                out.append(piece + "-")
                piece = parts[k]
            else:
                piece += "-" + parts[k]
        out.append(piece)
    return out


# Punctuation that closes what comes before it, in any script: never the first thing on a line.
CLOSING = frozenset(
    ",.;:!?)]}%\u2019\u201d\u00bb\u203a\u2026\u3001\u3002\uff0c\uff0e\uff01\uff1f"
    "\uff1a\uff1b\uff09\uff3d\uff5d\u300d\u300f\u3011\u300b\u3009\u0e2f\u0e46"
)


OPENING = frozenset("([{\u2018\u201c\u00ab\u2039\uff08\uff3b\uff5b\u300c\u300e\u3010\u300a\u3008")


# A mark standing alone between phrases ('Thick & warm · Anti-pilling'): where a line
# breaks beside it, the break separates and the mark goes (a line began '· Anti-pilling',
# trial-img13 g04, g11)
SEPARATORS = frozenset("\u00b7\u2022\u30fb|/\u2013\u2014-")


def end_line(line: str) -> str:
    """A line as it ends: its trailing spaces, and a separator standing alone at its end
    (SEPARATORS), dropped."""
    line = line.rstrip()
    head, _, last = line.rpartition(" ")
    if head.strip() and last in SEPARATORS:
        return head.rstrip()
    return line


def glue_closing(units: Sequence[str]) -> list[str]:
    """The units with each one that starts with closing punctuation (a comma, a full stop, a
    closing bracket...), or that is a separator standing alone, joined to the unit before
    it, so that no line can start with it."""
    out: list[str] = []
    for unit in units:
        if out and unit.strip() and (unit.lstrip()[0] in CLOSING or unit.strip() in SEPARATORS):
            if out[-1].strip():
                out[-1] += unit
                continue
            # a space between a word and its mark (Thai writes ๆ after one): the mark still
            # goes with the word (popped first: `out[-2] += out.pop()` stored one slot early)
            if len(out) > 1:
                space = out.pop()
                out[-1] += space + unit
                continue
        out.append(unit)
    joined: list[str] = []  # an opening bracket or quote alone goes with what follows
    for unit in out:
        if joined and joined[-1].strip() and joined[-1].rstrip()[-1] in OPENING:
            joined[-1] = joined[-1].rstrip() + unit
        else:
            joined.append(unit)
    return joined


def hyphenable(unit: str) -> bool:
    """Whether a unit is a Latin-script word long enough to be hyphenated (at least six
    letters, so that each side keeps three)."""
    letters = [ch for ch in unit.strip() if ch.isalpha()]
    return len(letters) >= 6 and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def wrap(
    units: Sequence[str], width: float, size: int, measure: Measure, hyphen: bool = True
) -> list[str]:
    """Greedy lines no wider than `width`; a unit wider than the box is split between
    clusters (with a hyphen for a Latin word; a lone cluster wider than it still gets a
    line)."""
    lines: list[str] = []
    line = ""
    for unit in units:
        candidate = line + unit
        if measure(candidate.rstrip(), size) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(end_line(line))
            line = ""
        unit = unit.lstrip() if not line else unit
        if measure(unit.rstrip(), size) <= width:
            line = unit
            continue
        dash = "-" if hyphen and hyphenable(unit) else ""
        for cluster in clusters(unit):  # a unit wider than the box: split between clusters
            own = cluster == "-"  # its own hyphen ends the line, none is added after it
            fits = measure((line + cluster).rstrip() + ("" if own else dash), size) <= width
            closes = cluster in CLOSING or cluster in SEPARATORS
            if fits or not line or own or closes or cluster.isspace():
                line += cluster
            else:
                lines.append(line.rstrip() + (dash if line[-1:].isalpha() else ""))
                line = cluster
    if line.strip():
        lines.append(end_line(line))
    return lines


def fit(units: Sequence[str], measure: Measure, width: float, height: float, spec: FitSpec) -> Fit:
    """The largest size whose wrapped lines fit the box, else the minimum, truncated."""

    def fits(size: int) -> list[str] | None:
        lines = wrap(units, width, size, measure)
        if len(lines) <= spec.max_lines and len(lines) * size * spec.line_spacing <= height:
            return lines
        return None

    lo, hi, best = spec.min_size, spec.max_size, None
    while lo <= hi:  # the largest size that fits (fitting shrinks as the size grows)
        mid = (lo + hi) // 2
        lines = fits(mid)
        if lines is not None:
            best, lo = (mid, lines), mid + 1
        else:
            hi = mid - 1
    if best is not None:
        return Fit(best[0], tuple(balance(units, width, best[0], measure, len(best[1]))), False)
    return _truncate(units, measure, width, height, spec)


def balance(
    units: Sequence[str], width: float, size: int, measure: Measure, count: int
) -> list[str]:
    """The same text in at most `count` lines with the shortest longest line: wrapped at
    the narrowest width that still needs no more lines (no long first line and a stub)."""
    lines = wrap(units, width, size, measure)
    if len(lines) <= 1:
        return lines
    lo = max(measure(unit.strip(), size) for unit in units)  # never split inside a unit
    hi = width
    while hi - lo > 1:
        mid = (lo + hi) / 2
        if len(wrap(units, mid, size, measure)) <= count:
            hi = mid
        else:
            lo = mid
    narrow = wrap(units, hi, size, measure)
    return narrow if len(narrow) <= count else lines


def _truncate(
    units: Sequence[str], measure: Measure, width: float, height: float, spec: FitSpec
) -> Fit:
    size = spec.min_size
    room = max(1, min(spec.max_lines, int(height // (size * spec.line_spacing))))
    lines = wrap(units, width, size, measure)[:room]
    last = lines[-1] if lines else ""
    while last and measure(last + ELLIPSIS, size) > width:
        last = "".join(clusters(last)[:-1]).rstrip()
    lines[-1:] = [last + ELLIPSIS]
    return Fit(size, tuple(lines), True)

"""Fonts shipped as dependencies (Noto, from PyPI), chosen per script (markets.toml says
which script each language is written in), bold, checked for coverage before drawing:
Pillow silently drops glyphs a font lacks."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from config.errors import AppError, ExitCode
from localize.text.symbols import LEADING, SUBSTITUTES

# script -> (fontpkg family, module carrying its files)
FAMILIES = {
    "thai": ("Noto Sans Thai", "fontpkg_noto_sans_thai"),
}
DEFAULT_FAMILY = ("Noto Sans", "fontpkg_noto_sans")  # Latin: Vietnamese, Malay, Indonesian...
COMPLEX_SCRIPTS = frozenset({"thai"})  # need shaping (Raqm) to place marks
BOLD = 700


class FontError(AppError):
    """A caption that cannot be drawn with the fonts we have, or without Raqm."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True)
class FontChoice:
    """The font file for a script."""

    family: str
    path: Path
    script: str


def font_for(script: str) -> FontChoice:
    """The bundled font for captions in a script."""
    import importlib

    family, module = FAMILIES.get(script, DEFAULT_FAMILY)
    root = Path(importlib.import_module(module).ROOT) / "files"
    upright = sorted(p for p in root.glob("*.ttf") if "Italic" not in p.name)
    if not upright:
        raise FontError(f"the font package {module} has no upright font file")
    return FontChoice(family, upright[0], script)


@functools.lru_cache(maxsize=8)
def coverage(path: Path) -> frozenset[int]:
    """Code points the font has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


_MARKERS = ("\u2022", "\u25e6", "\u2023", "\u203a", "\u00d7")  # • ◦ ‣ › ×
_INVISIBLE = "\u200b\u200c\u200d\ufe0f"


def _drawable(ch: str, have: frozenset[int]) -> bool:
    return ord(ch) in have or ch.isspace() or ch in _INVISIBLE


def substitute(text: str, choice: FontChoice) -> str:
    """`text` with each character the font lacks drawn as its near equivalent the font
    has (SUBSTITUTES; a check mark as a list's mark where it leads a claim, LEADING; else
    its compatibility form: a full-width ！ as !, ℃ as °C); a character with neither
    stays, for check_coverage (or undrawable_symbols) to name."""
    import unicodedata

    have = coverage(choice.path)
    out = []
    for n, ch in enumerate(text):
        if not _drawable(ch, have):
            fold = unicodedata.normalize("NFKC", ch)
            leading = LEADING.get(ch, ()) if _leads(text, n) else ()
            for other in (*SUBSTITUTES.get(ch, ()), *leading, fold):
                if other and other != ch and all(_drawable(c, have) for c in other):
                    ch = other
                    break
        out.append(ch)
    # a list's mark that leads the line keeps its gap from the words after it, whether it
    # was drawn as its stand-in ("●防水" read as one word: "• Waterproof", not
    # "•Waterproof") or OCR read it as a mark the font has (14_symbols' ☒ read "×": the
    # engine's "×One-tap pairing" was set with no space, trial s32); "×2" is a count. (The
    # first only: one inside a line is a separator where the line breaks, fit.wrap.)
    if len(out) > 1 and out[0] in _MARKERS:
        after = out[1][:1]
        if after.isalpha() or (out[0] != text[0] and after.isdigit()):
            out[0] += " "
    return "".join(out)


def _leads(text: str, n: int) -> bool:
    """Whether character `n` of `text` leads a claim: first, or after a space, with words
    after it (or none anywhere: a mark alone is one)."""
    words = [ch.isalnum() for ch in text]
    return (n == 0 or text[n - 1].isspace()) and (any(words[n + 1 :]) or not any(words))


def trailing_symbols(text: str, choice: FontChoice) -> tuple[str, list[str]]:
    """`text` without the symbols after its words that the font lacks and that have no
    stand-in there, and those symbols: a check mark (its stand-in, a list's mark, means a
    claim only before one) and one drawn as a separator (● as •: a line's end drops a
    separator, fit.end_line, so it went unsaid: trial s32). Text of symbols alone is kept
    (what is left of it is said by the caller)."""
    from localize.image.fit import SEPARATORS

    have = coverage(choice.path)
    dropped: list[str] = []
    end = len(text)
    while end > 0:
        rest = text[:end].rstrip()
        ch = rest[-1:] if rest else ""
        if not ch or _drawable(ch, have) or not any(c.isalnum() for c in rest[:-1]):
            break
        stand_in = next(
            (o for o in SUBSTITUTES.get(ch, ()) if all(_drawable(c, have) for c in o)), None
        )
        if ch not in LEADING and stand_in not in SEPARATORS:
            break
        dropped.append(ch)
        end = len(rest) - 1
    if not dropped:
        return text, []
    return text[:end].rstrip(), sorted(set(dropped))


def undrawable_symbols(text: str, choice: FontChoice) -> list[str]:
    """The characters of `text` the font cannot draw that are pictures, not words (a
    heart, an arrow up): a region's translation is drawn without them, and said; a
    letter, a digit, a currency sign (฿ in a Latin font) or a mathematical sign (≥) the
    font lacks is not dropped: what the text says would change."""
    import unicodedata

    have = coverage(choice.path)
    return sorted(
        {
            ch
            for ch in text
            if not _drawable(ch, have)
            and (unicodedata.category(ch) == "So" or _is_emoji(ch) or _is_arrow(ch))
        }
    )


def _is_arrow(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _ARROWS)


_ARROWS = ((0x2190, 0x21FF), (0x27F0, 0x27FF), (0x2900, 0x297F), (0x2B00, 0x2BFF))


def check_coverage(
    text: str, choice: FontChoice, what: str = "the caption", fix: str = "remove or replace them"
) -> None:
    """Raise naming every character the font cannot draw (`what` says whose text it is,
    `fix` what to do)."""
    have = coverage(choice.path)
    missing = sorted({ch for ch in text if not _drawable(ch, have)})
    if missing:
        named = ", ".join(_named(ch) for ch in missing[:10])
        emoji = any(_is_emoji(ch) for ch in missing)
        raise FontError(
            f"{what} has characters {choice.family} cannot draw: {named}; "
            + (
                "emoji are refused, as shopbot ships no colour emoji font to draw them; "
                if emoji
                else ""
            )
            + fix
        )


def _is_emoji(ch: str) -> bool:
    return ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF


def named(chars: list[str]) -> str:
    """Characters as a reader can find them (see _named), comma-separated."""
    return ", ".join(_named(ch) for ch in chars)


def _named(ch: str) -> str:
    """A character as a reader can find it: itself, its code point, its Unicode name."""
    import unicodedata

    name = unicodedata.name(ch, "")
    return f"{ch!r} (U+{ord(ch):04X}){' ' + name if name else ''}"


def needs_shaping(script: str) -> bool:
    """Whether text in this script must be laid out by Raqm (marks placed on their bases)."""
    return script in COMPLEX_SCRIPTS


def require_shaping(script: str) -> None:
    """Complex scripts need Raqm; without it Thai marks collide. Say how to get it."""
    if not needs_shaping(script):
        return
    from PIL import features

    if not features.check("raqm"):
        raise FontError(
            f"drawing {script} text needs Pillow's Raqm layout, which needs the FriBiDi "
            "library: install it (Debian/Ubuntu: apt-get install libfribidi0; macOS: brew "
            "install fribidi) and run again"
        )


@functools.lru_cache(maxsize=64)
def load(path: Path, size: int, weight: int = BOLD):  # type: ignore[no-untyped-def]
    """A Pillow font at a size, the variable font set to `weight` (bold by default)."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(path), size, layout_engine=_engine())
    try:
        axes = font.get_variation_axes()
    except OSError:  # not a variable font
        return font
    values = []
    for axis in axes:
        name = axis["name"].decode() if isinstance(axis["name"], bytes) else str(axis["name"])
        values.append(
            float(weight) if name.strip().lower() in ("weight", "wght") else float(axis["default"])
        )
    font.set_variation_by_axes(values)
    return font


@functools.lru_cache(maxsize=4096)
def length(path: Path, size: int, weight: int, text: str, language: str | None) -> float:
    """How long `text` is, set in load(path, size, weight) and shaped for `language`: the
    layout asks the same words at the same sizes again and again as it tries sizes and
    breaks (5,465 times for 8 images, 6% of their drawing's CPU), each shaped once."""
    return float(load(path, size, weight).getlength(text, language=language))


def _engine():  # type: ignore[no-untyped-def]
    from PIL import ImageFont, features

    return ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC

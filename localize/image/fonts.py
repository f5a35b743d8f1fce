"""Fonts shipped as dependencies (Noto, from PyPI), chosen per script (markets.toml says
which script each language is written in), bold, checked for coverage before drawing:
Pillow silently drops glyphs a font lacks."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from config.errors import AppError, ExitCode
from config.i18n import Msg, Text, msg, pmsg
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


MOST_NAMED = 5  # characters a message names of those a font cannot draw; the rest counted

# A script as a reader names it, by the first word of its letters' Unicode names.
_SCRIPTS = {
    "THAI": pmsg("script", "Thai"),
    "CJK": pmsg("script", "Chinese"),
    "HANGUL": pmsg("script", "Korean"),
    "HIRAGANA": pmsg("script", "Japanese"),
    "KATAKANA": pmsg("script", "Japanese"),
    "CYRILLIC": pmsg("script", "Cyrillic"),
    "ARABIC": pmsg("script", "Arabic"),
    "HEBREW": pmsg("script", "Hebrew"),
    "DEVANAGARI": pmsg("script", "Devanagari"),
    "LAO": pmsg("script", "Lao"),
    "KHMER": pmsg("script", "Khmer"),
    "MYANMAR": pmsg("script", "Burmese"),
}


def check_coverage(
    text: str,
    choice: FontChoice,
    what: Text | None = None,
    fix: Text | None = None,
    language: str | None = None,
) -> None:
    """Raise naming the characters the font cannot draw (at most MOST_NAMED of them, the
    rest counted); `what` says whose text it is (the caption), `fix` what to do. A text
    most of whose letters are of a script the font lacks is said to be written in it (a
    Vietnamese shop's caption in Thai was 463 characters of Thai letters' names), and
    asked for in `language` (its name) when given."""
    have = coverage(choice.path)
    missing = sorted({ch for ch in text if not _drawable(ch, have)})
    if not missing:
        return
    what = what or msg("the caption")
    named = ", ".join(_named(ch) for ch in missing[:MOST_NAMED])
    if len(missing) > MOST_NAMED:
        named = msg("{named} and {more} more", named=named, more=len(missing) - MOST_NAMED)
    script = _written_in(text, missing)
    if script is not None:  # the script said, a few of its letters shown: no list of names
        shown = ", ".join(repr(ch) for ch in missing[:3])
        if language:
            fix = msg("give it in {language}", language=language)
        raise FontError(
            msg(
                "{what} is written in {script}, which {family} cannot draw ({count} "
                "different characters, such as {shown}); {fix}",
                what=what,
                script=script,
                family=choice.family,
                count=len(missing),
                shown=shown,
                fix=fix or msg("give it in the market's language"),
            )
        )
    emoji = any(_is_emoji(ch) for ch in missing)
    raise FontError(
        msg(
            "{what} has characters {family} cannot draw: {named}; emoji are refused, as "
            "shopbot ships no colour emoji font to draw them; {fix}",
            what=what,
            family=choice.family,
            named=named,
            fix=fix or msg("remove or replace them"),
        )
        if emoji
        else msg(
            "{what} has characters {family} cannot draw: {named}; {fix}",
            what=what,
            family=choice.family,
            named=named,
            fix=fix or msg("remove or replace them"),
        )
    )


def _written_in(text: str, missing: list[str]) -> Msg | None:
    """The script `text` is written in, as a reader names it, when most of its letters are
    of one script and that one's are among the `missing` ones; else None (a word of
    Chinese in a Thai caption: its characters are named)."""
    import unicodedata
    from collections import Counter

    lacking = set(missing)
    letters = [ch for ch in text if unicodedata.category(ch)[0] in "LM"]
    scripts = Counter(unicodedata.name(ch, "?").split()[0] for ch in letters if ch in lacking)
    if not scripts:
        return None
    script, count = scripts.most_common(1)[0]
    return _SCRIPTS.get(script) if count * 2 > len(letters) else None


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

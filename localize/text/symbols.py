"""Symbols suppliers put on images that the fonts shopbot ships lack, and what to draw
instead: the image's fonts (localize.image.fonts.substitute) draw them so, and a caption's
text keeps them for it (leftovers: they are not the emoji a caption cannot have)."""

from __future__ import annotations

import unicodedata

# Symbols suppliers put on images that the fonts we ship lack (Noto Sans has none of
# ● ★ ✓ → ①, trial 31's 14_symbols), each with what to draw instead, the first the font
# has: a list's marker stays a marker, a bracket a bracket, a number a number.
_BULLET = ("\u2022",)  # •
_HOLLOW = ("\u25e6", "\u2022")  # ◦ •
_POINTER = ("\u2023", "\u203a", "\u2022")  # ‣ › •
_STAR = ("*",)
_CROSS = ("\u00d7", "x")  # ×
SUBSTITUTES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys("●⚫⬤◉⦿■◼◾▪◆♦◈❖♠♣∙", _BULLET),
    **dict.fromkeys("○◯◎⚪□◻◽▫◇♢♤♧", _HOLLOW),
    **dict.fromkeys("▶►▸▷▹➤➢➣➔➜➙➛➝➞", _POINTER),
    **dict.fromkeys("★☆✦✧✩✪✫✬✭✮✯✰⭐✱✲✳✴✵✶✷✸❋❇❈※", _STAR),
    **dict.fromkeys("✗✘✕✖❌❎☒⨯", _CROSS),
    **dict.fromkeys("→⇒⟶⟹➡⮕", ("->",)),
    **dict.fromkeys("←⇐⟵⬅", ("<-",)),
    **dict.fromkeys("【〖〔［〘", ("[",)),
    **dict.fromkeys("】〗〕］〙", ("]",)),
    **dict.fromkeys("「『", ("\u201c", '"')),  # “
    **dict.fromkeys("」』", ("\u201d", '"')),  # ”
    **dict.fromkeys("《〈", ("\u00ab", '"')),  # «
    **dict.fromkeys("》〉", ("\u00bb", '"')),  # »
    **dict.fromkeys("～〜", ("~",)),
    **{chr(0x2460 + n): (f"({n + 1})",) for n in range(20)},  # ①..⑳
    **{chr(0x2776 + n): (f"({n + 1})",) for n in range(10)},  # ❶..❿
    **{chr(0x2780 + n): (f"({n + 1})",) for n in range(10)},  # ➀..➉
    **{chr(0x278A + n): (f"({n + 1})",) for n in range(10)},  # ➊..➓
    "\u24ea": ("(0)",),  # ⓪
}

# Check marks: neither Noto Sans nor Noto Sans Thai has one (no ✓ ✔ ☑, nor √), so a tick
# has a stand-in only where it marks a claim as a list's mark does, before its words
# ("✓包邮" -> "• Free shipping"). After the words ("防水 ✓") a bullet means nothing (and
# a line's end drops it as a separator: trial s32), and "v" reads as a letter ("Waterproof
# v", a stray Latin letter in Thai): left out there, and said.
LEADING: dict[str, tuple[str, ...]] = dict.fromkeys("✓✔☑✅√", _BULLET)

# Every symbol the image's fonts draw some way: a caption's text keeps them (leftovers).
DRAWN = frozenset(SUBSTITUTES) | frozenset(LEADING)


_POINTS = frozenset("•◦‣∙·・")  # list marks Unicode files as punctuation


def leads_with_mark(text: str) -> bool:
    """Whether a line starts with a list's mark or a symbol (● ☒ ✓ ★ ×, not a currency sign
    nor a bracket): its ink is the mark's as much as its words' (14_symbols: ☒'s hairlines
    read its line half as heavy as its siblings behind their ●s)."""
    first = text.lstrip()[:1]
    if not first or first in "～〜":  # (a bracket or a tilde: no mark)
        return False
    kind = unicodedata.category(first)  # a symbol, a circled number (①), a mark as × or √
    return first in _POINTS or kind in ("So", "No") or (kind == "Sm" and first in DRAWN | {"×"})

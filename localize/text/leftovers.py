"""Leftovers of Chinese listings, pure: marketing brackets (【新款】), fullwidth punctuation,
emoji in titles, images and links to other sites in descriptions.

Where the fix is certain it is made and said: `clean_source` before translation (engines get
clean input), `clean_translation` after (engines sometimes keep 【】 or '，'); each returns the
changes it made, which the checks turn into a finding the reviewer sees. What is left, or
what a reviewer typed, is found by `found`, each with the fix to make.

Decisions:
- 【X】 and 〖X〗 become X (the brackets go, spaced from the words beside them): 新款 "new
  model" says something about the product. In a title, a pair holding nothing but a
  promotion (PROMOTIONS: 包邮 "free shipping", 热卖 "hot sale", 特价, Hot, ...) is dropped
  whole: TikTok Shop titles take no promotions or information that does not describe the
  product (Seller University, "Product Titles, Descriptions, Images & Videos"); a caption
  or a description keeps the word. An empty pair is dropped.
- Fullwidth punctuation becomes the target language's: Latin-script languages take ', ' for
  '，' and '、', '.' for '。', and so on; Thai, Lao and Khmer write a space where Chinese ends a
  sentence or pauses (they have no full stop or enumeration comma); Chinese and Japanese
  keep theirs.
- Emoji leave titles (TikTok Shop refuses special characters in a title); captions and
  descriptions keep them. ©, ®, ™ and ° are not emoji.
- An image on another site leaves the description: TikTok Shop shows only images uploaded to
  it (its own CDN hosts are kept). A link (<a href>) loses its tag and keeps its text (the
  sanitizer does that), and is named. An address written in the text is only found: cutting
  words out of a sentence is not a certain fix.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from config.markets import primary_language
from localize.text.symbols import DRAWN

# Hosts of TikTok's own image CDN: a description image there was uploaded to TikTok Shop.
# (From the URLs its image upload answers; unverified beyond them.)
TIKTOK_IMAGE_HOSTS = ("ibyteimg.com", "byteimg.com", "tiktokcdn.com", "tiktokcdn-us.com")

# Bracketed tags that only promote (no word about the product): dropped from titles. The
# rule is TikTok's; the list is ours (Chinese sellers' usual tags and their translations).
PROMOTIONS = frozenset(
    {"包邮", "免邮", "热卖", "热销", "爆款", "特价", "促销", "限时", "秒杀", "清仓", "折扣"}
    | {"现货", "hot", "hot sale", "sale", "free shipping", "best seller", "promo"}
)
# Where a promotion was, until the spaces round it are settled: a noncharacter, which no
# text a seller writes carries.
_DROPPED = "\ufdd0"
_GAP = re.compile(r"\s*(?:\ufdd0\s*)+")
_MARK = re.compile(r"[【〖]\s*([^【】〖〗]*?)\s*[】〗]")
_EMOJI_CHARS = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23f3\u23f8-\u23fa\u3030\u303d\u3297\u3299"
)
_MODIFIERS = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = re.compile(
    f"[{_EMOJI_CHARS}][{_MODIFIERS}]*(?:\u200d[{_EMOJI_CHARS}][{_MODIFIERS}]*)*|\ufe0f?\u20e3"
)
# A caption's emoji: not the symbols the image's fonts draw as a stand-in (symbols.py: ★ as
# *, ✓ as •), which a supplier's image carries and its translation keeps (trial 31: the ★
# round 14_symbols' title was dropped from its translation, silently); but one followed
# by an emoji's modifier or joiner is the emoji still.
_CAPTION_EMOJI = re.compile(
    f"(?![{re.escape(''.join(sorted(DRAWN)))}](?![{_MODIFIERS}\u200d]))(?:{_EMOJI.pattern})"
)


def _emoji(field: str) -> re.Pattern[str]:
    return _CAPTION_EMOJI if field == "caption" else _EMOJI


# The marks of Chinese text a translation into another script must not keep.
CJK_PUNCTUATION = "【】〖〗「」『』《》〈〉、。，！？：；（）〔〕～〜"
_CJK = re.compile(f"[{CJK_PUNCTUATION}]")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_ATTR = r"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))"
_SRC = re.compile(_ATTR.format(name="src"), re.IGNORECASE)
_HREF = re.compile(_ATTR.format(name="href"), re.IGNORECASE)
_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'，。、）)]+", re.IGNORECASE)

# Fullwidth mark -> (the Latin-script mark, space before it, space after it).
_LATIN: dict[str, tuple[str, bool, bool]] = {
    "，": (",", False, True),
    "、": (",", False, True),
    "。": (".", False, True),
    "！": ("!", False, True),
    "？": ("?", False, True),
    "：": (":", False, True),
    "；": (";", False, True),
    "（": ("(", True, False),
    "）": (")", False, True),
    "〔": ("(", True, False),
    "〕": (")", False, True),
    "「": ("\u201c", True, False),
    "」": ("\u201d", False, True),
    "『": ("\u2018", True, False),
    "』": ("\u2019", False, True),
    "《": ("\u201c", True, False),
    "》": ("\u201d", False, True),
    "〈": ("\u2018", True, False),
    "〉": ("\u2019", False, True),
    # the wave Chinese sellers end a cheerful line with (包邮～) or write a range with
    # (3～5天): the tilde every script has, as the image's fonts draw it (symbols.py)
    "～": ("~", False, True),
    "〜": ("~", False, True),
    # Chinese writes its ellipsis twice (……, or ⋯⋯): once is the mark other scripts write
    "……": ("\u2026", False, True),
}
# Thai, Lao and Khmer: a space where Chinese ends a sentence or pauses.
_SPACED = _LATIN | {m: (" ", False, False) for m in "，、。；"}
_CHINESE_ELLIPSIS = re.compile("[\u2026\u22ef]{2,}")
_MARKS = re.compile(f"{_CHINESE_ELLIPSIS.pattern}|[{''.join(k for k in _LATIN if len(k) == 1)}]")
_ENGINE_SPACES = " \u3000"
_AGAINST_THE_WORD = ",.!?:;)\u201d\u2019\u2026"  # marks with no space before them
_KEEPS_CJK = ("zh", "ja")
_SPACE_SEPARATED = ("th", "lo", "km")


@dataclass(frozen=True)
class Change:
    """One kind of leftover cleaned in a field: what stood there and what it became."""

    # marketing_brackets, promotion_tag, cjk_punctuation, title_emoji, external_image,
    # external_link (named only: the sanitizer takes the tag off)
    code: str
    before: str
    after: str


@dataclass
class Cleaned:
    """A field's text with its certain leftovers fixed, and what was changed."""

    text: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Leftover:
    """A leftover still in a text: what it is, the text as it stands and the fix to make."""

    code: str
    text: str
    fix: str


def keeps_cjk_punctuation(language: str) -> bool:
    """Whether `language` is written with Chinese punctuation (Chinese, Japanese)."""
    return primary_language(language) in _KEEPS_CJK


def _word(ch: str) -> bool:
    return ch.isalnum()


def _unbracket(text: str, changes: list[Change], *, title: bool = False) -> str:
    """【X】 -> X, spaced from the words beside it; in a title, a promotion alone goes."""

    def one(m: re.Match[str]) -> str:
        inner = m.group(1)
        if title and " ".join(inner.casefold().split()) in PROMOTIONS:
            changes.append(Change("promotion_tag", m.group(0), ""))
            return _DROPPED
        before = m.string[m.start() - 1] if m.start() else ""
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        out = (" " if inner and _word(before) else "") + inner
        out += " " if inner and (_word(after) or (after != "" and after in "【〖")) else ""
        changes.append(Change("marketing_brackets", m.group(0), inner))
        return out

    def gap(m: re.Match[str]) -> str:
        """Where promotions went, with the spaces round them: one space between words."""
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        return " " if m.start() and _word(after) else ""

    start = len(changes)
    text = _MARK.sub(one, text)
    promoted = any(c.code == "promotion_tag" for c in changes[start:])
    return _GAP.sub(gap, text) if promoted else text


# Fields that take no emoji: TikTok Shop refuses them in a title, and a caption is drawn on
# the image with fonts that have none (drawing one failed the item's images every run).
EMOJI_FREE = ("title", "caption")


# What an engine's answer may carry that no shopper may get: C0 controls but line feed and
# tab, DEL and C1, line and paragraph separators, bidi embeddings, overrides and isolates
# (config.terminal.control_character names them).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _no_controls(text: str, changes: list[Change], field: str) -> str:
    """An engine's text without control characters (and, but in a description, without tabs
    and line breaks: a space instead): they never belong in a listing, and kept they made
    the field an error no one could clear (the item failed on every run)."""
    gone = list(dict.fromkeys(_CONTROLS.findall(text)))
    breaks = field not in ("", "description") and any(c in text for c in "\t\n")
    if not gone and not breaks:
        return text
    if breaks:
        gone += list(dict.fromkeys(c for c in text if c in "\t\n"))
        text = re.sub(r"[ ]*[\t\n]+[ ]*", " ", text).strip()
    changes.append(Change("control_character", ", ".join(f"U+{ord(c):04X}" for c in gone), ""))
    return _CONTROLS.sub("", text)


def _no_emoji(text: str, changes: list[Change], field: str = "title") -> str:
    """The text without emoji, the spaces they stood between made one (a title: TikTok
    Shop refuses them; a caption: its fonts cannot draw them on the image)."""
    gone = [m.group(0) for m in _emoji(field).finditer(text)]
    if not gone:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    body = re.sub(r"[ \t\u3000]{2,}", " ", _emoji(field).sub(" ", text.strip())).strip()
    changes.append(Change(f"{field}_emoji", "".join(gone), ""))
    return lead + body + trail if body else ""


def _punctuation(text: str, language: str, changes: list[Change]) -> str:
    """Fullwidth marks as `language` writes them."""
    table = _SPACED if primary_language(language) in _SPACE_SEPARATED else _LATIN
    if not any(ch in table for ch in text) and not _CHINESE_ELLIPSIS.search(text):
        return text
    out: list[str] = []
    at = 0
    for m in _MARKS.finditer(text):
        out.append(text[at : m.start()])
        at = m.end()
        ch = "……" if _CHINESE_ELLIPSIS.fullmatch(m.group()) else m.group()
        if ch not in table:
            out.append(ch)
            continue
        mark, space_before, space_after = table[ch]
        prev = next((o[-1] for o in reversed(out) if o), "")
        nxt = text[m.end()] if m.end() < len(text) else ""
        if mark == " ":
            mark = "" if not prev or prev.isspace() or not nxt or nxt.isspace() else " "
        elif prev.isdigit() and nxt.isdigit() and mark in ",.:~":
            pass  # 1，000 or 3。5: a number's separator; 3～5: a range
        else:
            if mark[0] in _AGAINST_THE_WORD and prev in _ENGINE_SPACES:
                # an engine's space before the mark ('Free Shipping ，'): none before ','
                while out and (not out[-1] or out[-1][-1] in _ENGINE_SPACES):
                    out[-1] = out[-1].rstrip(_ENGINE_SPACES)
                    if out[-1]:
                        break
                    out.pop()
            if space_before and _word(prev):
                mark = " " + mark
            if space_after and (_word(nxt) or (nxt != "" and nxt in "（「『《〈〔")):
                mark += " "
        # said as the mark it became ('，' -> ','), or the space or nothing Thai writes
        said = table[ch][0] if table[ch][0] != " " else mark
        changes.append(Change("cjk_punctuation", m.group(), said))
        out.append(mark)
    out.append(text[at:])
    return "".join(out)


# Where Chinese pauses, ends a sentence or closes a bracket at the end of a text piece, or
# pauses or opens one at its start: marks after which (or before which) the target writes
# a space, whatever it writes of the mark itself.
_ENDS_A_RUN = "".join(m for m, (_, _, after) in _LATIN.items() if after) + "…"
_STARTS_A_RUN = "".join(m for m, (_, before, _) in _LATIN.items() if before) + "，、。；！？：～〜…"
_CLOSING = ",.;:!?)]}\u201d\u2019\u00bb…~%"  # what stands against the word before it
_OPENING = "([{\u201c\u2018\u00ab"  # ... against the word after it


def join_pieces(
    sources: list[str],
    pieces: list[str],
    changes: list[list[Change]],
    meets: list[str | None],
    language: str,
) -> list[str]:
    """A description's translated text pieces (each cleaned alone, `changes` what that
    cleaning did) as they read beside each other: where two pieces meet with only inline
    tags between (`meets`, html.Fragment.meets) at a mark of the source (`<b>限时特惠</b>，
    全场包邮`), the space the target writes there. A piece alone cannot tell: Thai wrote
    nothing for a '，' at its start and the two phrases ran together (trial 32), a Latin
    ',' at its end had no space after it. The mark Thai wrote as nothing is said as the
    space it became."""
    out = list(pieces)
    if keeps_cjk_punctuation(language):
        return out

    def said_as_space(i: int, mark: str) -> None:
        gone = Change("cjk_punctuation", mark, "")
        if gone in changes[i]:
            changes[i].remove(gone)
            changes[i].append(Change("cjk_punctuation", mark, " "))

    # a piece of nothing but a mark (<b>限时特惠</b>，<b>全场包邮</b>) that Thai wrote as
    # nothing: the space between the pieces either side
    for i in range(1, len(out) - 1):
        left, right = out[i - 1], out[i + 1]
        if out[i].strip() or not meets[i - 1] or not meets[i]:
            continue
        if not left.strip() or not right.strip() or left[-1].isspace() or right[0].isspace():
            continue
        if sources[i] and all(c in _STARTS_A_RUN + _ENDS_A_RUN for c in sources[i]):
            out[i] = " "
            said_as_space(i, sources[i])
    for i, side in enumerate(meets):
        left, right = out[i], out[i + 1]
        if side is None or not left.strip() or not right.strip():
            continue
        if left[-1].isspace() or right[0].isspace():
            continue
        if left[-1] in _OPENING or right[0] in _CLOSING:
            continue
        ended, started = sources[i][-1:], sources[i + 1][:1]
        mark, held = (
            (ended, i)
            if ended and ended in _ENDS_A_RUN
            else (started, i + 1)
            if started and started in _STARTS_A_RUN
            else ("", -1)
        )
        if not mark:
            continue
        if side == "end":
            out[i] = left + " "
        else:
            out[i + 1] = " " + right
        said_as_space(held, mark)
    return out


def _external(url: str) -> bool:
    """Whether an image address is on another site than TikTok's own image CDN."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    return not any(host == h or host.endswith("." + h) for h in TIKTOK_IMAGE_HOSTS)


def _attr(pattern: re.Pattern[str], tag: str) -> str:
    m = pattern.search(tag)
    if not m:
        return ""
    return htmllib.unescape(next(g for g in m.groups() if g is not None))


def _no_external_images(text: str, changes: list[Change]) -> str:
    def one(m: re.Match[str]) -> str:
        src = _attr(_SRC, m.group(0))
        if src and _external(src):
            changes.append(Change("external_image", src, ""))
            return ""
        return m.group(0)

    return _IMG.sub(one, text)


def clean_source(text: str, field: str) -> Cleaned:
    """A Chinese listing field made ready for engines: 【X】 -> X; a title's emoji dropped;
    a description's images on other sites dropped and its links named."""
    changes: list[Change] = []
    if field == "description":
        text = _no_external_images(text, changes)
        for tag in _LINK.finditer(text):
            href = _attr(_HREF, tag.group(0))
            if href and not href.startswith("#"):
                changes.append(Change("external_link", href, ""))
    text = _unbracket(text, changes, title=field == "title")
    if field in EMOJI_FREE:
        text = _no_emoji(text, changes, field)
    return Cleaned(text, changes)


def clean_translation(text: str, field: str, language: str) -> Cleaned:
    """An engine's text (plain: a description's text pieces one at a time) with the Chinese
    leftovers it kept fixed for `language`."""
    changes: list[Change] = []
    text = _no_controls(text, changes, field)
    if keeps_cjk_punctuation(language):
        return Cleaned(text, changes)
    text = _unbracket(text, changes, title=field == "title")
    text = _punctuation(text, language, changes)
    if field in EMOJI_FREE:
        text = _no_emoji(text, changes, field)
    return Cleaned(text, changes)


def found(text: str, plain: str, field: str, language: str) -> list[Leftover]:
    """The leftovers in a translated field as it stands (`plain`: its words without markup),
    each with its fix: what cleaning would have made of it, or what to do."""
    out: list[Leftover] = []
    if not keeps_cjk_punctuation(language):
        marks = list(dict.fromkeys(_CJK.findall(plain)))
        if marks:
            fixed = clean_translation(plain, field, language).changes
            how = {c.before: c.after for c in fixed if c.code == "cjk_punctuation"}
            brackets = ("marketing_brackets", "promotion_tag")
            fixes = [f"{c.before} -> {c.after!r}" for c in fixed if c.code in brackets] + [
                f"{m} -> {how[m]!r}" for m in marks if m in how
            ]
            out.append(Leftover("cjk_punctuation", "".join(marks), "; ".join(fixes)))
    if field in EMOJI_FREE:
        gone = [m.group(0) for m in _emoji(field).finditer(plain)]
        if gone:
            out.append(Leftover(f"{field}_emoji", "".join(dict.fromkeys(gone)), "remove them"))
    if field == "description":
        for tag in _IMG.finditer(text):
            src = _attr(_SRC, tag.group(0))
            if src and _external(src):
                out.append(
                    Leftover(
                        "external_image",
                        src,
                        "remove the <img>, or upload the picture in Seller Center's Media "
                        "Center and use the address it gives",
                    )
                )
        for tag in _LINK.finditer(text):
            href = _attr(_HREF, tag.group(0))
            if href and not href.startswith("#"):
                out.append(Leftover("external_link", href, "remove the <a> tag (keep its text)"))
    for address in dict.fromkeys(_ADDRESS.findall(plain)):
        out.append(
            Leftover("address", address, "remove it: TikTok Shop refuses links to other sites")
        )
    return out

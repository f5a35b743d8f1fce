"""A line that carries Chinese and its own translation in Latin letters, pure.

Supplier images and listings often say a thing twice: "颜色以实物为准 Color may vary",
"纯棉T恤 Cotton T-shirt", "尺码 Size: M" (either order). Sent whole, an engine translates
the Chinese and leaves the Latin as it is, so in English the line read "Actual color may
vary Color may vary" (trial 31, D6), with every engine. Such a line is split here into its
two parts, so that the Chinese part alone is translated:

- when the engine's answer for the Chinese part says what the Latin part says (their words
  overlap: the buyer reads the Latin part's language), the line becomes the Latin part
  alone, as the seller wrote it;
- else, for a buyer of another language, the Chinese part's translation is set beside the
  Latin part, in the line's order: a bilingual line stays bilingual ("สีตามสินค้าจริง
  Color may vary"), the Latin part exactly as written.

A brand or a model in Latin letters is not a translation, and must never be dropped
("小米 Xiaomi 充电宝", "AirPods Pro 保护套", "X-200 充电器"): a part with a code (letters with
digits), a capital inside a word (AirPods, iPhone), an all-capitals word (USB) or letters
other than English's is not split at all, nor a line with Latin words on both sides of its
Chinese. Setting a translation beside an English-looking part without an engine's word for
it takes a phrase (several words, one of them lower-case: "Color may vary"); two capitalised
words may be a name ("Apple Watch"). When unsure, the line goes whole to the engine, as
before. An ASCII Latin part is taken for English: the language suppliers add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
_LETTERS = re.compile(r"[A-Za-z]{2,}")  # a Latin word inside the Chinese part: three parts
# What joins the two parts: spaces, with a slash or a bar between them, or nothing.
_JOINT = r"\s*[/|｜]?\s*"
# Chinese punctuation, brackets and digits that belong to the Chinese part's edge.
_ZH_TAIL = re.compile(rf"^([^\sA-Za-z/|｜]*)({_JOINT})(.*)$", re.DOTALL)
_ZH_HEAD = re.compile(rf"^(.*?)({_JOINT})([^\sA-Za-z/|｜]*)$", re.DOTALL)
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?%?")
_EDGE = "\"'.,:;!?()[]（）【】“”‘’"
# Clothing sizes: all capitals and not a brand's initials.
_SIZES = frozenset({"XS", "XL", "XXL", "XXXL", "XXS", "2XL", "3XL", "4XL"})
# Words too common to say two lines mean the same.
_STOP = frozenset(
    "a an the of to in on at for and or is are be it its by with as this that these your our "
    "please".split()
)
LATIN_SHARE, ANSWER_SHARE = 2 / 3, 1 / 2  # of each side's words the other has, at least


@dataclass(frozen=True)
class Mixed:
    """A line split into its Chinese and Latin parts, and what joined them."""

    chinese: str
    latin: str
    joint: str  # " ", " / ", "" (glued)
    latin_first: bool

    def beside(self, translation: str) -> str:
        """The Chinese part's `translation` set where the Chinese was, the Latin part and the
        joint as they were."""
        joint = self.joint or " "  # glued to Chinese, a Latin word must now be spaced
        if self.latin_first:
            return f"{self.latin}{joint}{translation}"
        return f"{translation}{joint}{self.latin}"

    @property
    def phrase(self) -> bool:
        """Whether the Latin part reads as a phrase rather than a name: several words, one of
        them lower-case ("Color may vary"; not "Apple Watch")."""
        words = [w for w in _WORD.findall(self.latin) if len(w) > 1]
        return len(words) >= 2 and any(w.islower() for w in words)


def split(text: str) -> Mixed | None:
    """`text` as a Chinese part and a Latin part of words (see the module), or None when it
    is not one such line, or its Latin part may be a name or a code."""
    line = text.strip()
    if "\n" in line or len(line) > 200:
        return None
    hans = [m.start() for m in _HAN.finditer(line)]
    if not hans:
        return None
    first, last = hans[0], hans[-1]
    # a letter glued to the Chinese, alone, is a Chinese word's ("T恤", "卫衣S")
    while (
        first > 0 and _has_letter(line[first - 1]) and not _has_letter(line[first - 2 : first - 1])
    ):
        first -= 1
    while _has_letter(line[last + 1 : last + 2]) and not _has_letter(line[last + 2 : last + 3]):
        last += 1
    before, after = line[:first], line[last + 1 :]
    if _has_letter(before) == _has_letter(after):  # Latin on both sides, or on neither
        return None
    if _has_letter(after):
        edge, joint, latin = _ZH_TAIL.match(after).groups()  # type: ignore[union-attr]
        chinese, latin_first = before + line[first : last + 1] + edge, False
    else:
        latin, joint, edge = _ZH_HEAD.match(before).groups()  # type: ignore[union-attr]
        chinese, latin_first = edge + line[first : last + 1] + after, True
    apart = joint or (edge and not edge[0 if latin_first else -1].isdigit())
    if not latin or not apart and not _glued(line, first, last, latin_first):
        return None
    if _LETTERS.search(chinese) or not words(latin):
        return None
    return Mixed(chinese, latin, joint, latin_first)


def says_the_same(answer: str, latin: str) -> bool:
    """Whether an engine's `answer` for a line's Chinese part says what its `latin` part
    says: most of the Latin part's words are in the answer, and half of the answer's in it
    ("Actual color may vary" and "Color may vary"; not "Watch strap" and "Apple Watch")."""
    said, ours = _content(answer), _content(latin)
    shared = said & ours
    return bool(
        len(shared) >= min(2, len(said), len(ours))  # not one word by chance
        and shared
        and len(shared) >= LATIN_SHARE * len(ours)
        and len(shared) >= ANSWER_SHARE * len(said)
    )


def said_again(source: str, translation: str) -> str | None:
    """The Latin part of a mixed `source` line when `translation` carries it as written and
    says some of its words again besides ("The color is subject to the actual product Color
    may vary": a line sent whole, the engine's wording too far from the seller's to tell
    them the same); None otherwise. Bilingual in another script shares no word with it."""
    line = split(source)
    if line is None:
        return None
    at = translation.casefold().find(line.latin.casefold())
    if at < 0:
        return None
    rest = translation[:at] + " " + translation[at + len(line.latin) :]
    return line.latin if _content(rest) & _content(line.latin) else None


def _has_letter(text: str) -> bool:
    return any("A" <= ch <= "Z" or "a" <= ch <= "z" for ch in text)


def _glued(line: str, first: int, last: int, latin_first: bool) -> bool:
    """Whether a part with no space before it starts a word of two letters or more right
    against the Chinese ("颜色以实物为准Color may vary"), not a letter of a Chinese word
    ("T恤")."""
    if latin_first:
        return bool(re.search(r"[A-Za-z]{2}$", line[:first]))
    return bool(re.match(r"[A-Za-z]{2}", line[last + 1 :]))


def words(latin: str) -> bool:
    """Whether `latin` is English words (and numbers, sizes), none of them a code or name."""
    words = 0
    for token in latin.split():
        token = token.strip(_EDGE)
        if not token or token in "-–—/|&+":
            continue
        if _NUMBER.fullmatch(token) or token in _SIZES:
            continue
        if not _WORD.fullmatch(token):  # a digit in a word (X-200, 500ml), ™, é...
            return False
        if re.search(r"[a-z][A-Z]", token):  # AirPods, iPhone
            return False
        if len(token) > 1 and token.isupper():  # USB, LED
            return False
        words += len(token) > 1
    return words > 0


def _content(text: str) -> set[str]:
    return {
        _stem(w)
        for w in _WORD.findall(text.lower().replace("’", "'"))
        if len(w) > 1 and w not in _STOP
    }


def _stem(word: str) -> str:
    """A word's plain form, crudely: colour = color, varies = vary, sizes = size."""
    if len(word) >= 6 and word.endswith("our"):
        word = word[:-3] + "or"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word

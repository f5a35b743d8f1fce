"""Checks on a translation, pure: each finding has a code, a severity and a message.

Errors block approval and publishing (whichever path the text came by); warnings are for
the reviewer's eye. Limits come from the market (TikTok Shop Partner API 202309).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from config.markets import BUILT_IN, Market
from config.terminal import control_character
from localize.text import html

ERROR, WARNING = "error", "warning"

# Error findings whose rule publish preflight (localize.publish.preflight) applies again to
# the text itself, whatever a reviewer said: approved over one with an override, an item
# would only ever be blocked, so review refuses the override (localize.lifecycle): one
# rule for both. Chinese left in a title (`chinese_left`, preflight's `title_chinese`) is
# the same, told by the finding's field.
PUBLISH_ENFORCED = frozenset(
    {"title_length", "description_length", "description_tags", "description_nesting"}
)

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
# A run: Chinese characters, with the spaces, digits and Chinese punctuation between them.
_HAN_RUN = re.compile(f"[{_HAN_CHARS}](?:[{_HAN_CHARS}\\s\\d，、。！？：；（）]*[{_HAN_CHARS}])?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE | re.UNICODE)
# What ends a sentence, by the target language's script: a Chinese source's 。！？ map to
# the target's own marks; Thai, Lao and Khmer end sentences with a space or nothing.
_LATIN_END = frozenset(".!?…")
_CJK_END = frozenset("。！？…．")
_END_PUNCT = _LATIN_END | _CJK_END | frozenset("؟।။")
_ENDS_BY_LANGUAGE: dict[str, frozenset[str] | None] = {
    "zh": _CJK_END,
    "ja": _CJK_END,
    "th": None,
    "lo": None,
    "km": None,
    "my": frozenset("။!?"),
    "ar": frozenset(".!?…؟"),
    "fa": frozenset(".!?…؟"),
    "ur": frozenset(".!?…؟"),
    "hi": frozenset("।.!?…"),
}
_TAG = re.compile(r"</?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


@dataclass(frozen=True)
class Finding:
    """Something a check noticed."""

    code: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """For --json and the store."""
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Limits:
    """A market's text limits; without a market, the widest the markets file allows."""

    title_min: int = BUILT_IN["title_min"]
    title_max: int = BUILT_IN["title_max"]
    description_max: int = BUILT_IN["description_max"]

    @classmethod
    def of(cls, market: Market) -> Limits:
        """The limits of one market of the markets file."""
        return cls(market.title_min, market.title_max, market.description_max)


def field_of(finding: Mapping[str, Any]) -> str:
    """The field a stored finding is about: every message starts with it ('title: ...')."""
    return str(finding.get("message", "")).split(":", 1)[0]


def has_errors(findings: Sequence[Finding]) -> bool:
    """Whether anything blocks approval."""
    return any(f.severity == ERROR for f in findings)


def numbers(text: str) -> Counter[str]:
    """The numbers in a text, thousands separators dropped."""
    return Counter(n.replace(",", "") for n in _NUMBER.findall(text))


def emoji(text: str) -> Counter[str]:
    """The emoji (pictographs and symbols) in a text."""
    return Counter(ch for ch in text if unicodedata.category(ch) == "So")


def check(
    source: str,
    target: str,
    *,
    field: str,
    target_lang: str,
    kept: Sequence[str] = (),
    limits: Limits = Limits(),
) -> list[Finding]:
    """Every check for one field ('title', 'description' or 'caption')."""
    out: list[Finding] = []
    parsed = html.parse(target) if field == "description" else None
    src_plain = plain(source) if parsed else source
    tgt_plain = parsed.text() if parsed else target
    missing = numbers(src_plain) - numbers(tgt_plain)
    if missing:
        out.append(
            Finding(
                "numbers",
                ERROR,
                f"{field}: number(s) {', '.join(sorted(missing))} "
                "of the source are missing or changed",
            )
        )
    bad = control_character(target, lines=field == "description")
    if bad:  # an engine's answer, a reviewer's edit, a glossary target, an HTML &#27;
        out.append(
            Finding(
                "control_character",
                ERROR,
                f"{field}: contains {bad}, which no shopper may get; remove it",
            )
        )
    for term in kept:
        if term not in target:
            out.append(
                Finding("protected_term", ERROR, f"{field}: protected term {term!r} is missing")
            )
    if not target_lang.startswith("zh") and _HAN.search(tgt_plain):
        runs = han_runs(tgt_plain)
        left = ", ".join(f"\u201c{r[:30]}\u201d" for r in runs[:5])
        more = f" and {len(runs) - 5} more" if len(runs) > 5 else ""
        severity = ERROR if field == "title" else WARNING
        out.append(
            Finding("chinese_left", severity, f"{field}: Chinese left untranslated: {left}{more}")
        )
    if normalised(src_plain) == normalised(tgt_plain) and _HAN.search(src_plain):
        out.append(Finding("identical", WARNING, f"{field}: the translation equals the source"))
    for m in _WORD.finditer(tgt_plain):
        out.append(Finding("duplicated_word", WARNING, f"{field}: {m.group(0)!r} repeats a word"))
        break
    if (source[:1].isspace(), source[-1:].isspace()) != (
        target[:1].isspace(),
        target[-1:].isspace(),
    ):
        out.append(Finding("whitespace", WARNING, f"{field}: leading/trailing spaces differ"))
    out.extend(_end_findings(field, src_plain, tgt_plain, target_lang))
    lost = emoji(source) - emoji(target)
    if lost:
        out.append(Finding("emoji_lost", WARNING, f"{field}: emoji lost: {''.join(lost)}"))
    if field != "description" and _TAG.search(target):
        tags = ", ".join(dict.fromkeys(m.group(0) for m in _TAG.finditer(target)))
        out.append(
            Finding(
                "markup",
                ERROR,
                f"{field}: a {field} is plain text, tags would show as typed: remove {tags}",
            )
        )
    if field == "title":
        n = len(target)
        if not limits.title_min <= n <= limits.title_max:
            out.append(
                Finding(
                    "title_length",
                    ERROR,
                    f"title: {n} characters; the market takes "
                    f"{limits.title_min}-{limits.title_max}",
                )
            )
    if field == "description":
        if len(target) > limits.description_max:
            out.append(
                Finding(
                    "description_length",
                    ERROR,
                    f"description: {len(target)} characters; the limit is {limits.description_max}",
                )
            )
        assert parsed is not None
        out.extend(_tag_findings(parsed))
    return out


def sentence_ends(language: str) -> frozenset[str] | None:
    """The marks that end a sentence in `language` (a code such as 'en', 'zh-CN', 'th'),
    or None when its script requires none (Thai, Lao, Khmer)."""
    return _ENDS_BY_LANGUAGE.get(language.split("-")[0].split("_")[0].lower(), _LATIN_END)


def _end_findings(field: str, source: str, target: str, language: str) -> list[Finding]:
    """A sentence end in one and not the other, each judged by its own script's marks."""
    ends = sentence_ends(language)
    if ends is None:
        return []
    src_end, tgt_end = source.rstrip()[-1:], target.rstrip()[-1:]
    if (src_end in _END_PUNCT) == (tgt_end in ends):
        return []
    if tgt_end in _END_PUNCT and tgt_end not in ends:  # another script's: '。' in English
        said = f"ends with {tgt_end!r}, not a mark that ends a sentence in {language}"
        said += f" ({' '.join(sorted(ends))})"
    else:
        said = f"ends with {tgt_end!r} where the source ends with {src_end!r}"
    return [Finding("end_punctuation", WARNING, f"{field}: {said}")]


def normalised(text: str) -> str:
    """Text compared loosely: case and spaces ignored."""
    return " ".join(text.casefold().split())


def plain(text: str) -> str:
    """The text of an HTML fragment (scripts and styles are not text)."""
    return html.parse(text).text()


def _tag_findings(fragment: html.Fragment) -> list[Finding]:
    out = []
    if fragment.refused:
        out.append(
            Finding(
                "description_tags",
                ERROR,
                "description: tags not allowed: " + ", ".join(sorted(set(fragment.refused))),
            )
        )
    if fragment.nested:
        out.append(
            Finding(
                "description_nesting",
                ERROR,
                "description: nested block tags: " + ", ".join(sorted(set(fragment.nested))),
            )
        )
    return out


def han_runs(text: str) -> list[str]:
    """The runs of Chinese characters in a text, as they stand, in order, each once."""
    return list(dict.fromkeys(m.group(0) for m in _HAN_RUN.finditer(text)))

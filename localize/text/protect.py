"""Protected terms, pure: swapped for placeholders before text leaves the machine, put back
exactly afterwards. Engines mangle brand names, SKUs and model numbers (case, spacing,
transliteration); a placeholder they cannot mistake for a word comes back intact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from config.errors import AppError

# SKUs and model numbers: a letter run joined to digits (X1000, SKU-2231, A7-Pro, 3C).
DEFAULT_PATTERNS = (r"\b[A-Za-z]{1,10}[-_]?\d+[A-Za-z0-9_-]*\b", r"\b\d+[A-Za-z]{1,3}\d+\b")

# A seller's pattern runs with a deadline per text: a catastrophic one cannot hang a command.
PATTERN_SECONDS = 0.25
OURS_SECONDS = 2.0  # ... and ours (DEFAULT_PATTERNS), past which one is skipped, not blamed
_PLACEHOLDER = "ZXQ{}QXZ"
_FIND = re.compile(r"z\s*x\s*q\s*(\d+)\s*q\s*x\s*z", re.IGNORECASE)


class SlowPattern(AppError):
    """A glossary pattern that backtracks without end on some text."""

    def __init__(self, pattern: str, seconds: float, *, stored: bool = True) -> None:
        self.pattern, self.seconds = pattern, seconds
        problem = (
            f"glossary pattern {pattern!r} took over {seconds:g} s on a text (it backtracks "
            f"catastrophically, like (a|aa)+$)"
        )
        if stored:  # found while translating: it is in the glossary and must go
            advice = f"remove it (`localize glossary remove {pattern!r}`) and add a simpler one"
        else:  # found by `screen` before it was stored
            advice = "it was not added; write it without a repeat inside a repeat"
        super().__init__(f"{problem}; {advice}")


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """A seller's pattern compiled (regex.error when it is not a regular expression)."""
    return _compiled(pattern)


_CACHE: dict[str, regex.Pattern[str]] = {}


def _compiled(pattern: str) -> regex.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = regex.compile(pattern, regex.VERSION0)
    return _CACHE[pattern]


def find(pattern: str, text: str, seconds: float = PATTERN_SECONDS) -> list[regex.Match[str]]:
    """Every match of a seller's pattern in `text`, or SlowPattern past the deadline."""
    try:
        return list(_compiled(pattern).finditer(text, timeout=seconds))
    except TimeoutError:
        raise SlowPattern(pattern, seconds) from None


def screen(pattern: str, seconds: float = 0.05) -> None:
    """SlowPattern when `pattern` backtracks catastrophically on text made of its own
    characters followed by one that stops a match (how such patterns are caught)."""
    alphabet = {ch for ch in pattern if ch.isalnum()} | {"a", "A", "1", " ", "-"}
    try:
        for ch in sorted(alphabet):
            for tail in ("!", "\x00", ch + "!"):
                find(pattern, ch * 48 + tail, seconds)
    except SlowPattern:
        raise SlowPattern(pattern, seconds, stored=False) from None


def pattern_problem(pattern: str) -> str | None:
    """Why a seller's pattern cannot go into the glossary, or None: one that can match the
    empty string (`.*`, `(?=a)`) protects everything or nothing, and a repeat inside a
    repeat (`(a+)+`, `(.*a){20}`) backtracks catastrophically on some text. Read from the
    parsed pattern, not its spelling; `screen` then catches what the structure does not
    show (`(a|aa)+$`)."""
    if _can_match_empty(pattern):
        return (
            "it can match an empty string (like .* or (?=a)), so it would protect the whole "
            "text or nothing; make it match at least one character"
        )
    if _nested_repeat(_parsed(pattern), inside=False):
        return (
            "it repeats a group that itself repeats (like (a+)+ or (.*a){20}), which "
            "backtracks catastrophically on some texts; write it with a single repeat"
        )
    return None


def _can_match_empty(pattern: str) -> bool:
    """Whether the shortest match is empty: the stdlib parser's width, or (for syntax only
    `regex` knows, like \\p{Han}) whether it matches an empty text."""
    import re._parser as sre
    import warnings

    try:
        with warnings.catch_warnings():  # its FutureWarnings are about `re`, not `regex`
            warnings.simplefilter("ignore")
            return sre.parse(pattern).getwidth()[0] == 0
    except Exception:  # noqa: BLE001 - its parser's errors are not all re.error
        pass
    try:  # an empty text alone misses what is empty only beside a word: \b{2,}
        compiled = _compiled(pattern)
        return any(
            m.group(0) == ""
            for probe in _EMPTY_PROBES
            for m in compiled.finditer(probe, timeout=PATTERN_SECONDS)
        )
    except TimeoutError:
        return False


# Texts on which a pattern that can match nothing shows it: empty, words, digits, Chinese,
# punctuation, a line break (anchors, boundaries and lookarounds each have somewhere to hold).
_EMPTY_PROBES = ("", "a", "杯 aa 12 ab-1 ", "ACME 500ml, 保温杯!\nx")


def _parsed(pattern: str) -> object:
    """The pattern as `regex` (which runs it) parses it, or None where its parser, used
    alone, cannot (the compiled pattern is then left to `screen` and the deadline)."""
    from regex import _regex_core as core

    try:
        source = core.Source(pattern)
        return core._parse_pattern(source, core.Info(regex.VERSION0, source.char_type, {}))
    except Exception:  # noqa: BLE001 - an internal parser: any failure means "not known"
        return None


def _nested_repeat(node: object, *, inside: bool) -> bool:
    """Whether a parsed pattern holds a repeat of variable length within a repeat of more
    than once. Possessive repeats and atomic groups give nothing back, so they are safe."""
    from regex import _regex_core as core

    if isinstance(node, (core.PossessiveRepeat, core.Atomic)) or node is None:
        return False
    if isinstance(node, (core.GreedyRepeat, core.LazyRepeat)):
        low, high = node.min_count, node.max_count
        if inside and low != high:
            return True
        return _nested_repeat(node.subpattern, inside=inside or high is None or high > 1)
    children: list[object] = []
    for value in vars(node).values():
        if isinstance(value, core.RegexBase):
            children.append(value)
        elif isinstance(value, (list, tuple)):
            children += [v for v in value if isinstance(v, core.RegexBase)]
    return any(_nested_repeat(child, inside=inside) for child in children)


@dataclass(frozen=True)
class Term:
    """A glossary entry: never translated (`target` None) or always `target`."""

    term: str
    target: str | None = None
    is_pattern: bool = False


@dataclass(frozen=True)
class Protected:
    """Text with placeholders, and what each placeholder stands for in the output."""

    text: str
    replacements: tuple[str, ...]
    kept: tuple[str, ...]  # the do-not-translate terms found (for the check)
    yuan: tuple[str, ...] = ()  # the yuan prices among `kept`, each as_yuan writes it


def yuan_spans(text: str) -> list[tuple[int, int, str]]:
    """The yuan prices of a seller's text (localize.prices, signs only): start, end, and
    the price as the translation keeps it ("¥99")."""
    from localize.prices import as_yuan, yuan_prices

    return [(p.start, p.end, as_yuan(text, p)) for p in yuan_prices(text, read=False)]


def protect(
    text: str,
    terms: Sequence[Term],
    patterns: Iterable[str] = DEFAULT_PATTERNS,
    *,
    yuan: bool = False,
) -> Protected:
    """Replace protected terms (longest first) and pattern matches with placeholders; with
    `yuan`, each yuan price outside the seller's own terms and patterns too (a price inside
    a brand term is the brand's), put back as "¥99" (as_yuan) whatever sign it had: the
    engine can neither change its number nor write 元 in the buyer's language, and the
    field converts it (localize.text.service.assemble)."""
    spans: list[tuple[int, int, str, bool]] = []  # start, end, output, is do-not-translate

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _, _ in spans)

    for term in sorted((t for t in terms if not t.is_pattern), key=lambda t: -len(t.term)):
        if not term.term:
            continue
        for m in re.finditer(re.escape(term.term), text):
            if free(m.start(), m.end()):
                spans.append((m.start(), m.end(), term.target or m.group(0), term.target is None))
    own = [t.term for t in terms if t.is_pattern]
    for pattern in own:
        for m in find(pattern, text):
            if m.group(0) and free(m.start(), m.end()):
                spans.append((m.start(), m.end(), m.group(0), True))
    prices: set[int] = set()  # (before the SKU pattern, which takes "RMB99" for a model)
    for start, end, value in yuan_spans(text) if yuan else ():
        if free(start, end):
            prices.add(start)
            spans.append((start, end, value, True))
    for pattern in patterns:  # ours: linear, given a deadline only against a stall
        try:
            matches = find(pattern, text, OURS_SECONDS)
        except SlowPattern:  # (a machine busy with other shops' threads: CI saw the SKU
            # pattern pass 0.25 s, and the seller told to remove a pattern that is not
            # theirs); its model numbers go unprotected, the text still translated
            continue
        for m in matches:
            if m.group(0) and free(m.start(), m.end()):
                spans.append((m.start(), m.end(), m.group(0), True))
    spans.sort()
    out, replacements, kept, found, pos = [], [], [], [], 0
    for start, end, value, dnt in spans:
        out.append(text[pos:start])
        out.append(_PLACEHOLDER.format(len(replacements)))
        replacements.append(value)
        if dnt:
            kept.append(value)
        if start in prices:
            found.append(value)
        pos = end
    out.append(text[pos:])
    return Protected("".join(out), tuple(replacements), tuple(kept), tuple(found))


def restore(translated: str, protected: Protected) -> tuple[str, list[int]]:
    """Put the terms back; returns the text and the placeholders the engine lost."""
    seen: set[int] = set()

    def put(m: re.Match[str]) -> str:
        i = int(m.group(1))
        if i >= len(protected.replacements):
            return m.group(0)
        seen.add(i)
        return protected.replacements[i]

    text = _FIND.sub(put, translated)
    lost = [i for i in range(len(protected.replacements)) if i not in seen]
    return text, lost


def has_words(protected_text: str) -> bool:
    """Whether anything is left to translate once the placeholders are taken out."""
    return any(ch.isalpha() for ch in _FIND.sub("", protected_text))

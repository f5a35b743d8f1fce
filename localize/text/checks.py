"""Checks on a translation, pure: each finding has a code, a severity and a message.

Errors block approval and publishing (whichever path the text came by); warnings are for
the reviewer's eye. Limits come from the market (TikTok Shop Partner API 202309).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from config.i18n import SEMICOLON, Joined, Msg, Text, msg, stored
from config.markets import BUILT_IN, Market, primary_language
from config.terminal import control_character
from localize.prices import Prices, YuanPrice
from localize.prices import yuan_prices as yuan_prices_in
from localize.text import FIELD_NAMES, html, leftovers, mixed
from localize.text import said as said  # re-exported: where it lived before

if TYPE_CHECKING:  # the checks stay pure: an entry is only read
    from localize.text.memory import Entry

ERROR, WARNING, INFO = "error", "warning", "info"


_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
# A run: Chinese characters, with the spaces, digits and Chinese punctuation between them.
_HAN_RUN = re.compile(f"[{_HAN_CHARS}](?:[{_HAN_CHARS}\\s\\d，、。！？：；（）]*[{_HAN_CHARS}])?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def has_chinese(text: str) -> bool:
    """Whether `text` holds a Chinese character (what a Chinese listing's text is to be
    translated for)."""
    return bool(_HAN.search(text))


REPEAT_WORDS = 8  # the longest run of words said twice in a row that is looked for
_PUNCT_EDGE = "\"'.,:;!?()[]“”‘’、，。！？：；（）"


def repeated(text: str) -> str | None:
    """The first word or run of words said twice in a row in `text` ("good good", "Color
    may vary Color may vary": a line's own English kept beside the engine's, trial 31 D6),
    as it stands there; None when there is none. Case and the punctuation at words' edges
    are ignored, but one word twice with a comma or a stop between ("very, very") is a
    writer's, and a run of numbers and single letters ("1 2 1 2") is no words."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    words = [text[a:b] for a, b in spans]
    bare = [w.strip(_PUNCT_EDGE).casefold() for w in words]
    for n in range(1, REPEAT_WORDS + 1):
        for i in range(len(words) - 2 * n + 1):
            first, second = bare[i : i + n], bare[i + n : i + 2 * n]
            if first != second or not all(first):
                continue
            if not any(sum(ch.isalpha() for ch in w) > 1 for w in first):  # "1 2 1 2"
                continue
            if n == 1 and words[i][-1:] in _PUNCT_EDGE:  # "very, very": said so on purpose
                continue
            return text[spans[i][0] : spans[i + 2 * n - 1][1]]
    return None


def repeated_words(field: str, text: str, source: str = "") -> Finding | None:
    """A warning when `text` says a word or words twice in a row (see repeated), or, the
    translation of a `source` line that carried its own English beside its Chinese, says
    that English's words again beside it (localize.text.mixed.said_again)."""
    found = repeated(text)
    again = mixed.said_again(source, text) if found is None and source else None
    if again is not None:
        said = msg(
            "{latin!r} is said twice: the source carries it beside its Chinese, and the "
            "translation of the Chinese says it again; keep one",
            latin=again,
        )
        return Finding("duplicated_word", WARNING, about(field, said))
    if found is None:
        return None
    if len(found.split()) == 2:
        said = msg("{words!r} repeats a word", words=found)
    else:
        said = msg("{words!r} says the same words twice", words=found)
    return Finding("duplicated_word", WARNING, about(field, said))


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
    message: Text  # a Msg: stored with its parameters, shown in the reader's language
    text: str = ""  # the offending text, where there is one
    fix: str = ""  # what to do about it, or what was done

    def as_dict(self) -> dict[str, Any]:
        """For --json and the store: `message` in English (what scripts and older readers
        read), `says` the message itself; `text` and `fix` only where there are some."""
        out: dict[str, Any] = {"code": self.code, "severity": self.severity}
        out["message"] = str(self.message)
        if isinstance(self.message, Msg):
            out["says"] = stored(self.message)
        return out | {k: v for k, v in (("text", self.text), ("fix", self.fix)) if v}


def about(field: str, message: Msg) -> Msg:
    """'title: ...': a finding's message names the field it is about, first."""
    return msg("{field}: {message}", field=FIELD_NAMES.get(field, field), message=message)


REGION_TEXT = msg("region's text")  # what a caption's check calls the text of an image region


def of_a_region(message: Text) -> Text:
    """A caption's finding said of a region of the text on an image (translated and checked
    as a caption, as it is drawn on the image as one is): without its "caption: ", as the
    region is named before it, and a caption it speaks of called the region's text (trial
    s28 D15: a banner's failure read "caption: ..." on an image with no caption)."""
    if isinstance(message, Joined):
        return Joined([of_a_region(m) for m in message.items], message.separator)
    if not isinstance(message, Msg):
        return message
    caption = FIELD_NAMES["caption"]
    if message.text == "{field}: {message}" and message.params.get("field") == caption:
        return of_a_region(message.params["message"])
    params = {
        k: REGION_TEXT if k == "field" and v == caption else of_a_region(v)
        for k, v in message.params.items()
    }
    return Msg(message.text, context=message.context, **params)


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


def has_errors(findings: Sequence[Finding]) -> bool:
    """Whether anything blocks approval."""
    return any(f.severity == ERROR for f in findings)


def numbers(text: str) -> Counter[str]:
    """The numbers in a text, thousands separators dropped."""
    return Counter(n.replace(",", "") for n in _NUMBER.findall(text))


# A number a Chinese word multiplies: N折 is a price at N tenths (85折, 8.5折: at 85%), which a
# translation says as what is paid or what is taken off ("8折" is "20% off", "-20%",
# "pay 80%"); N万 is N ten-thousands ("10万+" is "100,000+", "100K+")
_TIMES = re.compile(r"(\d+(?:\.\d+)?)\s*([折万萬])")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")  # "100.000" (vi, id, de)


def _readings(number: str, word: str) -> set[float]:
    """The values a translation may write for `number` `word` (see _TIMES)."""
    value = float(number)
    if word == "折":
        paid = value * 10 if value < 10 else value  # (% of the price)
        return {value, paid, round(100 - paid, 6)}
    return {value, value * 10_000, value * 10}  # (10万: itself, 100000, 100 K)


def _values(number: str) -> set[float]:
    """What a number written in a translation may be worth: with a thousands separator of
    dots (vi, id, de: "100.000") as well as a decimal point; none for what is no number
    read so ("1.2.3", a version; "1.000.000,5", its comma dropped by `numbers`)."""
    out = set()
    if _DOT_THOUSANDS.fullmatch(number):
        out.add(float(number.replace(".", "")))
    try:
        out.add(float(number))
    except ValueError:
        pass
    return out


def missing_numbers(source: str, target: str, prices: Prices | None = None) -> Counter[str]:
    """The numbers of `source` that `target` does not write (thousands separators dropped):
    a number a Chinese word multiplies (8折, 10万) may be written as what it means, and
    with the shop's `prices` a yuan price as the market's price it converts to (¥199 as
    ฿935 at 4.7), as the translation writes it (localize.text.service.assemble). Each
    price is accounted apart from the plain numbers: in "¥99 送99件" the 99 pieces must
    still be written, and the ¥99 may be its £10.89 (trial s31 D2: the price's 99 was
    taken for the pieces' and the pieces' 99 reported missing). A price neither way
    written is reported by its yuan number."""
    wrote = numbers(target)
    found = yuan_prices_in(source, read=False) if prices is not None else []
    rest = source
    for price in reversed(found):  # (a space: the numbers either side stay apart)
        rest = rest[: price.start] + " " + rest[price.end :]
    plain = numbers(rest)
    missing = plain - wrote
    spare = wrote - plain  # (the target's numbers no plain number took)
    for lost, took in _prices_written(source, found, spare, prices):
        missing += lost
        spare -= took
    if not missing:
        return missing
    for times in _TIMES.finditer(source):
        number, word = times.group(1), times.group(2)
        if missing[number] <= 0:
            continue
        readings = _readings(number, word)
        for other in list(spare.elements()):
            if any(abs(v - r) < 1e-6 for v in _values(other) for r in readings):
                missing[number] -= 1
                spare[other] -= 1
                break
    return +missing


_PRICE_CHOICES = 256  # ways of writing a field's prices weighed; past it, the local first


def _prices_written(
    source: str, found: Sequence[YuanPrice], spare: Counter[str], prices: Prices | None
) -> list[tuple[Counter[str], Counter[str]]]:
    """For each yuan price of `source` (`found`), how the target wrote it out of the
    numbers `spare`: (its yuan numbers missing, the target's numbers it took). A price may
    be written in yuan or as its local price; the way that leaves fewest numbers missing is
    taken, the prices alike (same yuan, same local) counted as one group."""
    ways: list[tuple[Counter[str], Counter[str] | None]] = []
    for price in found:
        local = prices.local(price) if prices is not None else None
        ways.append((numbers(source[price.start : price.end]), numbers(local) if local else None))
    groups: dict[tuple[tuple[tuple[str, int], ...], ...], list[int]] = {}
    for i, (yuan, local) in enumerate(ways):
        key = (tuple(sorted(yuan.items())), tuple(sorted((local or Counter()).items())))
        groups.setdefault(key, []).append(i)
    members = list(groups.values())

    def tried(group: list[int]) -> range:
        """How many of a group to try as written as the local price: all first (what a
        converted field writes), none where there is no rate or the target does not write
        it, all where it does not write the yuan."""
        yuan, local = ways[group[0]]
        if local is None or local - spare:
            return range(1)
        if yuan - spare:
            return range(len(group), len(group) + 1)
        return range(len(group), -1, -1)

    counts = [tried(m) for m in members]
    choices = 1
    for c in counts:
        choices *= len(c)
    if choices > _PRICE_CHOICES:
        counts = [c[:1] for c in counts]

    def written(locals_: Sequence[int]) -> list[tuple[Counter[str], Counter[str]]]:
        left, out = Counter(spare), [(Counter(), Counter())] * len(ways)
        for group, n in zip(members, locals_, strict=True):
            for j, i in enumerate(group):
                yuan, local = ways[i]
                need = local if j < n and local is not None else yuan
                took = need & left
                left -= took
                out[i] = (yuan if need - took else Counter(), took)
        return out

    best: list[tuple[Counter[str], Counter[str]]] = []
    fewest = None
    for locals_ in itertools.product(*counts):
        out = written(locals_)
        lost = sum(sum(m.values()) for m, _ in out)
        if fewest is None or lost < fewest:
            best, fewest = out, lost
            if not lost:
                break
    return best


def yuan_prices(
    field: str, converted: Mapping[str, str], left: Sequence[str], prices: Prices
) -> list[Finding]:
    """What became of a field's yuan prices: converted at the shop's rate (info: which,
    and to what), or left in yuan for the buyer (a warning naming each, and what to do)."""
    out = []
    if converted:
        pairs = ", ".join(f"{yuan} -> {local}" for yuan, local in converted.items())
        assert prices.currency is not None and prices.rate is not None
        said = msg(
            "yuan prices converted at {rate} {code} per yuan: {pairs}",
            rate=format(prices.rate, "g"),
            code=prices.currency.code,
            pairs=pairs,
        )
        out.append(Finding("yuan_converted", INFO, about(field, said), ", ".join(converted), pairs))
    if left:
        names = ", ".join(dict.fromkeys(left))
        if prices.currency is None and prices.rate is not None:
            said = msg(
                "yuan prices left in yuan for the buyer: {prices}; the market has no currency "
                "in the markets file: give it one, or write the local prices in the text",
                prices=names,
            )
        else:
            said = msg(
                "yuan prices left in yuan for the buyer: {prices}; set [shops.images] "
                "yuan_rate ({code} per yuan) to convert them, or write the local prices "
                "in the text",
                prices=names,
                code=prices.currency.code if prices.currency else "local currency",
            )
        out.append(Finding("yuan_price", WARNING, about(field, said), names))
    return out


def emoji(text: str) -> Counter[str]:
    """The emoji (pictographs and symbols) in a text."""
    return Counter(ch for ch in text if unicodedata.category(ch) == "So")


def unusable(
    answer: str, *, target_lang: str, kept: Sequence[str] = (), source: str | None = None
) -> list[Msg]:
    """Why an answer for one segment is no translation to keep or serve again (empty when
    it is one): it still has Chinese (an engine's echo), a control character, or, given its
    `source`, it lost a number or a protected term (`kept`) the source has: what would be
    an error-level finding of the field. Such an answer stays out of the memory, and a
    memory entry like it is a miss."""
    why = []
    if source is not None:
        missing = missing_numbers(source, answer)
        if missing:
            why.append(
                msg(
                    "number(s) {numbers} of the source are missing or changed",
                    numbers=", ".join(sorted(missing)),
                )
            )
        why += [msg("protected term {term!r} is missing", term=t) for t in kept if t not in answer]
    rest = answer
    for term in kept:  # a term a glossary keeps as it is may be Chinese
        rest = rest.replace(term, "")
    if not target_lang.startswith("zh") and _HAN.search(rest):
        runs = ", ".join(f"\u201c{r[:30]}\u201d" for r in han_runs(rest)[:5])
        why.append(msg("still has Chinese: {left}", left=runs))
    foreign = foreign_runs(rest, target_lang)
    if foreign:
        left = ", ".join(f"\u201c{r[:30]}\u201d" for r in foreign[:5])
        why.append(msg("left in a script the buyer does not read: {left}", left=left))
    bad = control_character(answer, lines=True)
    if bad:
        why.append(msg("contains {bad}", bad=bad))
    return why


def from_memory(entry: Entry) -> Msg:
    """Where a text the memory gave came from, and how to remove it."""
    return msg(
        "from the translation memory, entry from {origin} on {date}; remove it with `{command}`",
        origin=entry.origin,
        date=entry.on.isoformat(),
        command=entry.removal,
    )


def memory_passed_over(field: str, entry: Entry, why: Sequence[Msg]) -> Finding:
    """A memory entry that failed the checks (unusable), a person's too: not served, the
    engine was asked; the reviewer is told which entry and how to remove it."""
    said = msg(
        "the translation memory's {text!r} failed the checks ({why}) and was not used, the "
        "engine was asked ({entry})",
        text=entry.target,
        why=Joined(why, SEMICOLON),
        entry=from_memory(entry),
    )
    return Finding("memory_passed_over", WARNING, about(field, said), entry.target)


def memory_served(field: str, entries: Sequence[Entry]) -> Finding:
    """A field with error-level findings whose text the memory gave: which entries, so that
    a person can remove a bad one (the next run serves it again otherwise)."""
    said = msg(
        "the text with these errors came {entries}",  # "from the translation memory, ..."
        entries=Joined([from_memory(e) for e in entries[:3]], SEMICOLON),
    )
    return Finding("memory_served", INFO, about(field, said))


def check(
    source: str,
    target: str,
    *,
    field: str,
    target_lang: str,
    kept: Sequence[str] = (),
    limits: Limits = Limits(),
    prices: Prices | None = None,
) -> list[Finding]:
    """Every check for one field ('title', 'description' or 'caption'); with the shop's
    `prices`, a yuan price may be written converted (missing_numbers)."""
    out: list[Finding] = []
    parsed = html.parse(target) if field == "description" else None
    src_plain = plain(source) if parsed else source
    tgt_plain = parsed.text() if parsed else target
    if src_plain.strip() and not tgt_plain.strip():  # every word gone, not one translated
        out.append(
            Finding(
                "text_lost",
                ERROR,
                about(field, msg("the source has text and the translation has none")),
            )
        )
    if parsed:  # the numbers of each text piece: two cells or paragraphs are not one number
        src_numbers = "\n".join(html.split(source).texts())
        missing = missing_numbers(src_numbers, "\n".join(parsed.texts()), prices)
    else:
        missing = missing_numbers(src_plain, tgt_plain, prices)
    if missing:
        out.append(
            Finding(
                "numbers",
                ERROR,
                about(
                    field,
                    msg(
                        "number(s) {numbers} of the source are missing or changed",
                        numbers=", ".join(sorted(missing)),
                    ),
                ),
            )
        )
    bad = control_character(target, lines=field == "description")
    if bad:  # an engine's answer, a reviewer's edit, a glossary target, an HTML &#27;
        out.append(
            Finding(
                "control_character",
                ERROR,
                about(field, msg("contains {bad}, which no shopper may get; remove it", bad=bad)),
            )
        )
    for term in kept:
        if term not in target:
            out.append(
                Finding(
                    "protected_term",
                    ERROR,
                    about(field, msg("protected term {term!r} is missing", term=term)),
                )
            )
    if not target_lang.startswith("zh") and _HAN.search(tgt_plain):
        runs = han_runs(tgt_plain)
        left = ", ".join(f"\u201c{r[:30]}\u201d" for r in runs[:5])
        more = len(runs) - 5
        severity = ERROR if field == "title" else WARNING
        out.append(
            Finding(
                "chinese_left",
                severity,
                about(
                    field,
                    msg("Chinese left untranslated: {left} and {more} more", left=left, more=more)
                    if more > 0
                    else msg("Chinese left untranslated: {left}", left=left),
                ),
            )
        )
    foreign = foreign_runs(tgt_plain, target_lang)
    if foreign:  # kana, Hangul... a Malay buyer cannot read either
        left = ", ".join(f"\u201c{r[:30]}\u201d" for r in foreign[:5])
        out.append(
            Finding(
                "foreign_script_left",
                ERROR if field == "title" else WARNING,
                about(field, msg("left in a script the buyer does not read: {left}", left=left)),
            )
        )
    if normalised(src_plain) == normalised(tgt_plain) and _HAN.search(src_plain):
        out.append(
            Finding("identical", WARNING, about(field, msg("the translation equals the source")))
        )
    doubled = repeated_words(field, tgt_plain, "" if parsed else src_plain)
    if doubled is not None:
        out.append(doubled)
    if (source[:1].isspace(), source[-1:].isspace()) != (
        target[:1].isspace(),
        target[-1:].isspace(),
    ):
        spaces = msg("leading/trailing spaces differ")
        out.append(Finding("whitespace", WARNING, about(field, spaces)))
    out.extend(_end_findings(field, src_plain, tgt_plain, target_lang))
    lost = emoji(source) - emoji(target)
    if lost:
        lost_said = msg("emoji lost: {emoji}", emoji="".join(lost))
        out.append(Finding("emoji_lost", WARNING, about(field, lost_said)))
    if field != "description" and _TAG.search(target):
        tags = ", ".join(dict.fromkeys(m.group(0) for m in _TAG.finditer(target)))
        out.append(
            Finding(
                "markup",
                ERROR,
                about(
                    field,
                    msg(
                        "a {field} is plain text, tags would show as typed: remove {tags}",
                        field=FIELD_NAMES.get(field, field),
                        tags=tags,
                    ),
                ),
            )
        )
    out.extend(_leftover_findings(field, target, tgt_plain, target_lang))
    if field == "title":
        n = len(target)
        if not limits.title_min <= n <= limits.title_max:
            out.append(
                Finding(
                    "title_length",
                    ERROR,
                    about(
                        "title",
                        msg(
                            "{n} characters; the market takes {least}-{most}",
                            n=n,
                            least=limits.title_min,
                            most=limits.title_max,
                        ),
                    ),
                )
            )
    if field == "description":
        if len(target) > limits.description_max:
            out.append(
                Finding(
                    "description_length",
                    ERROR,
                    about(
                        "description",
                        msg(
                            "{n} characters; the limit is {most}",
                            n=len(target),
                            most=limits.description_max,
                        ),
                    ),
                )
            )
        assert parsed is not None
        out.extend(_tag_findings(parsed))
    return out


def sentence_ends(language: str) -> frozenset[str] | None:
    """The marks that end a sentence in `language` (a code such as 'en', 'zh-CN', 'th'),
    or None when its script requires none (Thai, Lao, Khmer)."""
    return _ENDS_BY_LANGUAGE.get(primary_language(language), _LATIN_END)


def _end_findings(field: str, source: str, target: str, language: str) -> list[Finding]:
    """A sentence end in one and not the other, each judged by its own script's marks."""
    ends = sentence_ends(language)
    if ends is None:
        return []
    src_end, tgt_end = source.rstrip()[-1:], target.rstrip()[-1:]
    if (src_end in _END_PUNCT) == (tgt_end in ends):
        return []
    if tgt_end in _END_PUNCT and tgt_end not in ends:  # another script's: '。' in English
        says = msg(
            "ends with {end!r}, not a mark that ends a sentence in {language} ({marks})",
            end=tgt_end,
            language=language,
            marks=" ".join(sorted(ends)),
        )
    else:
        says = msg(
            "ends with {end!r} where the source ends with {source!r}", end=tgt_end, source=src_end
        )
    return [Finding("end_punctuation", WARNING, about(field, says))]


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
                about(
                    "description",
                    msg("tags not allowed: {tags}", tags=", ".join(sorted(set(fragment.refused)))),
                ),
            )
        )
    if fragment.nested:
        out.append(
            Finding(
                "description_nesting",
                ERROR,
                about(
                    "description",
                    msg(
                        "a block inside another ({tags} inside a list or a paragraph): TikTok "
                        "Shop takes p, ul and ol one after another, never one inside another; "
                        "write an item's lines in its <li> with <br> between them, and a "
                        "sub-list's items as items of the list",
                        tags=", ".join(f"<{t}>" for t in sorted(set(fragment.nested))),
                    ),
                ),
            )
        )
    return out


# Findings the translation memory cannot have caused: the description's markup is the
# source's (sanitized), the memory gives only the text between the tags, escaped.
STRUCTURE = frozenset({"description_tags", "description_nesting"})


def memory_may_have_caused(findings: Sequence[Finding]) -> bool:
    """Whether an error-level finding is one whose text the memory gave could cause (not
    one of the source's markup): only then is a memory entry named beside the errors."""
    return any(f.severity == ERROR and f.code not in STRUCTURE for f in findings)


def reshaped(found: html.Reshaped) -> list[Finding]:
    """What the sanitizer rebuilt in a description so that TikTok Shop takes it: each said
    (the words are all kept; a table's layout is not, so it is a warning to look at)."""
    said: list[tuple[str, Msg]] = []
    if found.item_paragraphs:
        said.append(
            (
                INFO,
                msg(
                    "{n} list item(s) held paragraphs (<li><p>, as editors write them): each "
                    "paragraph was made a line of the item, <br> between them",
                    n=found.item_paragraphs,
                ),
            )
        )
    if found.sublists:
        said.append(
            (
                INFO,
                msg(
                    "{n} list(s) inside a list were flattened into it: their items follow "
                    "the item they were in, each marked '– '",
                    n=found.sublists,
                ),
            )
        )
    if found.loose_items:
        said.append(
            (
                INFO,
                msg(
                    "{n} list item(s) outside a list (an <li> left open or pasted alone) "
                    "were put in a list",
                    n=found.loose_items,
                ),
            )
        )
    if found.list_text:
        said.append(
            (
                INFO,
                msg(
                    "{n} run(s) of words written in a list outside its items were made items",
                    n=found.list_text,
                ),
            )
        )
    if found.empty_paragraphs:
        said.append(
            (
                INFO,
                msg(
                    "{n} empty paragraph(s) (<p></p>, <p>&nbsp;</p>, <p><br></p>, or a <br> "
                    "or &nbsp; between paragraphs) were dropped: a shopper would see blank "
                    "lines",
                    n=found.empty_paragraphs,
                ),
            )
        )
    if found.empty_items:
        said.append(
            (
                INFO,
                msg(
                    "{n} empty list item(s) (<li></li>, <li>&nbsp;</li>, <li><p>&nbsp;</p></li>) "
                    "were dropped: a shopper would see a bullet with nothing after it",
                    n=found.empty_items,
                ),
            )
        )
    if found.tables:
        said.append(
            (
                WARNING,
                msg(
                    "{n} table(s) were written one paragraph per row (TikTok Shop takes no "
                    "table), each value after its column's header ('Size: 20cm; Capacity: "
                    "500ml') where there was a header row, else the cells joined by ' | ': "
                    "check that the rows read right",
                    n=found.tables,
                ),
            )
        )
    return [Finding("description_reshaped", sev, about("description", m)) for sev, m in said]


# The letters a language is written in besides Latin, which every buyer reads (brands, units,
# a seller's English), as Unicode names them; Chinese left is `chinese_left`'s. Greek
# letters pass: α-, β-, Ω in ingredient and part names are printed so in every market.
_OWN_LETTERS: dict[str, frozenset[str]] = {
    "th": frozenset({"THAI"}),
    "ja": frozenset({"HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL"}),
    "ru": frozenset({"CYRILLIC"}),
    "uk": frozenset({"CYRILLIC"}),
    "ar": frozenset({"ARABIC"}),
    "fa": frozenset({"ARABIC"}),
    "ur": frozenset({"ARABIC"}),
    "he": frozenset({"HEBREW"}),
    "hi": frozenset({"DEVANAGARI"}),
    "lo": frozenset({"LAO"}),
    "km": frozenset({"KHMER"}),
    "my": frozenset({"MYANMAR"}),
}
_READ_EVERYWHERE = frozenset({"LATIN", "GREEK"})
_LETTER_WORDS = frozenset({"LETTER", "SYLLABLE", "CHARACTER"})


def _letter_script(ch: str) -> str | None:
    """The script of a letter as Unicode names it ('HIRAGANA', 'THAI'), None for anything
    else (a digit, a sign such as µ or ª, a Chinese character)."""
    if ch < "\x80" or not ch.isalpha():
        return None
    words = unicodedata.name(ch, "").split()
    if words[:1] in (["HALFWIDTH"], ["FULLWIDTH"]):
        words = words[1:]
    return words[0] if words and _LETTER_WORDS & set(words) else None


def foreign_runs(text: str, target_lang: str) -> list[str]:
    """The words of a text in a script the target language is not written in (kana or
    Hangul for a Malay buyer), consecutive ones together, in order, each once."""
    own = _READ_EVERYWHERE | _OWN_LETTERS.get(primary_language(target_lang), frozenset())
    runs: list[str] = []
    current: list[str] = []
    for word in text.split():
        if any((s := _letter_script(ch)) is not None and s not in own for ch in word):
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return list(dict.fromkeys(runs))


def han_runs(text: str) -> list[str]:
    """The runs of Chinese characters in a text, as they stand, in order, each once."""
    return list(dict.fromkeys(m.group(0) for m in _HAN_RUN.finditer(text)))


# A leftover still in a translation: its severity by field ("*": any other field), and
# what the message says of it.
_LEFTOVERS: dict[str, tuple[dict[str, str], Msg]] = {
    "cjk_punctuation": (
        {"title": ERROR, "*": WARNING},
        msg("Chinese brackets or punctuation left: {text}; write {fix}"),
    ),
    "title_emoji": (
        {"*": ERROR},
        msg("emoji {text}: TikTok Shop refuses them in a title; {fix}"),
    ),
    "external_image": (
        {"*": ERROR},
        msg("image on another site {text}: TikTok Shop shows only images uploaded to it; {fix}"),
    ),
    "external_link": (
        {"*": ERROR},
        msg("link to {text}: TikTok Shop refuses links to other sites; {fix}"),
    ),
    "caption_emoji": (
        {"*": ERROR},
        msg("emoji {text}: the caption is drawn on the image, whose fonts have none; {fix}"),
    ),
    "address": ({"*": WARNING}, msg("web address {text}: {fix}")),
}
# What cleaning did, by the kind of leftover: severity and message.
_CLEANED: dict[str, tuple[str, Msg]] = {
    "marketing_brackets": (INFO, msg("brackets taken off, the words kept: {changes}")),
    "promotion_tag": (
        WARNING,
        msg("promotional tags dropped (TikTok Shop titles take no promotions): {before}"),
    ),
    "cjk_punctuation": (
        INFO,
        msg("Chinese punctuation written as {language} writes it: {changes}"),
    ),
    "title_emoji": (WARNING, msg("emoji removed (TikTok Shop refuses them in a title): {before}")),
    "caption_emoji": (
        WARNING,
        msg("emoji removed (the fonts that draw on images have none): {before}"),
    ),
    "external_image": (
        WARNING,
        msg(
            "images on other sites removed (TikTok Shop shows only images uploaded to it; "
            "upload them in Seller Center's Media Center to use them): {before}"
        ),
    ),
    "external_link": (
        WARNING,
        msg("links to other sites removed, their text kept (TikTok Shop refuses them): {before}"),
    ),
    # An answer that carried terminal or bidi sequences is not a translation to trust even
    # once they are gone (`]0;PWNED[2J[bold red]x[/]`): a reviewer writes the text.
    "control_character": (
        ERROR,
        msg(
            "control characters removed from the engine's answer (no shopper may get them): "
            "{before}; what is left of it is not to be trusted: check it and write the text"
        ),
    ),
}
_OF = {
    "source": msg("{message} (in the source)"),
    "translation": msg("{message} (in the translation)"),
}


def _leftover_findings(field: str, target: str, plain: str, language: str) -> list[Finding]:
    out = []
    for left in leftovers.found(target, plain, field, language):
        severities, said = _LEFTOVERS[left.code]
        severity = severities.get(field, severities["*"])
        message = about(field, msg(said.text, text=left.text, fix=left.fix))
        out.append(Finding(left.code, severity, message, left.text, left.fix))
    return out


def cleaned(
    field: str, changes: Sequence[leftovers.Change], language: str = "", *, of: str = "source"
) -> list[Finding]:
    """What cleaning changed in a field's source (before translation) or its translation,
    one finding per kind of leftover, for the reviewer to see (code: the leftover's, with
    `_cleaned`)."""
    by_code: dict[str, list[leftovers.Change]] = {}
    for change in changes:
        by_code.setdefault(change.code, []).append(change)
    out = []
    for code, done in by_code.items():
        severity, said = _CLEANED[code]
        pairs = list(dict.fromkeys((c.before, c.after) for c in done))
        shown = ", ".join(f"{b} -> {a!r}" for b, a in pairs)
        before = ", ".join(dict.fromkeys(c.before for c in done))
        fix = shown if any(a for _, a in pairs) else "removed"
        says = msg(said.text, changes=shown, before=before, language=language)
        message = about(field, msg(_OF[of].text, message=says))
        out.append(Finding(f"{code}_cleaned", severity, message, before, fix))
    return out

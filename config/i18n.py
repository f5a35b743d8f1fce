"""The team's language: every message a person reads is a `Msg` (its English text, which is
also its id in the catalogs, and its parameters), rendered in the reader's language at the
moment it is shown.

Why messages travel unrendered: the same error or finding is printed to an operator who
reads Chinese, written to `--json` for a program (always English: programs read it) and
stored (English, as before); only the place that shows it knows who reads. So services
raise and return `Msg`s, and `Environment.out/err` (config.runtime) and the review UI
(`ReviewApp.say`) render them with the reader's `Catalog`.

The catalogs are standard gettext catalogs (`config/locale/<lang>/LC_MESSAGES/shopbot.po`,
extracted and compiled with Babel by `python -m tests.catalogs`: `msg` and `pmsg` are the
extraction keywords; the README's "Develop" section says how). They are read lazily: an
English run never opens one.

Choosing: `--lang`, else `SHOPBOT_LANG`, else the shops file's `[team] language`, else the
locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English. Alerts keep their per-shop
`alert_language` (cadence.messages).

`qps` is a pseudo-language for tests: every catalog string is wrapped in ⟦ ⟧, so text a
person would read outside the markers bypassed the catalogs.
"""

from __future__ import annotations

import gettext
import re
import string
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "shopbot"
LOCALE_DIR = Path(__file__).with_name("locale")
ENGLISH = "en"
PSEUDO = "qps"
# The languages a person may choose, by the code they type, and their catalog's folder.
CATALOGS = {"en": None, "zh": "zh_CN", "th": "th", "vi": "vi", PSEUDO: None}
NAMES = {"en": "English", "zh": "简体中文 (zh-CN)", "th": "ไทย (th)", "vi": "Tiếng Việt (vi)"}
# A language whose catalog covers part of the program so far: the texts written in these
# folders (the rest is shown in English). A declared scope, checked by
# tests/config/test_catalogs.py like a whole catalog is; the review UI comes first, as the
# shop's local staff review the Thai and Vietnamese text there.
PARTIAL = {"th": ("localize/review_ui/",), "vi": ("localize/review_ui/",)}
OPEN, CLOSE = "⟦", "⟧"

_ALIASES = {
    "en": "en",
    "english": "en",
    "zh": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "zh-hans-cn": "zh",
    "zh-sg": "zh",
    "chinese": "zh",
    "cn": "zh",
    "th": "th",
    "thai": "th",
    "vi": "vi",
    "vietnamese": "vi",
    PSEUDO: PSEUDO,
}


class Msg(str):
    """A message for a person: English text with `{named}` places (its catalog id) and the
    values for them. It is the English text as a str (so it is stored, logged, compared
    and written to --json as it always was); the catalogs give the other languages."""

    __slots__ = ("context", "params", "text")
    text: str
    context: str | None
    params: dict[str, Any]

    def __new__(cls, text: str, /, *, context: str | None = None, **params: Any) -> Msg:
        made = super().__new__(cls, _english(text, params))
        made.text = text
        made.context = context  # a word that means two things: "pending" (a message, an item)
        made.params = params
        return made

    def __repr__(self) -> str:
        return f"msg({self.text!r}, **{self.params!r})"

    def __reduce__(self) -> Any:  # image workers send findings between processes
        return _restore, (self.text, self.context, self.params)


def _restore(text: str, context: str | None, params: dict[str, Any]) -> Msg:
    return Msg(text, context=context, **params)


def _english(text: str, params: dict[str, Any]) -> str:
    """A message's English text with its values (each a str already when it is a Msg)."""
    values = {
        k: ", ".join(map(str, v)) if type(v) in (list, tuple) else v for k, v in params.items()
    }
    try:
        return filled(text, values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return text


# A text value's alignment in a column: [[fill]align]width[.precision][s]
_COLUMN = re.compile(r"(?:(?P<fill>.)?(?P<align>[<>^]))?(?P<width>\d+)(?:\.(?P<cut>\d+))?s?")


class _Columns(string.Formatter):
    """str.format, but a text value is padded to the columns a terminal gives it: a Chinese
    character takes two, a Thai or Vietnamese mark none (str.format counts code points, so
    a table's Chinese headers and titles pushed every column after them to the right)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        """One field, padded by its width on a terminal."""
        if not isinstance(value, str) or value.isascii():
            return format(value, format_spec)
        column = _COLUMN.fullmatch(format_spec)
        if column is None:
            return format(value, format_spec)
        from rich.cells import cell_len  # only when a wide or combining character is there

        text = str(value)
        if column["cut"] is not None:
            text = text[: int(column["cut"])]
        pad = max(int(column["width"]) - cell_len(text), 0)
        fill = column["fill"] or " "
        align = column["align"] or "<"
        if align == "<":
            return text + fill * pad
        if align == ">":
            return fill * pad + text
        return fill * (pad // 2) + text + fill * (pad - pad // 2)


_COLUMNS = _Columns()


def filled(text: str, values: Mapping[str, Any]) -> str:
    """`text.format(**values)`, with text values aligned by their width on a terminal."""
    if all(not isinstance(v, str) or v.isascii() for v in values.values()):
        return text.format(**values)  # the usual line: str.format is C, the formatter not
    return _COLUMNS.vformat(text, (), values)


def stored(value: object) -> object:
    """A message as JSON data, to be stored once and shown later in any language:
    {"text": ..., "params": {...}} (a context too, when it has one); anything else as is
    (numbers, text) or as its str(). Values joined (`Joined`) keep their items and
    separator: {"joined": [...], "separator": ...}."""
    if isinstance(value, Joined):
        return {"joined": [stored(v) for v in value.items], "separator": stored(value.separator)}
    if isinstance(value, Msg):
        data: dict[str, Any] = {
            "text": value.text,
            "params": {k: stored(v) for k, v in value.params.items()},
        }
        if value.context is not None:
            data["context"] = value.context
        return data
    if isinstance(value, (list, tuple)):
        return [stored(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def from_stored(data: object) -> object:
    """What `stored` made, as a message again (a value that is not one, as it is)."""
    if isinstance(data, dict) and isinstance(data.get("joined"), list):
        separator = from_stored(data.get("separator"))
        return Joined(
            [from_stored(v) for v in data["joined"]],
            separator if isinstance(separator, str) else ", ",
        )
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        params = data.get("params") if isinstance(data.get("params"), dict) else {}
        context = data.get("context") if isinstance(data.get("context"), str) else None
        return Msg(
            data["text"], context=context, **{str(k): from_stored(v) for k, v in params.items()}
        )
    if isinstance(data, list):
        return [from_stored(v) for v in data]
    return data


def msg(text: str, /, **params: Any) -> Msg:
    """A message to show a person (the extraction keyword: `text` must be a literal)."""
    return Msg(text, **params)


def pmsg(context: str, text: str, /, **params: Any) -> Msg:
    """A message whose text means different things in different places, told apart by
    `context` (gettext's msgctxt; both literals)."""
    return Msg(text, context=context, **params)


Text = Msg | str


class Said(Msg):
    """A value each language says by code rather than by catalog (a moment: 'Fri 27 Nov
    18:30 Beijing', '11月27日（周五）18:30 北京时间'): `said(lang)` gives it; as a str, the
    English, which is also what is stored."""

    __slots__ = ()

    def said(self, lang: str) -> str:
        """The value as `lang` says it."""
        return str(self)


class Joined(Msg):
    """A parameter that is several values shown with a separator of its own (a Msg when the
    languages differ: "; " is "；" in Chinese); a plain list is joined with ", "."""

    __slots__ = ("items", "separator")
    items: list[object]
    separator: Text

    def __new__(cls, items: Iterable[object], separator: Text = ", ") -> Joined:
        listed = list(items)
        made = str.__new__(cls, str(separator).join(map(str, listed)))
        made.text, made.context, made.params = str(made), None, {}
        made.items, made.separator = listed, separator
        return made

    def __reduce__(self) -> Any:
        return Joined, (self.items, self.separator)


SEMICOLON = msg("; ")  # between clauses: "；" in Chinese


def word(words: Mapping[str, Msg], code: str) -> Msg | str:
    """A state's or severity's word for people; the code itself for one not known here."""
    return words.get(code, code)


def Lines(items: Iterable[object]) -> Joined:  # noqa: N802 - reads as the kind it makes
    """Several lines as one parameter."""
    return Joined(items, "\n")


class Catalog:
    """One language's translations: renders messages, their parameters and lists."""

    def __init__(self, lang: str, translations: gettext.NullTranslations) -> None:
        self.lang = lang
        self._translations = translations

    def render(self, value: object) -> str:
        """`value` as this language says it: a Msg translated with its parameters (each
        rendered the same way), a list or tuple of them joined, anything else as str()."""
        if isinstance(value, Joined):
            return self.render(value.separator).join(self.render(v) for v in value.items)
        if isinstance(value, Said):
            return value.said(self.lang)
        if isinstance(value, Msg):
            return self._message(value)
        if isinstance(value, (list, tuple)):
            return self.render(msg(", ")).join(self.render(v) for v in value)
        return str(value)

    def _message(self, message: Msg) -> str:
        params = {
            k: self.render(v) if isinstance(v, (Msg, list, tuple)) else v
            for k, v in message.params.items()
        }
        if message.context is None:
            translated = self._translations.gettext(message.text)
        else:
            translated = self._translations.pgettext(message.context, message.text)
        if self.lang == PSEUDO and _in_catalogs(message):  # one that is not stays bare
            translated = _pseudo(message.text)
        try:
            return filled(translated, params)
        except (KeyError, IndexError, ValueError, AttributeError):
            # a translation with a broken place must not stop the command: say it in English
            try:
                return filled(message.text, params)
            except (KeyError, IndexError, ValueError, AttributeError):
                return message.text  # stored by a version whose places differed


def _in_catalogs(message: Msg) -> bool:
    """Whether a message is in the catalogs (the first translated language's: every
    language has the same texts, kept so by tests/config/test_catalogs.py)."""
    translations = catalog("zh")._translations
    if not isinstance(translations, gettext.GNUTranslations):
        return False
    key = message.text if message.context is None else f"{message.context}\x04{message.text}"
    return key in translations._catalog  # type: ignore[attr-defined]


def _pseudo(text: str) -> str:
    """The pseudo-language's translation: each run of the catalog's own words in ⟦ ⟧ and the
    places left as they are, so a plain English string passed as a value shows unmarked."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if literal.strip():  # each line of it marked on its own: a line is what is read
            literal = "\n".join(
                f"{OPEN}{part}{CLOSE}" if part.strip() else part for part in literal.split("\n")
            )
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            parts.append(
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
    return "".join(parts)


@cache
def catalog(lang: str) -> Catalog:
    """The catalog of a language code from `choose` (read once per process)."""
    folder = CATALOGS.get(lang)
    if folder is None:
        return Catalog(lang, gettext.NullTranslations())
    try:
        found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder])
    except OSError:  # a catalog missing from the installation: English rather than nothing
        found = gettext.NullTranslations()
    return Catalog(lang, found)


def language(code: str) -> str | None:
    """The language a code names (`zh-CN`, `zh_CN.UTF-8`, `en`), or None."""
    base = code.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    if base in _ALIASES:
        return _ALIASES[base]
    first = base.split("-", 1)[0]  # th-TH, vi-VN, en-GB: the language, whatever the region
    return _ALIASES.get(first) if first in ("en", "zh", "th", "vi") else None


def known() -> str:
    """The codes a person may give, for messages."""
    return ", ".join(c for c in CATALOGS if c != PSEUDO)


def covers(lang: str, where: str) -> bool:
    """Whether a language's catalog is to translate a text written at `where` (a path
    from the project's root): every text for a whole catalog, its scope's for a partial."""
    scope = PARTIAL.get(lang)
    return scope is None or where.startswith(scope)


def choose(
    option: str | None,
    environ: Mapping[str, str],
    team: Callable[[], str | None] = lambda: None,
) -> str:
    """The reader's language: --lang, $SHOPBOT_LANG, the shops file's [team] language, the
    locale, English. A code given on purpose (the first three) that names no language is
    an error; a locale this program has no catalog for means English."""
    from config.errors import BadInput, echoed

    for given, where in ((option, "--lang"), (environ.get("SHOPBOT_LANG"), "SHOPBOT_LANG")):
        # an empty --lang is a value typed (a script's unset variable), not one left out
        if given or (given is not None and where == "--lang"):
            found = language(given)
            if found is None:
                raise BadInput(
                    msg(
                        "{where} {given!r} is not a language this program speaks; "
                        "use one of: {known}",
                        where=where,
                        given=echoed(given, 40),
                        known=known(),
                    )
                )
            return found
    chosen = team()
    if chosen:
        return language(chosen) or ENGLISH
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:  # the first one set decides, as for every POSIX program
            return language(value) or ENGLISH
    return ENGLISH


def placeholders(text: str) -> set[str]:
    """The named places of a message text (`{shop}`, `{n:,}` → shop, n)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}

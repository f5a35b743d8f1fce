"""The message catalogs kept in step with the code, with Babel (the standard tools).

`python -m tests.catalogs` extracts every `msg("...")` from the packages, merges the new and
changed texts into each language's .po (what is gone is dropped; a new text is left
untranslated, to be filled in), and compiles the .mo files the programs read. The tests
(tests/config/test_catalogs.py) use the same functions to check that nothing is missing.
A language with a declared scope (config.i18n.PARTIAL: Thai and Vietnamese cover the review
UI so far) holds every text too, and is to translate those of its scope; the rest is shown
in English until it is translated.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from config.i18n import CATALOGS, DOMAIN, LOCALE_DIR, NAMES, PARTIAL, covers

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("cadence", "config", "localize", "store", "tiktok")
# msg(text, **params): the text is the first argument; pmsg(context, text, **params)
KEYWORDS = {"msg": None, "pmsg": ((1, "c"), 2)}


# Said at the top of a catalog no native speaker has checked yet.
HEADER_NOTES = {
    lang: (
        f"\n# The {NAMES[lang]} translations were machine-written and await a native "
        "reviewer:\n# until then, read them as drafts (wrong terms are welcome reports)."
    )
    for lang in ("th", "vi")
}


def extracted() -> Catalog:
    """Every message text in the code, as a template catalog."""
    template = Catalog(domain=DOMAIN)
    for source in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(message, None, [(f"{source}/{filename}", lineno)], context=context)
    for text, where in help_texts():
        template.add(text, None, [(where, 0)], context="help")
    return template


def help_texts() -> list[tuple[str, str]]:
    """Every help text of both programs' commands and options, with its program's cli
    module: --help renders them from the catalogs by their English (config.cli.speak_help)."""
    import inspect

    import typer

    from cadence.cli import app as cadence
    from localize.cli import app as localize

    found = []
    for where, app in (("cadence/cli.py", cadence), ("localize/cli.py", localize)):
        commands = [typer.main.get_command(app)]
        while commands:
            command = commands.pop()
            if command.help:
                found.append((inspect.cleandoc(command.help), where))
            found += [(p.help, where) for p in command.params if getattr(p, "help", None)]
            commands += getattr(command, "commands", {}).values()
    return found


def in_scope(lang: str, message: Message) -> bool:
    """Whether `lang` is to translate a message of the code (by where it is written)."""
    return any(covers(lang, where) for where, _ in message.locations)


def scope(lang: str) -> set[tuple[str | None, str]]:
    """The (context, text) of every message a language is to translate."""
    return {(m.context, m.id) for m in extracted() if m.id and in_scope(lang, m)}


def po_path(lang: str) -> Path:
    """A language's .po file."""
    folder = CATALOGS[lang]
    assert folder is not None
    return LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    """A language's catalog as written in its .po file."""
    with po_path(lang).open("rb") as file:
        return read_po(file, locale=CATALOGS[lang])


def compiled(catalog: Catalog) -> bytes:
    """A catalog as the .mo bytes gettext reads."""
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def update(lang: str) -> Catalog:
    """Bring a language's .po and .mo in step with the code; returns the catalog."""
    path = po_path(lang)
    catalog = read(lang) if path.exists() else Catalog(locale=CATALOGS[lang], domain=DOMAIN)
    catalog.update(extracted(), no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    catalog.fuzzy = False  # the header: a fuzzy one is left out of the .mo, and its charset
    catalog.project, catalog.version = "shopbot", "1"
    catalog.header_comment = (
        f"# {NAMES.get(lang, lang)} messages of shopbot (python -m tests.catalogs)."
        + (HEADER_NOTES.get(lang, ""))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, no_location=True, sort_output=True, width=100)
    path.with_suffix(".mo").write_bytes(compiled(catalog))
    return catalog


def main() -> int:
    """Update every language's catalog; say what is left to translate (in its scope)."""
    left = 0
    for lang, folder in CATALOGS.items():
        if folder is None:
            continue
        catalog = update(lang)
        wanted = scope(lang)
        missing = [
            m.id for m in catalog if (m.context, m.id) in wanted and (not m.string or m.fuzzy)
        ]
        left += len(missing)
        covered = f" (covering {', '.join(PARTIAL[lang])})" if lang in PARTIAL else ""
        print(
            f"{po_path(lang).relative_to(ROOT)}: {len(catalog) - 1} messages{covered}, "
            f"{len(missing)} to translate"
        )
        for text in missing[:20]:
            print(f"  {text!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())

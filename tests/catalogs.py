"""The message catalogs kept in step with the code, with Babel (the standard tools).

`python -m tests.catalogs` extracts every `msg("...")` from the packages, merges the new and
changed texts into each language's .po (what is gone is dropped; a new text is left
untranslated, to be filled in), and compiles the .mo files the programs read. The tests
(tests/config/test_catalogs.py) use the same functions to check that nothing is missing.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from config.i18n import CATALOGS, DOMAIN, LOCALE_DIR, NAMES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("cadence", "config", "localize", "store", "tiktok")
# msg(text, **params): the text is the first argument; pmsg(context, text, **params)
KEYWORDS = {"msg": None, "pmsg": ((1, "c"), 2)}


def extracted() -> Catalog:
    """Every message text in the code, as a template catalog."""
    template = Catalog(domain=DOMAIN)
    for source in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(message, None, [(f"{source}/{filename}", lineno)], context=context)
    return template


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
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, no_location=True, sort_output=True, width=100)
    path.with_suffix(".mo").write_bytes(compiled(catalog))
    return catalog


def main() -> int:
    """Update every language's catalog; say what is left to translate."""
    left = 0
    for lang, folder in CATALOGS.items():
        if folder is None:
            continue
        catalog = update(lang)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        left += len(missing)
        print(
            f"{po_path(lang).relative_to(ROOT)}: {len(catalog) - 1} messages, "
            f"{len(missing)} to translate"
        )
        for text in missing[:20]:
            print(f"  {text!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())

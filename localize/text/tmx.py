"""TMX 1.4 import and export, so memories move to and from other translation tools."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from sqlalchemy import Engine
from sqlmodel import select

from config.errors import BadInput, UnknownLanguage, echoed
from config.files import read_bytes, save_file
from config.i18n import SEMICOLON, Joined, Msg, Text, msg
from config.markets import MarketCatalog, load_markets
from config.tables import Place, RowProblem
from localize.text import memory
from store.db import read_scope, session_scope
from store.models import Quality, TranslationMemory

BATCH = 500  # pairs per transaction (a fraction of a second of SQLite's write lock)
ORIGIN_MOST = 64  # characters of a unit's x-origin the store keeps (its memory.origin column)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class TmxImport:
    """What an import did."""

    stored: int = 0
    skipped: list[RowProblem] = field(default_factory=list)
    noted: list[RowProblem] = field(default_factory=list)  # stored, with something said


def _seg_text(seg: ET.Element) -> str:
    # Inline markup (<bpt>, <ph>, ...) carries codes, not words: keep only the text.
    return "".join(seg.itertext())


@dataclass
class _Unit:
    """One translation unit read: its source, the translations to store, what was left out."""

    source_lang: str
    source: str
    targets: dict[str, str]
    left_out: list[Text]


def _unit(tu: ET.Element, default_src: str, catalog: MarketCatalog) -> _Unit | Msg:
    """A unit's segments under the catalog's language codes, or why none can be stored."""
    segments: dict[str, str] = {}
    left_out: list[Text] = []
    empty: set[str] = set()  # languages whose segment was empty
    for tuv in tu.findall("tuv"):
        given = tuv.get(XML_LANG) or tuv.get("lang") or ""
        seg = tuv.find("seg")
        if seg is None:
            continue
        try:
            lang = catalog.language_code(given, "xml:lang")
        except UnknownLanguage as exc:
            left_out.append(exc.text)
            continue
        if lang in segments:
            left_out.append(
                msg(
                    "xml:lang {given!r} is {lang} again; the first {lang} segment kept",
                    given=given,
                    lang=lang,
                )
            )
        elif not _seg_text(seg).strip():
            empty.add(lang)
            left_out.append(msg("the {lang} segment is empty", lang=lang))
        else:
            segments[lang] = _seg_text(seg)
    src = tu.get("srclang") or default_src
    try:
        source_lang = catalog.language_code(src, "srclang")
    except UnknownLanguage as exc:
        return msg("no segment in the source language: {problem}", problem=exc.text)
    if source_lang in empty:
        return msg("the {lang} segment, the source, is empty", lang=source_lang)
    if source_lang not in segments:
        return msg("no segment in the source language {lang!r}", lang=src)
    source = segments.pop(source_lang)
    if not segments and not left_out:
        left_out.append(msg("no segment in a language other than the source's"))
    return _Unit(source_lang, source, segments, left_out)


def import_tmx(
    store: Engine,
    path: Path,
    *,
    scope: str,
    quality: str = Quality.HUMAN,
    catalog: MarketCatalog | None = None,
) -> TmxImport:
    """Store every translation unit's pairs (source language = the unit's or the header's
    srclang) under the markets file's language codes (`th-TH` is stored as `th`). A segment
    in a language the markets file does not know, or empty, is left out and its unit counted
    as skipped: the memory is only ever asked in the catalog's languages, so such a pair
    could never be used, and the count says what was left."""
    from defusedxml import ElementTree as SafeET  # untrusted XML: no entity bombs, no DTDs
    from defusedxml.common import DefusedXmlException, EntitiesForbidden

    catalog = catalog or load_markets()
    content = read_bytes(path)
    try:
        root = SafeET.fromstring(content)
    except EntitiesForbidden:
        raise BadInput(
            msg(
                "{path}: refused: the file defines XML entities (an 'entity expansion' attack, "
                "or a TMX this importer does not support); export it again without a DTD",
                path=str(path),
            )
        ) from None
    except DefusedXmlException as exc:  # external references and the like: said plainly too
        kind = type(exc).__name__
        raise BadInput(
            msg(
                "{path}: refused: the file refers to something outside itself ({kind}), which "
                "a TMX file never needs; export it again without a DTD",
                path=str(path),
                kind=kind,
            )
        ) from None
    except ET.ParseError as exc:
        raise BadInput(
            msg("{path}: not a TMX file: {error}", path=str(path), error=str(exc))
        ) from None
    if root.tag != "tmx":
        raise BadInput(
            msg("{path}: the root element is <{tag}>, not <tmx>", path=str(path), tag=root.tag)
        )
    header, body = root.find("header"), root.find("body")
    if header is None or body is None:
        raise BadInput(msg("{path}: a TMX file needs <header> and <body>", path=str(path)))
    default_src = header.get("srclang", "")
    result = TmxImport()
    batch: list[dict[str, str]] = []
    for n, tu in enumerate(body.iter("tu"), start=1):
        place = Place(str(path), item=n, kind="tu")
        unit = _unit(tu, default_src, catalog)
        if isinstance(unit, Msg):
            result.skipped.append(place.problem(unit))
            continue
        if unit.left_out:
            result.skipped.append(
                place.problem(
                    msg("{problems}; left out", problems=Joined(unit.left_out, SEMICOLON))
                )
            )
        props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
        origin = props.get("x-origin") or "tmx"
        if len(origin) > ORIGIN_MOST:  # (the store's column: PostgreSQL refused the row,
            # and the import failed with no file named, where SQLite kept it whole)
            result.noted.append(
                place.problem(
                    msg(
                        "x-origin is {count} characters long; its first {most} are kept",
                        count=len(origin),
                        most=ORIGIN_MOST,
                    )
                )
            )
            origin = origin[:ORIGIN_MOST]
        tu_quality = props.get("x-quality")
        if tu_quality not in (Quality.HUMAN, Quality.MACHINE):
            tu_quality = quality
        batch += [
            {
                "source_lang": unit.source_lang,
                "target_lang": lang,
                "source": unit.source,
                "target": text,
                "quality": tu_quality,
                "origin": origin,
            }
            for lang, text in unit.targets.items()
        ]
        if len(batch) >= BATCH:
            result.stored += _save(store, scope, batch)
            batch = []
    result.stored += _save(store, scope, batch)
    return result


def _save(store: Engine, scope: str, batch: list[dict[str, str]]) -> int:
    """One short transaction of pairs: a long import never holds the write lock for long,
    and a killed one has kept what it committed (a re-run rewrites the same rows)."""
    if batch:
        with session_scope(store) as session:
            for pair in batch:
                memory.remember(session, scope=scope, **pair)
    return len(batch)


# the characters XML 1.0 cannot hold (a control character a reviewer or an engine put in)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _refuse_overwriting(path: Path) -> None:
    """BadInput when `path` holds something other than a TMX file."""
    import stat

    shown = echoed(str(path))  # a path is a value a person typed
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:  # a name too long, a parent that is a file: said by save_file
        if exc.errno in (errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP):
            return
        raise BadInput(f"{shown}: cannot tell what is there ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{shown} is a folder; give the name of the TMX file to write")
    if not stat.S_ISREG(st.st_mode):  # a pipe or a device: opened to look, it would wait
        raise BadInput(f"{shown} is not a regular file; give the name of the TMX file to write")
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise BadInput(f"{shown}: cannot read it to check what it is ({exc.strerror})") from None
    if b"<tmx" not in head:
        raise BadInput(
            f"{shown} exists and is not a TMX file: it is not overwritten; give a new file "
            "name (e.g. memory.tmx)"
        )


def export_tmx(store: Engine, path: Path, *, scope: str) -> int:
    """Write the scope's memory as TMX 1.4 (written to a temporary file, then renamed);
    an existing file is replaced only when it is a TMX file (a mistyped name must not
    replace a listings file or the shops file). Characters XML cannot hold are left out,
    so that the file always reads back."""
    _refuse_overwriting(path)
    with read_scope(store) as session:
        rows = session.exec(
            select(TranslationMemory)
            .where(TranslationMemory.scope == scope)
            .order_by(TranslationMemory.source_lang, TranslationMemory.source_key)
        ).all()
    # An empty target for a source with text (an engine's empty answer stored by an older
    # version) is no translation: another tool would take it for one.
    rows = [r for r in rows if r.target_text.strip() or not r.source_text.strip()]
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "shopbot",
            "creationtoolversion": "0.1",
            "segtype": "sentence",
            "o-tmf": "shopbot",
            "adminlang": "en",
            "datatype": "plaintext",
            "srclang": rows[0].source_lang if rows else "zh-CN",
        },
    )
    body = ET.SubElement(root, "body")
    for row in rows:
        tu = ET.SubElement(
            body,
            "tu",
            srclang=row.source_lang,
            changedate=row.updated_at.strftime("%Y%m%dT%H%M%SZ"),
        )
        ET.SubElement(tu, "prop", type="x-quality").text = row.quality
        ET.SubElement(tu, "prop", type="x-origin").text = row.origin
        for lang, text in ((row.source_lang, row.source_text), (row.target_lang, row.target_text)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = _XML_ILLEGAL.sub("", text)
    ET.indent(root)
    save_file(path, ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return len(rows)

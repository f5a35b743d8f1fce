"""TMX 1.4 import and export, so memories move to and from other translation tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from sqlalchemy import Engine
from sqlmodel import select

from config.errors import BadInput
from config.files import read_bytes, write_atomically
from config.tables import Place, RowProblem
from localize.text import memory
from store.db import read_scope, session_scope
from store.models import Quality, TranslationMemory

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class TmxImport:
    """What an import did."""

    stored: int = 0
    skipped: list[RowProblem] = field(default_factory=list)


def _seg_text(seg: ET.Element) -> str:
    # Inline markup (<bpt>, <ph>, ...) carries codes, not words: keep only the text.
    return "".join(seg.itertext())


def import_tmx(
    engine: Engine, path: Path, *, scope: str, quality: str = Quality.HUMAN
) -> TmxImport:
    """Store every translation unit's pairs (source language = the header's srclang)."""
    from defusedxml import ElementTree as SafeET  # untrusted XML: no entity bombs, no DTDs
    from defusedxml.common import DefusedXmlException

    content = read_bytes(path)
    try:
        root = SafeET.fromstring(content)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise BadInput(f"{path}: not a TMX file: {exc}") from None
    if root.tag != "tmx":
        raise BadInput(f"{path}: the root element is <{root.tag}>, not <tmx>")
    header, body = root.find("header"), root.find("body")
    if header is None or body is None:
        raise BadInput(f"{path}: a TMX file needs <header> and <body>")
    default_src = header.get("srclang", "")
    result = TmxImport()
    with session_scope(engine) as session:
        for n, tu in enumerate(body.iter("tu"), start=1):
            src = tu.get("srclang") or default_src
            variants = {}
            for tuv in tu.findall("tuv"):
                lang = tuv.get(XML_LANG) or tuv.get("lang")
                seg = tuv.find("seg")
                if lang and seg is not None:
                    variants[lang] = _seg_text(seg)
            source = variants.get(src) or next(
                (v for k, v in variants.items() if k.lower() == src.lower()), None
            )
            if not src or src == "*all*" or source is None:
                place = Place(str(path), item=n, kind="tu")
                result.skipped.append(place.problem(f"no segment in the source language {src!r}"))
                continue
            props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
            tu_quality = props.get("x-quality")
            if tu_quality not in (Quality.HUMAN, Quality.MACHINE):
                tu_quality = quality
            for lang, text in variants.items():
                if lang.lower() == src.lower() or not text.strip():
                    continue
                memory.remember(
                    session,
                    scope=scope,
                    source_lang=src,
                    target_lang=lang,
                    source=source,
                    target=text,
                    quality=tu_quality,
                    origin=props.get("x-origin") or "tmx",
                )
                result.stored += 1
    return result


def export_tmx(engine: Engine, path: Path, *, scope: str) -> int:
    """Write the scope's memory as TMX 1.4 (written to a temporary file, then renamed)."""
    with read_scope(engine) as session:
        rows = session.exec(
            select(TranslationMemory)
            .where(TranslationMemory.scope == scope)
            .order_by(TranslationMemory.source_lang, TranslationMemory.source_key)
        ).all()
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
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    write_atomically(path, ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return len(rows)

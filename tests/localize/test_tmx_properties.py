"""Property-based: any TMX file, well formed or not, is imported or refused with the
project's own error, never another exception; and importing it twice stores nothing new."""

from __future__ import annotations

import itertools
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import select

from config.errors import AppError
from localize.text.tmx import XML_LANG, import_tmx
from store.db import read_scope
from store.models import TranslationMemory

RUNS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SCOPES = itertools.count()
printable = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), max_codepoint=0xFFFD)
known = st.sampled_from(["zh-CN", "th", "vi"])
odd = st.sampled_from(["zh", "zh-cn", "ZH-Hans", "th-TH", "TH", "en-GB", "en", "xx", ""])
langs = st.one_of(known, known, known, odd, st.text(printable, max_size=8))
# Text as sellers' tools write it, with characters XML cannot hold now and then.
texts = st.text(printable, max_size=20) | st.sampled_from(
    ["", " ", "保温杯", "ส่งฟรี", "a\x01b", "&amp;", "x" * 300]
)


@st.composite
def units(draw: st.DrawFn) -> ET.Element:
    """One <tu>: segments in generated languages, inline markup, props."""
    tu = ET.Element(draw(st.sampled_from(["tu", "tu", "tu", "tuv"])))
    if draw(st.booleans()):
        tu.set("srclang", draw(langs))
    for _ in range(draw(st.integers(0, 3))):
        prop = ET.SubElement(tu, "prop", type=draw(st.sampled_from(["x-quality", "x-origin"])))
        prop.text = draw(st.sampled_from(["human", "machine", "", "robot"]) | texts)
    for _ in range(draw(st.integers(0, 4))):
        tuv = ET.SubElement(tu, "tuv")
        tuv.set(draw(st.sampled_from([XML_LANG, "lang", "language"])), draw(langs))
        if draw(st.integers(0, 5)):
            seg = ET.SubElement(tuv, "seg")
            seg.text = draw(texts)
            if draw(st.booleans()):
                ph = ET.SubElement(seg, draw(st.sampled_from(["ph", "bpt", "seg"])))
                ph.text, ph.tail = draw(texts), draw(texts)
    return tu


@st.composite
def usable_units(draw: st.DrawFn) -> ET.Element:
    """A <tu> the memory can use: a Chinese source and one or two translations."""
    tu = ET.Element("tu")
    for lang in ["zh-CN", *draw(st.lists(st.sampled_from(["th", "th-TH", "vi"]), max_size=2))]:
        tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
        ET.SubElement(tuv, "seg").text = draw(st.sampled_from(["保温杯", "杯子", "ส่งฟรี", "x"]))
    return tu


@st.composite
def tmx_files(draw: st.DrawFn) -> bytes:
    """A TMX document, often well formed, sometimes cut short, re-encoded or just noise."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=200))
    root = ET.Element("tmx" if draw(st.integers(0, 9)) else draw(st.sampled_from(["TMX", "x"])))
    if draw(st.integers(0, 9)):
        header = ET.SubElement(root, "header")
        if draw(st.integers(0, 5)):
            header.set("srclang", draw(st.one_of(st.just("zh-CN"), langs)))
    if draw(st.integers(0, 9)):
        body = ET.SubElement(root, "body")
        body.extend(draw(st.lists(usable_units() | units(), max_size=6)))
    raw = ET.tostring(root, encoding="utf-8", xml_declaration=draw(st.booleans()))
    cut = draw(st.sampled_from(["whole"] * 7 + ["cut", "utf-16", "gb18030"]))
    if cut == "cut":
        return raw[: draw(st.integers(0, len(raw)))]
    if cut in ("utf-16", "gb18030"):  # the declaration still says utf-8 when there is one
        return raw.decode("utf-8").encode(cut, errors="replace")
    return raw


def _rows(engine: Engine, scope: str) -> int:
    with read_scope(engine) as session:
        query = select(func.count()).select_from(TranslationMemory)
        return session.exec(query.where(TranslationMemory.scope == scope)).one()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@RUNS
@given(content=tmx_files())
def test_any_tmx_file_is_imported_or_refused_with_our_error(
    engine: Engine, folder: Path, content: bytes
) -> None:
    path = folder / "memory.tmx"
    path.write_bytes(content)
    scope = f"s{next(SCOPES)}"
    try:
        first = import_tmx(engine, path, scope=scope)
    except AppError as exc:
        assert str(path) in exc.message
        event("refused")
        return
    rows = _rows(engine, scope)
    event("stored pairs" if rows else "stored nothing")
    assert first.stored >= rows  # a pair given twice is one row
    assert all(str(path) in str(problem) for problem in first.skipped)
    again = import_tmx(engine, path, scope=scope)
    assert (again.stored, len(again.skipped)) == (first.stored, len(first.skipped))
    assert _rows(engine, scope) == rows


def test_a_long_x_origin_is_cut_to_what_the_store_keeps_and_said(
    engine: Engine, folder: Path
) -> None:
    # Hypothesis, on PostgreSQL in CI: a 120-character x-origin overflowed memory.origin
    # (64), and the import failed with the database's error, no file named
    path = folder / "memory.tmx"
    path.write_text(
        '<tmx><header srclang="zh-CN"/><body><tu><prop type="x-origin">'
        + "o" * 120
        + '</prop><tuv xml:lang="zh-CN"><seg>保温杯</seg></tuv>'
        '<tuv xml:lang="th"><seg>กระติกน้ำ</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    done = import_tmx(engine, path, scope="long-origin")
    assert done.stored == 1
    assert done.skipped == [] and len(done.noted) == 1  # stored: not called skipped
    assert "120 characters" in str(done.noted[0]) and str(path) in str(done.noted[0])
    with read_scope(engine) as session:
        row = session.exec(
            select(TranslationMemory).where(TranslationMemory.scope == "long-origin")
        ).one()
    assert row.origin == "o" * 64 and row.target_text == "กระติกน้ำ"

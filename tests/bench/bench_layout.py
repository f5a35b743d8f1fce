"""How translated type is set on supplier-style images, before (each line fitted into its
own box: the drawing at commit BEFORE, loaded from git) and after (set by block), in the
same run on the same drawn images and languages (en, th, vi, ms, de):

- drawn size against the size that would match the original's ink (median; share under
  60%), per region;
- the spread of sizes within a block (max / min - 1, per block of 2+ lines);
- lines that end inside a word;
- time per image;

and, for tables and lists (tests/imagesynth.py's "table" and "list", en/th/vi), the
typesetting at BASE (loaded from git) against today's: items (cells, claims) broken over
more than one line, the spread of sizes in a table's label column, the smallest gap
between two claims of a list (of the size), how far the list's top moved from the
original's, and time per image.

Run from the project's root: .venv/bin/python -m tests.bench.bench_layout [--sheet out.png]
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from localize.image import fonts
from localize.image.render import break_units
from localize.image.replace import erase_piece, start_size
from localize.image.typeset import set_pieces
from tests.localize.images import photo
from tests.localize.supplier_text import Lettering, Scene, draw

BEFORE = "eaf4478"  # the last commit that fitted each line into its own box
LANGUAGES = {"en": "latin", "th": "thai", "vi": "latin", "ms": "latin", "de": "latin"}
WORDS = {
    "保温杯大容量": {
        "en": "Large capacity vacuum flask",
        "th": "กระติกน้ำสุญญากาศความจุสูง",
        "vi": "Bình giữ nhiệt dung tích lớn",
        "ms": "Kelalang vakum kapasiti besar",
        "de": "Thermosflasche mit großem Volumen",
    },
    "三十度保温十二小时": {
        "en": "Keeps drinks warm for twelve hours",
        "th": "เก็บความร้อนได้นานสิบสองชั่วโมง",
        "vi": "Giữ ấm đồ uống suốt mười hai giờ",
        "ms": "Kekal panas selama dua belas jam",
        "de": "Hält Getränke zwölf Stunden warm",
    },
    "食品级不锈钢内胆": {
        "en": "Food-grade stainless steel liner",
        "th": "ซับในสแตนเลสเกรดอาหาร",
        "vi": "Lòng thép không gỉ cấp thực phẩm",
        "ms": "Pelapik keluli tahan karat gred makanan",
        "de": "Lebensmittelechter Edelstahl-Innenbehälter",
    },
    "一键开盖方便饮水": {
        "en": "One-touch lid, easy drinking",
        "th": "ฝาเปิดด้วยปุ่มเดียว ดื่มง่าย",
        "vi": "Nắp bật một chạm, uống dễ dàng",
        "ms": "Penutup satu sentuhan, mudah minum",
        "de": "Deckel mit einem Druck, leicht trinken",
    },
    "原价99元": {
        "en": "Was 99 yuan",
        "th": "ราคาเดิม 99 หยวน",
        "vi": "Giá gốc 99 tệ",
        "ms": "Harga asal 99 yuan",
        "de": "Früher 99 Yuan",
    },
    "限时特惠": {
        "en": "Limited-time offer",
        "th": "ข้อเสนอพิเศษเวลาจำกัด",
        "vi": "Ưu đãi có thời hạn",
        "ms": "Tawaran masa terhad",
        "de": "Zeitlich begrenztes Angebot",
    },
    "透气": {
        "en": "Breathable",
        "th": "ระบายอากาศ",
        "vi": "Thoáng khí",
        "ms": "Bernafas",
        "de": "Atmungsaktiv",
    },
    "防滑鞋底": {
        "en": "Non-slip sole",
        "th": "พื้นรองเท้ากันลื่น",
        "vi": "Đế chống trượt",
        "ms": "Tapak anti-gelincir",
        "de": "Rutschfeste Sohle",
    },
    "轻便舒适": {
        "en": "Light and comfortable",
        "th": "เบาและสบาย",
        "vi": "Nhẹ và thoải mái",
        "ms": "Ringan dan selesa",
        "de": "Leicht und bequem",
    },
    "包邮": {
        "en": "Free shipping",
        "th": "ส่งฟรี",
        "vi": "Miễn phí vận chuyển",
        "ms": "Penghantaran percuma",
        "de": "Versandkostenfrei",
    },
    "白字黑边": {
        "en": "Bold and outlined",
        "th": "ตัวหนามีขอบ",
        "vi": "Chữ đậm có viền",
        "ms": "Tebal bergaris",
        "de": "Fett mit Kontur",
    },
}


def scenes() -> list[tuple[str, Scene, list[str], list[tuple[int, ...]]]]:
    """The test images: a name, the scene, its lines' texts, and which lines are one block."""
    out = []
    cream = Image.new("RGB", (800, 560), (245, 240, 230))
    texts = [
        "保温杯大容量",
        "三十度保温十二小时",
        "食品级不锈钢内胆",
        "一键开盖方便饮水",
        "原价99元",
    ]
    out.append((
        "title, paragraph, struck price",
        draw(cream, [
            Lettering(texts[0], (60, 40), 64, fill=(180, 20, 20), bold=3),
            Lettering(texts[1], (60, 160), 30),
            Lettering(texts[2], (60, 205), 30),
            Lettering(texts[3], (60, 250), 30),
            Lettering(texts[4], (60, 330), 36, fill=(120, 120, 120), strike=True),
        ]),
        texts, [(1, 2, 3)],
    ))  # fmt: skip
    band = Image.new("RGB", (800, 500), (250, 250, 250))
    ImageDraw.Draw(band).rectangle((0, 330, 800, 500), fill=(200, 30, 40))
    texts = ["限时特惠", "包邮", "保温杯大容量"]
    out.append((
        "centred lines on a red band",
        draw(band, [
            Lettering(texts[0], (330, 350), 52, fill=(255, 255, 255), bold=2),
            Lettering(texts[1], (394, 425), 40, fill=(255, 255, 255), bold=2),
            Lettering(texts[2], (220, 120), 60, fill=(30, 30, 30)),
        ]),
        texts, [],
    ))  # fmt: skip
    product = Image.new("RGB", (800, 600), (236, 240, 245))
    product.paste(photo((300, 420), seed=3), (440, 90))
    texts = ["透气", "防滑鞋底", "轻便舒适"]
    out.append((
        "short labels beside a product",
        draw(product, [
            Lettering(t, (60, 140 + 110 * n), 44, fill=(20, 60, 140), bold=1)
            for n, t in enumerate(texts)
        ]),
        texts, [],
    ))  # fmt: skip
    blue = Image.new("RGB", (800, 400), (40, 90, 170))
    texts = ["白字黑边", "包邮"]
    out.append((
        "outlined title, skewed label",
        draw(blue, [
            Lettering(texts[0], (80, 60), 64, fill=(255, 255, 255), outline=6),
            Lettering(texts[1], (90, 250), 44, fill=(255, 230, 0), angle=2),
        ]),
        texts, [],
    ))  # fmt: skip
    return out


def old_drawing():  # type: ignore[no-untyped-def]
    """localize/image/replace.py as it was at BEFORE, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:localize/image/replace.py"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "replace_before.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("replace_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["replace_before"] = module
    spec.loader.exec_module(module)
    return module


def broken(lines: tuple[str, ...], text: str, script: str) -> int:
    """How many of the lines end inside a word of `text`."""
    ends, at = set(), 0
    for unit in break_units(text, script):
        at += len(unit.replace(" ", ""))
        ends.add(at)
    count, at = 0, 0
    for line in lines[:-1]:
        at += len(line.replace(" ", "").rstrip("-"))
        count += at not in ends
    return count


def main() -> None:
    """Draw every scene in every language both ways; print the figures."""
    old = old_drawing()
    result: dict[str, dict[str, list[float]]] = {
        way: {
            "ratio": [],
            "own": [],
            "spread": [],
            "broken": [],
            "lines": [],
            "seconds": [],
            "flagged": [],
        }  # fmt: skip
        for way in ("before", "after")
    }
    sheet_rows = []
    for _, scene, texts, blocks in scenes():
        row = [scene.image]
        for language, script in LANGUAGES.items():
            translations = [WORDS[t][language] for t in texts]
            plans = scene.plans(texts, translations)
            shaping = language if fonts.needs_shaping(script) else None
            match = [
                start_size(tr, script, ink, shaping)
                for tr, ink in zip(translations, scene.ink_heights, strict=True)
            ]
            own = [  # the size the old drawing itself aimed at (its own start_size)
                old.start_size(tr, script, ink, shaping)
                for tr, ink in zip(translations, scene.ink_heights, strict=True)
            ]
            img = scene.image.copy()
            started = time.perf_counter()
            drawn = [old.replace_region(img, plan, language, script) for plan in plans]
            result["before"]["seconds"].append(time.perf_counter() - started)
            sizes = [d.size for d in drawn]
            result["before"]["own"] += [x / m for x, m in zip(sizes, own, strict=True)]
            result["before"]["flagged"] += [sum(bool(d.notes) for d in drawn)]
            lines = [d.lines for d in drawn]
            img = scene.image.copy()
            started = time.perf_counter()
            original = np.asarray(img).copy()
            pieces = [erase_piece(img, original, p, p.translation) for p in plans]
            done = set_pieces(img, [p for p in pieces if p], language, script)
            result["after"]["seconds"].append(time.perf_counter() - started)
            result["after"]["flagged"] += [len(done.notes)]
            row.append(img)
            for way, got, got_lines in (
                ("before", sizes, lines),
                ("after", list(done.sizes), list(done.lines)),
            ):
                result[way]["ratio"] += [s / m for s, m in zip(got, match, strict=True)]
                for block in blocks:
                    chosen = [got[i] for i in block]
                    result[way]["spread"].append(max(chosen) / max(1, min(chosen)) - 1)
                result[way]["broken"] += [
                    broken(ls, tr, script) for ls, tr in zip(got_lines, translations, strict=True)
                ]
                result[way]["lines"] += [len(ls) for ls in got_lines]
        sheet_rows.append(row)
    print(f"{'':8}{'median size':>12}{'under 60%':>11}{'block spread':>14}"
          f"{'words broken':>14}{'lines':>7}{'s/image':>9}")  # fmt: skip
    for way, got in result.items():
        ratio = got["ratio"]
        under = sum(r < 0.6 for r in ratio) / len(ratio)
        print(
            f"{way:8}{statistics.median(ratio):>11.0%} {under:>10.0%} "
            f"{statistics.median(got['spread']):>12.0%}/{max(got['spread']):.0%}"
            f"{int(sum(got['broken'])):>12}{int(sum(got['lines'])):>7}"
            f"{statistics.median(got['seconds']):>9.2f}"
        )
    print(f"regions: {len(result['after']['ratio'])}, blocks of 2+ lines: "
          f"{len(result['after']['spread'])} (spread: median/max); size against the size "
          "matching the original's ink on the same reference letter (H; Thai กิ)")  # fmt: skip
    own = result["before"]["own"]
    print(f"before, against the size it aimed at itself: median {statistics.median(own):.0%}, "
          f"{sum(r < 0.6 for r in own) / len(own):.0%} under 60%")  # fmt: skip
    for way, got in result.items():
        print(f"{way}: {int(sum(got['flagged']))} warning(s) for the reviewer")
    if "--sheet" in sys.argv:
        out = Path(sys.argv[sys.argv.index("--sheet") + 1])
        contact(sheet_rows, ["original", *LANGUAGES]).save(out)
        print(f"contact sheet: {out}")


def contact(rows: list[list[Image.Image]], heads: list[str]) -> Image.Image:
    """The images in a grid, each row a scene, each column a language, at half size."""
    cell = (400, 300)
    sheet = Image.new("RGB", (cell[0] * len(heads), 24 + cell[1] * len(rows)), "white")
    pen = ImageDraw.Draw(sheet)
    font = fonts.load(fonts.font_for("latin").path, 18, 700)
    for n, head in enumerate(heads):
        pen.text((n * cell[0] + 8, 2), head, fill=(0, 0, 0), font=font)
    for r, row in enumerate(rows):
        for c, img in enumerate(row):
            small = img.copy()
            small.thumbnail(cell)
            sheet.paste(small, (c * cell[0], 24 + r * cell[1]))
    return sheet


BASE = "fc7cae9"  # typeset.py before tables were set by cell and lists by claim
if "--base" in sys.argv:  # or the one given: .venv/bin/python -m ... --base merge
    BASE = sys.argv[sys.argv.index("--base") + 1]


def old_typeset():  # type: ignore[no-untyped-def]
    """localize/image/typeset.py as it was at BASE, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{BASE}:localize/image/typeset.py"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "typeset_before.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("typeset_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["typeset_before"] = module
    spec.loader.exec_module(module)
    return module


def tables_and_lists() -> list[Image.Image]:
    """Set the table and the list in en/th/vi at BASE and today; print the figures and
    return the drawn images (before, after) for a sheet."""
    from localize.image import typeset
    from localize.image.replace import RegionPlan
    from tests.imagesynth import make
    from tests.localize.test_tables_lists import LIST, TABLE, ink_runs

    old = old_typeset()
    scripts = {"en": "latin", "th": "thai", "vi": "latin"}
    got: dict[str, dict[str, list[float]]] = {
        way: {"broken": [], "spread": [], "gap": [], "top": [], "seconds": []}
        for way in ("before", "after")
    }
    drawn = []
    for name, words in (("table", TABLE), ("list", LIST)):
        s = make(name)
        first = int(np.nonzero(s.ink.any(axis=1))[0][0])
        for language, translations in words.items():
            for way, module in (("before", old), ("after", typeset)):
                img = s.image.copy()
                original = np.asarray(img).copy()
                started = time.perf_counter()
                pieces = [
                    erase_piece(img, original, RegionPlan(t.polygon, t.text, tr), tr)
                    for t, tr in zip(s.texts, translations, strict=True)
                ]
                done = module.set_pieces(img, pieces, language, scripts[language])
                got[way]["seconds"].append(time.perf_counter() - started)
                got[way]["broken"].append(sum(len(lines) > 1 for lines in done.lines))
                drawn.append(img)
                if name == "table":
                    labels = [done.sizes[n] for n in (2, 4, 6)]
                    got[way]["spread"].append(max(labels) / min(labels) - 1)
                    continue
                ink = np.abs(np.asarray(img).astype(int) - (90, 70, 50)).sum(axis=2) <= 90
                ink[:, 760:] = False
                runs = ink_runs(ink.any(axis=1), round(0.15 * done.sizes[0]))
                gaps = [b[0] - a[1] for a, b in zip(runs, runs[1:], strict=False)]
                got[way]["gap"].append(min(gaps) / done.sizes[0] if gaps else 0.0)
                got[way]["top"].append(abs(runs[0][0] - first) if runs else 0.0)
    print()
    print(f"{'':8}{'broken items':>14}{'label spread':>14}{'list gap (em)':>15}"
          f"{'list top moved':>16}{'s/image':>9}")  # fmt: skip
    for way, g in got.items():
        print(
            f"{way:8}{int(sum(g['broken'])):>14}{max(g['spread']):>13.0%} "
            f"{min(g['gap']):>14.2f}{max(g['top']):>14.0f}px"
            f"{statistics.median(g['seconds']):>9.2f}"
        )
    print(
        "tables and lists: 2 images x en/th/vi; broken: cells or claims set on 2+ lines "
        "(all fit whole); spread: max/min - 1 of a table's label column (worst); gap: the "
        "smallest between two claims, of the size (a line's own pitch: ~0.1); top: the "
        f"list's first line from the original's (worst); before = typeset.py at {BASE}"
    )
    return drawn


CLAIMS = {  # a06/b03's claims, as the trial's engine translated them
    "en": ["Soft on skin, no pilling", "Tailored cut, slimming, goes with anything",
           "Machine washable, keeps shape and colour", "Absorbent, quick-dry, lint-free"],
    "th": ["นุ่มสบายผิว ไม่เป็นขุย", "ตัดเย็บทรงสวย ดูเพรียว ใส่ได้ทุกลุค",
           "ซักเครื่องได้ ไม่เสียทรง สีไม่ตก", "ซับน้ำดี แห้งเร็ว ขนไม่หลุด"],
    "vi": ["Mềm mại, không xù lông", "Cắt may tôn dáng, dễ phối",
           "Giặt máy không biến dạng, không phai", "Thấm hút, nhanh khô, không rụng lông"],
}  # fmt: skip


def spaced(module) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The claims' pitch for a set_block that keeps one (BASE's may predate it: the bench
    crashed there)."""
    import inspect

    return {"pitch": 60} if "pitch" in inspect.signature(module.set_block).parameters else {}


def claims() -> None:
    """A list's claims set in rooms of many widths at BASE and today: lines that end
    inside a phrase (Latin: not after a comma; Thai: not at a space) when the item has
    phrases, and the median size."""
    from localize.image import typeset
    from localize.image.typeset import boundaries

    old = old_typeset()
    got = {"before": [0, 0, []], "after": [0, 0, []]}
    for language, items in CLAIMS.items():
        script = "thai" if language == "th" else "latin"
        font = fonts.load(fonts.font_for(script).path, 40, 400)
        shaping = language if fonts.needs_shaping(script) else None

        def measure(text: str, size: int, font=font, shaping=shaping) -> float:  # noqa: ANN001
            return fonts.load(font.path, size, 400).getlength(text, language=shaping)

        units = [break_units(t, script) for t in items]
        for width in range(180, 620, 20):
            for way, module in (("before", old), ("after", typeset)):
                setting = module.set_block(units, measure, (width, 600), 40, **spaced(module))
                got[way][2].append(setting.size)
                for item, lines in zip(units, setting.lines, strict=True):
                    strongest = max(boundaries(item), default=0)
                    ends, text = set(), ""
                    for unit, strength in zip(item, [*boundaries(item), 0], strict=True):
                        text += unit
                        if strength >= strongest:
                            ends.add(len(text.replace(" ", "")))
                    at = 0
                    for line in lines[:-1]:
                        at += len(line.replace(" ", "").rstrip("-"))
                        got[way][0] += at not in ends
                        got[way][1] += 1
    print()
    print(f"{'':8}{'breaks mid-phrase':>19}{'median size':>13}")
    for way, (mid, total, sizes) in got.items():
        print(f"{way:8}{mid:>10} of {total:<6}{statistics.median(sizes):>11.0f}px")
    print(f"claims: a06/b03's, en/th/vi, 4 items in rooms 180..600 px wide (top 40 px); "
          f"before = typeset.py at {BASE}")  # fmt: skip


if __name__ == "__main__":
    main()
    tables_and_lists()
    claims()

"""The clean-plate cache (plates.py): a re-run of the same picture with the same regions
draws on the kept plate, exactly as if it had erased again; a changed region or erase code
is erased again; a damaged file is erased again, never an error; concurrent writers and a
killed one leave only whole plates; the folder stays under its bound."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from localize.image.ocr import content_key
from localize.image.plates import (
    ErasedRegion,
    Plate,
    PlateCache,
    code_version,
    erase_version,
    plate_key,
)
from localize.image.replace import RegionPlan, ReplaceText
from tests.imagesynth import make

ROOT = Path(__file__).resolve().parents[2]
MAGENTA = (255, 0, 255)


def _banner() -> tuple[Image.Image, tuple[RegionPlan, ...]]:
    s = make("banner")
    return s.image, tuple(RegionPlan(t.polygon, t.text, "Sale today") for t in s.texts)


def _key(img: Image.Image, plans: tuple[RegionPlan, ...]) -> str:
    return plate_key(content_key(img), [(p.polygon, p.text) for p in plans])


def _drawn(  # type: ignore[no-untyped-def]
    img: Image.Image,
    plans: tuple[RegionPlan, ...],
    folder: Path | None,
    language: str = "en",
    script: str = "latin",
    erase_only: bool = False,
):
    """The pixels `plans` drawn on a copy of `img` leave, and what the drawing said."""
    out = img.copy()
    drawing = ReplaceText(plans, language, script, erase_only=erase_only, plates=folder)
    done = drawing.draw(out)
    return np.asarray(out), done


def _marked(img: Image.Image, plans: tuple[RegionPlan, ...], cache: PlateCache) -> None:
    """A plate under the picture's key whose one patch is a magenta square: an output that
    shows it was drawn on the kept plate, not erased again."""
    kept = cache.get(_key(img, plans), img.size)
    assert kept is not None
    square = np.full((20, 20, 3), MAGENTA, np.uint8)
    cache.put(_key(img, plans), Plate(((0, 0, square),), kept.regions))


def test_a_rerun_in_another_language_draws_on_the_kept_plate_exactly_as_erasing_again(
    tmp_path: Path,
) -> None:
    img, plans = _banner()
    folder = tmp_path / "plates"
    uncached, first = _drawn(img, plans, None, language="th", script="thai")
    _drawn(img, plans, folder)  # the English run keeps the plate
    assert len(list(folder.glob("*.npz"))) == 1
    cached, again = _drawn(img, plans, folder, language="th", script="thai")
    assert np.array_equal(cached, uncached)
    assert again == first  # sizes, lines, notes, each region's erase score and method
    _marked(img, plans, PlateCache(folder))
    marked, _ = _drawn(img, plans, folder)
    assert tuple(marked[5, 5]) == MAGENTA  # drawn on the plate, not erased again


@pytest.mark.parametrize("name", ["glow", "shadow"])
def test_a_glow_or_a_shadow_read_before_erasing_is_kept_with_the_plate(
    name: str, tmp_path: Path
) -> None:
    # the look is read on the original's pixels, which a kept plate no longer has: a
    # rerun drew the translation flat, without the glow or shadow the first run drew
    s = make(name)
    plans = tuple(RegionPlan(t.polygon, t.text, "Sale today") for t in s.texts)
    folder = tmp_path / "plates"
    uncached, _ = _drawn(s.image, plans, None, language="th", script="thai")
    _drawn(s.image, plans, folder)
    cached, _ = _drawn(s.image, plans, folder, language="th", script="thai")
    assert np.array_equal(cached, uncached)


def test_the_clean_plate_itself_comes_from_the_kept_one(tmp_path: Path) -> None:
    img, plans = _banner()
    folder = tmp_path / "plates"
    uncached, first = _drawn(img, plans, None, erase_only=True)
    _drawn(img, plans, folder, language="th", script="thai")
    cached, again = _drawn(img, plans, folder, erase_only=True)
    assert np.array_equal(cached, uncached) and again == first


def test_a_changed_region_or_picture_is_erased_again(tmp_path: Path) -> None:
    img, plans = _banner()
    cache = PlateCache(tmp_path / "plates")
    _drawn(img, plans, cache.folder)
    _marked(img, plans, cache)
    moved = tuple(
        RegionPlan(tuple((x + 1, y) for x, y in p.polygon), p.text, p.translation) for p in plans
    )
    reread = tuple(RegionPlan(p.polygon, p.text + "了", p.translation) for p in plans)
    for changed in (moved, reread):
        out, _ = _drawn(img, changed, cache.folder)
        assert tuple(out[5, 5]) != MAGENTA
        assert np.array_equal(out, _drawn(img, changed, None)[0])
    other = img.copy()
    other.putpixel((999, 999), (1, 2, 3))  # one pixel of the picture
    out, _ = _drawn(other, plans, cache.folder)
    assert tuple(out[5, 5]) != MAGENTA


def test_another_erase_code_has_its_own_plates(tmp_path: Path) -> None:
    source = tmp_path / "erase.py"
    source.write_bytes((ROOT / "localize/image/erase.py").read_bytes())
    before = code_version([source])
    source.write_bytes(source.read_bytes().replace(b"DILATE = 0.18", b"DILATE = 0.2"))
    assert code_version([source]) != before
    assert erase_version() == erase_version()  # the same code: the same version
    regions = [(((0, 0), (9, 0), (9, 9), (0, 9)), "字")]
    assert plate_key("c", regions, before) != plate_key("c", regions, code_version([source]))
    assert plate_key("c", regions) != plate_key("c", regions, before)


def test_the_judges_code_is_part_of_the_plates_version() -> None:
    # a plate keeps what the judge of erases doubted (smear.py): a changed judge served
    # the previous one's doubts from the cache (d02/d03 stayed silent on a re-run)
    modules = ("colors", "erase", "looks", "morph", "period", "replace", "smear")
    assert erase_version() == code_version([ROOT / f"localize/image/{m}.py" for m in modules])


def test_a_damaged_plate_is_made_again_never_an_error(tmp_path: Path) -> None:
    img, plans = _banner()
    folder = tmp_path / "plates"
    uncached, first = _drawn(img, plans, None)
    _drawn(img, plans, folder)
    path = PlateCache(folder).path(_key(img, plans))
    whole = path.read_bytes()
    kept = PlateCache(folder).get(_key(img, plans), img.size)
    assert kept is not None and kept.regions[0] is not None
    past = np.zeros((20, 20, 3), np.uint8)
    one = kept.regions[0]
    mask = ErasedRegion(np.full((20, 20), 255, np.uint8), (995, 995), one.erased, one.look)
    PlateCache(tmp_path / "patch").put(_key(img, plans), Plate(((995, 995, past),), ()))
    PlateCache(tmp_path / "mask").put(_key(img, plans), Plate(kept.patches, (mask,)))
    # a plate that loads whole but holds other arrays than its meta names by digest (a
    # patch painted over, a mask cut smaller: edited by hand) is not the plate written
    with np.load(path) as arrays:
        written = {name: arrays[name] for name in arrays.files}
    edited = []
    for name, array in (
        ("patch0", np.full_like(written["patch0"], 255)),
        ("mask0", written["mask0"][:-1, :-1]),
    ):
        buf = io.BytesIO()
        np.savez_compressed(buf, **{**written, name: array})
        edited.append(buf.getvalue())
    # only the meta edited, the arrays and their digest untouched (a patch moved, a region
    # dropped, the ink made invisible, an offset no erase survives, a better score)
    meta = json.loads(bytes(written["meta"]).decode())

    def with_meta(change: Any) -> bytes:
        doc = json.loads(json.dumps(meta))
        change(doc)
        raw = np.frombuffer(json.dumps(doc).encode(), np.uint8)
        buf = io.BytesIO()
        np.savez_compressed(buf, **{**written, "meta": raw})
        return buf.getvalue()

    erased = "regions", 0, "erased"
    for change in (
        lambda d: d.update(patches=[[0, 0]] * len(d["patches"])),
        lambda d: d.update(regions=[None] * len(d["regions"])),
        lambda d: d[erased[0]][0][erased[2]].update(ink_height=-5),
        lambda d: d[erased[0]][0][erased[2]].update(offset=[1e308, 1e308]),
        lambda d: d[erased[0]][0][erased[2]].update(score=99),
        lambda d: d.update(read={"by": "x", "found": []}),
        lambda d: d.update(doubts=[[{"kind": "residue", "px": 1}]] * len(d["doubts"])),
    ):
        edited.append(with_meta(change))
    damages = [
        *edited,
        whole[: len(whole) // 2],  # cut short
        b"not a plate at all",
        b"",
        whole[:200] + bytes(200) + whole[400:],  # bytes overwritten
        (tmp_path / "patch" / path.name).read_bytes(),  # a patch past the picture
        (tmp_path / "mask" / path.name).read_bytes(),  # a region's mask past it
    ]
    for damaged in damages:
        path.write_bytes(damaged)
        out, done = _drawn(img, plans, folder)
        assert np.array_equal(out, uncached) and done == first
        assert PlateCache(folder).get(_key(img, plans), img.size) is not None  # made again


def test_what_the_judge_of_erases_doubted_is_kept_with_the_plate_not_judged_again(
    tmp_path: Path,
) -> None:
    """The judge (smear.py) compares each region's surroundings before and after erasing:
    a fact of the erase like the plate, yet it ran again on every cached re-run."""
    img, plans = _banner()
    cache = PlateCache(tmp_path / "plates")
    _, first = _drawn(img, plans, cache.folder)
    kept = cache.get(_key(img, plans), img.size)
    assert kept is not None and kept.doubts is not None
    assert [list(d) for d in kept.doubts] == [f.get("doubts", []) for f in first.erased]
    # doubts the judge would never raise here: a re-run that reports them took them
    # from the plate rather than judging again
    residue = {"kind": "residue", "px": 99}
    cache.put(_key(img, plans), replace(kept, doubts=((residue,),) * len(plans)))
    _, again = _drawn(img, plans, cache.folder)
    assert [f["doubts"] for f in again.erased] == [[residue]] * len(plans)
    assert any("99 px of specks" in str(note) for note in again.notes)


def test_the_content_key_the_ocr_cache_made_names_the_plate_the_frame_hashed_once(
    tmp_path: Path,
) -> None:
    """Reading an image hashed its frame (the OCR cache's key), then erasing it hashed the
    same frame again for the plate's key: the first key is handed on."""
    from localize.image.ocr import OcrCache

    img, plans = _banner()
    found = OcrCache(tmp_path / "ocr").keyed(img, _Nothing())
    assert found == (content_key(img), [])
    cache = PlateCache(tmp_path / "plates")
    given = "c" * 64  # not this picture's: the plate is named by what it was handed
    ReplaceText(plans, "en", "latin", plates=cache.folder, content=given).draw(img.copy())
    outlines = [(p.polygon, p.text) for p in plans]
    assert cache.get(plate_key(given, outlines), img.size) is not None
    assert cache.get(_key(img, plans), img.size) is None


class _Nothing:
    """A detector that finds no text."""

    def detect(self, img: object) -> list[Any]:
        return []


def test_a_plate_under_another_name_is_not_taken_for_it(tmp_path: Path) -> None:
    img, plans = _banner()
    cache = PlateCache(tmp_path / "plates")
    _drawn(img, plans, cache.folder)
    other = "0" * 64
    cache.path(_key(img, plans)).rename(cache.path(other))
    assert cache.get(other, img.size) is None


def _plate(kb: int) -> Plate:
    """A plate of about `kb` KiB on disk (noise does not compress)."""
    pixels = np.random.default_rng(kb).integers(0, 255, (kb, 341, 3), np.uint8)
    return Plate(((0, 0, pixels),), (None,))


def test_the_folder_keeps_under_its_bound_the_least_recently_used_going_first(
    tmp_path: Path,
) -> None:
    cache = PlateCache(tmp_path / "plates", limit=1000 * 1024)
    for n in range(3):
        cache.put(f"{n:064x}", _plate(300))
        os.utime(cache.path(f"{n:064x}"), (1000 + n, 1000 + n))
    assert cache.get(f"{0:064x}", (400, 400)) is not None  # used now: the newest
    cache.put(f"{3:064x}", _plate(300))
    left = sorted(p.stem[-1] for p in cache.folder.glob("*.npz"))
    assert left == ["0", "3"]  # 1 and 2 (least recently used) removed, down to 80%
    assert sum(p.stat().st_size for p in cache.folder.iterdir()) <= 1000 * 1024


def test_a_writer_killed_mid_write_leaves_no_plate_and_its_leftover_goes(tmp_path: Path) -> None:
    img, plans = _banner()
    cache = PlateCache(tmp_path / "plates")
    cache.folder.mkdir()
    key = _key(img, plans)
    # what write_atomically leaves when killed before its rename: a part file beside
    leftover = cache.folder / f".{key}.npz.1234abcd.part"
    leftover.write_bytes(b"PK\x03\x04 half a plate")
    assert cache.get(key, img.size) is None
    live = cache.folder / f".{key}.npz.5678abcd.part"  # another run's, being written now
    live.write_bytes(b"PK")
    os.utime(leftover, (1000, 1000))
    os.utime(live, (1000 + 7000, 1000 + 7000))
    cache.bound(now=1000 + 7200)
    assert not leftover.exists() and live.exists()


WRITER = r"""
import sys
from pathlib import Path
import numpy as np
import pytest
from localize.image.plates import Plate, PlateCache
folder, me = Path(sys.argv[1]), int(sys.argv[2])
cache = PlateCache(folder, limit=600 * 1024)
for n in range(40):
    key = f"{n % 8:064x}"  # both writers write the same eight plates over and over
    pixels = np.full((200, 341, 3), n % 8, np.uint8)
    pixels[:, :, 1:] = np.random.default_rng(n).integers(0, 255, (200, 341, 2), np.uint8)
    cache.put(key, Plate(((0, 0, pixels),), (None,)))
    got = cache.get(key, (400, 400))
    assert got is None or int(got.patches[0][2][0, 0, 0]) == n % 8, "another plate read back"
"""


def test_two_processes_writing_the_same_plates_leave_only_whole_ones(tmp_path: Path) -> None:
    folder = tmp_path / "plates"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(me)], env=env, stderr=subprocess.PIPE
        )
        for me in (1, 2)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()[-2000:]
    cache = PlateCache(folder, limit=600 * 1024)
    plates = list(folder.glob("*.npz"))
    assert plates and not list(folder.glob(".*.part"))
    for path in plates:
        got = cache.get(path.stem, (400, 400))
        assert got is not None and int(got.patches[0][2][0, 0, 0]) == int(path.stem, 16)
    assert sum(p.stat().st_size for p in plates) <= 600 * 1024


def test_an_unwritable_folder_draws_uncached(tmp_path: Path) -> None:
    img, plans = _banner()
    blocked = tmp_path / "plates"
    blocked.write_text("a file where the folder should be")
    out, _ = _drawn(img, plans, blocked)
    assert np.array_equal(out, _drawn(img, plans, None)[0])

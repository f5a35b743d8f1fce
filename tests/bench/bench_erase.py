"""The erase against the true background, and its cost, on synthetic supplier images
(tests/imagesynth.py).

Quality: PSNR per class over the text's pixels (grown by 2 px, within the panel), for the
previous erase (the module as it was at BEFORE, loaded from git) and the current one, both
from the true boxes (the current one told each region's others, as drawing tells it); the
current one from the real OCR's boxes too; and how many pixels outside the panel changed.
Goals (issue 18): 32 dB on flat, gradient and banner, 24 dB on stripes, wood and bokeh;
nothing changed outside the panel.

Cost: each case in a fresh subprocess, wall time, CPU time (the process's own, threads
included: on a loaded machine the steadier figure) and peak RSS (the child's own VmHWM):
a bare decode+encode (the baseline), a new 1000x1000 image through OCR, erase and encode
(goal < 1.5 s, < 350 MB), the same with the previous erase, and with the erase done again
on a re-run (no plate cache, as before plates.py), a cached re-run (goal < 0.5 s: OCR and
the clean plate from their caches), a 3000x3000 one (goal < 600 MB, its re-run < 0.5 s).

Run from the project's root: .venv/bin/python -m tests.bench.bench_erase [--quality|--cost]
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BEFORE = "eaf4478"  # main before the erase was rebuilt
ROOT = Path(__file__).resolve().parents[2]


def previous_erase():  # type: ignore[no-untyped-def]
    """The erase function as it was at BEFORE (None when git cannot show it)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE}:localize/image/replace.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "previous_replace.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("previous_replace", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["previous_replace"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]

    def run(img, polygon):  # type: ignore[no-untyped-def]
        grow = module.dilation(polygon)
        module.erase(img, polygon, module.region_mask(img.size, polygon, grow), grow)

    return run


def quality() -> None:
    """PSNR per class: previous and current erase from the true boxes, current from OCR."""
    from localize.image.erase import erase
    from localize.image.ocr import RapidOcrDetector
    from localize.image.replace import RegionPlan, ReplaceText
    from tests.imagesynth import CLASSES, make, scored

    before = previous_erase()
    detector = RapidOcrDetector()
    print(
        f"{'class':16s} {'before':>8s} {'after':>8s} {'after/OCR':>10s}  outside  poor/regions"
        "  doubted (OCR: smear or residue)"
    )
    for name in CLASSES:
        s = make(name)
        cells = []
        if before is not None:
            img = s.image.copy()
            for t in s.texts:
                before(img, t.polygon)
            cells.append(f"{scored(s, img)[0]:8.1f}")
        else:
            cells.append(f"{'-':>8s}")
        img = s.image.copy()
        boxes = [t.polygon for t in s.texts]  # each erased knowing the others, as drawing does
        infos = [erase(img, b, others=boxes[:n] + boxes[n + 1 :]) for n, b in enumerate(boxes)]
        db, outside = scored(s, img)
        cells.append(f"{db:8.1f}")
        img = s.image.copy()
        found = [r for r in detector.detect(s.image) if r.chinese]
        plans = tuple(RegionPlan(r.polygon, r.text, "") for r in found)
        drawn = ReplaceText(plans, "en", "latin", erase_only=True).draw(img)
        ocr_db, ocr_outside = scored(s, img)
        cells.append(f"{ocr_db:10.1f}")
        poor = sum(1 for i in infos if i is not None and i.poor)
        ocr_poor = sum(1 for f in drawn.erased if f["poor"])
        doubted = sum(1 for f in drawn.erased if f.get("doubts"))  # the judge (smear.py)
        print(
            f"{name:16s} {' '.join(cells)}  {outside:>4d}/{ocr_outside:<4d}"
            f"  {poor}/{len(infos)} ({ocr_poor}/{len(found)} OCR)  {doubted} doubted"
        )


CHILD = r"""
import json, resource, sys, time, tempfile
from pathlib import Path
case, src, scale = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
from PIL import Image
from config.markets import load_markets
from localize.image.inputs import open_for_drawing
from localize.image.outputs import save
rules = load_markets().default_images
out = Path(tempfile.mkdtemp()) / "out.jpg"
timings = {}
if case == "decode+encode":
    t, cpu = time.perf_counter(), time.process_time()
    picture = open_for_drawing(src, rules)
    save(picture.image, out, rules)
    timings["seconds"], timings["cpu"] = time.perf_counter() - t, time.process_time() - cpu
else:
    from localize.image.ocr import OcrCache, RapidOcrDetector
    from localize.image.regions import plan_text
    from localize.image.replace import ReplaceText
    detector = RapidOcrDetector()
    detector.detect(Image.new("RGB", (200, 200), (255, 255, 255)))  # models loaded once
    cache = OcrCache(Path(tempfile.mkdtemp()))
    plates = None if case == "no plate cache" else cache.plates  # the erase always redone
    erase = None
    if case == "previous erase":
        from tests.bench.bench_erase import previous_erase
        erase = previous_erase()
    def once():
        t, cpu = time.perf_counter(), time.process_time()
        picture = open_for_drawing(src, rules)
        img = picture.image
        content, regions = cache.keyed(img, detector)  # the frame hashed once
        text = plan_text(regions, lambda s: ("", []))
        if case == "ocr only":
            pass
        elif erase is not None:  # (the previous erase never kept plates)
            for plan in text.plans:
                erase(img, plan.polygon)
        else:
            back = detector if case == "erase+read back" else None
            ReplaceText(
                text.plans,
                "en",
                "latin",
                erase_only=True,
                plates=plates,
                read_back=back,
                untouched=text.untouched,
                content=content,
            ).draw(img)
        save(img, out, rules)
        return time.perf_counter() - t, time.process_time() - cpu
    timings["seconds"], timings["cpu"] = once()
    timings["cached"], timings["cached_cpu"] = once()
# VmHWM: this process's own peak (ru_maxrss keeps the forking parent's across exec)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
timings["peak_mb"] = (
    int(hwm[0].split()[1]) / 1024 if hwm
    else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
)
print(json.dumps(timings))
"""


def cost() -> None:
    """Wall time and peak RSS per case, each in a fresh subprocess."""
    from tests.imagesynth import make

    folder = Path(tempfile.mkdtemp())
    s = make("wood")
    small = folder / "wood-1000.png"
    s.image.save(small)
    large = folder / "wood-3000.png"
    s.image.resize((3000, 3000)).save(large)
    cases = [
        ("decode+encode", small),
        ("ocr only", small),
        ("previous erase", small),
        ("no plate cache", small),
        ("erase-only", small),
        ("erase+read back", small),
        ("decode+encode", large),
        ("ocr only", large),
        ("previous erase", large),
        ("no plate cache", large),
        ("erase-only", large),
        ("erase+read back", large),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    base: dict[int, dict] = {}  # type: ignore[type-arg]
    for case, src in cases:
        size = 3000 if "3000" in src.name else 1000
        done = subprocess.run(
            [sys.executable, "-c", CHILD, case, str(src), "1"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(f"{case} {size}: failed\n{done.stderr[-2000:]}")
            continue
        got = json.loads(done.stdout.strip().splitlines()[-1])
        if case == "decode+encode":
            base[size] = got
        b = base.get(size, {"seconds": 1, "peak_mb": 1})
        cached = (
            f", cached re-run {got['cached']:.2f} s (cpu {got['cached_cpu']:.2f})"
            if "cached" in got
            else ""
        )
        ratio = got["seconds"] / b["seconds"]
        print(
            f"{size}x{size} {case:15s} {got['seconds']:6.2f} s (cpu {got['cpu']:5.2f};"
            f" {ratio:5.1f}x decode+encode), peak {got['peak_mb']:6.0f} MB"
            f" ({got['peak_mb'] - b['peak_mb']:+.0f} MB){cached}"
        )


def main() -> None:
    """Quality, then cost (or the one asked for)."""
    started = time.perf_counter()
    if "--cost" not in sys.argv:
        quality()
    if "--quality" not in sys.argv:
        cost()
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

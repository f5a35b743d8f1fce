"""Captioning 200 photos of 1000x1000, against Pillow's bare decode and encode of the same
files in the same run (goal: at most 1.3x per image); 2 jobs against 1 (goal: at least
1.7x the throughput); and ImageMagick's `convert -annotate` when it is installed.

Run from the project's root: .venv/bin/python -m tests.bench.bench_images
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image

from config.markets import load_markets
from localize.image.batch import plan, run_batch
from localize.image.pipeline import ImagePipeline, image_rules
from localize.image.render import Caption
from tests.localize.images import photo

COUNT, SIZE = 200, (1000, 1000)
CAPTION, LANGUAGE = "ส่งฟรีทั่วไทย แก้วเก็บความร้อนสแตนเลส 500ml", "th"


def captioning() -> ImagePipeline:
    """The operation `localize image --caption` runs on each file, with the default rules."""
    catalog = load_markets()
    return ImagePipeline(Caption(CAPTION, LANGUAGE, catalog.script(LANGUAGE)), image_rules(catalog))


def bare(paths: list[Path]) -> float:
    """Decode and encode each file the way our output is written; seconds."""
    started = time.perf_counter()
    for path in paths:
        with Image.open(path) as img:
            img = img.convert("RGB")
            img.save(io.BytesIO(), "JPEG", quality=92, optimize=True, progressive=True)
    return time.perf_counter() - started


def ours(paths: list[Path], out: Path) -> float:
    """Caption each file in this process; seconds."""
    operation = captioning()
    operation(paths[0], out / "warm.jpg")  # fonts and pythainlp loaded
    started = time.perf_counter()
    for i, path in enumerate(paths):
        operation(path, out / f"{i}.jpg")
    return time.perf_counter() - started


def pooled(paths: list[Path], out: Path, workers: int) -> float:
    """The command's batch path with `workers` processes; seconds."""
    operation = captioning()
    jobs = plan(paths, out, operation, operation.rules)
    started = time.perf_counter()
    result = run_batch(jobs, workers)
    assert not result.failed, result.failed
    return time.perf_counter() - started


def imagemagick() -> str | None:
    """`convert` when it is the real ImageMagick."""
    exe = shutil.which("magick") or shutil.which("convert")
    if not exe:
        return None
    probe = subprocess.run([exe, "-version"], capture_output=True, text=True)
    return exe if "ImageMagick" in probe.stdout else None


def main() -> None:
    """Make the photos, time every way, print the ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = []
        for i in range(COUNT):
            path = root / f"photo{i:03d}.jpg"
            photo(SIZE, seed=i).save(path, quality=90)
            paths.append(path)
        (root / "a").mkdir(), (root / "b").mkdir(), (root / "c").mkdir()
        base = bare(paths)
        mine = ours(paths, root / "a")
        print(
            f"bare decode+encode: {base / COUNT * 1000:.1f} ms/image; captioning: "
            f"{mine / COUNT * 1000:.1f} ms/image; ratio {mine / base:.2f}x; goal <= 1.3x: "
            f"{'met' if mine / base <= 1.3 else 'MISSED'}"
        )
        one = pooled(paths, root / "b", 1)
        two = pooled(paths, root / "c", 2)
        print(
            f"1 job: {COUNT / one:.1f} images/s; 2 jobs: {COUNT / two:.1f} images/s; "
            f"speed-up {one / two:.2f}x; goal >= 1.7x: {'met' if one / two >= 1.7 else 'MISSED'}"
        )
        exe = imagemagick()
        if exe is None:
            print("ImageMagick: not installed here; comparison skipped")
            return
        font = str(Path(__import__("fontpkg_noto_sans_thai").ROOT) / "files")
        font_file = next(Path(font).glob("*.ttf"))
        started = time.perf_counter()
        for i, path in enumerate(paths):
            subprocess.run(
                [
                    exe,
                    str(path),
                    "-gravity",
                    "south",
                    "-fill",
                    "white",
                    "-undercolor",
                    "#00000099",
                    "-font",
                    str(font_file),
                    "-pointsize",
                    "40",
                    "-annotate",
                    "+0+60",
                    CAPTION,
                    "-quality",
                    "92",
                    str(root / f"im{i}.jpg"),
                ],
                check=True,
            )
        im = time.perf_counter() - started
        print(
            f"ImageMagick convert -annotate: {im / COUNT * 1000:.1f} ms/image; ours/IM "
            f"{mine / im:.2f}x"
        )


if __name__ == "__main__":
    main()

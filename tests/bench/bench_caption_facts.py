"""Captions against the facts an image has: on studio shots drawn here (a bottle on white
with its own label printing, a Chinese headline, a yuan price and a slogan over its edge),
how many pixels of the text regions and of the product each caption covers, placed as
before (by the edges' detail alone, the baseline) and clear of them (ours), and what that
costs per caption in the same run. Goal: 0 px covered wherever a free place exists.

Run from the project's root: .venv/bin/python -m tests.bench.bench_caption_facts
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image, ImageOps

from localize.image.render import Layout, draw_caption
from tests.localize.images import product_shot

CAPTIONS = ("Free shipping", "Keeps drinks hot for twelve hours, cold for a day")
STYLES = ("band", "badge", "outline")
SIZES = ((800, 800), (1000, 1000), (600, 800))
REPEAT = 3


def shots() -> list[tuple[str, Image.Image, np.ndarray, list[tuple[int, int, int, int]]]]:
    """Each shot (mirrored and flipped too), its product mask and its text boxes."""
    out = []
    for size in SIZES:
        img, found = product_shot(size)
        bare, _ = product_shot(size, with_text=False)
        for turn in ("as drawn", "mirrored", "flipped"):
            a, b = img, bare
            boxes = [box for _, box in found.values()]
            w, h = img.size
            if turn == "mirrored":
                a, b = ImageOps.mirror(a), ImageOps.mirror(b)
                boxes = [(w - r, t, w - x, btm) for x, t, r, btm in boxes]
            elif turn == "flipped":
                a, b = ImageOps.flip(a), ImageOps.flip(b)
                boxes = [(x, h - btm, r, h - t) for x, t, r, btm in boxes]
            product = np.abs(np.asarray(b).astype(int) - 255).max(axis=2) > 20
            out.append((f"{size[0]}x{size[1]} {turn}", a, product, boxes))
    return out


def covered(band: tuple[int, int, int, int], product: np.ndarray, boxes: list) -> tuple[int, int]:
    """Pixels of the text boxes, and of the product, under a caption's band."""
    left, top, right, bottom = band
    text = np.zeros(product.shape, bool)
    for x, t, r, b in boxes:
        text[t:b, x:r] = True
    return int(text[top:bottom, left:right].sum()), int(product[top:bottom, left:right].sum())


def main() -> None:
    """Every shot x caption x style, placed both ways; totals and the time ratio."""
    totals = {"baseline": [0, 0, 0, 0.0], "ours": [0, 0, 0, 0.0]}  # text, product, hits, s
    cases = 0
    for name, img, product, boxes in shots():
        for caption in CAPTIONS:
            for style in STYLES:
                cases += 1
                for way, clear in (("baseline", False), ("ours", True)):
                    started = time.perf_counter()
                    for _ in range(REPEAT):
                        drawn = draw_caption(
                            img.copy(), caption, "en", "latin", Layout(style=style),
                            tuple(boxes), clear=clear,
                        )  # fmt: skip
                    totals[way][3] += (time.perf_counter() - started) / REPEAT
                    text, prod = covered(drawn.band, product, boxes)
                    totals[way][0] += text
                    totals[way][1] += prod
                    totals[way][2] += int(bool(text or prod))
                    if way == "ours" and (text or prod):
                        print(f"  {name} {style} {caption[:20]!r}: text {text}, product {prod}")
    for way, (text, prod, hits, secs) in totals.items():
        print(
            f"{way:9s} captions covering text or product: {hits}/{cases}; "
            f"text px {text}, product px {prod}; {1000 * secs / cases:.1f} ms per caption"
        )
    ratio = totals["ours"][3] / totals["baseline"][3]
    print(f"time ours / baseline: {ratio:.2f}x")


if __name__ == "__main__":
    main()

"""Reading an erased image back before anything is drawn on it: the same OCR that found the
text looks again around each region erased (a crop with a margin, never the whole frame),
and whatever Chinese it still reads there (glyph parts hanging out of a band, a drop
shadow's negative, a character the first reading dropped) or glyph-like residue it boxes
inside an erased region is said as a `chinese_still_read` finding naming the region and what is
still read. An erase's own score compares the fill with the panel it found, so it cannot
see what it left outside that panel: reading back can.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from localize.image.ocr import Point, Region, TextDetector, has_chinese

STILL_READ = "chinese_still_read"  # the finding (and note) a read-back raises
ACROSS = 1.2  # the margin beside a region, in its line heights: a dropped glyph fits
ABOVE = 0.7  # ... above and below it: letters hanging out of a band fit
RESIDUE_CONFIDENCE = 0.6  # a non-Chinese reading inside an erased region counts from here
INSIDE = 0.3  # the share of a reading's box that must lie on a region to belong to it

Box = tuple[int, int, int, int]


def _box(polygon: Iterable[Sequence[int]]) -> Box:
    points = list(polygon)
    xs, ys = [int(p[0]) for p in points], [int(p[1]) for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _overlap(a: Box, b: Box) -> int:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, width) * max(0, height)


def _area(box: Box) -> int:
    return max(1, box[2] - box[0]) * max(1, box[3] - box[1])


def neighbourhood(polygon: Sequence[Point], size: tuple[int, int]) -> Box:
    """The box read back around one erased region: the region grown by its line height's
    share beside (ACROSS) and above and below it (ABOVE), within the image."""
    left, top, right, bottom = _box(polygon)
    height = max(8, bottom - top)
    across, above = round(height * ACROSS), round(height * ABOVE)
    return (
        max(0, left - across),
        max(0, top - above),
        min(size[0], right + across + 1),
        min(size[1], bottom + above + 1),
    )


def crops(boxes: Sequence[Box]) -> list[Box]:
    """The boxes merged where they overlap, so that no pixel is read twice."""
    merged = list(boxes)
    joined = True
    while joined:
        joined = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                a, b = merged[i], merged[j]
                if _overlap(a, b) > 0:
                    merged[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del merged[j]
                    joined = True
                    break
            if joined:
                break
    return merged


def read_back(
    img: Any,
    erased: Sequence[Sequence[Point]],
    detector: TextDetector,
    untouched: Sequence[Sequence[Point]] = (),
) -> list[list[dict[str, Any]]]:
    """What is still read around each of the `erased` regions of `img` (a PIL RGB image,
    erased, nothing drawn yet), one list per region: Chinese read anywhere in its
    neighbourhood, or any reading that lies on the region itself (a glyph-like residue).
    Text on the `untouched` regions (kept, not Chinese, left for a person) is no news."""
    if not erased:
        return [[] for _ in erased]
    near = [neighbourhood(tuple(p), img.size) for p in erased]
    own = [_box(p) for p in erased]
    known = [_box(p) for p in untouched]
    left: list[list[dict[str, Any]]] = [[] for _ in erased]
    for crop in crops(near):
        for found in detector.detect(img.crop(crop)):
            box = _shifted(found, crop)
            if any(_overlap(box, k) > 0.5 * _area(box) for k in known):
                continue  # text the first reading found and left on purpose
            on = [_overlap(box, b) for b in own]
            inside = max(on) >= INSIDE * _area(box)
            residue = inside and found.confidence >= RESIDUE_CONFIDENCE and found.text.strip()
            if not (has_chinese(found.text) or residue):
                continue
            which = _nearest(box, own, on)
            if which is None or _overlap(box, near[which]) == 0:
                continue
            left[which].append({"text": found.text, "box": list(box)})
    return left


def _shifted(region: Region, crop: Box) -> Box:
    x0, y0, x1, y1 = region.box
    return (x0 + crop[0], y0 + crop[1], x1 + crop[0], y1 + crop[1])


def _nearest(box: Box, own: Sequence[Box], on: Sequence[int]) -> int | None:
    """The erased region a reading belongs to: the one it lies on most, else the closest."""
    if not own:
        return None
    if max(on) > 0:
        return max(range(len(own)), key=lambda n: on[n])
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2

    def distance(n: int) -> float:
        b = own[n]
        dx = max(b[0] - cx, 0.0, cx - b[2])
        dy = max(b[1] - cy, 0.0, cy - b[3])
        return dx * dx + dy * dy

    return min(range(len(own)), key=distance)


def _texts(readings: Sequence[dict[str, Any]]) -> str:
    """The texts still read, as a reviewer is told them."""
    return ", ".join(repr(r["text"]) for r in readings)


def still_read_note(text: str, readings: Sequence[dict[str, Any]]) -> str:
    """What a reviewer is told of a region read back with Chinese (or residue) on it."""
    boxes = "; ".join(f"at {tuple(r['box'])}" for r in readings)
    return (
        f"{STILL_READ}: text {text!r} erased, but {_texts(readings)} is still read "
        f"around it ({boxes}): Chinese may still show; retouch it or keep the region"
    )


def still_read_finding(image: int, records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The finding naming image `image`'s regions around which text is still read after
    erasing, or None when every erase read back clean. An error: Chinese a buyer reads is
    what the market's rule forbids, and approving over it needs a reason (--override)."""
    left = [
        f"region {n} {r['text']!r}: {_texts(r['left'])} still read"
        for n, r in enumerate(records, start=1)
        if r.get("left")
    ]
    if not left:
        return None
    return {
        "code": STILL_READ,
        "severity": "error",
        "message": f"image {image + 1}: Chinese still on the image after erasing: "
        + "; ".join(left)
        + ". Retouch the image, or approve with --override REASON once you have looked",
        "image": image,
    }

"""Reading an erased image back before anything is drawn on it: the same OCR that found the
text looks again around each region erased (a crop with a margin, never the whole frame),
and whatever Chinese it still reads there (glyph parts hanging out of a band, a drop
shadow's negative, a character the first reading dropped) or glyph-like residue it boxes
inside an erased region is said as a `chinese_still_read` finding naming the region and what is
still read. An erase's own score compares the fill with the panel it found, so it cannot
see what it left outside that panel: reading back can.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from config.i18n import SEMICOLON, Joined, Msg, msg
from localize.image.findings import image_finding
from localize.image.ocr import Point, Region, TextDetector, has_chinese

STILL_READ = "chinese_still_read"  # the finding (and note) a read-back raises
ACROSS = 1.2  # the margin beside a region, in its line heights: a dropped glyph fits
ABOVE = 0.7  # ... above and below it: letters hanging out of a band fit
UNSURE = 0.2  # a Chinese reading counts from this score (a cut glyph reads unsure)
SURE = 0.5  # on a contrast-stretched crop, any other reading counts from this score
# the faint pass: differences from the surroundings (within STRETCH_RADIUS px) made
# STRETCH % stronger, from STRETCH_FROM grey levels: a shadow's ghost 10-15 levels lighter
# than the panel reads, a JPEG's residue of 1-3 levels stays unseen
STRETCH_RADIUS, STRETCH, STRETCH_FROM = 24, 300, 4
# the crops are read enlarged at most this much (all in one pass): residue of small text
# reads better larger, and one pass costs a fraction of a crop each enlarged to RapidOCR's
# least size (5 s of CPU)
READ_ENLARGED = 1.5
# ... only as far as their smallest erased line is READ_LINE px tall: a line that tall
# reads as well at its own size, and the detection's CPU follows the pixels read (a
# 1000x1000 image's 100 px line read 1.5x enlarged: 0.35 s more than at 1.2x). Not less:
# the feet of glyphs left under the trials' 55-80 px lines (a02, b01's turned line) were
# read only enlarged 1.5x
READ_LINE = 120
# characters a shape reads as (a bottle as 口, an edge as 一): beside a region they are not
# taken for Chinese left, unless they lie along its line beyond an end, a character's size
# (a stroke the first reading dropped: trial 13 g01's 一 of 一键开盖); on it, they are
# residue like any box
SHAPES = frozenset("口一丨二三十日目田回工")
ON = 0.5  # the share of a box that must lie on an erased region for it to be residue

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


def _share_on(box: Box, polygon: Sequence[Sequence[int]]) -> float:
    """The share of `box` that lies on `polygon` itself, not only on its bounding box: a
    turned region's box (a watermark across the picture) holds much that it never
    covered, which is no residue of it."""
    from PIL import Image, ImageDraw

    width, height = max(1, box[2] - box[0]), max(1, box[3] - box[1])
    scale = min(1.0, 64 / max(width, height))  # (a share: counted on a small raster)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    mask = Image.new("L", size, 0)
    points = [((p[0] - box[0]) * scale, (p[1] - box[1]) * scale) for p in polygon]
    ImageDraw.Draw(mask).polygon(points, fill=1)
    return sum(mask.getdata()) / (size[0] * size[1])


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


class FaintToo:
    """A detector that reads a picture as it is and with its local contrast stretched,
    where a faint ghost (a drop shadow's light negative, a smear in a glyph's shape) shows:
    what only the stretched picture shows counts when it reads as Chinese or surely."""

    def __init__(self, detector: TextDetector) -> None:
        self.detector = detector

    def detect(self, img: Any) -> list[Region]:
        """The regions read on `img`, then those only its stretched copy shows."""
        return self.detect_all([img])[0]

    def detect_all(
        self, pictures: list[Any], enlarge: Sequence[float] | None = None
    ) -> list[list[Region]]:
        """`detect` for each of `pictures`, all read in one pass where the detector can
        (each enlarged by its share of `enlarge` where the detector enlarges)."""
        from PIL import ImageFilter

        stretched = [
            p.filter(ImageFilter.UnsharpMask(STRETCH_RADIUS, STRETCH, STRETCH_FROM))
            for p in pictures
        ]
        # two passes, not one picture of both: the peak memory follows the picture's size.
        # The stretched copy first: what a picture shows, its stretched copy shows more
        # strongly, so one on whose stretched copy no line is found is not read as it is
        # (a clean erase, most of them: one detection rather than two)
        faintly = read_all(self.detector, stretched, enlarge)
        showing = [i for i, faint in enumerate(faintly) if faint]
        read: list[list[Region]] = [[] for _ in pictures]
        again = [enlarge[i] for i in showing] if enlarge is not None else None
        for i, found in zip(
            showing,
            read_all(self.detector, [pictures[i] for i in showing], again),
            strict=True,
        ):
            read[i] = found
        out = []
        for found, faint in zip(read, faintly, strict=True):
            boxes = [r.box for r in found]
            for region in faint:
                if any(_overlap(region.box, b) > 0.5 * _area(region.box) for b in boxes):
                    continue
                if region.confidence >= SURE or (
                    has_chinese(region.text) and region.confidence >= UNSURE
                ):
                    found.append(region)
            out.append(found)
        return out


def read_all(
    detector: TextDetector, pictures: list[Any], enlarge: Sequence[float] | None = None
) -> list[list[Region]]:
    """The regions on each picture: in one pass when the detector reads several at once
    (each enlarged by its share of `enlarge` when it enlarges)."""
    many = getattr(detector, "detect_all", None)
    if many is None:
        return [detector.detect(p) for p in pictures]
    return many(pictures) if enlarge is None else many(pictures, enlarge)


def unsure(detector: TextDetector) -> TextDetector:
    """The detector a read-back uses: RapidOCR keeping every box it finds, however unsure
    its reading (a glyph cut in half reads poorly, and is still Chinese on the image), on
    the picture and on its stretched copy; any other detector as it is."""
    from localize.image.ocr import RapidOcrDetector

    if isinstance(detector, RapidOcrDetector):
        # boxes as the detection draws them: what is left of an erase is read where it is
        return FaintToo(RapidOcrDetector(least=0.0, as_is=True, enlarge=READ_ENLARGED, ends=False))
    return detector


Reading = tuple[Box, str, float]  # a box read (in the image's frame), its text, its score


def read_back(
    img: Any,
    erased: Sequence[Sequence[Point]],
    detector: TextDetector,
    untouched: Sequence[Sequence[Point]] = (),
) -> list[list[dict[str, Any]]]:
    """What is still read around each of the `erased` regions of `img` (a PIL RGB image,
    erased, nothing drawn yet), one list per region: Chinese read anywhere in its
    neighbourhood, or anything boxed on the region itself (a glyph-like residue). Text
    on the `untouched` regions (kept, not Chinese, left for a person) is no news."""
    return still_read(read_around(img, erased, detector), erased, img.size, untouched)


def read_around(
    img: Any, erased: Sequence[Sequence[Point]], detector: TextDetector
) -> list[Reading]:
    """Everything `detector` reads around the `erased` regions of `img` (the crops of
    their neighbourhoods, each pixel read once), in the image's frame: what the erase
    left, whatever is made of it (kept with the clean plate: a re-run reads nothing)."""
    boxes = crops([neighbourhood(tuple(p), img.size) for p in erased])
    lines = [_box(p) for p in erased]
    read = read_all(detector, [img.crop(b) for b in boxes], [enlarged(c, lines) for c in boxes])
    return [
        (_shifted(found, crop), found.text, found.confidence)
        for crop, found_in in zip(boxes, read, strict=True)
        for found in found_in
    ]


def enlarged(crop: Box, lines: Sequence[Box]) -> float:
    """How much the `crop` read back is enlarged: so that the smallest of the erased `lines`
    on it is READ_LINE px tall, never shrunk, never more than READ_ENLARGED."""
    heights = [max(1, b[3] - b[1]) for b in lines if _overlap(b, crop) > 0]
    return min(READ_ENLARGED, max(1.0, READ_LINE / min(heights))) if heights else READ_ENLARGED


def still_read(
    readings: Sequence[Reading],
    erased: Sequence[Sequence[Point]],
    size: tuple[int, int],
    untouched: Sequence[Sequence[Point]] = (),
) -> list[list[dict[str, Any]]]:
    """`read_back`'s answer from what was read around the `erased` regions of an image of
    `size`: per region, the Chinese read near it and anything boxed on it, but for text on
    the `untouched` regions."""
    near = [neighbourhood(tuple(p), size) for p in erased]
    own = [_box(p) for p in erased]
    known = [_box(p) for p in untouched]
    left: list[list[dict[str, Any]]] = [[] for _ in erased]
    for box, text, confidence in readings:
        if any(_overlap(box, k) > 0.5 * _area(box) for k in known):
            continue  # text the first reading found and left on purpose
        on = [_overlap(box, b) for b in own]
        pairs = zip(on, erased, strict=True)
        inside = any(o >= ON * _area(box) and _share_on(box, p) >= ON for o, p in pairs)
        chinese = has_chinese(text) and confidence >= UNSURE
        which = _nearest(box, own, on)
        if chinese and not inside and set(text) <= SHAPES:
            if which is None or not _along(box, own[which]):
                continue  # a product's edge or a box read as 口 or 一, beside the region
            # a stroke at the line's end, of its size: a glyph the first reading dropped
        if not (chinese or inside) or which is None or _overlap(box, near[which]) == 0:
            continue
        left[which].append({"text": text, "box": list(box)})
    return left


def _along(box: Box, line: Box) -> bool:
    """Whether `box` lies along the upright `line`, beyond one of its ends, no larger
    than a character of it (an 一 or 丨 the first reading left out of its box, still on
    the image): its middle within the line's band, within ACROSS line heights of an end."""
    left, top, right, bottom = line
    across = right - left >= bottom - top
    if not across:  # a column: its ends are above and below
        return _along((box[1], box[0], box[3], box[2]), (top, left, bottom, right))
    height = bottom - top
    middle = (box[1] + box[3]) / 2
    size = max(box[2] - box[0], box[3] - box[1])
    beside = left - ACROSS * height <= box[2] and box[0] <= right + ACROSS * height
    return top <= middle <= bottom and size <= 1.1 * height and beside


def reader(detector: TextDetector) -> str:
    """Who reads an erased image back, as its plate keeps it: the detector's kind and
    settings, this code's version and the OCR engine's (another reader reads again)."""
    from localize.image.ocr import RapidOcrDetector

    if isinstance(detector, FaintToo):
        name = f"FaintToo({STRETCH_RADIUS},{STRETCH},{STRETCH_FROM},{reader(detector.detector)})"
    elif isinstance(detector, RapidOcrDetector):
        name = f"RapidOcrDetector({detector.least},{detector.as_is},{detector.enlarge})"
    else:
        name = f"{type(detector).__module__}.{type(detector).__qualname__}"
    return f"{name}@{_reader_version()}"


@functools.lru_cache(maxsize=1)
def _reader_version() -> str:
    """This module's and ocr.py's code and the OCR engine's version, as one digest."""
    from importlib import metadata

    from localize.image import ocr

    digest = hashlib.sha256()
    for source in (__file__, ocr.__file__ or ""):
        digest.update(Path(source).read_bytes())
    try:
        digest.update(metadata.version("rapidocr_onnxruntime").encode())
    except metadata.PackageNotFoundError:  # pragma: no cover - a broken installation
        pass
    return digest.hexdigest()[:16]


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


def texts_read(readings: Sequence[dict[str, Any]]) -> Joined:
    """The texts still read, as a reviewer is told them (a box read as nothing: marks)."""
    return Joined(
        [repr(r["text"]) if r["text"] else msg("glyph-like marks") for r in readings], msg(", ")
    )


def still_read_note(text: str, readings: Sequence[dict[str, Any]]) -> Msg:
    """What a reviewer is told of a region read back with Chinese (or residue) on it."""
    return msg(
        "{code}: text {text!r} erased, but {read} is still read around it ({boxes}): Chinese "
        "may still show; retouch it or keep the region",
        code=STILL_READ,
        text=text,
        read=texts_read(readings),
        boxes=Joined([msg("at {box}", box=str(tuple(r["box"]))) for r in readings], SEMICOLON),
    )


def still_read_finding(image: int, records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The finding naming image `image`'s regions around which text is still read after
    erasing, or None when every erase read back clean. An error: Chinese a buyer reads is
    what the market's rule forbids, and approving over it needs a reason (--override)."""
    left = [
        msg(
            "region {n} {text!r}: {read} still read",
            n=n,
            text=r["text"],
            read=texts_read(r["left"]),
        )
        for n, r in enumerate(records, start=1)
        if r.get("left")
    ]
    if not left:
        return None
    said = msg(
        "image {image}: Chinese still on the image after erasing: {regions}. Retouch the image, "
        "or approve with --override REASON once you have looked",
        image=image + 1,
        regions=Joined(left, SEMICOLON),
    )
    return image_finding(STILL_READ, "error", image, said)

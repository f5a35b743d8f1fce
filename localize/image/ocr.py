"""Finding the text already on an image: regions (polygon, text, confidence) from an OCR
engine behind a small Protocol, cached by the image's content so that re-runs and
re-renders after an edit never detect again.

The engine is RapidOCR on ONNX Runtime: PP-OCRv4 Chinese detection and recognition models
shipped inside its wheel, on the CPU; nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from config.errors import AppError, ExitCode
from config.files import write_atomically
from config.http import parse_json
from localize.image import curves, spaces, strokes

# ONNX Runtime (1.29 on) reports telemetry unless told not to: a thread from its import, a
# device id and a database under ~/.cache/Microsoft, connections out. A seller's image
# batch has no business with it; an operator who wants it sets the variable themselves.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

MIN_CONFIDENCE = 0.8  # below this a region is reported for a person, not replaced
CACHE_VERSION = 7  # bumped when the engine or its settings change what regions come out
# A cached entry beyond these is not what the detector writes (edited or damaged): read
# again. 20,000 regions took minutes to replace; a point of 1e12 overflowed every run.
MAX_CACHED_REGIONS = 1000
MAX_POLYGON_POINTS = 64
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
log = logging.getLogger("localize.ocr")

Point = tuple[int, int]


class OcrError(AppError):
    """The OCR engine is missing or failed on an image."""

    exit_code = ExitCode.FAILURES


@dataclass(frozen=True)
class Region:
    """One line of text found on an image: its outline, what it says, how sure the engine is."""

    polygon: tuple[Point, ...]  # clockwise from the top left of the text
    text: str
    confidence: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The upright box around the polygon: left, top, right, bottom."""
        xs, ys = [p[0] for p in self.polygon], [p[1] for p in self.polygon]
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def confident(self) -> bool:
        """Whether the reading is sure enough to act on."""
        return self.confidence >= MIN_CONFIDENCE

    @property
    def chinese(self) -> bool:
        """Whether the text has Chinese characters (what replacement is for)."""
        return has_chinese(self.text)

    def to_json(self) -> dict[str, Any]:
        """The region as plain JSON values."""
        return {
            "polygon": [list(p) for p in self.polygon],
            "text": self.text,
            "confidence": round(self.confidence, 4),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Region:
        """A region back from `to_json`."""
        points = tuple((int(x), int(y)) for x, y in data["polygon"])
        return cls(points, str(data["text"]), float(data["confidence"]))


def has_chinese(text: str) -> bool:
    """Whether `text` has Chinese characters."""
    return bool(_HAN.search(text))


class TextDetector(Protocol):
    """Finds and reads the text lines on an RGB image."""

    def detect(self, img: Any) -> list[Region]:
        """The text regions on `img` (a PIL RGB image)."""
        ...


# ONNX Runtime's threads per OCR session: one. Image work runs a process per job on a
# machine others share; a second thread made detection no faster under load and spun
# (busy-waiting) for three times the CPU.
OCR_THREADS = 1


def load_engine() -> Any:
    """A RapidOCR whose three models are each loaded once, into sessions that give their
    working memory back after every call.

    RapidOCR's own sessions run without ONNX Runtime's arena, on malloc: what a 1000 px
    detection frees stays with the process in fragments that the next one cannot reuse,
    so a detection peaked at twice its working set (~520 MB for 1000x1000). Ours keep
    their working memory in the arena and hand it back after each run. Its parts are
    built by their own constructors (RapidOCR 1.4's, from its own config) with our
    session in place of theirs, rather than built with theirs and then given ours: every
    model was loaded twice, 2.6 s of a 12.9 s `localize image` run."""
    try:
        from rapidocr_onnxruntime import main
        from rapidocr_onnxruntime.ch_ppocr_cls import text_cls
        from rapidocr_onnxruntime.ch_ppocr_det import text_detect
        from rapidocr_onnxruntime.ch_ppocr_rec import text_recognize
        from rapidocr_onnxruntime.utils import OrtInferSession, read_yaml, update_model_path
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise OcrError(f"the OCR engine is not installed ({exc}); reinstall shopbot") from None

    class Session(OrtInferSession):  # type: ignore[misc]
        """RapidOCR's session wrapper (names, metadata, errors) around ours."""

        def __init__(self, config: dict[str, Any]) -> None:  # no super(): that loads it
            self.session = ReturningSession(str(config["model_path"]))

    def built(part: Any, config: dict[str, Any]) -> Any:
        # The part's own __init__, run with `Session` where its module names
        # OrtInferSession: nothing of the library is changed for anyone else.
        init = part.__init__
        names = {**init.__globals__, "OrtInferSession": Session}
        made = part.__new__(part)
        types.FunctionType(init.__code__, names, init.__name__, init.__defaults__)(made, config)
        return made

    config = update_model_path(read_yaml(str(main.DEFAULT_CFG_PATH)))
    engine = main.RapidOCR.__new__(main.RapidOCR)  # its __init__ would load every model
    engine.text_score = config["Global"]["text_score"]
    engine.text_det = built(text_detect.TextDetector, config["Det"])
    engine.text_cls = built(text_cls.TextClassifier, config["Cls"])
    engine.text_rec = built(text_recognize.TextRecognizer, config["Rec"])
    engine.text_rec.postprocess_op = SpaceOdds(engine.text_rec.postprocess_op)
    return engine


class SpaceOdds:
    """RapidOCR's CTC decoding, whose word boxes also carry how likely the model thought a
    space at each of its columns (the last of its classes): a space it dropped still shows
    there, a little (0.02-0.3 at the gaps of 'Colormayvary'; nowhere else over 0.005)."""

    def __init__(self, decode: Any) -> None:
        self.decode = decode

    def __call__(self, preds: Any, return_word_box: bool = False, **kwargs: Any) -> Any:
        out = self.decode(preds, return_word_box, **kwargs)
        if return_word_box:
            for n, (_text, _score, box) in enumerate(out):
                box.append(preds[n, :, -1])
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.decode, name)  # character, dict...


@functools.lru_cache(maxsize=1)
def process_engine() -> Any:
    """One RapidOCR per process (loading its models takes a third of a second); an image
    worker has it from the server it was forked from (ocr_models.py)."""
    return load_engine()


class ReturningSession:
    """An ONNX Runtime session on the CPU whose working memory is an arena emptied at the
    end of every run (rather than malloc's fragments kept by the process); it answers
    like the InferenceSession it wraps."""

    def __init__(self, model_path: str) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 4  # RapidOCR's own: its models warn of nothing useful
        options.enable_cpu_mem_arena = True
        options.intra_op_num_threads = OCR_THREADS
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            model_path, options, providers=[("CPUExecutionProvider", {})]
        )
        self._run = ort.RunOptions()
        self._run.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, names: Any, feed: dict[str, Any], options: Any = None) -> Any:
        """The model's outputs for `feed`; the arena is emptied afterwards."""
        return self._session.run(names, feed, options or self._run)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)  # get_inputs, get_modelmeta...


FLIP_SURER = 0.15  # a line read turned over is kept so when this much surer than upright
READS_AS = 0.8  # a curve's reading matches its box's from this likeness (difflib's ratio)
DETECT_SIDE = 1024  # px: the longest side text is looked for at (read at full size)


class RapidOcrDetector:
    """RapidOCR (PP-OCRv4, Chinese and Latin) on ONNX Runtime, CPU only.

    Lines are found on a copy whose longest side is at most DETECT_SIDE, and read from the
    full-size picture: RapidOCR's own pipeline detects on up to 2,000 px, which took a
    3000x3000 image to 900 MB and 6 s for the same lines (found on a third of the size,
    read as sharply as before: 440 MB, 2 s).

    `least` is the lowest reading score kept (None: RapidOCR's own, 0.5); reading an erased
    image back keeps every box the detector finds (0.0), however unsure its reading. With
    `as_is`, lines are looked for on the picture at its own size (to a multiple of 32),
    never enlarged to RapidOCR's least side of 736 px (a 577x248 crop was detected at
    1713x736: 2 s of CPU) nor padded to it (a third of a read-back's sheet was margin).

    With `ends`, an upright line's box takes in the ink of a glyph its detection left out
    beside it (strokes.py: 一 of 一键开盖, boxed and read as 键开盖) and is read again
    over it; the reading is kept when it is the first one with characters added at its
    ends."""

    def __init__(
        self,
        least: float | None = None,
        as_is: bool = False,
        enlarge: float = 1.0,
        ends: bool = True,
    ) -> None:
        self.least, self.as_is, self.enlarge, self.ends = least, as_is, enlarge, ends

    def detect(self, img: Any) -> list[Region]:
        """The text regions on `img`, in reading order."""
        import cv2
        import numpy as np

        engine = process_engine()
        give_back()  # the detection's working set is counted from what the process holds
        # BGR in one pass over PIL's own copy (a converted copy, then a reversed one, were
        # two more full frames and ten times the CPU)
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        full = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)
        height, width = full.shape[:2]
        scale = min(1.0, DETECT_SIDE / max(height, width))
        small = (
            cv2.resize(
                full, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
            )
            if scale < 1.0
            else full
        )
        found = _lines(engine, small, self.as_is)
        if found is None:
            return []
        boxes, prob = found
        boxes = list(engine.sorted_boxes(boxes)) if len(boxes) else []
        bent = [
            (band.scaled(1 / scale, 1 / scale).fitted(full), over)
            for band, over in curves.bands(
                prob, boxes, (small.shape[1] / prob.shape[1], small.shape[0] / prob.shape[0])
            )
        ]
        if not boxes and not bent:
            return []
        boxes = [np.asarray(b, np.float32) / scale for b in boxes]
        upright = engine.get_crop_img_list(full, boxes) if boxes else []
        crops, turns, _ = engine.text_cls(upright) if upright else ([], [], None)
        # a line the classifier turned upside down is read both ways, and kept upright
        # unless turned it reads FLIP_SURER surer: a red strike across the top of ¥99 made
        # it turn the line, read as 66大 at 0.84 (upright: ¥99 at 0.79; a stranger's trial);
        # a line really upside down reads as nothing much upright
        flipped = [
            n
            for n, (label, score) in enumerate(turns)
            if "180" in str(label) and score > engine.text_cls.cls_thresh
        ]
        # a curved line is read unrolled, as it runs (no turning: its strip is upright)
        strips = [band.strip(full) for band, _ in bent]
        read = _read(engine, crops + strips + [upright[n] for n in flipped])
        for n, again in zip(flipped, read[len(crops) + len(strips) :], strict=True):
            if float(again[1]) + FLIP_SURER >= float(read[n][1]):
                read[n] = again
        read = read[: len(crops) + len(strips)]
        least = engine.text_score if self.least is None else self.least
        outlines = [np.asarray(b, np.float32) for b in boxes]
        outlines += [np.asarray(band.outline(), np.float32) for band, _ in bent]
        # a box the curve it bows along replaces (curves.bands: a shallow arc read over a
        # box reaching across its ribbon), where the curve reads as the box did
        dropped: set[int] = set()
        for k, (_, over) in enumerate(bent):
            if not over:
                continue
            text, score, *_rest = read[len(boxes) + k]
            as_boxed = "".join(str(read[n][0]) for n in sorted(over))
            if float(score) >= least and _reads_as(str(text), as_boxed):
                dropped |= over
            else:
                dropped.add(len(boxes) + k)
        regions: list[Region] = []
        for n, (points, (text, score, *_rest)) in enumerate(zip(outlines, read, strict=True)):
            if float(score) < least or n in dropped:  # as RapidOCR's own pipeline drops them
                continue
            polygon = tuple(
                (min(width - 1, max(0, round(float(x)))), min(height - 1, max(0, round(float(y)))))
                for x, y in points
            )
            region = Region(polygon, str(text), round(float(score), 4))
            if n < len(boxes):
                regions.append(region)
            else:  # in reading order: a curved line before the first line below its top
                at = next((i for i, r in enumerate(regions) if r.box[1] > region.box[1]), None)
                regions.insert(len(regions) if at is None else at, region)
        return _with_ends(engine, full, regions, least) if self.ends else regions

    def detect_all(
        self, pictures: list[Any], enlarge: Sequence[float] | None = None
    ) -> list[list[Region]]:
        """The text regions on each of `pictures` (crops of one image), read in one pass:
        stacked into one picture, a gap between them, so that a few small crops cost one
        detection rather than one enlarged to RapidOCR's least size each. Each is read
        enlarged by its own share of `enlarge` (at most this detector's own)."""
        from PIL import Image

        if not pictures:
            return []
        wanted = [min(self.enlarge, e) for e in enlarge or [self.enlarge] * len(pictures)]
        across = max(p.width * e for p, e in zip(pictures, wanted, strict=True))
        down = sum(p.height * e for p, e in zip(pictures, wanted, strict=True))
        down += STACK_GAP * (len(pictures) - 1)
        fit = min(1.0, DETECT_SIDE / max(across, down))  # the sheet never over DETECT_SIDE
        ks = [e * fit for e in wanted]
        sizes = [
            (max(1, round(p.width * k)), max(1, round(p.height * k)))
            for p, k in zip(pictures, ks, strict=True)
        ]
        width = max(w for w, _ in sizes)
        tops, height = [], 0
        for _, h in sizes:
            tops.append(height)
            height += h + STACK_GAP
        sheet = Image.new("RGB", (width, height - STACK_GAP), (255, 255, 255))
        for picture, size, top in zip(pictures, sizes, tops, strict=True):
            rgb = picture if picture.mode == "RGB" else picture.convert("RGB")
            sheet.paste(rgb.resize(size), (0, top))
        found: list[list[Region]] = [[] for _ in pictures]
        for region in self.detect(sheet):
            left, top, right, bottom = region.box
            middle = (top + bottom) / 2
            n = max(i for i, t in enumerate(tops) if t <= middle)
            picture, (w, h), k = pictures[n], sizes[n], ks[n]
            if left >= w or middle > tops[n] + h:
                continue  # in a gap or beside a narrower crop: nothing of it is there
            polygon = tuple(
                (
                    min(picture.width - 1, round(x / k)),
                    min(picture.height - 1, max(0, round((y - tops[n]) / k))),
                )
                for x, y in region.polygon
            )
            found[n].append(Region(polygon, region.text, region.confidence))
        return found


STACK_GAP = 24  # px of white between the crops read in one pass


def _with_ends(engine: Any, full: Any, regions: list[Region], least: float) -> list[Region]:
    """`regions` (found on `full`, the BGR frame) with each upright line taking in the
    glyphs its detection left beside it (`_whole`: read again at least `least`). A
    stroke boxed apart from its line (an 一 read alone beside '-键开盖') is one of them:
    it goes into the line's box and is no line of its own."""
    straight = [r for r in regions if _upright(r)]
    out: list[Region] = []
    for region in regions:
        if not _upright(region):
            out.append(region)
            continue
        others = [o.box for o in straight if o is not region and not _piece(o, region)]
        out.append(_whole(engine, full, region, others, least))
    grown = [(w, r) for w, r in zip(out, regions, strict=True) if w.box != r.box]
    return [
        w
        for w, r in zip(out, regions, strict=True)
        if not any(_piece(r, line) and _inside(r.box, g.box) for g, line in grown if line is not r)
    ]


def _piece(stroke: Region, line: Region) -> bool:
    """Whether `stroke` is a lone stroke (一, 丨, a dash) boxed along `line`, no larger
    than a character of it."""
    left, top, right, bottom = line.box
    height = bottom - top
    a, b, c, d = stroke.box
    return (
        bool(stroke.text)
        and set(stroke.text) <= LONE
        and max(c - a, d - b) <= strokes.MOST_SIDE * height
        and b >= top - strokes.BEYOND * height
        and d <= bottom + strokes.BEYOND * height
    )


def _inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether box `a` lies within box `b`."""
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


LONE = frozenset("一丨-‐–—_~.·、,，。'|")  # what a stroke boxed alone reads as
CUT_READS = "-‐–—_~.·'"  # what a stroke cut by a box reads as, at the box's end


def _upright(region: Region) -> bool:
    """Whether `region` is a four-cornered outline filling its upright box (each corner
    within a tenth of the box's short side of it, or 2 px): a straight line neither
    turned nor bent."""
    if len(region.polygon) != 4:
        return False
    left, top, right, bottom = region.box
    near = max(2, (min(right - left, bottom - top) + 1) // 10)
    return all(
        min(abs(x - left), abs(x - right)) <= near and min(abs(y - top), abs(y - bottom)) <= near
        for x, y in region.polygon
    )


def _whole(
    engine: Any,
    full: Any,
    region: Region,
    others: list[tuple[int, int, int, int]],
    least: float,
) -> Region:
    """`region` (upright) with the glyph its detection left out beside it taken in
    (strokes.widened, on `full`: the BGR frame) and read again over it: the new reading
    when it is the old one (but for a dash read at its end) with characters added at its
    ends, read at least `least`; else the old reading over the widened box (the ink is
    the line's all the same: it is erased with it)."""
    import numpy as np

    left, top, right, bottom = region.box
    rgb = full[:, :, ::-1]
    wide = strokes.widened(
        rgb,
        (left, top, right + 1, bottom + 1),
        [(a, b, c + 1, d + 1) for a, b, c, d in others],
    )
    if wide == (left, top, right + 1, bottom + 1):
        return region
    x0, y0, x1, y1 = wide[0], wide[1], wide[2] - 1, wide[3] - 1
    polygon = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    crops = engine.get_crop_img_list(full, [np.asarray(polygon, np.float32)])
    crops, _, _ = engine.text_cls(crops)
    read = _read(engine, crops)
    text, score = str(read[0][0]), float(read[0][1])
    # a glyph cut by the box read as a dash ('-键开盖'): what is kept of the first reading
    kept = region.text.strip(CUT_READS) or region.text
    if kept in text and text != region.text and score >= least:
        return Region(polygon, text, round(score, 4))
    return Region(polygon, region.text, region.confidence)


def _read(engine: Any, crops: list[Any]) -> list[tuple[str, float]]:
    """What RapidOCR's recogniser reads on each of `crops` (BGR line pictures) and how sure
    it is, with the spaces it dropped between Latin words (and between Latin and Han) put
    back from the gaps on the crop (spaces.py): 'Colormayvary' was drawn for 'Color may
    vary'. Where each character was read comes from its CTC columns (word boxes)."""
    if not crops:
        return []
    found, _ = engine.text_rec(crops, True)
    read: list[tuple[str, float]] = []
    for crop, (text, score, *rest) in zip(crops, found, strict=True):
        text = str(text)
        if rest and text:
            box = rest[0]  # columns, words, their columns, kinds, scores (, SpaceOdds')
            columns, words = box[0], box[2]
            odds = box[5] if len(box) > 5 else None
            at = [c for word in words for c in word]
            width = crop.shape[1]
            xs = [(c + 0.5) / columns * width for c in at] if columns else []
            # how likely a space between each two characters, as the model saw it
            hints = (
                [float(odds[a : b + 1].max()) for a, b in zip(at, at[1:], strict=False)]
                if odds is not None
                else None
            )
            text = spaces.respaced(text, xs, crop, hints)
        read.append((text, float(score)))
    return read


def give_back() -> None:
    """Hand the memory the process has freed back to the system (glibc's malloc_trim;
    elsewhere nothing). Freed frames (a decode, an erase's copies, the OCR's own arrays)
    stay in the heap in pieces: 50 MB of a 1000x1000 image's run was held so, under the
    next detection's peak."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


def _reads_as(text: str, boxed: str) -> bool:
    """Whether a curve's reading is the box's: the same characters, give or take one in
    five (an arc's end letter read or missed)."""
    from difflib import SequenceMatcher

    return bool(text) and SequenceMatcher(None, text, boxed).ratio() >= READS_AS


def _lines(engine: Any, picture: Any, as_is: bool = False) -> Any:
    """The line boxes RapidOCR's detection finds on `picture` (BGR), and the model's map
    of text (H x W probabilities, at the size it was resized to): its own steps (RapidOCR
    1.4's inner names), resized as it resizes (`as_is`: at the picture's own size, never
    enlarged to its least side) and normalised through a lookup table."""
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    detector, shape = engine.text_det, picture.shape[:2]
    sizing = DetPreProcess(max(shape), "max") if as_is else detector.get_preprocess(max(shape))
    resized = sizing.resize(picture)
    if resized is None:
        return None
    prob = detector.infer(_normalised(resized, detector))[0]
    found, _ = detector.postprocess_op(prob, shape)
    return detector.filter_tag_det_res(found, shape), prob[0, 0] if prob.ndim == 4 else prob[0]


def _normalised(picture: Any, detector: Any) -> Any:
    """`picture` (H x W x 3 uint8) as the detection model takes it (1 x 3 x H x W float32),
    the same numbers RapidOCR's own normalisation gives, each channel looked up in a table
    of its 256 values: its float arithmetic over the frame, then a copy to transpose it,
    were a tenth of a detection's CPU. (OpenCV's lookup, each channel written into its
    plane: the same table values at a third of numpy's `take` over a strided channel.)"""
    import cv2
    import numpy as np

    mean = np.asarray(detector.mean if detector.mean is not None else (0.5, 0.5, 0.5))
    std = np.asarray(detector.std if detector.std is not None else (0.5, 0.5, 0.5))
    # the same float32 steps as its (value * 1/255 - mean) / std, once per value
    levels = np.arange(256, dtype=np.float32)[None, :] * np.float32(1 / 255.0)
    table = ((levels - mean[:, None]) / std[:, None]).astype(np.float32)
    out = np.empty((1, 3, *picture.shape[:2]), np.float32)
    for channel, plane in enumerate(cv2.split(np.ascontiguousarray(picture))):
        cv2.LUT(plane, table[channel], dst=out[0, channel])
    return out


def content_key(img: Any) -> str:
    """The sha256 of the image's pixels: the same picture gets the same key, however it
    was stored."""
    digest = hashlib.sha256(f"{img.mode}:{img.width}x{img.height}:".encode())
    digest.update(img.tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Keeper:
    """How a cache of the data directory writes its files (the OCR's regions, the clean
    plates): each whole or not at all, renamed into place; a folder that cannot be written
    (a file in its place, read-only, a full disk) is said once, and the rest of the run
    goes on without keeping rather than failing every image or trying every write again."""

    what: str  # which cache, as the warning names it
    cost: str  # what going on without it costs, as the warning says it
    unwritable: list[str] = field(default_factory=list, compare=False, repr=False)

    def write(self, folder: Path, path: Path, data: bytes) -> bool:
        """Write `data` to `path` (in `folder`, made when missing); False when the folder
        cannot be written (said the first time)."""
        if self.unwritable:
            return False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self.unwritable.append(reason)
            log.warning(
                "%s %s cannot be written (%s): going on without caching, so %s; make it a "
                "writable folder with free space (it is under the data directory, "
                "$SHOPBOT_HOME)",
                self.what,
                folder,
                reason,
                self.cost,
            )
            return False
        return True


@dataclass(frozen=True)
class OcrCache:
    """Regions per image content, one JSON file each in a folder of the data directory."""

    folder: Path
    keeper: Keeper = field(
        default_factory=lambda: Keeper("the OCR cache", "text on images is read again next time"),
        compare=False,
        repr=False,
    )

    @property
    def plates(self) -> Path:
        """Where the clean plates of the images read are kept (plates.py), beside them."""
        return self.folder / "plates"

    def path(self, key: str) -> Path:
        """Where the regions of the content `key` are kept."""
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, size: tuple[int, int]) -> list[Region] | None:
        """The cached regions of a picture of `size` (width, height), or None when this
        content was never read (or the file is from another engine version, damaged or
        edited: too many regions, a point outside the picture; then it is read again)."""
        try:
            data = parse_json(self.path(key).read_bytes())  # bounded: a damaged file fails
            if data.get("version") != CACHE_VERSION:
                return None
            found = data["regions"]
            if not isinstance(found, list) or len(found) > MAX_CACHED_REGIONS:
                return None
            regions = [Region.from_json(r) for r in found]
        except (OSError, ValueError, KeyError, TypeError, OverflowError):
            return None
        width, height = size
        for region in regions:
            if not (
                3 <= len(region.polygon) <= MAX_POLYGON_POINTS
                and 0.0 <= region.confidence <= 1.0
                and all(0 <= x < width and 0 <= y < height for x, y in region.polygon)
            ):
                return None
        return regions

    def put(self, key: str, regions: list[Region]) -> None:
        """Keep the regions of the content `key` (or go on uncached: Keeper)."""
        doc = {"version": CACHE_VERSION, "regions": [r.to_json() for r in regions]}
        data = json.dumps(doc, ensure_ascii=False).encode()
        self.keeper.write(self.folder, self.path(key), data)

    def regions(self, img: Any, detector: TextDetector) -> list[Region]:
        """The regions on `img`: from the cache, else detected and cached."""
        return self.keyed(img, detector)[1]

    def keyed(self, img: Any, detector: TextDetector) -> tuple[str, list[Region]]:
        """The content key of `img` (content_key) and its regions (as `regions`): the key
        names its clean plate too, so the frame is hashed once per image."""
        key = content_key(img)
        cached = self.get(key, img.size)
        if cached is not None:
            return key, cached
        found = detector.detect(img)
        self.put(key, found)
        return key, found


def data_cache(data_dir: Path) -> OcrCache:
    """The one OCR cache of a data directory (`ocr/`), shared by `localize image` and
    `localize run`, so an image read by one is never read again by the other."""
    return OcrCache(data_dir / "ocr")

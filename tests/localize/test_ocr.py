"""What reading the text on images costs the process that does it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from localize.image.ocr import OcrCache, RapidOcrDetector, Region, content_key
from tests.imagesynth import font, make
from tests.localize.images import struck_price

STATUS = Path("/proc/self/status")


def resident_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (or its peak since last reset: VmHWM), in MB."""
    line = next(x for x in STATUS.read_text().splitlines() if x.startswith(field))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(not STATUS.exists(), reason="reads Linux's /proc")
def test_a_batch_of_detections_costs_what_one_does_and_gives_its_memory_back() -> None:
    """A detection's working memory (~130-190 MB at 1024 px) is given back when it ends:
    on malloc it stayed with the process in fragments the next image of another size
    could not reuse, so a batch peaked at ~300 MB above where it began and kept 120-160 MB
    of it (a new 1000x1000 image through `localize image` peaked at 520 MB)."""
    detector = RapidOcrDetector()
    detector.detect(make("flat").image.resize((300, 300)))  # the models loaded
    img = make("wood").image.resize((1400, 1400))
    before = resident_mb()
    Path("/proc/self/clear_refs").write_text("5")  # the peak is measured from here
    found = detector.detect(img)
    for side in (760, 880, 1000, 1200):  # as a batch of supplier images comes
        detector.detect(img.resize((side, side)))
    peak, kept = resident_mb("VmHWM") - before, resident_mb() - before
    assert [r.text for r in found] == ["限时特价", "舒适百搭", "大容量保温"]
    assert peak < 230, f"the batch's detections peaked {peak:.0f} MB above where they began"
    assert kept < 70, f"the process kept {kept:.0f} MB after the batch"


class _Reading:
    """A detector that finds one line and counts how often it is asked."""

    def __init__(self) -> None:
        self.asked = 0

    def detect(self, img: object) -> list[Region]:
        self.asked += 1
        return [Region(((10, 10), (60, 10), (60, 30), (10, 30)), "包邮", 0.99)]


def test_a_tampered_region_cache_entry_is_read_again_never_trusted(tmp_path: Path) -> None:
    """An entry is checked when loaded: 20,000 regions ran for minutes, a coordinate of 1e12
    failed the image on every run with OverflowError; such an entry is a miss."""
    from PIL import Image

    img = Image.new("RGB", (200, 100), "white")
    cache, detector = OcrCache(tmp_path / "ocr"), _Reading()
    assert len(cache.regions(img, detector)) == 1 and detector.asked == 1
    path = cache.path(content_key(img))
    good = json.loads(path.read_text(encoding="utf-8"))
    assert len(cache.regions(img, detector)) == 1 and detector.asked == 1  # a hit

    def line(x: float, y: float) -> dict[str, object]:
        polygon = [[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]]
        return {"polygon": polygon, "text": "包邮", "confidence": 0.99}

    tampered = [
        [line(i % 100, i % 50) for i in range(20_000)],  # more than any picture holds
        [line(1e12, 20)],  # far outside the picture
        [line(-5, 20)],
        [line(10, 90)],  # its bottom below the picture
        [{**line(10, 10), "polygon": [[10, 10]] * 5000}],
        [{**line(10, 10), "confidence": 99}],
    ]
    for regions in tampered:
        path.write_text(json.dumps({**good, "regions": regions}), encoding="utf-8")
        asked = detector.asked
        assert len(cache.regions(img, detector)) == 1
        assert detector.asked == asked + 1  # read again, and the entry made good
        assert json.loads(path.read_text(encoding="utf-8")) == good


def test_each_ocr_model_is_loaded_once_per_process() -> None:
    """RapidOCR built its own three ONNX sessions, which ours then replaced: every model
    was loaded twice (2.6 s of a 12.9 s `localize image` run). Counted where ONNX Runtime
    makes a session (its InferenceSession), by a profiler hook, so nothing is replaced."""
    import sys

    import onnxruntime as ort

    from localize.image.ocr import load_engine

    made = ort.InferenceSession.__init__.__code__
    counted: list[str] = []

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call" and frame.f_code is made:
            counted.append(str(frame.f_locals.get("path_or_bytes")))

    sys.setprofile(count)
    try:
        load_engine()
    finally:
        sys.setprofile(None)
    assert len(counted) == 3, counted
    assert len(set(counted)) == 3  # detection, orientation, reading: each its own model
    found = RapidOcrDetector().detect(make("wood").image.resize((700, 700)))
    assert [r.text for r in found] == ["限时特价", "舒适百搭", "大容量保温"]


def test_a_picture_is_fed_to_detection_as_rapidocrs_own_steps_feed_it() -> None:
    """The lookup table gives the very numbers RapidOCR's float arithmetic gives."""
    import numpy as np
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    from localize.image.ocr import _normalised, process_engine

    detector = process_engine().text_det
    picture = np.asarray(make("wood").image.resize((320, 256)))
    theirs = DetPreProcess(320, "max", detector.mean, detector.std)(picture)
    assert theirs is not None
    assert np.array_equal(_normalised(picture, detector), theirs)


def test_a_picture_in_another_mode_is_read_as_its_rgb_copy_is() -> None:
    """Detection takes an RGB picture as it is (no converted copy) and converts any other:
    a picture with alpha or a palette reads the lines its RGB conversion reads."""
    detector = RapidOcrDetector()
    img = make("wood").image.resize((500, 500))
    read = [(r.polygon, r.text) for r in detector.detect(img)]
    assert [t for _, t in read] == ["限时特价", "舒适百搭", "大容量保温"]
    for mode in ("RGBA", "P"):  # (a palette's pixels are its indices)
        other = img.convert(mode)
        assert [(r.polygon, r.text) for r in detector.detect(other)] == [
            (r.polygon, r.text) for r in detector.detect(other.convert("RGB"))
        ], mode
    assert [(r.polygon, r.text) for r in detector.detect(img.convert("RGBA"))] == read


def test_reading_an_image_leaves_no_telemetry_behind(tmp_path: Path) -> None:
    # ONNX Runtime 1.29+ starts a telemetry thread at import and writes a device id and a
    # database under ~/.cache/Microsoft (img-cost2 found it): none of that from a reading
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env["HOME"] = str(tmp_path)
    code = "import localize.image.ocr as o; o.process_engine()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / ".cache" / "Microsoft").exists()


def test_a_price_struck_across_its_top_is_read_upright() -> None:
    # The strike made the angle classifier turn the line over (0.99 sure), and turned it
    # read 66大 at 0.84: translated, and drawn as "66Great product" in its place.
    (region,) = RapidOcrDetector().detect(struck_price()[0])
    assert "99" in region.text and "66" not in region.text and "大" not in region.text, region


def test_a_line_upside_down_is_still_read_turned() -> None:
    img = Image.new("RGB", (1000, 1000), (248, 248, 248))
    ImageDraw.Draw(img).text((200, 450), "保温杯大容量", font=font(80), fill=(30, 30, 30))
    (region,) = RapidOcrDetector().detect(img.rotate(180))
    assert region.text == "保温杯大容量", region

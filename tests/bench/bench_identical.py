"""Hashes of what the image code makes, per synthetic class (tests/imagesynth.py) and for
bench_erase's inputs, to tell that a change meant for speed changed no output: run it on
two checkouts (PYTHONPATH names the code measured) and compare the two files it writes.

Per case: the clean plate from the real OCR's boxes (erase only), the drawn image with a
made-up translation per region and its read-back, the erase from the true boxes (each
told the others, as drawing tells it), and what the drawing reported (scores, notes).

    PYTHONPATH=/path/to/checkout python tests/bench/bench_identical.py OUT.json [CLASS...]

With --captions instead of classes: every caption bench_caption_facts draws, and longer
ones, hashed (the drawn image and what the drawing reported).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from typing import Any


def _digest(img: Any) -> str:
    return hashlib.sha256(img.tobytes() + repr((img.mode, img.size)).encode()).hexdigest()[:16]


def _translate(text: str) -> tuple[str, list[Any]]:
    words = ["Sale", "New", "Gift box", "Free shipping", "Soft cotton", "Limited offer"]
    return f"{words[len(text) % len(words)]} {len(text)}", []


def hashes(img: Any, truth: Any = None) -> dict[str, str]:
    """The case's hashes: plate, drawn image, what was reported, and the true boxes' erase."""
    from localize.image.erase import erase
    from localize.image.ocr import RapidOcrDetector
    from localize.image.regions import plan_text
    from localize.image.replace import ReplaceText

    detector = RapidOcrDetector()
    regions = detector.detect(img)
    out = {"ocr": hashlib.sha256(repr(regions).encode()).hexdigest()[:16]}
    blank = plan_text(regions, lambda s: ("", []))
    plate = img.copy()
    done = ReplaceText(blank.plans, "en", "latin", erase_only=True, untouched=blank.untouched).draw(
        plate
    )
    out["plate"] = _digest(plate)
    out["plate_report"] = hashlib.sha256(repr(done).encode()).hexdigest()[:16]
    text = plan_text(regions, _translate)
    drawn = img.copy()
    done = ReplaceText(
        text.plans, "en", "latin", read_back=detector,
        untouched=text.untouched,
    ).draw(drawn)  # fmt: skip
    out["drawn"] = _digest(drawn)
    out["drawn_report"] = hashlib.sha256(repr(done).encode()).hexdigest()[:16]
    if truth is not None:
        boxes = [t.polygon for t in truth]
        erased = img.copy()
        infos = [erase(erased, b, others=boxes[:n] + boxes[n + 1 :]) for n, b in enumerate(boxes)]
        out["truth"] = _digest(erased)
        out["truth_report"] = hashlib.sha256(repr(infos).encode()).hexdigest()[:16]
    return out


def captions() -> dict[str, str]:
    """Hashes of every caption bench_caption_facts draws (each shot, caption, style, placed
    clear of the facts or not), and of longer ones that find no free place whole."""
    from localize.image.render import Layout, draw_caption
    from tests.bench.bench_caption_facts import CAPTIONS, STYLES, shots

    longer = (
        "Keeps drinks hot for twelve hours and cold for a whole day, leak proof lid, "
        "dishwasher safe, BPA free, gift box included",
    )
    out = {}
    for name, img, _product, boxes in shots():
        for n, caption in enumerate((*CAPTIONS, *longer)):
            for style in STYLES:
                for clear in (False, True):
                    drawn_on = img.copy()
                    drawn = draw_caption(
                        drawn_on, caption, "en", "latin", Layout(style=style), tuple(boxes),
                        clear=clear,
                    )  # fmt: skip
                    key = f"{name} {style} caption {n} {clear}"
                    out[key] = hashlib.sha256(
                        (_digest(drawn_on) + repr(drawn)).encode()
                    ).hexdigest()[:16]
    return out


def main() -> None:
    from tests.imagesynth import CLASSES, make

    path, wanted = sys.argv[1], sys.argv[2:]
    if wanted == ["--captions"]:
        with open(path, "w") as f:
            json.dump(captions(), f, indent=1, sort_keys=True)
        return
    names = wanted or list(CLASSES)
    results: dict[str, Any] = {}
    started = time.process_time()
    for name in names:
        s = make(name)
        results[name] = hashes(s.image, s.texts)
    if not wanted:  # bench_erase's inputs: wood at 1000 and 3000 px
        wood = make("wood").image
        results["bench-1000"] = hashes(wood)
        results["bench-3000"] = hashes(wood.resize((3000, 3000)))
    results["_cpu"] = round(time.process_time() - started, 1)
    with open(path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    print(f"{len(names)} classes, {results['_cpu']} s CPU -> {path}")


if __name__ == "__main__":
    main()

"""Clean plates kept between runs: an image's text erased once is not erased again.

Erasing is most of what replacing text costs (seconds on a large image), and it depends
only on the picture, the regions erased and the erase code itself: never on the
translation, the language or the caption. So what erasing produced (the pixels it changed,
as patches, and what it learnt of each region) is kept in the data directory beside the
OCR cache, keyed by the picture's content, the regions (outline and text, in order) and
the erase code's own version; a re-run in another language, or with another translation,
redraws on the kept plate. A changed region, erase code, OpenCV or numpy makes another
key: the plate is made again. A file that cannot be read back exactly (damaged, cut short,
from another format) is made again too, never an error.

Each plate is one file written whole or not at all (renamed into place), so concurrent
runs and a run killed mid-write leave either a whole plate or none; the folder is kept
under a byte limit, the plates used least recently removed first.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from localize.image.ocr import Keeper, Point

if TYPE_CHECKING:
    from localize.image.readback import Reading

log = logging.getLogger("localize.plates")

PLATE_FORMAT = 2  # bumped when what a plate file holds changes
PLATE_BYTES = 256 * 1024 * 1024  # the folder's bound: the least recently used go first
KEEP_SHARE = 0.8  # ... down to this share of it, so that every put does not sweep again
STALE_PART = 3600.0  # s: a temporary file this old is a killed writer's, not a live one's
ROW_GAP = 16  # px: changed rows this close are one patch
CHUNK_ROWS = 256  # rows compared at a time when finding what an erase changed


def erase_version() -> str:
    """The erase code's own version: a digest of the modules whose code decides what an
    erase produces (and the libraries' versions it runs on), so that a changed erase is
    never served a plate the previous one made; and the judge's, whose doubts the plate
    keeps (a changed judge was served the previous one's silence)."""
    if not _version:  # once per process: the code does not change under a running one
        from localize.image import colors, erase, looks, morph, period, replace, smear

        # (period.py: a pattern's lattice, which both the erase and the judge read;
        # morph.py: their discs' dilations and openings)
        modules = (colors, erase, looks, morph, period, replace, smear)
        _version.append(code_version([Path(m.__file__ or "") for m in modules]))
    return _version[0]


_version: list[str] = []


def code_version(sources: Sequence[Path]) -> str:
    """A digest of the code in `sources`, the plate format and the versions of OpenCV and
    numpy (what the erase computes with)."""
    import cv2
    import numpy as np

    digest = hashlib.sha256(f"{PLATE_FORMAT}:{cv2.__version__}:{np.__version__}".encode())
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class ErasedRegion:
    """What erasing one region left for setting its translation: the erased area (a 0/255
    mask over the box at `at`), what the erase learnt (an erase.Erased) and how the
    original looked (a looks.Look)."""

    mask: Any
    at: tuple[int, int]
    erased: Any
    look: Any


@dataclass(frozen=True)
class Plate:
    """An image's erase: the pixels it changed (patches: left, top, H x W x 3 uint8),
    per region erased in order, what it left (None: the region had nothing to erase),
    once read back, what was read around the regions erased and who read it
    (readback.reader), and once judged, what the judge of erases doubts about each region
    (smear.judge; nothing for a region with nothing erased): facts of the erase like the
    plate, so a re-run neither reads nor judges again."""

    patches: tuple[tuple[int, int, Any], ...]
    regions: tuple[ErasedRegion | None, ...]
    read: tuple[str, tuple[Reading, ...]] | None = None
    doubts: tuple[tuple[dict[str, Any], ...], ...] | None = None

    def paste(self, img: Any) -> None:
        """Put the erased pixels onto `img` (the same picture, not yet erased) in place."""
        from PIL import Image

        for left, top, pixels in self.patches:
            img.paste(Image.fromarray(pixels), (left, top))


def changed(before: Any, img: Any) -> tuple[tuple[int, int, Any], ...]:
    """The patches of `img` (a PIL RGB image) that cover every pixel differing from
    `before` (its H x W x 3 pixels before erasing): one per run of changed rows, as wide
    as the changes in it. Compared a band of rows at a time: never another whole frame."""
    import numpy as np

    height, width = before.shape[:2]
    rows = np.zeros(height, bool)
    for y in range(0, height, CHUNK_ROWS):
        after = np.asarray(img.crop((0, y, width, min(height, y + CHUNK_ROWS))))
        rows[y : y + len(after)] = (after != before[y : y + len(after)]).any(axis=(1, 2))
    found = np.nonzero(rows)[0]
    if len(found) == 0:
        return ()
    breaks = np.nonzero(np.diff(found) > ROW_GAP)[0]
    starts = [int(found[0]), *(int(v) for v in found[breaks + 1])]
    ends = [*(int(v) for v in found[breaks]), int(found[-1])]
    patches = []
    for top, bottom in zip(starts, ends, strict=True):
        after = np.asarray(img.crop((0, top, width, bottom + 1)))
        cols = np.nonzero((after != before[top : bottom + 1]).any(axis=(0, 2)))[0]
        left, right = int(cols[0]), int(cols[-1]) + 1
        patches.append((left, top, after[:, left:right].copy()))
    return tuple(patches)


def plate_key(
    content: str, regions: Sequence[tuple[tuple[Point, ...], str]], version: str | None = None
) -> str:
    """The key of the plate of the picture `content` (ocr.content_key) with `regions`
    (outline and text, in the order erased) erased by the erase code of `version` (this
    one's by default)."""
    outlines = [[[list(p) for p in poly], text] for poly, text in regions]
    doc = [version or erase_version(), content, outlines]
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Kept:
    """An image's plate as this run has it: taken from the cache or just made, to be kept
    (again) once it is read back, so that one write holds the erase and its read-back."""

    cache: PlateCache
    key: str
    plate: Plate
    changed: bool  # made (or read back) in this run: not yet what the cache holds

    def readings(self, by: str) -> tuple[Reading, ...] | None:
        """What `by` read back around the regions erased, None when it never did."""
        read = self.plate.read
        return read[1] if read is not None and read[0] == by else None

    def read_by(self, by: str, readings: Sequence[Reading]) -> None:
        """Keep what `by` read back with the plate (written by `keep`)."""
        self.plate = replace(self.plate, read=(by, tuple(readings)))
        self.changed = True

    def judged(self, doubts: Sequence[Sequence[dict[str, Any]]]) -> None:
        """Keep what the judge of erases doubts about each region with the plate (written
        by `keep`)."""
        self.plate = replace(self.plate, doubts=tuple(tuple(d) for d in doubts))
        self.changed = True

    def keep(self) -> None:
        """Write the plate when this run made or read it back (once)."""
        if self.changed:
            self.cache.put(self.key, self.plate)
            self.changed = False


class _Unreadable(Exception):
    """A plate file that is not what this code writes."""


@dataclass(frozen=True)
class PlateCache:
    """Plates per key, one file each in a folder of the data directory, bounded in bytes."""

    folder: Path
    limit: int = PLATE_BYTES
    keeper: Keeper = field(
        default_factory=lambda: Keeper(
            "the clean-plate cache", "images are erased again next time"
        ),
        compare=False,
        repr=False,
    )

    def path(self, key: str) -> Path:
        """Where the plate `key` is kept."""
        return self.folder / f"{key}.npz"

    def get(self, key: str, size: tuple[int, int]) -> Plate | None:
        """The plate `key` for a picture of `size` (width, height), or None when there is
        none, or it cannot be read back whole (it is then made again)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            plate = _decode(data, key, size)
        except (_Unreadable, OSError, ValueError, KeyError, TypeError, IndexError, EOFError,
                zipfile.BadZipFile):  # fmt: skip
            log.info("plate %s cannot be read back: erasing again", path)
            return None
        try:
            os.utime(path)  # used now: the bound removes it last
        except OSError:
            pass
        return plate

    def put(self, key: str, plate: Plate) -> None:
        """Keep `plate` under `key` (or go on without: Keeper), then keep the folder under
        its bound."""
        if self.keeper.write(self.folder, self.path(key), _encode(key, plate)):
            self.bound()

    def bound(self, now: float | None = None) -> None:
        """Remove the least recently used plates while the folder holds more than its
        limit (down to KEEP_SHARE of it), and temporary files a killed writer left."""
        now = time.time() if now is None else now
        plates, total = [], 0
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            try:
                info = entry.stat()
            except OSError:  # removed meanwhile by another run
                continue
            if entry.name.endswith(".part"):
                if now - info.st_mtime > STALE_PART:
                    _remove(Path(entry.path))
                continue
            if entry.name.endswith(".npz"):
                plates.append((info.st_mtime, info.st_size, Path(entry.path)))
                total += info.st_size
        if total <= self.limit:
            return
        for _, size, path in sorted(plates):
            if total <= self.limit * KEEP_SHARE:
                break
            _remove(path)
            total -= size


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # another run removed it first
        pass


def _encode(key: str, plate: Plate) -> bytes:
    import numpy as np

    arrays: dict[str, Any] = {}
    patches = []
    for i, (left, top, pixels) in enumerate(plate.patches):
        arrays[f"patch{i}"] = pixels
        patches.append([left, top])
    regions: list[dict[str, Any] | None] = []
    for i, region in enumerate(plate.regions):
        if region is None:
            regions.append(None)
            continue
        arrays[f"mask{i}"] = region.mask
        regions.append(
            {"at": list(region.at), "erased": asdict(region.erased), "look": asdict(region.look)}
        )
    read = None
    if plate.read is not None:
        by, found = plate.read
        read = {"by": by, "found": [[*box, text, confidence] for box, text, confidence in found]}
    meta = {
        "format": PLATE_FORMAT,
        "key": key,
        "patches": patches,
        "regions": regions,
        "read": read,
        "doubts": None if plate.doubts is None else [list(d) for d in plate.doubts],
    }
    meta["digest"] = _digest(arrays, meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta, default=_plain).encode(), np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def _digest(arrays: dict[str, Any], meta: dict[str, Any]) -> str:
    """A digest of a plate's arrays (name, type, shape and bytes of each) and of its meta
    (but the digest itself): edited or swapped arrays are refused, and so is an edited meta
    (a patch moved, a region dropped, an ink height or offset changed), which the erase
    would otherwise trust as it is."""
    digest = hashlib.sha256()
    described = {name: value for name, value in meta.items() if name != "digest"}
    digest.update(json.dumps(described, sort_keys=True, default=_plain).encode())
    for name in sorted(arrays):
        if name == "meta":
            continue
        value = arrays[name]
        digest.update(f"{name}:{value.dtype.str}:{value.shape}:".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """numpy's numbers as JSON's."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _decode(data: bytes, key: str, size: tuple[int, int]) -> Plate:
    import numpy as np

    from localize.image.erase import Erased, Ink
    from localize.image.looks import Glow, Look, Rule, Shadow

    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        meta = json.loads(bytes(arrays["meta"]).decode())
        if not isinstance(meta, dict):
            raise _Unreadable("a meta that is not a table")
        if meta.get("format") != PLATE_FORMAT or meta.get("key") != key:
            raise _Unreadable("another format or key")
        loaded = {name: arrays[name] for name in arrays.files if name != "meta"}
        if _digest(loaded, meta) != meta.get("digest"):
            raise _Unreadable("arrays or meta other than the ones written")
        width, height = size
        patches = []
        for i, (left, top) in enumerate(meta["patches"]):
            pixels = loaded[f"patch{i}"]
            h, w = pixels.shape[:2]
            if (
                pixels.dtype != np.uint8
                or pixels.ndim != 3
                or pixels.shape[2] != 3
                or not (0 <= left and left + w <= width and 0 <= top and top + h <= height)
            ):
                raise _Unreadable("a patch outside the picture")
            patches.append((int(left), int(top), pixels))
        regions: list[ErasedRegion | None] = []
        for i, doc in enumerate(meta["regions"]):
            if doc is None:
                regions.append(None)
                continue
            mask, (x, y) = loaded[f"mask{i}"], doc["at"]
            if mask.ndim != 2 or not (
                0 <= x and x + mask.shape[1] <= width and 0 <= y and y + mask.shape[0] <= height
            ):
                raise _Unreadable("a region's mask outside the picture")
            e, look = doc["erased"], doc["look"]
            erased = Erased(
                Ink(_rgb(e["ink"]["fill"]), _rgb(e["ink"]["outline"])),
                _rgb(e["background"]),  # type: ignore[arg-type]
                e["ink_height"],
                tuple(e["offset"]),
                e["stroke"],
                e["score"],
                e["method"],
                None if e["panel"] is None else tuple(e["panel"]),
                bool(e.get("crowded", False)),
                float(e.get("opacity", 1.0)),
            )
            glow, shadow = look.get("glow"), look.get("shadow")
            shown = Look(
                look["outline"],
                tuple(
                    Rule(r["kind"], r["thickness"], r["at"], r.get("colour") and _rgb(r["colour"]))
                    for r in look["rules"]
                ),
                look["letters"],
                look["across"],
                look["swapped"],
                glow=glow and Glow(_rgb(glow["colour"]), glow["radius"]),
                shadow=shadow
                and Shadow(_rgb(shadow["colour"]), shadow["dx"], shadow["dy"], shadow["blur"]),
                unsure=look.get("unsure"),
            )
            regions.append(ErasedRegion(mask, (int(x), int(y)), erased, shown))
    read, kept = meta.get("read"), None
    if read is not None:
        found = tuple(
            ((int(x0), int(y0), int(x1), int(y1)), str(text), float(confidence))
            for x0, y0, x1, y1, text, confidence in read["found"]
        )
        kept = (str(read["by"]), found)
    doubts = meta.get("doubts")  # None: a plate of before they were kept (judged again)
    if doubts is not None:
        if len(doubts) != len(regions) or not all(
            isinstance(d, list) and all(isinstance(x, dict) for x in d) for d in doubts
        ):
            raise _Unreadable("doubts that are not one list per region")
        doubts = tuple(tuple(d) for d in doubts)
    return Plate(tuple(patches), tuple(regions), kept, doubts)


def _rgb(value: Any) -> Any:
    return None if value is None else tuple(int(v) for v in value)

"""Lines of text that run along a curve (a slogan on a ribbon, a label round an arc).

The detection model marks such a line as one curved band of "text" pixels, but RapidOCR
scores a line over its rotated bounding box: a band bent into an arc fills a small share
of that box, scores under its threshold and is dropped, so the line was never found and
its Chinese stayed on the image with no word said (trial-img12 g07, trial-img13 g09). Here
such bands are found in the detection's own map, followed along their middle and unrolled
into a straight strip the recognition model can read; the line's outline follows the curve
(more than four points: `is_curved`). A curved line is replaced the same way: unrolled
(`Band.from_outline`, `Band.strip`), erased and set in its strip as a straight line
(replace.py), and laid back along the curve (`roll_back`).

Pure numpy and OpenCV: no engine here; ocr.py reads the strips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

THRESH = 0.3  # a pixel of the map is text from this probability (RapidOCR's own)
LEAST_SCORE = 0.6  # the band's mean probability over its own pixels, at least
BENT = 0.8  # a band filling less of its least rotated rectangle than this is curved (and
# one the boxes left out: a straight one fills its own and scores as it does)
LONG = 3.0  # ... and at least this many times as long as the model's band is thick (a
# line, not a blob: three letters' band is five times as long)
STRETCH = 1.5  # heights: the stretches a band is bent to its letters by, at least this long
SAG = 0.25  # a band a box covers bows this share of its height from its chord, at least
LEAST_AREA = 300  # px of the map: smaller bands are specks
JOIN = 5  # px of the map between pieces of one line
GRID = 4  # rolling back: px between the points where the band's coordinates are found
COARSE, CHUNK = 4, 4096  # rolling back: the middle's every COARSE-th point is searched for
# the nearest, CHUNK pixels at a time (then refined along the tangent)
SIDE_POINTS = 12  # points along each long side of a curved line's outline
ROOM = 0.15  # the strip read, beyond the band's own height, on each side (its share)
UNCLIP = 1.6  # RapidOCR's unclip_ratio: the model's band is the text shrunk by this
SEARCH = 2.0  # the letters are looked for this many times the model's height across it
STROKES = 0.3  # ... in the rows whose change along the line is this share of the most
FRINGE = 0.08  # ... and this share of their height beside them: strokes' soft edges, and
# the corners of letters turned with the curve, stand past the rows that change most


@dataclass(frozen=True)
class Band:
    """A curved line in a picture's coordinates: its middle (points left to right), the
    unit normal at each (pointing down the picture) and the text's height."""

    middle: Any  # N x 2 float, one point per px of length
    normals: Any  # N x 2 float
    height: float

    def outline(self) -> tuple[tuple[float, float], ...]:
        """The line's outline, clockwise from its top left: its top edge left to right,
        then its bottom edge back, SIDE_POINTS each."""
        import numpy as np

        at = np.linspace(0, len(self.middle) - 1, SIDE_POINTS).round().astype(int)
        half = self.height / 2
        top = self.middle[at] - half * self.normals[at]
        bottom = self.middle[at] + half * self.normals[at]
        points = np.concatenate([top, bottom[::-1]])
        return tuple((float(x), float(y)) for x, y in points)

    @classmethod
    def from_outline(cls, polygon: Sequence[Any]) -> Band:
        """The band an `outline` came from (a region's polygon, rounded to whole px): its
        middle through the middles of opposite points, its height theirs."""
        import numpy as np

        points = np.asarray(polygon, np.float64)
        half = len(points) // 2
        top, bottom = points[:half], points[half:][::-1]
        middles = (top + bottom) / 2
        height = float(np.median(np.hypot(*(bottom - top).T)))
        # (a quintic: a cubic through a long shallow arc's twelve middles missed it by 3 px)
        fit = np.polynomial.Polynomial.fit(middles[:, 0], middles[:, 1], deg=min(5, half - 1))
        xs = np.arange(middles[0, 0], middles[-1, 0] + 1, dtype=np.float64)
        slopes = fit.deriv()(xs)
        norm = np.hypot(1.0, slopes)
        normals = np.stack([-slopes / norm, 1.0 / norm], axis=1)
        return _resampled(cls(np.stack([xs, fit(xs)], axis=1), normals, height))

    def extended(self, by: int) -> Band:
        """The band run on `by` px past each end, straight along its direction there."""
        import numpy as np

        if by <= 0:
            return self
        steps = np.arange(by, 0, -1, dtype=np.float64)[:, None]
        ahead = self.middle[-1] - self.middle[-2]
        back = self.middle[1] - self.middle[0]
        before = self.middle[0] - steps * back / np.hypot(*back)
        after = self.middle[-1] + steps[::-1] * ahead / np.hypot(*ahead)
        normals = np.concatenate(
            [np.repeat(self.normals[:1], by, 0), self.normals, np.repeat(self.normals[-1:], by, 0)]
        )
        return Band(np.concatenate([before, self.middle, after]), normals, self.height)

    def scaled(self, across: float, down: float) -> Band:
        """The band in a picture `across` times as wide and `down` times as tall."""
        import numpy as np

        normals = self.normals / (across, down)  # (a normal turns against the stretch)
        normals /= np.hypot(normals[:, 0], normals[:, 1])[:, None]
        return Band(self.middle * (across, down), normals, self.height * (across + down) / 2)

    def fitted(self, picture: Any) -> Band:
        """The band moved across itself and resized to the letters it runs through: the
        model's band sits off the letters' middle (a 60 px line's by 14 px, trial-like
        arcs), so it is unrolled twice as tall and cut to the rows where the picture
        changes most along the line (letters' strokes; a ribbon's edge runs along it and
        does not). Then bent to them stretch by stretch: the model's band of a shallow arc
        is flatter than the letters (9 px off at its ends and middle on a 36 px line over
        50 degrees), and a strip unrolled along it bows the ribbon's edges into the
        letters' rows."""
        import cv2
        import numpy as np

        wide = self.strip(picture, SEARCH)
        grey = cv2.cvtColor(wide, cv2.COLOR_BGR2GRAY) if wide.ndim == 3 else wide
        change = np.abs(cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3))
        rows = _rows(change.mean(axis=1))
        if rows is None:
            return self
        top, bottom = rows
        height = float(bottom - top + 1)
        if height < self.height * 0.5:  # a line of dots or a pattern: keep the model's
            return self
        centre = (top + bottom) / 2
        shift = centre - (len(change) - 1) / 2 + _bend(change, centre, height)
        middle = self.middle + shift[:, None] * self.normals
        if np.ptp(shift) < 1:
            return Band(middle, self.normals, height * (1 + 2 * FRINGE))
        tangents = np.gradient(middle, axis=0)
        tangents /= np.maximum(np.hypot(tangents[:, 0], tangents[:, 1]), 1e-9)[:, None]
        normals = np.stack([-tangents[:, 1], tangents[:, 0]], axis=1)  # down the picture
        return _resampled(Band(middle, normals, height * (1 + 2 * FRINGE)))

    def strip(self, picture: Any, grown: float = 1 + 2 * ROOM) -> Any:
        """The line unrolled: a straight strip of the picture (H x W x 3), its height the
        text's `grown` times (ROOM beside it), as long as the line."""
        import cv2
        import numpy as np

        height = max(8, round(self.height * grown))
        across = np.arange(height, dtype=np.float32) - (height - 1) / 2
        xs = self.middle[None, :, 0] + across[:, None] * self.normals[None, :, 0]
        ys = self.middle[None, :, 1] + across[:, None] * self.normals[None, :, 1]
        return cv2.remap(
            picture,
            xs.astype(np.float32),
            ys.astype(np.float32),
            cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REPLICATE,
        )


def roll_back(band: Band, picture: Any, strip: Any, changed: Any, grown: float) -> None:
    """Lay `strip` (unrolled from `picture` by `band.strip(picture, grown)`, then drawn on)
    back along the band onto `picture` (H x W x 3, in place), where `changed` (the strip's
    pixels that differ from what was unrolled) says, its edges blended: every pixel of the
    picture near the band takes the strip's pixel at its distance along the band and
    across it."""
    import cv2
    import numpy as np

    height, length = strip.shape[:2]
    half = (height - 1) / 2
    reach = half + 2
    corners = np.concatenate(
        [band.middle - reach * band.normals, band.middle + reach * band.normals]
    )
    x0, y0 = np.floor(corners.min(axis=0)).astype(int).clip(0)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 1
    x1, y1 = min(x1, picture.shape[1]), min(y1, picture.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    # where each pixel lies along and across the band: found exactly on a grid every
    # GRID px (both vary smoothly near a band far less bent than its own height), then
    # between the grid's points bilinearly
    gy = np.arange(y0, y1 - 1 + GRID, GRID, dtype=np.float32)
    gx = np.arange(x0, x1 - 1 + GRID, GRID, dtype=np.float32)
    grid = np.stack(np.meshgrid(gx, gy), axis=2).reshape(-1, 2)
    coarse = band.middle[::COARSE].astype(np.float32)
    nearest = np.empty(len(grid), np.int64)
    for start in range(0, len(grid), CHUNK):  # the nearest middle point, a chunk at a time
        part = grid[start : start + CHUNK]
        d = ((part[:, None, :] - coarse[None, :, :]) ** 2).sum(axis=2)
        nearest[start : start + CHUNK] = d.argmin(axis=1) * COARSE
    offsets = grid - band.middle[nearest]
    tangents = band.normals[nearest][:, ::-1] * (1, -1)  # the normal turned back along
    shape = (len(gy), len(gx))
    along = (nearest + (offsets * tangents).sum(axis=1)).reshape(shape)
    across = ((offsets * band.normals[nearest]).sum(axis=1) + half).reshape(shape)
    map_x, map_y = (_between(v, y1 - y0, x1 - x0) for v in (along, across))
    inside = (map_x >= 0) & (map_x <= length - 1) & (map_y >= 0) & (map_y <= height - 1)
    laid = cv2.remap(strip, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    weight = cv2.remap(changed.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0)
    weight *= inside
    area = picture[y0:y1, x0:x1].astype(np.float32)
    blended = area + (laid.astype(np.float32) - area) * weight[:, :, None]
    picture[y0:y1, x0:x1] = np.clip(np.rint(blended), 0, 255).astype(picture.dtype)


def _rows(profile: Any) -> tuple[int, int] | None:
    """The rows (first, last) round the strongest of `profile` (a strip's change along the
    line, row by row) that change STROKES of it or more: the letters' strokes."""
    import numpy as np

    profile = np.convolve(profile, np.ones(3) / 3, mode="same")
    peak = int(np.argmax(profile))
    if profile[peak] <= 0:
        return None
    strokes = profile >= STROKES * profile[peak]
    top = bottom = peak
    while top > 0 and strokes[top - 1]:
        top -= 1
    while bottom < len(profile) - 1 and strokes[bottom + 1]:
        bottom += 1
    return top, bottom


def _bend(change: Any, centre: float, height: float) -> Any:
    """How far the letters' middle lies from `centre` at each px along a strip (`change`:
    its change along the line, rows x length): found stretch by stretch (STRETCH heights
    long; within a height of the centre, so that a stretch between letters or beside the
    ribbon's edge finds nothing of its own), a quadratic through them weighted by their
    strokes; zeros where there are too few stretches to say."""
    import numpy as np

    length = change.shape[1]
    count = int(length // (STRETCH * height))
    flat = np.zeros(length)
    if count < 3:
        return flat
    lo, hi = max(0, round(centre - height)), min(len(change), round(centre + height) + 1)
    at, off, weight = [], [], []
    for k in range(count):
        cols = slice(k * length // count, (k + 1) * length // count)
        profile = change[lo:hi, cols].mean(axis=1)
        rows = _rows(profile)
        if rows is None or rows[1] - rows[0] + 1 < height * 0.5:
            continue
        at.append((cols.start + cols.stop - 1) / 2)
        off.append(lo + (rows[0] + rows[1]) / 2 - centre)
        weight.append(float(profile.max()))
    if len(at) < 3:
        return flat
    fit = np.polynomial.Polynomial.fit(at, off, deg=2, w=np.sqrt(weight))
    return np.clip(fit(np.arange(length, dtype=np.float64)), -height / 2, height / 2)


def _between(values: Any, height: int, width: int) -> Any:
    """`values` on a grid every GRID px, at every px of a `height` x `width` area
    (bilinearly; the grid's first point at the area's first px)."""
    import numpy as np

    ys = np.arange(height, dtype=np.float32) / GRID
    xs = np.arange(width, dtype=np.float32) / GRID
    i, j = ys.astype(int), xs.astype(int)
    i1, j1 = np.minimum(i + 1, values.shape[0] - 1), np.minimum(j + 1, values.shape[1] - 1)
    ty, tx = (ys - i)[:, None], (xs - j)[None, :]
    top = values[i][:, j] * (1 - tx) + values[i][:, j1] * tx
    bottom = values[i1][:, j] * (1 - tx) + values[i1][:, j1] * tx
    return (top * (1 - ty) + bottom * ty).astype(np.float32)


def bands(
    prob: Any, taken: Sequence[Any], scale: tuple[float, float]
) -> list[tuple[Band, frozenset[int]]]:
    """The curved lines in the detection map `prob` (H x W, the model's output for a
    picture resized to it), each with the boxes of `taken` (the lines found as boxes, in
    the picture's coordinates) it would replace; `scale` (across, down) maps the map's
    coordinates to the picture's. Only bands running across (wider than tall): a ribbon or
    an arc, not a column. The model may break one arc into pieces (a six-letter arc into
    two halves, each too bent for its box): pieces within JOIN px of each other are one
    line.

    A band no box covers is a line RapidOCR dropped (its box scored low). A band a box
    covers is kept only when it bows from its ends' chord by SAG of its height or more: a
    short line on a shallow arc scores well over its box, but the box reaches across the
    ribbon it stands on, taken for its ink and erased to the page (the caller reads both
    and keeps the band where it reads as the box did)."""
    import cv2
    import numpy as np

    bitmap = (prob > THRESH).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    pieces = np.zeros_like(bitmap)
    perimeters = np.zeros(bitmap.shape, np.float32)  # each piece's, at one of its pixels
    covering = np.full(bitmap.shape, -1, np.int32)  # the box over each covered piece
    drawn = False
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < LEAST_AREA:
            continue
        (_, _), (w, h), _ = cv2.minAreaRect(contour)
        if min(w, h) <= 0 or max(w, h) < LONG * min(w, h):
            continue
        box = _covering(contour.reshape(-1, 2) * scale, taken)
        if box is not None and area / (w * h) >= BENT:  # a straight line read as a box
            continue
        cv2.drawContours(pieces, [contour], -1, 1, thickness=-1)
        drawn = True
        if box is not None:
            cv2.drawContours(covering, [contour], -1, box, thickness=-1)
        x, y = contour[0, 0]
        perimeters[y, x] += cv2.arcLength(contour, True)
    if not drawn:  # (every line straight, boxed as it is: no piece to join, 7 ms a map)
        return []
    pieces &= bitmap
    joined = cv2.dilate(pieces, np.ones((JOIN, JOIN), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    found = []
    for label in range(1, count):
        x, y, bw, bh, _ = stats[label]
        if bw < bh:
            continue
        inside = (labels[y : y + bh, x : x + bw] == label) & (pieces[y : y + bh, x : x + bw] > 0)
        area = float(inside.sum())
        points = np.argwhere(inside)[:, ::-1].astype(np.float32)
        (_, _), (w, h), _ = cv2.minAreaRect(points)
        if w * h <= 0 or area / (w * h) >= BENT:
            continue
        if prob[y : y + bh, x : x + bw][inside].mean() < LEAST_SCORE:
            continue
        perimeter = float(perimeters[y : y + bh, x : x + bw][inside].sum())
        band = _follow(inside, area, perimeter)
        if band is None:
            continue
        over = covering[y : y + bh, x : x + bw][inside]
        boxes = frozenset(int(b) for b in np.unique(over[over >= 0]))
        if boxes and _sag(band) < SAG * band.height:
            continue
        band = _resampled(Band(band.middle + (x, y), band.normals, band.height).scaled(*scale))
        found.append((band, boxes))
    return found


def _sag(band: Band) -> float:
    """How far the band's middle bows from the chord between its ends, px."""
    import numpy as np

    start, end = band.middle[0], band.middle[-1]
    chord = end - start
    length = float(np.hypot(*chord))
    if length <= 0:
        return 0.0
    offsets = band.middle - start
    return float(np.abs(offsets[:, 0] * chord[1] - offsets[:, 1] * chord[0]).max() / length)


def _follow(inside: Any, area: float, perimeter: float) -> Band | None:
    """The band's middle, column by column (a smooth curve fitted through the middle of
    each column's pixels), and its text height: the band's thickness grown back by the
    model's unclip (the band is the text shrunk)."""
    import numpy as np

    columns = np.flatnonzero(inside.any(axis=0))
    if len(columns) < 8:
        return None
    rows = np.arange(inside.shape[0])[:, None]
    filled = inside[:, columns]
    tops = np.where(filled, rows, inside.shape[0]).min(axis=0)
    bottoms = np.where(filled, rows, -1).max(axis=0)
    middles = (tops + bottoms) / 2
    thickness = float(np.median(bottoms - tops + 1))
    fit = np.polynomial.Polynomial.fit(columns, middles, deg=min(3, len(columns) - 1))
    slope = fit.deriv()
    # the model's band is the text shrunk by `grow` all round: its ends too, each grown
    # back along the line's own direction there
    grow = area * UNCLIP / max(perimeter, 1.0)
    first, last = float(columns[0]), float(columns[-1])
    first -= grow / float(np.hypot(1.0, slope(first)))
    last += grow / float(np.hypot(1.0, slope(last)))
    xs = np.arange(first, last + 1, dtype=np.float64)
    ys, slopes = fit(xs), slope(xs)
    norm = np.hypot(1.0, slopes)
    normals = np.stack([-slopes / norm, 1.0 / norm], axis=1)  # down the picture
    return Band(np.stack([xs, ys], axis=1), normals, thickness + 2 * grow)


def _resampled(band: Band) -> Band:
    """The band with one middle point per px of its length (a steep part of an arc has
    more length than columns: read at one point per column, its letters were squeezed)."""
    import numpy as np

    steps = np.hypot(*np.diff(band.middle, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    at = np.arange(0.0, along[-1], 1.0)
    middle = np.stack([np.interp(at, along, band.middle[:, i]) for i in (0, 1)], axis=1)
    normals = np.stack([np.interp(at, along, band.normals[:, i]) for i in (0, 1)], axis=1)
    normals /= np.hypot(normals[:, 0], normals[:, 1])[:, None]
    return Band(middle, normals, band.height)


def _covering(points: Any, taken: Sequence[Any]) -> int | None:
    """The box of `taken` most of `points` (a piece's outline) lie in, when most lie in
    boxes: a line found as a box (or as two)."""
    import cv2
    import numpy as np

    if not len(taken):
        return None
    points = points[:: max(1, len(points) // 32)]
    boxes = [np.asarray(box, np.float32) for box in taken]
    votes = np.zeros(len(boxes), np.int64)
    for x, y in points:
        for n, box in enumerate(boxes):
            if cv2.pointPolygonTest(box, (float(x), float(y)), False) >= 0:
                votes[n] += 1
                break
    return int(votes.argmax()) if votes.sum() * 2 > len(points) else None


def is_curved(polygon: Sequence[Any]) -> bool:
    """Whether a region's outline is a curved line's (`Band.outline`): the detector gives
    every straight line four corners."""
    return len(polygon) > 4

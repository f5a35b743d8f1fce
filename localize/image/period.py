"""A regular printed pattern (polka dots, tiles and their grout, a gingham's checks, stripes)
found from the known pixels around a hole, and the hole continued from it: each hole pixel
copied from the same phase of the pattern a lattice step or more away, where that pixel is
known. Pure functions over NumPy arrays; the erase (erase.py) fills with them and the judge
of erases (smear.py) checks a fill against them.

The lattice is read off the surround's autocorrelation with the hole masked out (computed
by FFT, normalised per shift by the pairs of known pixels it compares): a pattern repeats
where the correlation peaks again away from the zero shift. A photo, a gradient, grain or
a flat panel has no such second peak, or no contrast to repeat, and has no lattice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

CLEAR = 0.6  # the surround's correlation with itself moved by a lattice step, at least
NEAR_BEST = 0.85  # of the strongest repeat: a shorter step this strong is the lattice's own
LEAST_STEP = 6  # px: shorter shifts are a pixel's own neighbourhood, no period
PAIRS = 0.05  # of the known pixels: a shift is judged on at least this share of them paired
LEAST_PAIRS = 400  # ... and at least this many pairs
CONTRAST = 6.0  # grey levels (the surround's spread): less is no pattern worth continuing
APART = 25.0  # degrees: the lattice's two steps at least this far from one heading
STEPS = 6  # lattice steps each way a copy may come from
HALF_DROP = 0.2  # the correlation half a step out this much under the step's: a period
SHARP = 0.15  # px off whole ones: a copy from a shift this near them is read from one px
WORK = 320  # px: the longer side of the copy the lattice is sought on (a larger crop shrunk)


@dataclass(frozen=True)
class Lattice:
    """The two shortest steps (dy, dx) in px, not along one heading, that move the pattern
    onto itself, and how well it then matches (the weaker step's correlation, 0..1)."""

    first: tuple[float, float]
    second: tuple[float, float]
    strength: float

    @property
    def period(self) -> int:
        """The shorter step's length, px (as a reviewer is told it)."""
        return round(math.hypot(*self.first))

    def offsets(self, reach: float) -> list[tuple[float, float]]:
        """Shifts onto the same phase (to a fraction of a px), nearest first, up to `reach`
        px long."""
        (ay, ax), (by, bx) = self.first, self.second
        found = []
        for i in range(-STEPS, STEPS + 1):
            for j in range(-STEPS, STEPS + 1):
                dy, dx = i * ay + j * by, i * ax + j * bx
                if (i or j) and math.hypot(dy, dx) <= reach:
                    found.append((dy, dx))

        # (the nearest first: a step's error grows with each step taken; stripes' copies
        # from a far offset landing on whole px were a third of a period off, bleached)
        return sorted(found, key=lambda o: (o[0] ** 2 + o[1] ** 2, o))


def lattice(grey: Any, known: Any) -> Lattice | None:
    """The lattice of the pattern in `grey` (float H x W) over its `known` pixels (bool);
    None when the known pixels repeat no pattern clearly (no second peak of CLEAR, or no
    two steps apart, or too little contrast to be worth it)."""
    import cv2
    import numpy as np

    h, w = known.shape
    if known.sum() < LEAST_PAIRS:
        return None
    f = max(1, math.ceil(max(h, w) / WORK))
    g, m = grey.astype(np.float32), known.astype(np.float32)
    full_m = m
    full_g = (g - float(g[known].mean())) * m
    if f > 1:  # (a larger crop shrunk: a period is as clear, the FFT 4-9x cheaper)
        size = (max(1, w // f), max(1, h // f))
        g = cv2.resize(g * m, size, interpolation=cv2.INTER_AREA)
        cover = cv2.resize(m, size, interpolation=cv2.INTER_AREA)
        m = (cover > 0.99).astype(np.float32)
        g = np.where(m > 0, g / np.maximum(cover, 1e-6), 0)
    n = float(m.sum())
    if n < LEAST_PAIRS:
        return None
    mean = float((g * m).sum() / n)
    g = (g - mean) * m
    if math.sqrt(float((g * g).sum()) / n) < CONTRAST:
        return None
    sh, sw = g.shape
    shape = (2 * sh, 2 * sw)  # zero-padded: no shift wraps round

    # each picture's transform taken once (three pictures, where each correlation took its
    # own two: 8 forward FFTs for 4 correlations; the same transforms, the same values)
    fm, fg, fgg = (np.fft.rfft2(a, shape) for a in (m, g, g * g))

    def corr(fa: Any, fb: Any) -> Any:  # sum over p of a(p) b(p + s), every shift s
        return np.fft.irfft2(np.conj(fa) * fb, shape)

    pairs = corr(fm, fm)
    num = corr(fg, fg)
    e1, e2 = corr(fgg, fm), corr(fm, fgg)
    valid = pairs >= max(LEAST_PAIRS / (f * f), PAIRS * n)
    ncc = np.where(valid, num / np.sqrt(np.maximum(e1 * e2, 1e-6)), -1.0).astype(np.float32)
    ncc, valid = np.fft.fftshift(ncc), np.fft.fftshift(valid)  # the zero shift at (sh, sw)
    # peaks: at least their 5 x 5 neighbours (the zero shift's own hill is no peak past it)
    peak = ncc >= cv2.dilate(ncc, np.ones((5, 5), np.uint8))
    peak &= valid & (ncc >= CLEAR)
    ys, xs = np.nonzero(peak)
    dy, dx = (ys - sh).astype(np.float64), (xs - sw).astype(np.float64)
    # (s and -s are one step: the upper half plane only)
    half = (dy > 0) | ((dy == 0) & (dx > 0))
    length = np.hypot(dy, dx) * f
    keep = half & (length >= LEAST_STEP)
    if not keep.any():
        return None
    ys, xs, dy, dx, length = ys[keep], xs[keep], dy[keep], dx[keep], length[keep]
    score = ncc[ys, xs]
    strong = score >= NEAR_BEST * float(score.max())
    order = [k for k in np.argsort(length, kind="stable") if strong[k]]
    first = order[0]
    heading = math.atan2(dy[first], dx[first])
    second = None
    for k in order[1:]:
        turn = abs(math.degrees(math.atan2(dy[k], dx[k]) - heading)) % 180
        if min(turn, 180 - turn) >= APART:
            second = k
            break
    if second is None:
        return None
    # a period dips between its repeats; along stripes the correlation runs on in a ridge,
    # level half way too: no step of their own (a lattice read off one drifted across the
    # stripes a px every few steps, bleaching them), the copy of a stretch follows them
    for k in (first, second):
        y, x = round(sh + dy[k] / 2), round(sw + dx[k] / 2)
        if float(ncc[y, x]) > float(score[k]) - HALF_DROP:
            return None
    # ... and a lattice's repeat is a peak on its own: stripes' repeats lie on a ridge, each
    # as strong, so a step across them plus any part of a step along them is one too (two
    # such steps, neither along the stripes, passed the test half way: 8% of soft stripes)
    for k in (first, second):
        if _on_ridge(ncc, int(ys[k]), int(xs[k]), float(score[k]), length[k] / f / 4):
            return None
    # a lattice repeats at every sum of its steps: two chance repeats of wood's grain or a
    # photo's do not (where a sum lies past what the crop can pair, it cannot be told)
    told = 0
    for cy, cx in (
        (dy[first] + dy[second], dx[first] + dx[second]),
        (dy[first] - dy[second], dx[first] - dx[second]),
        (2 * dy[first], 2 * dx[first]),
        (2 * dy[second], 2 * dx[second]),
    ):
        y, x = int(cy) + sh, int(cx) + sw
        if not (1 <= y < shape[0] - 1 and 1 <= x < shape[1] - 1) or not valid[y, x]:
            continue
        told += 1
        if float(ncc[y - 1 : y + 2, x - 1 : x + 2].max()) < CLEAR:
            return None
    if not told:
        return None

    def exact(y: int, x: int) -> tuple[float, float]:  # a peak to a fraction of a px
        c = float(ncc[y, x])
        step = []
        for a, b in (
            (ncc[max(0, y - 1), x], ncc[min(shape[0] - 1, y + 1), x]),
            (ncc[y, max(0, x - 1)], ncc[y, min(shape[1] - 1, x + 1)]),
        ):
            bend = float(a) - 2 * c + float(b)
            step.append(0.0 if bend >= 0 else max(-0.5, min(0.5, 0.5 * float(a - b) / bend)))
        return (y - sh + step[0], x - sw + step[1])

    def longest(k: int) -> tuple[float, float]:
        # (the peak a parabola places is off by up to a tenth of a px, a shrunk crop's by
        # a third, and a copy several steps away by as many: read again at full size at the
        # furthest multiple still paired, the error is divided by it)
        rough = exact(int(ys[k]), int(xs[k]))
        rough = (rough[0] * f, rough[1] * f)
        for times in range(STEPS, 0, -1):
            at = _sharpened(full_g, full_m, (times * rough[0], times * rough[1]))
            if at is not None:
                return (at[0] / times, at[1] / times)
        return rough

    return Lattice(longest(first), longest(second), float(min(score[first], score[second])))


def copied(px: Any, ys: Any, xs: Any, offset: tuple[float, float], source: Any) -> tuple[Any, Any]:
    """The pixels (`ys`, `xs`) of `px` (float H x W or H x W x C) read at `offset` from them:
    which of them land where all four px around are a `source` (bool), and their values
    there, read between px (bilinear: a photo's period is no whole number of px, and a copy
    rounded to one steps a grout line by up to half a px a period; but from an offset within
    SHARP of whole px, from the one px, as sharp as it is)."""
    import numpy as np

    h, w = source.shape
    oy, ox = offset
    y, x = ys + oy, xs + ox
    y0, x0 = np.floor(y).astype(np.int64), np.floor(x).astype(np.int64)
    inside = (y0 >= 0) & (y0 < h - 1) & (x0 >= 0) & (x0 < w - 1)
    ok = np.zeros(len(ys), bool)
    i0, j0 = y0[inside], x0[inside]
    ok[inside] = source[i0, j0] & source[i0 + 1, j0] & source[i0, j0 + 1]
    ok[inside] &= source[i0 + 1, j0 + 1]
    i0, j0 = y0[ok], x0[ok]
    fy, fx = y[ok] - i0, x[ok] - j0
    if max(abs(oy - round(oy)), abs(ox - round(ox))) <= SHARP:
        fy, fx = np.rint(fy), np.rint(fx)
    if px.ndim == 3:
        fy, fx = fy[:, None], fx[:, None]
    value = (px[i0, j0] * (1 - fx) + px[i0, j0 + 1] * fx) * (1 - fy)
    value += (px[i0 + 1, j0] * (1 - fx) + px[i0 + 1, j0 + 1] * fx) * fy
    return ok, value


def continued(img: Any, hole: Any, source: Any, lat: Lattice) -> tuple[Any, Any]:
    """`img` (H x W or H x W x C) at the `hole` pixels copied from the nearest same-phase
    point a lattice step or more away whose four px are all `source` (bool; `copied`);
    float32, and which hole pixels a copy reached (the rest keep `img`'s own)."""
    import numpy as np

    h, w = hole.shape
    px = img.astype(np.float32)
    out = px.copy()
    hy, hx = np.nonzero(hole)
    reached = np.zeros(hole.shape, bool)
    left = np.arange(len(hy))
    for offset in lat.offsets(math.hypot(h, w)):
        if not len(left):
            break
        ok, value = copied(px, hy[left], hx[left], offset, source)
        if not ok.any():
            continue
        take = left[ok]
        out[hy[take], hx[take]] = value
        reached[hy[take], hx[take]] = True
        left = left[~ok]
    return out, reached


def _sharpened(g: Any, m: Any, shift: tuple[float, float]) -> tuple[float, float] | None:
    """The peak of `g`'s correlation with itself (its known pixels `m`) near `shift`, at
    full size, to a fraction of a px; None where too few pixels pair or none repeat."""
    import numpy as np

    h, w = g.shape
    cy, cx = round(shift[0]), round(shift[1])
    reach = 2
    if abs(cy) + reach >= h or abs(cx) + reach >= w:
        return None
    least = max(LEAST_PAIRS, PAIRS * float(m.sum()))
    ncc = np.full((2 * reach + 1, 2 * reach + 1), -1.0)
    for i, dy in enumerate(range(cy - reach, cy + reach + 1)):
        for j, dx in enumerate(range(cx - reach, cx + reach + 1)):
            a = (slice(max(0, -dy), min(h, h - dy)), slice(max(0, -dx), min(w, w - dx)))
            b = (slice(max(0, dy), min(h, h + dy)), slice(max(0, dx), min(w, w + dx)))
            both = m[a] * m[b]
            if float(both.sum()) < least:
                return None
            ga, gb = g[a] * both, g[b] * both
            ncc[i, j] = float((ga * gb).sum()) / math.sqrt(
                max(float((ga * ga).sum()) * float((gb * gb).sum()), 1e-6)
            )
    i, j = np.unravel_index(int(np.argmax(ncc)), ncc.shape)
    if ncc[i, j] < CLEAR or not (0 < i < 2 * reach and 0 < j < 2 * reach):
        return None
    step = []
    for lo, mid, hi in ((ncc[i - 1, j], ncc[i, j], ncc[i + 1, j]),
                        (ncc[i, j - 1], ncc[i, j], ncc[i, j + 1])):  # fmt: skip
        bend = lo - 2 * mid + hi
        step.append(0.0 if bend >= 0 else max(-0.5, min(0.5, 0.5 * (lo - hi) / bend)))
    return (cy - reach + i + step[0], cx - reach + j + step[1])


def _on_ridge(ncc: Any, y: int, x: int, peak: float, reach: float) -> bool:
    """Whether the correlation `ncc` runs on from its peak at (`y`, `x`) along some heading:
    within HALF_DROP of `peak` at `reach` px (at least 2) out on one of 16 headings."""
    h, w = ncc.shape
    r = max(2.0, reach)
    for i in range(16):
        a = math.pi * i / 16  # (a ridge runs both ways: half the circle, each way once)
        for sign in (1, -1):
            ry, rx = round(y + sign * r * math.sin(a)), round(x + sign * r * math.cos(a))
            if 0 <= ry < h and 0 <= rx < w and float(ncc[ry, rx]) > peak - HALF_DROP:
                return True
    return False

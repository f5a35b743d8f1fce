"""Legible colours, pure: WCAG contrast between the caption and the band behind it.

The band is drawn semi-opaque over the photo; its opacity is the least that keeps the
contrast at least 4.5:1 even over the brightest (or darkest) pixel it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (17, 17, 17)
MIN_CONTRAST = 4.5


def _channel(c: int) -> float:
    v = c / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance."""
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(top: RGB, bottom: RGB, alpha: float) -> RGB:
    """`top` at opacity `alpha` over `bottom`."""
    return tuple(round(alpha * t + (1 - alpha) * u) for t, u in zip(top, bottom, strict=True))  # type: ignore[return-value]


@dataclass(frozen=True)
class Palette:
    """Caption colours and the band's opacity, with the worst-case contrast they give."""

    text: RGB
    band: RGB
    alpha: float
    worst_contrast: float


def choose(brightest: RGB, darkest: RGB) -> Palette:
    """Light text on a dark band, or dark on light, whichever needs the lighter band."""
    options = []
    for text, band, worst in ((WHITE, BLACK, brightest), (BLACK, WHITE, darkest)):
        for step in range(10, 21):  # opacity 0.50 .. 1.00
            alpha = step / 20
            ratio = contrast(text, blend(band, worst, alpha))
            if ratio >= MIN_CONTRAST:
                options.append(Palette(text, band, alpha, ratio))
                break
    return min(options, key=lambda p: (p.alpha, p.text != WHITE))


def readable_on(background: RGB) -> RGB:
    """White or near-black, whichever reads better on `background`."""
    return max((WHITE, BLACK), key=lambda text: contrast(text, background))


def mixed(colour: RGB, a: RGB, b: RGB, near: float = 0.25) -> bool:
    """Whether `colour` is only a mix of `a` and `b` (an anti-aliased edge between them):
    on the line from one to the other, strictly between, within `near` of its length."""
    span = [y - x for x, y in zip(a, b, strict=True)]
    reach = sum(v * v for v in span)
    if reach == 0:
        return False
    t = sum((c - x) * v for c, x, v in zip(colour, a, span, strict=True)) / reach
    off = sum((c - (x + t * v)) ** 2 for c, x, v in zip(colour, a, span, strict=True)) ** 0.5
    return 0.0 < t < 1.0 and off < near * reach**0.5


def largest_channel(px: Any) -> Any:
    """Each pixel's largest channel of `px` (H x W x C, any dtype), H x W in its dtype:
    what `px.max(axis=2)` gives, to the bit, but channel by channel: NumPy's reduction over
    a last axis three long walks it a pixel at a time (19 ms at 1000x1000 against 0.7)."""
    import numpy as np

    out = px[..., 0].copy()
    for c in range(1, px.shape[-1]):
        np.maximum(out, px[..., c], out=out)
    return out


def channel_total(px: Any, dtype: Any = None) -> Any:
    """Each pixel's channels of `px` (H x W x C) added, H x W, in `dtype` (default: its
    own), first to last: what `px.sum(axis=2)` gives on floats, rounded alike (only a
    total of -0.0 keeps its sign), without its slow reduction (see largest_channel). On
    integers the dtype must hold the total (three uint8 distances: int16), where `sum`
    widens to int64."""
    out = px[..., 0].astype(dtype or px.dtype)
    for c in range(1, px.shape[-1]):
        out += px[..., c]
    return out


def binned(px: Any, step: int) -> Any:
    """Each pixel's colour bin: its channels of `px` (... x 3, uint8 or whole levels held
    in floats) floored to `step` levels, as one int64 number (red x 256 + green x 16 +
    blue): what `(px.astype(int32) // step) @ [256, 16, 1]` gives, to the bit, channel by
    channel (NumPy's integer product over a last axis of three took 7 times as long)."""
    import numpy as np

    levels = px // np.uint8(step) if px.dtype == np.uint8 else px.astype(np.int32) // step
    out = levels[..., 0].astype(np.int64) * (1 << 8)
    out += levels[..., 1].astype(np.int64) * (1 << 4)
    out += levels[..., 2]
    return out

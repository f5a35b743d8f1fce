"""A disc's dilation, erosion, opening, closing and hats row by row (localize/image/morph.py)
give OpenCV's own pixels with its ellipse kernel, at any size, on masks and grey pictures
of any shape, the image's border included (what a large disc costs against OpenCV's is
measured by tests/bench/bench_morph.py, not here: speed is a benchmark's)."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from localize.image import morph


def ellipse(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 160),
    st.integers(1, 160),
    st.sampled_from([3, 5, 15, 17, 21, 31, 45, 77, 101, 155]),
    st.floats(0.0, 1.0),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_the_same_pixels_as_opencv(
    h: int, w: int, size: int, share: float, grey: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    if grey:
        img = cv2.GaussianBlur(rng.integers(0, 256, (h, w)).astype(np.uint8), (0, 0), 2)
    else:
        img = ((rng.random((h, w)) < share * 0.2) * 255).astype(np.uint8)
    disc = ellipse(size)
    assert np.array_equal(morph.dilate(img, size), cv2.dilate(img, disc))
    assert np.array_equal(morph.erode(img, size), cv2.erode(img, disc))
    assert np.array_equal(morph.opened(img, size), cv2.morphologyEx(img, cv2.MORPH_OPEN, disc))
    assert np.array_equal(morph.closed(img, size), cv2.morphologyEx(img, cv2.MORPH_CLOSE, disc))
    assert np.array_equal(morph.top_hat(img, size), cv2.morphologyEx(img, cv2.MORPH_TOPHAT, disc))
    assert np.array_equal(
        morph.black_hat(img, size), cv2.morphologyEx(img, cv2.MORPH_BLACKHAT, disc)
    )

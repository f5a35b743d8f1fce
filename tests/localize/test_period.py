"""A regular pattern's lattice read off the pixels around a hole, and the hole continued
from it (localize/image/period.py): on dots of any size, period and stagger, the lattice
found is the pattern's own to a fraction of a px, and the hole comes back as it was; a
photo's soft blobs, grain and a flat panel repeat nothing."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localize.image.period import continued, lattice
from tests.imagesynth import psnr


def dots(step: float, radius: float, stagger: float, size: tuple[int, int]) -> np.ndarray:
    """Anti-aliased light dots every `step` px on a darker panel, each row moved along by
    `stagger` of a step (a half-drop at 0.5): grey, float."""
    y, x = np.mgrid[0 : size[0], 0 : size[1]].astype(np.float64)
    row = np.floor(y / step)
    dx = (x + stagger * step * row) % step - step / 2
    dy = y % step - step / 2
    cover = np.clip(radius + 0.5 - np.hypot(dx, dy), 0, 1)
    return (150 + 100 * cover).astype(np.float32)


def hole_in(size: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
    """A box-shaped hole (top, left, bottom, right) in a crop of `size`."""
    hole = np.zeros(size, bool)
    top, left, bottom, right = box
    hole[top:bottom, left:right] = True
    return hole


@settings(max_examples=25, deadline=None)
@given(
    step=st.floats(24.0, 80.0),
    share=st.floats(0.15, 0.35),
    stagger=st.sampled_from([0.0, 0.5]),
    tall=st.floats(0.3, 0.6),
)
def test_the_lattice_of_dots_is_found_to_a_fraction_of_a_px_and_the_hole_comes_back(
    step: float, share: float, stagger: float, tall: float
) -> None:
    size = (max(200, round(3.2 * step)), max(400, round(6 * step)))
    grey = dots(step, share * step, stagger, size)
    h, w = size
    top, bottom = round(h * (0.5 - tall / 2)), round(h * (0.5 + tall / 2))
    hole = hole_in(size, (top, round(0.2 * w), bottom, round(0.8 * w)))
    lat = lattice(grey, ~hole)
    assert lat is not None
    # each step is a whole combination of the pattern's own: (0, step) and (step, stagger)
    for dy, dx in (lat.first, lat.second):
        rows = dy / step
        assert abs(rows - round(rows)) < 0.01, (lat, step)
        along = (dx - stagger * step * round(rows)) / step
        assert abs(along - round(along)) < 0.01, (lat, step)
    filled, reached = continued(grey, hole, ~hole, lat)
    assert reached[hole].all()
    assert psnr(filled[hole], grey[hole]) > 32


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    kind=st.sampled_from(["blobs", "grain", "flat", "ramp", "stripes"]),
)
def test_a_photos_blobs_grain_a_flat_panel_a_gradient_or_stripes_repeat_nothing(
    seed: int, kind: str
) -> None:
    rng = np.random.default_rng(seed)
    size = (240, 480)
    if kind == "blobs":  # soft light and shade, as bokeh and a blurred room
        small = rng.random((6, 12)).astype(np.float32)
        grey = cv2.resize(small, size[::-1], interpolation=cv2.INTER_CUBIC) * 120 + 60
    elif kind == "grain":
        grey = 180 + rng.normal(0, 8, size).astype(np.float32)
    elif kind == "flat":
        grey = np.full(size, float(rng.integers(40, 220)), np.float32)
    elif kind == "ramp":
        y, x = np.mgrid[0 : size[0], 0 : size[1]].astype(np.float32)
        grey = 60 + 0.3 * x + 0.2 * y
    else:  # stripes run on along themselves: no step of their own to copy from, a ridge
        # (a lattice read off one drifted across them; the copy of a stretch follows them)
        y, x = np.mgrid[0 : size[0], 0 : size[1]].astype(np.float32)
        angle, period = rng.uniform(0, np.pi), rng.uniform(20, 60)
        along = x * np.cos(angle) + y * np.sin(angle)
        grey = 120 + 60 * np.cos(2 * np.pi * along / period)  # (soft: no px staircase)
    hole = hole_in(size, (80, 120, 160, 360))
    assert lattice(grey, ~hole) is None


@pytest.mark.parametrize(
    ("heading", "period"), [(27.8, 21.1), (62.5, 23.8), (26.8, 42.0), (154.6, 37.0), (88.6, 46.6)]
)
def test_stripes_at_any_heading_are_no_lattice_though_two_steps_across_them_repeat(
    heading: float, period: float
) -> None:
    # soft stripes repeat at every step across them plus any part of one along them: two
    # such steps far apart, neither along the stripes, dipped half way and were read as a
    # lattice (CI: Hypothesis seed 743; 156 of 2000 seeds), and the copy drifted across them
    y, x = np.mgrid[0:240, 0:480].astype(np.float32)
    a = np.radians(heading)
    grey = 120 + 60 * np.cos(2 * np.pi * (x * np.cos(a) + y * np.sin(a)) / period)
    assert lattice(grey, ~hole_in((240, 480), (80, 120, 160, 360))) is None


def test_a_lattice_says_its_shorter_steps_length_as_its_period() -> None:
    grey = dots(40.0, 8.0, 0.0, (240, 480))
    lat = lattice(grey, ~hole_in((240, 480), (90, 100, 150, 380)))
    assert lat is not None
    assert lat.period == 40
    assert math.hypot(*lat.second) >= math.hypot(*lat.first) - 0.5

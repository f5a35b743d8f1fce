"""Per-pixel channel arithmetic (localize.image.colors): the same bits as NumPy's
reductions over the colour axis, which the erase, its judge and the layout compare
against their thresholds."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from localize.image.colors import channel_total, largest_channel

shapes = st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4))


@given(st.data())
def test_the_largest_channel_is_the_max_over_the_colour_axis(data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from([np.uint8, np.int16, np.float32]))
    finite = {"allow_nan": False} if dtype is np.float32 else None
    px = data.draw(arrays(dtype, shapes, elements=finite))
    got = largest_channel(px)
    assert got.dtype == px.dtype
    assert np.array_equal(got, px.max(axis=2))


@given(arrays(np.float32, shapes, elements=st.floats(-1e6, 1e6, width=32)))
def test_a_float_total_is_the_sum_over_the_colour_axis_rounded_alike(px: np.ndarray) -> None:
    # (equal as numbers: a -0.0 total keeps its sign, which no threshold sees)
    got = channel_total(px)
    assert got.dtype == np.float32
    assert np.array_equal(got, px.sum(axis=2))


@given(arrays(np.uint8, shapes))
def test_uint8_distances_total_in_int16_as_sum_widened(px: np.ndarray) -> None:
    got = channel_total(px, np.int16)
    assert got.dtype == np.int16
    assert np.array_equal(got, px.sum(axis=2))

"""config.http's deadline against raw local servers: headers cut short are no answer, and a
name lookup that hangs ends at the deadline without piling up threads."""

from __future__ import annotations

import json
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.http import MAX_LOOKUPS, Deadline, Late, call_within, request
from tests.httpserver import HEAD, raw_serve


def test_headers_cut_short_at_the_deadline_are_no_answer() -> None:
    # The status line and some headers arrive at once; the rest drips. Cut at the deadline,
    # the socket reads as the end of the headers and of an empty body: that is no answer.
    with raw_serve(0.5, start=HEAD[: HEAD.index(b"X-Pad-3")]) as srv:
        started = time.monotonic()
        with pytest.raises(Late):
            request("GET", f"{srv.url}/x", timeout=1, max_bytes=1000)
        assert time.monotonic() - started < 1 + 1
        assert srv.all_closed()


def lookups() -> int:
    return sum(t.name == "http-lookup" for t in threading.enumerate())


def test_a_hanging_lookup_ends_at_the_deadline_and_abandoned_ones_are_capped() -> None:
    resolver = threading.Event()  # a resolver that answers only when the test says so
    try:
        started = time.monotonic()
        with pytest.raises(Late):
            call_within(Deadline(0.3), resolver.wait, 30)
        assert time.monotonic() - started < 0.3 + 0.5
        for _ in range(MAX_LOOKUPS - 1):
            with pytest.raises(Late):
                call_within(Deadline(0.01), resolver.wait, 30)
        assert lookups() == MAX_LOOKUPS
        with pytest.raises(Late):  # every slot taken: no thread more, Late at the deadline
            call_within(Deadline(0.1), resolver.wait, 30)
        assert lookups() == MAX_LOOKUPS
    finally:
        resolver.set()
    assert call_within(Deadline(5), lambda: "resolved") == "resolved"  # the slots came back


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), _JSON), st.booleans())
def test_the_top_level_of_an_object_is_read_as_json_reads_it(obj: dict, spaced: bool) -> None:
    from config.http import top_level

    text = json.dumps(obj, indent=2 if spaced else None, ensure_ascii=not spaced)
    assert top_level(text) == {k: v for k, v in obj.items() if not isinstance(v, list | dict)}


def test_the_top_level_is_read_past_a_part_too_deep_to_parse() -> None:
    from config.http import top_level

    deep = "[" * 100_000 + r'"]}\\\"{"' + "]" * 100_000  # a string: ]}\"{
    assert top_level('{"a": ' + deep + ', "errcode": 0, "b": {"c": ' + deep + "}}") == {
        "errcode": 0
    }
    for bad in ("[1]", '{"a": [[1]}', '{"a": 1', '{"a" 1}', "", '{"a": [1], }'):
        with pytest.raises(ValueError):
            top_level(bad)


def test_the_json_parser_is_bounded_in_depth_not_fooled_by_strings() -> None:
    from config.http import TooDeep, TooLarge, parse_json

    deep = "[" * 65 + "]" * 65
    with pytest.raises(TooDeep, match="nested deeper than 64 levels"):
        parse_json(deep)
    assert parse_json('{"a": "' + "[" * 5000 + '", "b": [[1]]}')["b"] == [[1]]
    assert parse_json("[" * 64 + "]" * 64)  # as deep as allowed
    with pytest.raises(TooDeep):  # a RecursionError in json's decoder never escapes
        parse_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):  # an unclosed string: scanned once, refused by json
        parse_json('["\\"' * 50_000)
    with pytest.raises(TooLarge):
        parse_json(b"[1, 2]", max_bytes=3)

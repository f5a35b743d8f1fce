"""Chinese punctuation beside a description's inline tags (trial 32, D6): the engines get a
description's text pieces one at a time, so in `<p><b>限时特惠</b>，全场包邮～🎉</p>` the '，'
starts a piece of its own. Alone, the piece could not tell what the translation beside it
needs: Thai wrote nothing for the '，' and the two phrases ran together ("， -> ''"), a
Latin ',' at a piece's end had no space after it, and the fullwidth ～ was kept unsaid.
Through `localize text --field description` with the test engine (tests/localize/libre.py:
each Chinese character a letter, its marks kept as an engine keeps them)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from localize.text import html
from localize.text.leftovers import CJK_PUNCTUATION

LATIN = ("en", "ms", "vi", "id")


def translate(run, description: str, language: str) -> dict:  # type: ignore[no-untyped-def]
    done = run(
        "text", description, "--to", language, "--field", "description", "--shop", "acme-my",
        "--json",
    )  # fmt: skip
    assert done.code in (0, 1), done.err
    return json.loads(done.out)


def words(translation: str) -> str:
    """What a shopper reads of a translated description."""
    return html.parse(translation).text()


def cleaned_fix(doc: dict) -> str:
    return next((f["fix"] for f in doc["findings"] if f["code"] == "cjk_punctuation_cleaned"), "")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the text's, not the store's
@pytest.mark.parametrize("language", ["th", *LATIN])
def test_the_trials_mark_after_a_bold_phrase_is_written_as_the_market_writes_it(  # type: ignore[no-untyped-def]
    setup, language: str
) -> None:
    run, _ = setup
    doc = translate(run, "<p><b>限时特惠</b>，全场包邮～🎉</p>", language)
    letter = "ก" if language == "th" else "x"
    run_ = letter * 4
    if language == "th":  # a space where Chinese writes '，', and said so
        assert doc["translation"] == f"<p><b>{run_}</b> {run_}~🎉</p>"
        assert "， -> ' '" in cleaned_fix(doc) and "， -> ''" not in cleaned_fix(doc)
    else:
        assert doc["translation"] == f"<p><b>{run_}</b>, {run_}~🎉</p>"
        assert "， -> ','" in cleaned_fix(doc)
    assert "～ -> '~'" in cleaned_fix(doc)  # the fullwidth tilde is said, not kept


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["th", *LATIN])
def test_a_mark_before_a_bold_phrase_is_followed_by_the_markets_space(  # type: ignore[no-untyped-def]
    setup, language: str
) -> None:
    run, _ = setup
    doc = translate(run, "<p>全场包邮，<b>限时特惠</b>！</p>", language)
    letter = "ก" if language == "th" else "x"
    # the space outside the bold, where the tag opens
    sep = " " if language == "th" else ", "
    assert doc["translation"] == f"<p>{letter * 4}{sep}<b>{letter * 4}</b>!</p>"


PHRASES = ["限时特惠", "全场包邮", "保温杯", "食品级", "大容量"]
# what sellers write between two phrases: pauses, stops, the wave, an ellipsis, a space
BETWEEN = ["，", "、", "。", "！", "？", "：", "；", "～", "……", " "]
ENDS = ["", "。", "！", "～", "……", "～🎉"]
INLINE = ["b", "strong", "i", "em", "u", "span"]


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    """A paragraph of phrases, each parted from the next by a mark (or a space), with
    inline tags round a phrase, a phrase and the mark after it, or the mark before it
    and the phrase."""
    phrases = draw(st.lists(st.sampled_from(PHRASES), min_size=2, max_size=4))
    marks = [draw(st.sampled_from(BETWEEN)) for _ in phrases[1:]] + [draw(st.sampled_from(ENDS))]
    out, took_next = [], False
    for k, phrase in enumerate(phrases):
        tag = draw(st.sampled_from(INLINE))
        mode = draw(st.sampled_from(["plain", "alone", "with_after", "with_before"]))
        before = marks[k - 1] if k and not took_next else ""
        after = marks[k]
        took_next = False
        if mode == "with_before" and k and before:
            out.append(f"<{tag}>{before}{phrase}</{tag}>")
            before = ""
        elif mode == "alone":
            out.append(f"{before}<{tag}>{phrase}</{tag}>")
        elif mode == "with_after" and after:
            out.append(f"{before}<{tag}>{phrase}{after}</{tag}>")
            took_next = True
        else:
            out.append(before + phrase)
        if k == len(phrases) - 1 and not took_next:
            out.append(after)
    return "<p>" + "".join(out) + "</p>"


_LETTERS = re.compile(r"[^\W\d_]+")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(description=paragraphs(), language=st.sampled_from(["th", *LATIN]))
@example(description="<p><b>限时特惠</b>，全场包邮～🎉</p>", language="th")  # the trial's
@example(description="<p>保温杯，<b>食品级</b>、<i>大容量</i>。</p>", language="en")
def test_phrases_parted_by_a_mark_beside_inline_tags_stay_apart(  # type: ignore[no-untyped-def]
    setup, description: str, language: str
) -> None:
    """Whatever the tags round the marks: no Chinese mark is left, each phrase is still a
    phrase of its own (the memory serves the pieces again, cleaned: both paths are taken),
    a Latin mark has its space after it and none before, and no space is doubled."""
    run, _ = setup
    doc = translate(run, description, language)
    said = words(doc["translation"])
    assert not set(CJK_PUNCTUATION) & set(said) and "……" not in said, said
    source_phrases = re.findall("|".join(PHRASES), description)
    assert len(_LETTERS.findall(said)) == len(source_phrases), said
    assert "  " not in said and not re.search(r"\s[,.!?:;~…]", said), said
    if language in LATIN:
        assert not re.search(r"[,.!?:;~…](?=\w)", said), said

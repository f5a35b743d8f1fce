"""Protected terms leave as placeholders and come back byte for byte."""

from __future__ import annotations

from localize.text.protect import Term, has_words, protect, restore
from tests.localize.libre import fake_translate


def test_a_protected_term_survives_an_engine_that_changes_case() -> None:
    source = "ACME 保温杯 iPhone壳 适用 SKU-2231"
    p = protect(source, [Term("ACME"), Term("iPhone")])
    assert "ACME" not in p.text and "iPhone" not in p.text and "SKU-2231" not in p.text
    engine_out = fake_translate(p.text)  # lower-cases everything, placeholders included
    assert engine_out != p.text
    text, lost = restore(engine_out, p)
    assert lost == []
    assert text == "ACME กกก iPhoneก กก SKU-2231"
    assert set(p.kept) == {"ACME", "iPhone", "SKU-2231"}


def test_spaces_an_engine_puts_inside_a_placeholder_are_forgiven() -> None:
    p = protect("买 ACME", [Term("ACME")])
    text, lost = restore(p.text.replace("ZXQ0QXZ", "ZXQ 0 QXZ"), p)
    assert text.endswith("ACME") and lost == []


def test_a_lost_placeholder_is_reported() -> None:
    p = protect("ACME 杯", [Term("ACME")])
    assert restore("แก้ว", p) == ("แก้ว", [0])


def test_forced_translations_are_applied() -> None:
    p = protect("真空保温杯", [Term("保温杯", target="แก้วเก็บความร้อน")])
    text, _ = restore(fake_translate(p.text), p)
    assert text == "กกแก้วเก็บความร้อน"
    assert p.kept == ()  # a forced translation is not a do-not-translate term


def test_longest_term_first_and_patterns() -> None:
    p = protect(
        "Apple Watch 与 Apple 配件 X100-Pro",
        [Term("Apple"), Term("Apple Watch"), Term(r"X\d+-Pro", is_pattern=True)],
    )
    assert p.replacements == ("Apple Watch", "Apple", "X100-Pro")
    assert not has_words("ZXQ0QXZ ZXQ1QXZ") and has_words("ZXQ0QXZ 杯")


def test_a_catastrophic_pattern_is_refused_when_added_and_bounded_when_run(engine) -> None:  # type: ignore[no-untyped-def]
    import time

    import pytest

    from localize.text.glossary import GlossaryError, add_term
    from localize.text.protect import SlowPattern

    with pytest.raises(GlossaryError, match=r"took over .* backtracks catastrophically") as e:
        add_term(engine, scope="", term="(a|aa)+$", is_pattern=True)
    assert "it was not added" in e.value.message  # nothing stored, so nothing to remove
    assert "remove" not in e.value.message
    assert add_term(engine, scope="", term=r"X\d{3,}", is_pattern=True)  # a sane one is kept
    started = time.perf_counter()
    with pytest.raises(SlowPattern, match=r"\(a\|aa\)\+\$") as slow:
        protect("a" * 40 + "b", [Term("(a|aa)+$", is_pattern=True)])
    assert "localize glossary remove" in slow.value.message  # a stored one: say how to remove
    assert time.perf_counter() - started < 2  # bounded, where `re` would take minutes

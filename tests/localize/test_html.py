"""Descriptions: only text nodes translated; allowed tags kept; the rest dropped, reported."""

from __future__ import annotations

from localize.text.html import split


def test_text_nodes_only_and_tags_kept() -> None:
    fragment = split(
        "<p>保温杯 &amp; 杯盖</p><ul><li><strong>304</strong> 不锈钢</li></ul>"
        '<img src="a.jpg" onerror="x()"><br/>'
    )
    assert fragment.texts() == ["保温杯 & 杯盖", "304", " 不锈钢"]
    out = fragment.render(lambda t: f"<{t}>")
    assert out == (
        "<p>&lt;保温杯 &amp; 杯盖&gt;</p><ul><li><strong>&lt;304&gt;</strong> "
        '&lt;不锈钢&gt;</li></ul><img src="a.jpg"><br>'
    )
    assert fragment.dropped == []


def test_other_tags_are_dropped_with_their_text_kept_and_scripts_removed() -> None:
    fragment = split(
        '<div class="x"><span>杯</span><script>alert(1)</script><a href="http://spam">买</a></div>'
    )
    assert fragment.texts() == ["杯", "买"]
    assert fragment.render(str.upper) == "杯买"
    assert sorted(set(fragment.dropped)) == ["a", "div", "script", "span"]

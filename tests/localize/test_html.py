"""Descriptions: only text nodes translated; allowed tags kept; the rest dropped, reported."""

from __future__ import annotations

from localize.text.html import split


def test_text_nodes_only_and_tags_kept() -> None:
    fragment = split(
        "<p>保温杯 &amp; 杯盖</p><ul><li><strong>304</strong> 不锈钢</li></ul>"
        '<img src="a.jpg" onerror="x()"><br/>'
    )
    assert fragment.texts() == ["保温杯 & 杯盖", "304", "不锈钢"]  # the words, not the space
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
    # The text of dropped tags joins its neighbours: a sentence split by <span> reaches the
    # engine whole.
    assert fragment.texts() == ["杯买"]
    assert fragment.render(str.upper) == "<p>杯买</p>"  # the dropped <div>'s text: a paragraph
    assert sorted(set(fragment.dropped)) == ["a", "div", "script", "span"]


def test_attributes_and_urls_are_cleaned() -> None:
    fragment = split(
        '<p onclick="x()">杯</p><img src="javascript:alert(1)"><img src="https://a/b.jpg">'
    )
    assert fragment.render(str) == '<p>杯</p><img><img src="https://a/b.jpg">'
    assert fragment.dropped == []


def test_a_dropped_block_leaves_its_text_in_a_paragraph_not_after_the_list() -> None:
    fragment = split(
        "<ul><li>保温 12 小时</li></ul><div>食品级 &amp; 304</div>"
        "<h2>包邮</h2>下单即发<section><p>好用</p></section><p>杯<div>盖</div></p>"
    )
    assert fragment.render(str) == (
        "<ul><li>保温 12 小时</li></ul><p>食品级 &amp; 304</p><p>包邮</p><p>下单即发</p>"
        "<p>好用</p><p>杯 盖 </p>"  # inside a paragraph kept, a dropped block is a space
    )
    assert fragment.texts() == ["保温 12 小时", "食品级 & 304", "包邮", "下单即发", "好用", "杯 盖"]
    assert split("保温杯 <b>500ml</b>").render(str) == "保温杯 <b>500ml</b>"  # nothing dropped

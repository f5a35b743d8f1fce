"""`localize review` shows an item's text first and reads its images after: decoding
and drawing them took a large part of the time to the first item."""

from __future__ import annotations

from localize import review
from localize.review_ui.opened import load_pictures, open_item
from store.db import open_store


def test_an_opened_item_reads_its_images_only_when_asked(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _, db_url = queued
    store = open_store(db_url)
    entry = review.claim_next(store, reviewer="ploy", language="ms")
    assert entry is not None
    opened = open_item(store, entry)
    assert [p.captioned is not None for p in opened.pictures] == [False, True]
    assert all(p.original_image is None and p.captioned_image is None for p in opened.pictures)
    load_pictures(opened)
    assert all(p.original_image is not None for p in opened.pictures)
    assert opened.pictures[1].captioned_image is not None
    assert [p.problems for p in opened.pictures] == [[], []]

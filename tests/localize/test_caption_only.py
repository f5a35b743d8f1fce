"""A caption-only run (the default `replace_text = false`) on images that carry Chinese
(issue 18): `localize run` only drew captions, said nothing, and a Thai buyer got the
supplier's Chinese. Every image of the item is read (the main one too, which
`caption_images = "all-but-first"` leaves uncaptioned) and the Chinese left is a finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.httpserver import serve
from tests.localize.libre import libre

CHINESE = "chinese_on_image"


def shop_with_pictures(
    engine,
    tmp_path: Path,
    url: str,
    pictures: list[Path],
    caption: str = "包邮",
    replace_text: bool = False,
):  # type: ignore[no-untyped-def]
    """A shop with the default captions config (but `replace_text`) and one listing of
    `pictures` (captioned, unless `caption` is empty)."""
    from config.settings import parse
    from localize.listings import ListingRecord, import_listings
    from store.queries import register_shops

    settings = parse(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{url}"\napi_key_env = "KEY"\n'
        "retries = 0\n" + ("[shops.captions]\nreplace_text = true\n" if replace_text else ""),
        "shops.toml",
    )
    shop = settings.shops[0]
    register_shops(engine, settings, [shop])
    record = ListingRecord(
        product_id="p1",
        title="保温杯大容量不锈钢" * 3,
        caption=caption,
        images=tuple(str(p) for p in pictures),
    )
    import_listings(engine, shop_id=shop.id, records=[(None, record)])  # type: ignore[list-item]
    return settings


def item_findings(engine) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    from sqlmodel import Session, select

    from store.models import LocalizationItem

    with Session(engine) as session:
        [item] = session.exec(select(LocalizationItem)).all()
        return list(item.findings)


def test_chinese_left_on_any_image_of_a_caption_only_run_is_a_finding(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    from config.runtime import Secrets
    from localize.run import run_shop
    from tests.localize.images import with_chinese

    blank = Image.new("RGB", (420, 400), (245, 245, 240))
    main, plain, spec = tmp_path / "main.png", tmp_path / "plain.png", tmp_path / "spec.png"
    with_chinese(blank, [("爆款直降", (60, 40), 40)]).save(main)  # uncaptioned: the first
    blank.save(plain)
    with_chinese(blank, [("超大容量", (60, 280), 36), ("¥99", (260, 60), 44)]).save(spec)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, [main, plain, spec])
        done = run_shop(engine, settings, settings.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
    assert done.images.failed == 0 and done.images.images == 2  # captions drawn on 2 and 3
    found = {f["image"]: f for f in item_findings(engine) if f["code"] == CHINESE}
    assert sorted(found) == [0, 2], item_findings(engine)
    assert found[0]["severity"] == "warning"
    assert found[0]["message"].startswith("image 1: ") and "爆款直降" in found[0]["message"]
    assert "超大容量" in found[2]["message"] and "爆款直降" not in found[2]["message"]
    assert "99" in found[2]["message"], found[2]  # a yuan price a Thai buyer cannot pay in
    assert "replace_text = true" in found[0]["message"] and "retouch" in found[0]["message"]
    assert "publishing refuses it" in found[0]["message"]  # approving asks no override
    # and said once: the caption's own note of the same Chinese is not repeated
    notes = [f["message"] for f in item_findings(engine) if f["code"] == "image_notes"]
    assert not any("Chinese" in n for n in notes), notes


def test_a_caption_only_run_on_images_without_text_finds_no_chinese(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    from config.runtime import Secrets
    from localize.run import run_shop

    pictures = [tmp_path / "a.png", tmp_path / "b.png"]
    for p in pictures:
        Image.new("RGB", (420, 400), (245, 245, 240)).save(p)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, pictures)
        run_shop(engine, settings, settings.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
    assert [f for f in item_findings(engine) if f["code"] == CHINESE] == []


def test_publish_refuses_an_image_a_caption_only_run_left_chinese_on(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # Approved with the warning seen (a warning asks no override), the item still does not go
    # out: the trial's "published 1, blocked 0" sent a Thai buyer the supplier's Chinese.
    from config.runtime import Secrets
    from localize.publish.service import publish_shop
    from localize.review import approve
    from localize.run import run_shop
    from tests.localize.images import with_chinese

    blank = Image.new("RGB", (800, 800), (245, 245, 240))
    main, plain = tmp_path / "main.png", tmp_path / "plain.png"
    with_chinese(blank, [("爆款直降", (100, 60), 70)]).save(main)
    blank.save(plain)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, [main, plain])
        run_shop(engine, settings, settings.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
    assert [f["image"] for f in item_findings(engine) if f["code"] == CHINESE] == [0]
    approve(engine, settings, 1, reviewer="ann")
    done = publish_shop(engine, settings, settings.shops[0], Secrets({}), dry_run=True)
    assert done.ready == [] and len(done.blocked) == 1, (done.ready, done.blocked)
    assert "爆款直降" in str(done.blocked[0]), done.blocked


def test_the_finding_goes_once_the_shop_replaces_the_text(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    from config.runtime import Secrets
    from config.settings import parse
    from localize.run import run_shop
    from tests.localize.images import with_chinese

    blank = Image.new("RGB", (420, 400), (245, 245, 240))
    main, plain = tmp_path / "main.png", tmp_path / "plain.png"
    with_chinese(blank, [("爆款直降", (60, 40), 40)]).save(main)
    blank.save(plain)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, [main, plain])
        run_shop(engine, settings, settings.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
        assert [f["image"] for f in item_findings(engine) if f["code"] == CHINESE] == [0]
        replacing = parse(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\napi_key_env = "KEY"\n'
            "retries = 0\n[shops.captions]\nreplace_text = true\n",
            "shops.toml",
        )
        run_shop(engine, replacing, replacing.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
    found = item_findings(engine)
    assert [f for f in found if f["code"] == CHINESE] == [], found
    assert any(f["code"] == "image_text" and f["image"] == 0 for f in found), found


def test_chinese_on_the_images_of_an_item_without_a_caption_is_a_finding_read_once(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # Without a caption and with replace_text = false nothing is drawn, so nothing read
    # the images: no finding, and publish sent the supplier's Chinese to a Malay buyer.
    from sqlmodel import Session, select

    from config.runtime import Secrets
    from localize.publish.service import publish_shop
    from localize.review import approve
    from localize.run import run_shop
    from store.models import LocalizationItem
    from tests.localize.images import with_chinese

    blank = Image.new("RGB", (420, 400), (245, 245, 240))
    main, plain = tmp_path / "main.png", tmp_path / "plain.png"
    with_chinese(blank, [("爆款直降", (60, 40), 40)]).save(main)
    blank.save(plain)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, [main, plain], caption="")
        shop = settings.shops[0]
        first = run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "i")
        assert first.images.failed == 0 and first.images.images == 0  # nothing drawn
        found = [f for f in item_findings(engine) if f["code"] == CHINESE]
        assert [f["image"] for f in found] == [0], item_findings(engine)
        assert "爆款直降" in found[0]["message"]
        with Session(engine) as session:
            [item] = session.exec(select(LocalizationItem)).all()
        run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "i")
    with Session(engine) as session:
        [again] = session.exec(select(LocalizationItem)).all()
    assert again.version == item.version  # read once: a re-run changes nothing
    assert [f["image"] for f in item_findings(engine) if f["code"] == CHINESE] == [0]
    approve(engine, settings, 1, reviewer="ann")
    done = publish_shop(engine, settings, shop, Secrets({}), dry_run=True)
    assert done.ready == [] and len(done.blocked) == 1, (done.ready, done.blocked)
    assert "爆款直降" in str(done.blocked[0]), done.blocked


def test_only_the_images_really_captioned_are_labelled_captioned(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # With replace_text every image is drawn, but caption_images = "all-but-first" leaves
    # the first without the caption: review show and the UI called it "captioned".
    from io import StringIO

    from config.i18n import catalog
    from config.runtime import Environment, Secrets
    from localize.review import detail
    from localize.review_ui.opened import open_item
    from localize.review_ui.screens import _pictures
    from localize.run import run_shop
    from localize.views import review_item

    pictures = [tmp_path / "a.png", tmp_path / "b.png"]
    for p in pictures:
        Image.new("RGB", (420, 400), (245, 245, 240)).save(p)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, pictures, replace_text=True)
        done = run_shop(engine, settings, settings.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
    assert done.images.failed == 0 and done.images.images == 2  # both drawn, one captioned
    shown = detail(engine, 1).as_dict()["images"]
    assert [i["caption"] for i in shown] == [False, True]
    assert all(i["captioned"] for i in shown)  # both written: the paths stay
    out = StringIO()
    review_item(Environment(stdout=out, environ={"SHOPBOT_LANG": "en"}), detail(engine, 1), False)
    labels = [line.split(":")[0].strip() for line in out.getvalue().splitlines() if "i/" in line]
    assert labels == ["text replaced, no caption", "captioned"], out.getvalue()
    opened = open_item(engine, detail(engine, 1))
    titles = [
        box.border_title
        for pair in _pictures(opened.pictures, catalog("en"))
        for box in getattr(pair, "_pending_children", [])
    ]
    assert "image 1 · text replaced, no caption" in titles, titles
    assert "image 2 · captioned" in titles, titles
    assert "image 1 · captioned" not in titles


def test_a_one_image_listing_whose_caption_goes_on_no_image_has_its_chinese_read(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # A stranger's trial: a one-image listing with a caption, under the default
    # caption_images = "all-but-first", drew nothing, so nothing read its image: the
    # supplier's Chinese on it was approved and published (byte for byte the original),
    # said nowhere but "caption drawn on no image".
    from config.runtime import Secrets
    from localize.publish.service import publish_shop
    from localize.review import approve
    from localize.run import run_shop
    from tests.localize.images import with_chinese

    main = tmp_path / "main.png"
    blank = Image.new("RGB", (420, 400), (245, 245, 240))
    with_chinese(blank, [("爆款直降", (60, 40), 40)]).save(main)
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, [main])
        shop = settings.shops[0]
        done = run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "i")
        assert done.images.failed == 0 and done.images.images == 0  # nothing drawn
        codes = [f["code"] for f in item_findings(engine)]
        assert codes.count(CHINESE) == 1 and codes.count("caption_on_no_image") == 1, codes
        assert done.images.nowhere, done.images  # the run says the caption's fate too
        again = run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "i")
        codes = [f["code"] for f in item_findings(engine)]
        assert codes.count(CHINESE) == 1 and codes.count("caption_on_no_image") == 1, codes
        assert again.images.nowhere, again.images  # still said on the next run
    approve(engine, settings, 1, reviewer="ann")
    published = publish_shop(engine, settings, shop, Secrets({}), dry_run=True)
    assert published.ready == [] and len(published.blocked) == 1
    assert "爆款直降" in str(published.blocked[0]), published.blocked


@pytest.mark.parametrize("kind", ["missing", "not an image"])
def test_an_image_only_read_that_cannot_be_opened_fails_its_item_naming_it(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path, kind: str
) -> None:
    # A stranger's trial: items whose one image was missing or a text file named .png
    # passed `localize run` as "0 failed", were approved, and only publish blocked them
    # ("missing or not an image"), though the import had said the run fails them.
    from config.runtime import Secrets
    from localize.run import run_shop

    main = tmp_path / "main.png"
    if kind == "not an image":
        main.write_text("not a picture", encoding="utf-8")
    with serve({"/translate": libre(api_key="k")}) as srv:
        settings = shop_with_pictures(engine, tmp_path, srv.url, [main])
        done = run_shop(engine, settings, settings.shops[0], Secrets({"KEY": "k"}), tmp_path / "i")
    assert done.images.failed == 1, done.images
    assert "main.png" in " ".join(done.images.errors), done.images.errors

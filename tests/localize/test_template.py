"""Seller Center bulk listing: the seller's own templates filled, one per category, the
images uploaded once to an S3-compatible bucket (moto's server, started here) and their
URLs written; everything else in the workbook left as it was."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
import openpyxl
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import Engine
from sqlmodel import select

from config.errors import ConfigError
from config.runtime import Secrets
from config.settings import ImageHostSettings, load
from localize.publish import PublishError, Steps
from localize.publish.imagehost import ImageHost
from store.db import open_store, read_scope
from store.models import LocalizationItem, PublishRecord
from tests.httpserver import Reply, serve
from tests.localize.images import photo
from tests.localize.libre import libre
from tests.localize.publishing import (
    TEMPLATE_HEADERS,
    approved_items,
    bulk_template,
    shop_settings,
    stored_work,
)

KEYS = {"S3_KEY": "testing", "S3_SECRET": "testing"}
LISTINGS = (
    "product_id,sku,title,description,caption,images,category,safety_report_date\n"
    "p1,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,"
    "a.jpg;b.jpg,drinkware,\n"
    "p2,SKU-2,ACME 不粘锅 28cm 平底锅 燃气电磁炉通用,<p>不粘。</p>,包邮,c.jpg;a.jpg,Kitchen,\n"
    "p3,SKU-3,ACME 园艺剪刀 不锈钢 修枝剪 家用 果树 花草 盆栽 省力,<p>锋利。</p>,包邮,"
    "b.jpg,garden,\n"
)


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """A local S3-compatible server (moto); its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def make_bucket(endpoint: str, name: str) -> object:
    """A fresh bucket on the local server; the boto3 client that made it."""
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name)
    return client


def objects(client: object, bucket: str) -> dict[str, object]:
    """The bucket's objects: name -> last modified."""
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])  # type: ignore[attr-defined]
    return {o["Key"]: o["LastModified"] for o in listed}


def host_table(endpoint: str, bucket: str) -> str:
    return (
        f'[shops.publish.image_host]\nendpoint = "{endpoint}"\nbucket = "{bucket}"\n'
        'addressing = "path"\naccess_key_env = "S3_KEY"\nsecret_key_env = "S3_SECRET"\n'
        "timeout = 10\n"
    )


@dataclass
class Seller:
    """A shop whose three listings (drinkware, kitchen, garden) are translated and approved,
    with templates for two of the categories and, unless told, a bucket for the images."""

    run: Callable[..., Any]
    approve_all: Callable[[], None]
    tmp_path: Path
    db_url: str
    bucket: str
    client: Any

    def stored(self) -> dict[int, LocalizationItem]:
        """The items as the store holds them now."""
        with read_scope(open_store(self.db_url)) as s:
            return {i.id: i for i in s.exec(select(LocalizationItem))}  # type: ignore[misc]


@pytest.fixture
def seller(cli, tmp_path: Path, db_url: str, s3: str) -> Iterator[Seller]:  # type: ignore[no-untyped-def]
    """The shop, its listings through `localize run` and approved."""
    bucket = "shop-" + tmp_path.name.lower().replace("_", "-")[-40:].strip("-")
    client = make_bucket(s3, bucket)
    for seed, name in enumerate(("a.jpg", "b.jpg", "c.jpg")):
        photo(seed=seed * 40).save(tmp_path / name)
    (tmp_path / "listings.csv").write_text(LISTINGS, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    bulk_template(tmp_path / "templates" / "drinkware.xlsx", "Drinkware (600001)")
    bulk_template(tmp_path / "templates" / "kitchen.xlsx", "Cookware (600002)")
    config = tmp_path / "shops.toml"
    with serve({"/translate": libre(api_key="k")}) as engine:
        config.write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{engine.url}"\n'
            'api_key_env = "LIBRE_KEY"\nretries = 0\n'
            '[shops.publish]\nkind = "template"\nexport_dir = "export"\n'
            "[shops.publish.templates]\n"
            'drinkware = { file = "templates/drinkware.xlsx", category = "Drinkware (600001)" }\n'
            'kitchen = "templates/kitchen.xlsx"\n' + host_table(s3, bucket),
            encoding="utf-8",
        )

        def run(*args: str):  # type: ignore[no-untyped-def]
            env = {"LIBRE_KEY": "k", **KEYS}
            return cli("localize", *args, "--config", str(config), "--db", db_url, environ=env)

        def approve_all() -> None:
            for row in json.loads(run("review", "list", "--json").out):
                if row["state"] == "translated":
                    assert run("review", "approve", str(row["id"]), "--reviewer", "ploy").code == 0

        assert (
            run("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my").code == 0
        )
        assert run("run", "--shop", "acme-my").code == 0
        approve_all()
        yield Seller(run, approve_all, tmp_path, db_url, bucket, client)


def test_a_template_without_headers_leaves_its_items_approved_for_the_next_run(
    seller: Seller,
) -> None:
    kitchen = seller.tmp_path / "templates" / "kitchen.xlsx"
    downloaded = kitchen.read_bytes()
    bulk_template(kitchen, "x", headers=["Nama Produk", "Huraian"])  # the wrong download
    done = seller.run("publish", "--shop", "acme-my", "--json")
    result = json.loads(done.out)
    assert done.code == 1 and [p["product_id"] for p in result["published"]] == ["p1"]
    failed = {f["product_id"]: f for f in result["failed"]}
    assert "kitchen.xlsx: no header row with 'Product Name'" in failed["p2"]["error"]
    states = {i.id: i.state for i in seller.stored().values()}
    assert states[failed["p2"]["id"]] == "approved"  # no workbook holds it: not published
    with read_scope(open_store(seller.db_url)) as s:
        assert not s.exec(
            select(PublishRecord).where(PublishRecord.item_id == failed["p2"]["id"])
        ).all()
    kitchen.write_bytes(downloaded)
    again = json.loads(seller.run("publish", "--shop", "acme-my", "--json").out)
    assert [p["product_id"] for p in again["published"]] == ["p2"]
    [book] = again["files"]
    assert Path(book).name.startswith("kitchen-")
    sheet = openpyxl.load_workbook(book)["Template"]
    assert sheet.cell(6, TEMPLATE_HEADERS.index("Seller SKU") + 1).value == "SKU-2"
    assert seller.stored()[failed["p2"]["id"]].state == "published"


def test_two_categories_fill_two_templates_and_images_upload_once(seller: Seller, s3: str) -> None:
    run, approve_all, tmp_path = seller.run, seller.approve_all, seller.tmp_path
    bucket, client = seller.bucket, seller.client
    done = run("publish", "--shop", "acme-my", "--json")
    assert done.code == 1, done.err  # p3's category has no template
    result = json.loads(done.out)
    stored = seller.stored()
    by_product = {p["product_id"]: p for p in result["published"]}
    assert sorted(by_product) == ["p1", "p2"]
    [p3] = result["failed"]
    assert (
        p3["product_id"] == "p3"
        and "no bulk-listing template for category 'garden'" in (p3["error"])
    )
    assert stored[p3["id"]].state == "approved"  # named, not dropped: the next run tries again
    assert "failed: item" in done.err and "garden" in done.err
    assert "images: 4 uploaded" in done.err  # a, b (captioned for p1), c, a (for p2)

    books = {Path(f).name.split("-")[0]: Path(f) for f in result["files"]}
    assert sorted(books) == ["drinkware", "kitchen"]
    first_objects = objects(client, bucket)
    for product, name in (("p1", "drinkware"), ("p2", "kitchen")):
        item = stored[by_product[product]["id"]]
        assert item.state == "published"
        book = openpyxl.load_workbook(books[name])
        sheet = book["Template"]
        # the instruction rows and the example stay, the item goes below them, alone
        assert [c.value for c in sheet[2]] == TEMPLATE_HEADERS
        assert sheet["A3"].value == "Mandatory" and sheet["C5"].value == "Example product"
        assert sheet.max_row == 6
        row = {h: c.value for h, c in zip(TEMPLATE_HEADERS, sheet[6], strict=True)}
        assert row["Product Name"] == item.title and row["Seller SKU"] == f"SKU-{product[1]}"
        assert row["Product Description"] == item.description
        assert row["Brand"] is None and row["Quantity"] is None  # left for the seller
        assert row["Category"] == ("Drinkware (600001)" if name == "drinkware" else None)
        urls = [row["Main Product Image"], row["Product Image 2"]]
        assert row["Product Image 3"] is None
        for url, path in zip(urls, item.images, strict=True):
            assert url.startswith(f"{s3}/{bucket}/") and url.endswith(".jpg")
            key = url.removeprefix(f"{s3}/{bucket}/")  # the object the URL names
            sent = client.get_object(Bucket=bucket, Key=key)["Body"].read()  # type: ignore[attr-defined]
            assert sent == Path(path).read_bytes()
        # the rest of the workbook as it was: drop-down, hidden sheet, guide, widths
        [drop_down] = sheet.data_validations.dataValidation
        assert str(drop_down.sqref) == "A6:A1000" and drop_down.type == "list"
        assert book["Categories"].sheet_state == "hidden"
        assert book.sheetnames == ["Template", "Categories", "Guide"]
        assert sheet.column_dimensions["C"].width == 48
        manifest = json.loads(books[name].with_suffix(".json").read_text(encoding="utf-8"))
        [entry] = manifest["items"]
        assert (entry["item_id"], entry["product_id"], entry["row"]) == (item.id, product, 6)
        assert entry["images"] == urls
        # the version a reviewer saw and approved (`review show`'s "version"), and the lock's
        # as approved (publishing moved the lock on)
        assert (entry["version"], entry["lock_version"]) == (item.revision, item.version - 1)
        assert entry["version"] != entry["lock_version"]  # the two differ here: each named
    # the templates themselves are untouched
    assert (
        openpyxl.load_workbook(tmp_path / "templates" / "drinkware.xlsx")["Template"].max_row == 5
    )

    # p1 edited at the source: its new version goes out, the same images are not sent again
    (tmp_path / "listings.csv").write_text(
        LISTINGS.replace("户外运动", "户外运动 新款"), encoding="utf-8"
    )
    assert run("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my").code == 0
    assert run("run", "--shop", "acme-my").code == 0
    approve_all()
    again = run("publish", "--shop", "acme-my", "--json")
    second = json.loads(again.out)
    assert [p["product_id"] for p in second["published"]] == ["p1"]
    assert "images: 0 uploaded" in again.err and "2 already there" in again.err
    assert objects(client, bucket) == first_objects  # nothing sent again
    [newer] = [Path(f) for f in second["files"]]
    assert newer != books["drinkware"] and books["drinkware"].is_file()  # a new file per run
    assert openpyxl.load_workbook(newer)["Template"].max_row == 6


def test_without_an_image_host_the_images_lie_beside_the_workbook(
    engine: Engine, tmp_path: Path
) -> None:
    from localize.publish.template import TemplatePublisher

    bulk_template(tmp_path / "t.xlsx", "Drinkware (600001)")
    settings = shop_settings(tmp_path, "template", publish='templates = { drinkware = "t.xlsx" }\n')
    shop = settings.shops[0]
    publisher = TemplatePublisher.from_settings(settings, shop, Secrets({}))
    work = replace(stored_work(engine, settings, shop, tmp_path), category="Drink ware")
    assert publisher.host is None and publisher.templates("DRINK WARE") is not None
    publisher.publish(work, Steps(engine, work, "template"))
    end = publisher.end_run()
    [book] = end.files
    [note] = end.notes
    pictures = next((tmp_path / "export").glob("t-*-images"))
    assert "left for the Media Center" in note and str(pictures) in note
    assert sorted(p.name for p in pictures.iterdir()) == ["SKU-1-1.jpg", "SKU-1-2.jpg"]
    assert (pictures / "SKU-1-2.jpg").read_bytes() == work.images[1].read_bytes()
    row = dict(zip(TEMPLATE_HEADERS, openpyxl.load_workbook(book)["Template"][6], strict=True))
    assert row["Product Name"].value == work.title and row["Main Product Image"].value is None
    assert end.written == {work.item_id: f"{book}#Template!6"}


def test_pictures_for_the_media_center_never_share_a_name(engine: Engine, tmp_path: Path) -> None:
    """Two items whose SKUs are Chinese were both `-1.jpg`, `-2.jpg` beside the workbook: the
    second item's pictures replaced the first's, and `-1.jpg` breaks `rm` in a shell. The
    names stay ASCII: the seller uploads them to TikTok's Media Center."""
    from localize.publish.template import TemplatePublisher

    bulk_template(tmp_path / "t.xlsx", "Drinkware (600001)")
    settings = shop_settings(tmp_path, "template", publish='templates = { drinkware = "t.xlsx" }\n')
    shop = settings.shops[0]
    publisher = TemplatePublisher.from_settings(settings, shop, Secrets({}))
    first = replace(stored_work(engine, settings, shop, tmp_path), category="drinkware")
    (tmp_path / "other").mkdir()
    [other_id] = approved_items(engine, settings, tmp_path / "other", 1)
    blue = [tmp_path / "blue-1.jpg", tmp_path / "blue-2.jpg"]
    for seed, path in zip((7, 9), blue, strict=True):
        photo(seed=seed).save(path)
    works = [
        replace(first, sku="红色款"),
        replace(first, item_id=other_id, product_id="p0", sku="蓝色款", images=tuple(blue)),
    ]
    for work in works:
        publisher.publish(work, Steps(engine, work, "template"))
    publisher.end_run()
    pictures = next((tmp_path / "export").glob("t-*-images"))
    names = sorted(p.name for p in pictures.iterdir())
    assert len(names) == 4 and all(n.isascii() and not n.startswith("-") for n in names), names
    for work in works:  # each item's pictures are its own
        for n, image in enumerate(work.images, start=1):
            [mine] = [p for p in pictures.iterdir() if p.read_bytes() == image.read_bytes()]
            assert mine.name.endswith(f"-{n}.jpg")


def test_a_template_that_is_missing_or_not_xlsx_is_a_warning_at_config_load(
    tmp_path: Path,
) -> None:
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0 an .xls saved with the wrong name")
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\n[shops.publish]\nkind = "template"\n'
        "[shops.publish.templates]\n"
        'drinkware = "nowhere/drinkware.xlsx"\n'
        'kitchen = "old.xlsx"\n'
        'garden = "garden.csv"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load(config)
    message = caught.value.message
    assert caught.value.exit_code == 2
    assert "templates.garden" in message and "must be the .xlsx bulk-listing template" in message
    config.write_text(config.read_text().replace('garden = "garden.csv"\n', ""), encoding="utf-8")
    # a file that is not there (or no workbook) is the shop's publish problem, not the
    # file's: it stopped every shop of a `cadence daemon --all` at load
    missing, old = load(config).warnings
    assert "line 7" in missing and "no template file" in missing and "drinkware" in missing
    assert "line 8" in old and "old.xlsx" in old and "not an .xlsx workbook" in old
    assert all("shop 'acme-my' publishes no item of that category" in w for w in (missing, old))


def test_a_missing_template_fails_its_items_at_publish_and_stops_nothing_else(
    seller: Seller, cli
) -> None:  # type: ignore[no-untyped-def]
    kitchen = seller.tmp_path / "templates" / "kitchen.xlsx"
    downloaded = kitchen.read_bytes()
    kitchen.unlink()
    done = seller.run("publish", "--shop", "acme-my", "--json")
    assert done.code == 1, done.err  # it ran: the drinkware item went out
    assert "warning: " in done.err and "templates.kitchen" in done.err
    result = json.loads(done.out)
    assert [p["product_id"] for p in result["published"]] == ["p1"]
    failed = {f["product_id"]: f for f in result["failed"]}
    assert f"template {kitchen} is gone" in failed["p2"]["error"]
    assert seller.stored()[failed["p2"]["id"]].state == "approved"  # for the next run
    config = seller.tmp_path / "shops.toml"
    config.write_text(
        config.read_text() + '[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8"
    )
    other = cli(
        "cadence", "status", "--shop", "acme-th", "--config", str(config), "--db", seller.db_url
    )
    assert other.code == 0 and "acme-th" in other.out, other.err  # another shop: untouched
    kitchen.write_bytes(downloaded)
    again = json.loads(seller.run("publish", "--shop", "acme-my", "--json").out)
    assert [p["product_id"] for p in again["published"]] == ["p2"]


def test_template_kind_without_templates_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\n[shops.publish]\nkind = "template"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"needs \[shops.publish.templates\]"):
        load(config)


def test_a_template_without_the_known_headers_fails_its_items_with_what_to_do(
    tmp_path: Path,
) -> None:
    from localize.publish.template import find_layout

    book = openpyxl.load_workbook(
        bulk_template(tmp_path / "zh.xlsx", "x", headers=["类目", "商品名称", "商品描述", "主图"])
    )
    with pytest.raises(PublishError, match=r"zh.xlsx: no header row .*template_columns"):
        find_layout(book, {"Product Name": "product_name"}, str(tmp_path / "zh.xlsx"))
    # mapped in [shops.publish.template_columns], the same template is understood
    layout = find_layout(
        book,
        {"商品名称": "product_name", "商品描述": "description", " 主 图 ": "main_image"},
        "zh.xlsx",
    )
    assert (layout.sheet, layout.header_row, layout.next_row) == ("Template", 2, 6)
    assert layout.columns == {"product_name": 2, "description": 3, "main_image": 4}


def test_headers_match_whatever_their_case_spaces_and_mandatory_asterisk(tmp_path: Path) -> None:
    from localize.publish.template import HEADERS, find_layout

    book = openpyxl.load_workbook(
        bulk_template(
            tmp_path / "t.xlsx", "x", headers=["*category", "PRODUCT  NAME", "main product\nimage"]
        )
    )
    layout = find_layout(book, HEADERS, "t.xlsx")
    assert layout.columns == {"category": 1, "product_name": 2, "main_image": 3}


def test_the_host_sends_an_image_once_and_refuses_one_too_big(tmp_path: Path, s3: str) -> None:
    client = make_bucket(s3, "once-bucket")
    settings = ImageHostSettings(
        endpoint=s3,
        bucket="once-bucket",
        access_key_env="S3_KEY",
        secret_key_env="S3_SECRET",
        addressing="path",
        prefix="acme/",
    )
    image = tmp_path / "a.JPEG"
    photo(seed=3).save(image, format="JPEG")
    first = ImageHost.from_settings(settings, Secrets(KEYS))
    url = first.url(image)
    assert first.uploaded == [url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1]]
    assert url.endswith(".jpg") and "/once-bucket/acme/" in url
    second = ImageHost.from_settings(settings, Secrets(KEYS))  # another run: HEAD finds it
    assert second.url(image) == url and second.uploaded == [] and len(second.found) == 1
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"\0" * 2048)
    small = ImageHost.from_settings(settings, Secrets(KEYS))
    small.max_bytes = 1024
    with pytest.raises(PublishError, match=r"big.png is .* MB; TikTok Shop takes at most"):
        small.url(big)
    assert len(objects(client, "once-bucket")) == 1  # the big one was never sent


def test_an_unreachable_host_is_a_publish_error_within_its_deadline(tmp_path: Path) -> None:
    settings = ImageHostSettings(
        endpoint="http://127.0.0.1:9",
        bucket="nowhere",
        access_key_env="S3_KEY",
        secret_key_env="S3_SECRET",
        timeout=2,
    )
    image = tmp_path / "a.jpg"
    photo(seed=1).save(image)
    host = ImageHost.from_settings(settings, Secrets(KEYS))
    with pytest.raises(PublishError, match=r"image host http://127.0.0.1:9 .* could not look for"):
        host.url(image)
    # the next image does not wait out its own deadline on a host that is down
    with pytest.raises(PublishError, match=r"could not look for .* \(not tried again in this"):
        host.url(image)


def test_urls_are_virtual_hosted_for_oss_and_cos_or_the_public_url() -> None:
    def url(**more: str) -> str:
        settings = ImageHostSettings(
            endpoint="https://oss-cn-hangzhou.aliyuncs.com",
            bucket="acme-img",
            access_key_env="K",
            secret_key_env="S",
            **more,
        )
        return ImageHost(settings, "k", "s").address("ab.jpg")

    assert url() == "https://acme-img.oss-cn-hangzhou.aliyuncs.com/ab.jpg"
    assert url(public_url="https://img.acme.com/") == "https://img.acme.com/ab.jpg"


def test_only_the_latest_version_of_a_product_goes_in(tmp_path: Path) -> None:
    from localize.publish import Work
    from localize.publish.template import latest

    def work(item_id: int, product: str, language: str = "ms") -> tuple[Work, None]:
        return (
            Work(item_id, "acme-my", product, "SKU", language, "t", "d", (), str(item_id)),
            None,
        )

    kept, older = latest([work(3, "p1"), work(7, "p1"), work(5, "p2"), work(4, "p1", "en")])  # type: ignore[list-item]
    assert [w.item_id for w, _ in kept] == [7, 5, 4]
    assert {old: new.item_id for old, new in older.items()} == {3: 7}


def test_a_silent_bucket_never_hangs_the_run(tmp_path: Path) -> None:
    image = tmp_path / "a.jpg"
    photo(seed=2).save(image)
    key = f"/quiet-bucket/{hashlib.sha256(image.read_bytes()).hexdigest()}.jpg"
    with serve({key: lambda r: Reply(200, "", delay=60)}) as srv:
        settings = ImageHostSettings(
            endpoint=srv.url,
            bucket="quiet-bucket",
            access_key_env="S3_KEY",
            secret_key_env="S3_SECRET",
            addressing="path",
            timeout=1,
        )
        started = time.monotonic()
        with pytest.raises(PublishError, match=r"could not look for .*Read timeout"):
            ImageHost.from_settings(settings, Secrets(KEYS)).url(image)
        assert time.monotonic() - started < 2  # the whole deadline, retry included: not 60 s
        assert len(srv.requests) == 2  # one try and one retry


def test_a_dry_run_names_the_items_whose_category_has_no_template(seller: Seller) -> None:
    dry = seller.run("publish", "--shop", "acme-my", "--dry-run", "--json")
    result = json.loads(dry.out)
    assert sorted(r["product_id"] for r in result["ready"]) == ["p1", "p2"]
    [p3] = result["failed"]  # as a real run names it, not ready
    assert p3["product_id"] == "p3"
    assert "no bulk-listing template for category 'garden'" in p3["error"]
    assert dry.code == 1 and "failed: item" in dry.err and "garden" in dry.err
    assert {i.state for i in seller.stored().values()} == {"approved"}  # nothing sent
    real = json.loads(seller.run("publish", "--shop", "acme-my", "--json").out)
    assert [f["error"] for f in real["failed"]] == [p3["error"]]

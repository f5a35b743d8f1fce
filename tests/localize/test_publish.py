"""Publishing: only approved work goes out, once, through the export folder or the Partner
API (a local server that checks signatures like TikTok's); blocked items say why."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from config.runtime import Secrets
from localize.publish import PUBLISHERS, PublishError, Steps
from localize.publish.tiktok import TikTokPublisher
from store.db import open_store, read_scope
from store.models import LocalizationItem, PublishRecord
from tests.httpserver import Reply, serve
from tests.localize.conftest import backend_of, commands
from tests.localize.images import photo
from tests.localize.libre import libre
from tests.localize.publishing import (
    ENVIRON,
    UPLOAD,
    Partner,
    recorded,
    shop_settings,
    stored_work,
)
from tests.tiktok.partner import KEY, SECRET, TOKEN, client

LISTINGS = (
    "product_id,sku,title,description,caption,images,category,safety_report_date\n"
    "1729001,=SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,"
    "a.jpg;b.jpg,drinkware,\n"
    "1729002,SKU-2,ACME 儿童水杯 350ml 防漏 吸管杯 幼儿园,<p>防漏。</p>,包邮,c.jpg;a.jpg,kids,\n"
)


ENV = {"LIBRE_KEY": "k", "TT_KEY": KEY, "TT_SECRET": SECRET, "TT_TOKEN": TOKEN}


def shop_config(engine_url: str, kind: str, partner_url: str, publish: str) -> str:
    """The shop's shops.toml: publishing by `kind`, to the Partner API at `partner_url`."""
    return (
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{engine_url}"\n'
        'api_key_env = "LIBRE_KEY"\nretries = 0\n'
        f'[shops.publish]\nkind = "{kind}"\nexport_dir = "export"\n{publish}'
        f'[shops.tiktok]\nbase_url = "{partner_url}"\napp_key_env = "TT_KEY"\n'
        'app_secret_env = "TT_SECRET"\naccess_token_env = "TT_TOKEN"\nshop_cipher = "ROW_1"\n'
        "timeout = 2\n"
    )


def photos_and_listings(folder: Path) -> None:
    """The three photos and the listings file naming them."""
    for seed, name in enumerate(("a.jpg", "b.jpg", "c.jpg")):
        photo(seed=seed * 40).save(folder / name)
    (folder / "listings.csv").write_text(LISTINGS, encoding="utf-8")


def translated_shop(root: Path, url: str) -> None:
    """The listings imported, translated and captioned (`built_once`)."""
    photos_and_listings(root)
    with serve({"/translate": libre(api_key="k")}) as engine:
        (root / "engine_url").write_text(engine.url, encoding="utf-8")
        (root / "shops.toml").write_text(
            shop_config(engine.url, "export", "http://127.0.0.1:9", ""), encoding="utf-8"
        )
        commands(
            root,
            url,
            {"SHOPBOT_HOME": str(root / "home"), **ENV},
            ["listings", "import", str(root / "listings.csv"), "--shop", "acme-my"],
            ["run", "--shop", "acme-my"],
        )


@pytest.fixture
def shop(cli, tmp_path: Path, db_url: str, built_once, store_copy):  # type: ignore[no-untyped-def]
    """A shop with translated, captioned items (built once per run, each test a copy of its
    own); `use(kind, partner_url)` writes its config."""
    photos_and_listings(tmp_path)
    root = built_once("translated", backend_of(db_url), translated_shop)
    url = store_copy(root)
    engine_url = (root / "engine_url").read_text(encoding="utf-8")  # stopped, as before
    config = tmp_path / "shops.toml"

    def use(kind: str, partner_url: str = "http://127.0.0.1:9", publish: str = "") -> None:
        config.write_text(shop_config(engine_url, kind, partner_url, publish), encoding="utf-8")

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli("localize", *args, "--config", str(config), "--db", url, environ=ENV)

    use("export")
    return run, use, url, tmp_path


def items(db_url: str) -> list[LocalizationItem]:
    with read_scope(open_store(db_url)) as s:
        return list(s.exec(select(LocalizationItem).order_by(LocalizationItem.id)))


def approve_all(run) -> None:  # type: ignore[no-untyped-def]
    for row in json.loads(run("review", "list", "--json").out):
        assert run("review", "approve", str(row["id"]), "--reviewer", "ploy").code == 0


def test_only_approved_items_go_out_and_only_once(shop) -> None:  # type: ignore[no-untyped-def]
    run, _, db_url, tmp_path = shop
    nothing = run("publish", "--shop", "acme-my", "--json")
    assert nothing.code == 0 and json.loads(nothing.out)["published"] == []
    approve_all(run)
    dry = json.loads(run("publish", "--shop", "acme-my", "--dry-run", "--json").out)
    assert len(dry["ready"]) == 1 and len(dry["blocked"]) == 1  # p2 is a kids' product
    assert {i.state for i in items(db_url)} == {"approved"}  # a dry run changes nothing
    done = run("publish", "--shop", "acme-my")
    assert done.code == 1  # p2 blocked
    assert "blocked: item" in done.err and "needs a product safety report" in done.err
    [p1, p2] = items(db_url)
    assert (p1.state, p2.state) == ("published", "blocked")
    assert "safety_report_date" in (p2.error or "")
    folder = next(p for p in (tmp_path / "export").iterdir() if p.is_dir())
    # beside the folders, the run's workbook: one row per product, images by relative path
    [book] = (tmp_path / "export").glob("listings-*.xlsx")
    sheet = openpyxl.load_workbook(book)["listings"]
    assert [c.value for c in sheet[1]][:6] == [
        "product_id",
        "sku",
        "language",
        "title",
        "description",
        "main_image_1",
    ]
    assert [c.value for c in sheet[2]][:4] == ["1729001", "'=SKU-1", "ms", p1.title]
    assert sheet[2][5].value == f"{folder.name}/1.jpg" and sheet.max_row == 2
    manifest = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
    assert [(i["item_id"], i["row"]) for i in manifest["items"]] == [(p1.id, 2)]
    listing = json.loads((folder / "listing.json").read_text(encoding="utf-8"))
    assert listing["title"] == p1.title and listing["main_images"] == ["1.jpg", "2.jpg"]
    assert (folder / "2.jpg").read_bytes() == Path(p1.images[1]).read_bytes()  # the captioned one
    with open(folder / "listing.csv", encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["sku"] == "'=SKU-1"  # a formula-like cell is neutralised
    again = run("publish", "--shop", "acme-my", "--json")
    assert json.loads(again.out)["published"] == []
    assert len(list((tmp_path / "export").glob("listings-*.xlsx"))) == 1  # none when none went
    with read_scope(open_store(db_url)) as s:
        assert len(s.exec(select(PublishRecord)).all()) == 1


def test_an_export_dir_that_is_a_file_fails_the_run_once(shop) -> None:  # type: ignore[no-untyped-def]
    """issue 17: `export_dir` naming a file was warned at load, then each item failed on
    its own ("failed 40"); the run stops once, naming the key, and no item is touched."""
    run, _, db_url, tmp_path = shop
    approve_all(run)
    (tmp_path / "export").write_text("not a folder", encoding="utf-8")
    for dry in ((), ("--dry-run",)):
        done = run("publish", "--shop", "acme-my", *dry)
        assert done.code == 2, done.err
        assert "shops[0].publish.export_dir [shop 'acme-my']: " in done.err, done.err
        assert done.err.count("is a file, not a folder; name a folder") == 2, done.err  # + load
        assert "failed" not in done.err, done.err
        assert [(i.state, i.claimed_by, i.error) for i in items(db_url)] == [
            ("approved", None, None)
        ] * 2
    said = run("publish", "--shop", "acme-my", "--json")
    assert said.code == 2 and "export_dir" in json.loads(said.out)["error"]


def test_a_blocked_item_goes_out_once_its_reasons_are_gone(shop) -> None:  # type: ignore[no-untyped-def]
    run, use, db_url, _ = shop
    approve_all(run)
    run("publish", "--shop", "acme-my")
    assert [i.state for i in items(db_url)] == ["published", "blocked"]
    # the shop decides its kids' cups need no safety report: the item passes preflight now
    use("export", publish='safety_categories = ["cosmetic"]\n')
    result = run("publish", "--shop", "acme-my", "--json")
    done = json.loads(result.out)
    assert [p["product_id"] for p in done["published"]] == ["1729002"], result.err
    assert {i.state for i in items(db_url)} == {"published"}


def test_tiktok_uploads_each_image_once_and_resumes_after_dying(shop) -> None:  # type: ignore[no-untyped-def]
    run, use, db_url, _ = shop
    partner = Partner()
    partner.refuse_edits = 1  # the edit fails: the run ends after the uploads
    with partner.serve() as srv:
        use("tiktok", srv.url)
        approve_all(run)
        first = run("publish", "--shop", "acme-my", "--json")
        assert first.code == 1 and "code 12019005: product locked" in first.err
        assert len(partner.uploads) == 2 and partner.edits == []
        assert items(db_url)[0].state == "approved"
        second = run("publish", "--shop", "acme-my", "--json")
        assert second.code == 1, second.err  # p2 is still blocked (no safety report)
        assert len(partner.uploads) == 2  # nothing uploaded twice
        [edit] = partner.edits
        assert edit["main_images"] == [{"uri": "tos-img/1"}, {"uri": "tos-img/2"}]
        assert edit["title"] == items(db_url)[0].title
        third = run("publish", "--shop", "acme-my", "--json")
        assert json.loads(third.out)["published"] == [] and len(partner.edits) == 1


def test_an_expired_token_is_a_clear_error_and_nothing_is_marked_sent(shop) -> None:  # type: ignore[no-untyped-def]
    run, use, db_url, _ = shop
    with serve({UPLOAD: lambda r: Reply(200, {"code": 105002, "message": "expired"})}) as srv:
        use("tiktok", srv.url)
        approve_all(run)
        done = run("publish", "--shop", "acme-my")
    assert done.code == 1 and "the access token expired; refresh it and set TT_TOKEN" in done.err
    assert items(db_url)[0].state == "approved"
    with read_scope(open_store(db_url)) as s:
        assert s.exec(select(PublishRecord)).all() == []


@pytest.mark.parametrize(
    "reply",
    [
        Reply(503, "<html>upstream unavailable</html>"),
        Reply(200, {"code": 36009003, "message": "internal error", "request_id": "r"}),
        Reply(200, {"code": 36009002, "message": "rate limited", "request_id": "r"}),
        Reply(429, {"code": 36009002, "message": "rate limited", "request_id": "r"}),
    ],
    ids=["http-503", "code-36009003", "code-36009002", "http-429"],
)
def test_the_publisher_waits_out_transient_refusals(engine, tmp_path: Path, reply: Reply) -> None:  # type: ignore[no-untyped-def]
    partner = Partner()
    partner.flaky, partner.flaky_reply = 3, reply  # the first upload: three refusals
    pauses: list[float] = []
    with partner.serve() as srv:
        settings = shop_settings(tmp_path, "tiktok", srv.url)
        work = stored_work(engine, settings, settings.shops[0], tmp_path)
        publisher = TikTokPublisher(client(srv.url, pause=pauses.append), "ROW_1")
        steps = Steps(engine, work, "tiktok")
        assert publisher.publish(work, steps) == "1729001"
    assert pauses == [1, 2, 4]
    assert len(partner.uploads) == 2 and len(partner.edits) == 1
    assert recorded(engine, work.item_id) == steps.sent and len(steps.sent) == 3


def test_the_publisher_gives_up_on_a_lasting_rate_limit_with_nothing_recorded(
    engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    partner = Partner()
    partner.flaky = 99
    partner.flaky_reply = Reply(429, {"code": 36009002, "message": "rate limited"})
    with partner.serve() as srv:
        settings = shop_settings(tmp_path, "tiktok", srv.url)
        work = stored_work(engine, settings, settings.shops[0], tmp_path)
        publisher = TikTokPublisher(client(srv.url, retries=2), "ROW_1")
        with pytest.raises(PublishError, match="gave up after 3 tries: HTTP 429, code 36009002"):
            publisher.publish(work, Steps(engine, work, "tiktok"))
    assert recorded(engine, work.item_id) == []


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"ACME_TTS_TOKEN": "expired"}, "access token expired; refresh it and set ACME_TTS_TOKEN"),
        (
            {"ACME_TTS_APP_SECRET": "wrong"},
            "bad signature; check the app secret in ACME_TTS_APP_SECRET",
        ),
    ],
    ids=["105002", "106001"],
)
def test_a_refused_token_or_signature_names_the_shops_variable(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path, environ: dict[str, str], says: str
) -> None:
    partner = Partner()
    with partner.serve() as srv:
        settings = shop_settings(tmp_path, "tiktok", srv.url)
        shop = settings.shops[0]
        work = stored_work(engine, settings, shop, tmp_path)
        publisher = PUBLISHERS["tiktok"](settings, shop, Secrets({**ENVIRON, **environ}))
        with pytest.raises(PublishError, match=says):
            publisher.publish(work, Steps(engine, work, "tiktok"))
        assert len(srv.requests) == 1  # not retried
    assert partner.uploads == [] and recorded(engine, work.item_id) == []


VERSION_A = (
    "1729001,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,"
    "a.jpg;b.jpg,drinkware,\n"
)
VERSION_B = (  # the seller's edit: a bigger bottle
    "1729001,SKU-1,ACME 不锈钢真空保温杯 750ml 大容量 户外运动,<p>保温 24 小时。</p>,包邮,"
    "a.jpg;b.jpg,drinkware,\n"
)


@pytest.fixture
def editing(cli, tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    """One listing a seller edits: `version(row)` imports it and runs the shop's jobs up to
    an approved item, `publish()` publishes; the engine stays up throughout."""
    for seed, name in enumerate(("a.jpg", "b.jpg")):
        photo(seed=seed * 40).save(tmp_path / name)
    config = tmp_path / "shops.toml"
    partner = Partner()
    env = {"LIBRE_KEY": "k", **ENVIRON}
    with serve({"/translate": libre(api_key="k")}) as engine, partner.serve() as srv:
        config.write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{engine.url}"\n'
            'api_key_env = "LIBRE_KEY"\nretries = 0\n'
            '[shops.publish]\nkind = "tiktok"\n'
            f'[shops.tiktok]\nbase_url = "{srv.url}"\napp_key_env = "ACME_TTS_APP_KEY"\n'
            'app_secret_env = "ACME_TTS_APP_SECRET"\naccess_token_env = "ACME_TTS_TOKEN"\n'
            'shop_cipher = "ROW_1"\ntimeout = 2\n',
            encoding="utf-8",
        )

        def run(*args: str):  # type: ignore[no-untyped-def]
            return cli("localize", *args, "--config", str(config), "--db", db_url, environ=env)

        def version(row: str) -> tuple[str, dict]:
            listings = tmp_path / "listings.csv"
            listings.write_text(LISTINGS.splitlines(keepends=True)[0] + row, encoding="utf-8")
            imported = run("listings", "import", str(listings), "--shop", "acme-my")
            assert imported.code == 0, imported.err
            done = run("run", "--shop", "acme-my", "--json")
            assert done.code == 0, done.err
            approve_all(run)
            return imported.out + imported.err, json.loads(done.out)

        def publish() -> dict:
            result = run("publish", "--shop", "acme-my", "--json")
            assert result.code == 0, result.err
            return json.loads(result.out)

        yield version, publish, partner


def test_an_item_edited_after_publishing_is_reviewed_and_published_again(
    editing, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    version, publish, partner = editing
    version(VERSION_A)
    [first] = publish()["published"]
    imported, ran = version(VERSION_B)
    assert "1 changed" in imported and ran["translated"] == 1
    [second] = publish()["published"]
    assert second["id"] != first["id"]  # a new item, reviewed and approved on its own
    old, new = items(db_url)
    assert (old.state, new.state) == ("published", "published")
    assert [e["title"] for e in partner.edits] == [old.title, new.title]
    assert "750ml" in new.title and "750ml" not in old.title
    with read_scope(open_store(db_url)) as s:
        edits = s.exec(select(PublishRecord).where(PublishRecord.detail == "edit:1729001")).all()
    assert sorted(r.item_id for r in edits) == [old.id, new.id]
    assert publish()["published"] == [] and len(partner.edits) == 2  # nothing sent twice
    assert len(partner.uploads) == 4  # each version's two images, once


def test_a_source_reverted_to_an_earlier_version_is_published_again(editing, db_url: str) -> None:  # type: ignore[no-untyped-def]
    version, publish, partner = editing
    for row in (VERSION_A, VERSION_B):
        version(row)
        publish()
    imported, ran = version(VERSION_A)  # the seller undoes the edit
    assert "1 changed" in imported and ran["translated"] == 1
    [third] = publish()["published"]
    a, b, again = items(db_url)
    assert third["id"] == again.id and again.state == "published"
    # the shop holds version A's text again, sent once per version
    assert [e["title"] for e in partner.edits] == [a.title, b.title, again.title]
    assert again.title == a.title
    assert publish()["published"] == [] and len(partner.edits) == 3
    imported, ran = version(VERSION_A)  # the same file again changes nothing
    assert "0 changed, 1 unchanged" in imported and ran["translated"] == 0


@pytest.mark.parametrize("product_id", ["../../authorization/202309/shops#", "1?x=1", "1/../2"])
def test_a_product_id_that_is_not_digits_is_never_put_into_a_path(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path, product_id: str
) -> None:
    from dataclasses import replace

    partner = Partner()
    with partner.serve() as srv:
        settings = shop_settings(tmp_path, "tiktok", srv.url)
        work = replace(
            stored_work(engine, settings, settings.shops[0], tmp_path), product_id=product_id
        )
        publisher = TikTokPublisher(client(srv.url), "ROW_1")
        with pytest.raises(PublishError, match="not a TikTok Shop product id .*nothing was sent"):
            publisher.publish(work, Steps(engine, work, "tiktok"))
        assert srv.requests == []  # not even an image upload
    assert recorded(engine, work.item_id) == []


def test_a_tiktok_shops_listings_import_skips_ids_that_are_not_digits(
    engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from localize.listings import import_file

    settings = shop_settings(tmp_path, "tiktok")
    path = tmp_path / "listings.csv"
    path.write_text('product_id,title\n1729001,杯\n"../x?y#",杯\n1729003,杯\n', encoding="utf-8")
    summary = import_file(engine, settings, settings.shops[0], path)
    assert summary.added == 2
    [problem] = summary.problems
    assert problem.place.line == 3 and "not a TikTok Shop product id" in problem.message


def test_an_image_uri_of_any_length_is_kept_whole_for_the_edit(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    partner = Partner()
    partner.uri_prefix = "tos-alisg-i-" + "a1b2c3d4" * 60 + "/"  # 500 characters and more
    partner.refuse_edits = 1  # the uploads are recorded, the edit fails: the next run reads them
    with partner.serve() as srv:
        settings = shop_settings(tmp_path, "tiktok", srv.url)
        work = stored_work(engine, settings, settings.shops[0], tmp_path)
        publisher = TikTokPublisher(client(srv.url), "ROW_1")
        with pytest.raises(PublishError, match="product locked"):
            publisher.publish(work, Steps(engine, work, "tiktok"))
        publisher.publish(work, Steps(engine, work, "tiktok"))
    [edit] = partner.edits
    assert len(partner.uploads) == 2  # read back from the store, not uploaded again
    assert edit["main_images"] == [{"uri": f"{partner.uri_prefix}{n}"} for n in (1, 2)]

"""What publisher tests share: a shop configured for a publish kind, an approved item in the
store as a publisher receives it, and the TikTok Shop side that takes uploads and edits."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from config.settings import Settings, ShopSettings, load
from localize.publish import Work
from store.db import read_scope, session_scope
from store.models import ItemState, Listing, LocalizationItem, PublishRecord
from store.queries import register_shops
from tests.httpserver import Reply, Request, Route, serve
from tests.localize.images import photo
from tests.tiktok.partner import KEY, SECRET, TOKEN, signed, success

TITLE = "Botol Termos Keluli Tahan Karat ACME 500ml"
UPLOAD = "/product/202309/images/upload"
EDIT = "/product/202309/products/1729001/partial_edit"
# The variables the shop's [shops.tiktok] table names, and what they hold.
ENVIRON = {"ACME_TTS_APP_KEY": KEY, "ACME_TTS_APP_SECRET": SECRET, "ACME_TTS_TOKEN": TOKEN}
LOCKED = Reply(200, {"code": 12019005, "message": "product locked", "request_id": "x"})


class Partner:
    """The shop's side of the Partner API: uploads and edits, signed; `refuse_edits` answers
    that many edits with a code that is not retried, `flaky` answers that many requests
    of any kind with `flaky_reply` first (a rate limit, a 5xx)."""

    def __init__(self) -> None:
        self.uploads: list[bytes] = []
        self.edits: list[dict] = []
        self.refuse_edits = 0
        self.flaky = 0
        self.flaky_reply = Reply(503, "upstream unavailable")
        self.uri_prefix = "tos-img/"  # what each upload's uri starts with

    def routes(self) -> dict[str, Route]:
        """The upload and edit routes, behind TikTok's signature and token checks."""

        def upload(req: Request) -> Reply:
            if self.flaky:
                self.flaky -= 1
                return self.flaky_reply
            assert b'name="use_case"' in req.body and b"MAIN_IMAGE" in req.body
            self.uploads.append(req.body)
            return success({"uri": f"{self.uri_prefix}{len(self.uploads)}"})

        def edit(req: Request) -> Reply:
            if self.flaky:
                self.flaky -= 1
                return self.flaky_reply
            if self.refuse_edits:
                self.refuse_edits -= 1
                return LOCKED
            self.edits.append(req.json())
            return success({"product_id": "1729001"})

        return {UPLOAD: signed(upload), EDIT: signed(edit)}

    def serve(self):  # type: ignore[no-untyped-def]
        """The local server answering as this partner."""
        return serve(self.routes())


def shop_settings(
    tmp_path: Path, kind: str, partner_url: str = "http://127.0.0.1:9", publish: str = ""
) -> Settings:
    """A Malaysian shop publishing with `kind` (`publish`: more of its [shops.publish]),
    exports below tmp_path/export."""
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.publish]\nkind = "{kind}"\nexport_dir = "export"\n{publish}'
        f'[shops.tiktok]\nbase_url = "{partner_url}"\napp_key_env = "ACME_TTS_APP_KEY"\n'
        'app_secret_env = "ACME_TTS_APP_SECRET"\naccess_token_env = "ACME_TTS_TOKEN"\n'
        'shop_cipher = "ROW_1"\ntimeout = 2\n',
        encoding="utf-8",
    )
    return load(config)


def stored_work(engine: Engine, settings: Settings, shop: ShopSettings, tmp_path: Path) -> Work:
    """An approved item with two main images, stored, as a publisher is handed it."""
    images = []
    for n in (1, 2):
        path = tmp_path / f"main-{n}.jpg"
        photo(seed=n * 40).save(path)
        images.append(path)
    register_shops(engine, settings, [shop])
    with session_scope(engine) as session:
        listing = Listing(
            shop_id=shop.id, product_id="1729001", sku="SKU-1", title="保温杯", source_hash="a" * 64
        )
        session.add(listing)
        session.flush()
        item = LocalizationItem(
            listing_id=listing.id,
            shop_id=shop.id,
            language="ms",
            source_hash="a" * 64,
            state=ItemState.APPROVED,
            title="Botol Termos ACME 500ml",
            description="<p>Kekal panas 12 jam.</p>",
        )
        session.add(item)
        session.flush()
        item_id = item.id
    assert item_id is not None
    return Work(
        item_id=item_id,
        shop_id=shop.id,
        product_id="1729001",
        sku="SKU-1",
        language="ms",
        title="Botol Termos ACME 500ml",
        description="<p>Kekal panas 12 jam.</p>",
        images=tuple(images),
        content_hash=hashlib.sha256(b"version 1").hexdigest(),
    )


def approved_items(engine: Engine, settings: Settings, tmp_path: Path, count: int) -> list[int]:
    """`count` approved items of the drinkware category, two main images each."""
    shop = settings.shops[0]
    register_shops(engine, settings, [shop])
    images = []
    for n in (1, 2):
        photo(seed=n * 40).save(tmp_path / f"main-{n}.jpg")
        images.append(str(tmp_path / f"main-{n}.jpg"))
    ids = []
    with session_scope(engine) as session:
        for n in range(count):
            listing = Listing(
                shop_id=shop.id,
                product_id=f"p{n}",
                sku=f"SKU-{n}",
                title="保温杯",
                images=images,
                category="drinkware",
                source_hash=f"{n:064d}",
            )
            session.add(listing)
            session.flush()
            item = LocalizationItem(
                listing_id=listing.id,
                shop_id=shop.id,
                language="ms",
                source_hash=f"{n:064d}",
                state=ItemState.APPROVED,
                title=f"{TITLE} {n}",
                description="<p>Kekal panas 12 jam.</p>",
                images=images,
            )
            session.add(item)
            session.flush()
            assert item.id is not None
            ids.append(item.id)
    return ids


def recorded(engine: Engine, item_id: int) -> list[str]:
    """The steps recorded for an item, in order."""
    with read_scope(engine) as session:
        rows = session.exec(
            select(PublishRecord.detail)
            .where(PublishRecord.item_id == item_id)
            .order_by(PublishRecord.id)
        )
        return list(rows)


# A Seller Center bulk-listing template as TikTok Shop ships it: a title row, the header
# row, a mandatory/optional row, an instruction row and an example above the data; a
# drop-down on the Category column; a hidden sheet the drop-down reads from.
TEMPLATE_HEADERS = (
    ["Category", "Brand", "Product Name", "Product Description", "Main Product Image"]
    + [f"Product Image {n}" for n in range(2, 10)]
    + ["Package Weight(g)", "Retail Price (Local Currency)", "Quantity", "Seller SKU"]
)


def bulk_template(path: Path, category: str, *, headers: list[str] | None = None) -> Path:
    """Write a bulk-listing template for one category, as Seller Center's download is laid
    out; returns the path."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Template"
    names = headers or TEMPLATE_HEADERS
    sheet.append(["TikTok Shop bulk listing - do not add, remove or reorder rows or columns"])
    sheet.append(names)
    sheet.append(["Mandatory" if n != "Brand" else "Optional" for n in names])
    sheet.append(["Enter the title of your product." for _ in names])
    sheet.append([category, "", "Example product", "<p>Example</p>", "https://example.com/1.jpg"])
    sheet.column_dimensions["C"].width = 48
    drop_down = DataValidation(type="list", formula1="=Categories!$A$1:$A$2", allow_blank=True)
    drop_down.add("A6:A1000")
    sheet.add_data_validation(drop_down)
    lists = book.create_sheet("Categories")
    lists.append([category])
    lists.append(["Other (000000)"])
    lists.sheet_state = "hidden"
    book.create_sheet("Guide").append(["Upload images to the Media Center and paste the URLs."])
    book.save(path)
    return path

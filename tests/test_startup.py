"""What a command imports before it answers: every command starts a fresh Python, so a
module it does not need costs its import on every run (`cadence status` for 1,000 shops
has one second; tests/bench/bench_status.py measures it)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.db import open_store, session_scope
from store.models import Decision, ItemState, Listing, LocalizationItem, ReviewDecision, Shop

ROOT = Path(__file__).resolve().parent.parent


def modules_after(
    program: str, args: list[str], tmp_path: Path, environ: dict[str, str] | None = None
) -> tuple[int, set[str]]:
    """Run `program args` in a fresh Python (with `environ` added to the environment): its
    exit code and every module it imported."""
    listing = tmp_path / "modules.txt"
    probe = (
        "import sys\n"
        "from config.cli import main\n"
        f"from {program}.cli import app\n"
        f"code = main(app, {args!r})\n"
        f"open({str(listing)!r}, 'w').write('\\n'.join(sys.modules))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(environ or {})},
    )
    assert listing.exists(), done.stderr
    return done.returncode, set(listing.read_text(encoding="utf-8").split())


def test_status_reads_the_store_without_the_orm_alembic_or_the_alert_machinery(
    db_url: str, tmp_path: Path
) -> None:
    """SQLModel, the ORM and the tables' classes, Alembic (the store is current), the
    outbox and notifiers: none of it is needed to say where each shop stands."""
    open_store(db_url).dispose()  # migrated: the command only checks the revision
    shops = tmp_path / "shops.toml"
    shops.write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8")
    args = ["status", "--json", "--config", str(shops), "--db", db_url]
    code, loaded = modules_after("cadence", args, tmp_path)
    assert code == 0
    unneeded = {"sqlmodel", "sqlalchemy.orm", "alembic", "store.models", "cadence.service"}
    assert sorted(loaded & unneeded) == []


def test_the_review_app_leaves_images_and_settings_to_whoever_needs_them() -> None:
    """textual-image (and its questions to the terminal) is loaded in a thread while the
    rest loads (localize.terminal_images), and the settings only from a shops file; nothing
    asks for NumPy, which that thread holds off while it loads."""
    probe = "import sys, localize.review_ui; print(' '.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "localize.review_ui.app" in loaded
    assert sorted(loaded & {"textual_image", "numpy", "config.settings"}) == []


def waiting(engine: Engine) -> None:
    """One item waiting for review (version 3, rejected at version 1 for its title)."""
    with session_scope(engine) as s:
        s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
        s.flush()
        listing = Listing(shop_id="acme-th", product_id="p1", title="保温杯", source_hash="h")
        s.add(listing)
        s.flush()
        item = LocalizationItem(
            listing_id=listing.id,
            shop_id="acme-th",
            language="th",
            source_hash="h",
            state=ItemState.TRANSLATED,
            title="กระบอกน้ำ",
            version=3,
            revision=2,
        )
        s.add(item)
        s.flush()
        s.add(
            ReviewDecision(
                item_id=item.id,
                reviewer="nok",
                decision=Decision.REJECT,
                reason="stiff tone",
                item_version=1,
                detail={"version": 1, "fields": ["title"]},
                at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            )
        )


def test_the_review_claims_and_opens_its_first_item_without_the_orm_checks_or_pillow(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """What `localize review` does before its first paint (claim the next item, gather its
    screen, with the rejection its text came after) reads through SQLAlchemy Core: SQLModel
    and the tables' classes, the checks (config.markets, pydantic) and Pillow wait for a
    decision, an edit or the pictures."""
    waiting(engine)
    probe = (
        "import sys\n"
        "from localize import review\n"
        "from localize.review_ui import ReviewApp\n"
        "from localize.review_ui.opened import open_item\n"
        "from store.db import open_store\n"
        f"store = open_store({db_url!r})\n"
        "entry = review.claim_next(store, reviewer='ploy')\n"
        "shown = open_item(store, entry).entry\n"
        "print(shown.item.title, shown.listing.title, shown.position, shown.waiting)\n"
        "print(shown.as_dict()['version'], shown.rejected())\n"
        "print(' '.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    shown, rejection, modules = done.stdout.splitlines()
    assert shown == "กระบอกน้ำ 保温杯 1 1"
    assert rejection == (
        "2 {'by': 'nok', 'at': datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.timezone.utc), "
        "'reason': 'stiff tone', 'fields': ['title'], 'images': [], 'version': 1}"
    )
    unneeded = {"sqlmodel", "sqlalchemy.orm", "store.models", "localize.text.checks", "pydantic"}
    assert sorted(set(modules.split()) & (unneeded | {"PIL"})) == []


def test_an_approval_from_a_script_writes_without_building_the_tables_classes(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """`localize review approve ID`, one item per command in a reviewer's script: the
    change, its history entry and the decision are written through Core, so the command
    does not build the tables' classes (store.models, a tenth of its CPU) for them."""
    waiting(engine)
    args = ["review", "approve", "1", "--reviewer", "ploy", "--db", db_url]
    code, loaded = modules_after("localize", args, tmp_path)
    assert code == 0
    assert sorted(loaded & {"store.models", "store.queries"}) == []
    with session_scope(engine) as s:
        item = s.get(LocalizationItem, 1)
        assert item is not None and item.state == ItemState.APPROVED


def test_reading_a_jpeg_or_png_loads_no_other_format_plugin(tmp_path: Path) -> None:
    """Given a format it has not loaded, Pillow loads all of its ~40 plugins: a JPEG or a
    PNG loads only the common ones (and no colour management, no EXIF turning), while a
    WebP and a TIFF still open as themselves."""
    from PIL import Image

    picture = Image.new("RGB", (64, 48), (200, 30, 40))
    for name in ("a.png", "a.jpg", "a.webp", "a.tif"):
        picture.save(tmp_path / name, **({"lossless": True} if name.endswith("webp") else {}))
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from localize.image.inputs import load_image\n"
        f"folder = Path({str(tmp_path)!r})\n"
        "for name in ('a.png', 'a.jpg'):\n"
        "    load_image(folder / name)\n"
        "print(' '.join(m for m in sys.modules if m.startswith('PIL.')))\n"
        "for name in ('a.webp', 'a.tif'):\n"
        "    img = load_image(folder / name).image\n"
        "    print(name, img.mode, img.size, img.getpixel((5, 5)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded, *opened = done.stdout.splitlines()
    unneeded = {"PIL.TiffImagePlugin", "PIL.WebPImagePlugin", "PIL.ImageCms", "PIL.ImageOps"}
    assert sorted(set(loaded.split()) & unneeded) == []
    assert opened == [
        "a.webp RGB (64, 48) (200, 30, 40)",
        "a.tif RGB (64, 48) (200, 30, 40)",
    ]


@pytest.mark.parametrize(
    "args",
    [["--erase-only"], ["--to", "en", "--caption", "Free shipping"]],
    ids=["clean plate", "caption"],
)
def test_an_image_command_without_a_shop_opens_no_store_and_no_settings(
    args: list[str], tmp_path: Path
) -> None:
    """`localize image` without --shop (the clean plate, a caption given as is) needs no
    store, no translation machinery and no shops file: every one-off run would pay their
    imports (SQLAlchemy, the tables' classes, Alembic) for nothing, and none of the daemon's
    or the review UI's (APScheduler, Apprise, Textual)."""
    from PIL import Image

    src = tmp_path / "a.png"
    Image.new("RGB", (320, 320), (240, 240, 240)).save(src)
    code, loaded = modules_after(
        "localize",
        ["image", str(src), "-o", str(tmp_path / "out.png"), *args],
        tmp_path,
        {"SHOPBOT_HOME": str(tmp_path / "home")},
    )
    assert code == 0
    unneeded = {
        "sqlalchemy",
        "sqlmodel",
        "alembic",
        "store.db",
        "store.models",
        "config.settings",
        "localize.text.service",
        "localize.text.memory",
        "apscheduler",
        "apprise",
        "textual",
    }
    assert sorted(loaded & unneeded) == []

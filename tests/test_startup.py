"""What a command imports before it answers: every command starts a fresh Python, so a
module it does not need costs its import on every run (`cadence status` for 1,000 shops
has one second; tests/bench/bench_status.py measures it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from store.db import open_store

ROOT = Path(__file__).resolve().parent.parent


def modules_after(program: str, args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """Run `program args` in a fresh Python: its exit code and every module it imported."""
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
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
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
    """textual-image (NumPy, and its questions to the terminal) is loaded in a thread while
    the rest loads (localize.terminal_images), and the settings only from a shops file."""
    probe = "import sys, localize.review_ui; print(' '.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "localize.review_ui.app" in loaded
    assert sorted(loaded & {"textual_image", "numpy", "config.settings"}) == []

"""The export publisher: one folder per item version with its images, a JSON listing file
and a CSV ready for Seller Center's bulk edit, written whole or not at all."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from config.i18n import msg
from config.runtime import process_alive
from config.settings import Settings, ShopSettings, export_folder
from localize.image.outputs import distinct_name
from localize.publish import HOLD, PublishError, Steps, Work

MANIFEST = "manifest.json"  # what the export wrote, file by file, for which item version
PART = ".part"
# A folder being written: .NAME.HOST-PID-TOKEN.part (HOST a digest: no dots in it).
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_PART = re.compile(r"^\..+\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]{8}\.part$")

# A cell a spreadsheet would run as a formula (CSV injection): kept as text with a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("product_id", "sku", "language", "title", "description") + tuple(
    f"main_image_{n}" for n in range(1, 10)
)


def neutralise(cell: str) -> str:
    """A cell that cannot start a formula in Excel or Sheets."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


@dataclass
class ExportPublisher:
    """Writes approved items into `folder`, one sub-folder per item version."""

    folder: Path
    kind: str = "export"
    _swept: bool = field(default=False, init=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, shop: ShopSettings) -> ExportPublisher:
        """The shop's export folder: `export_dir` (relative to the shops file), else
        out/SHOP beside the shops file."""
        return cls(export_folder(settings, shop))

    def publish(self, work: Work, steps: Steps) -> str:
        """Write the item's folder (once per version: done when its manifest says so)."""
        if not self._swept:  # once a run, before it writes anything of its own
            self.sweep()
            self._swept = True
        target = self._target(work, steps)
        step = f"export:{target.name}"
        if not exported(target, work):
            self._write(work, target)
        elif steps.done(step) is not None:
            return str(target)
        steps.record(step, str(target))
        return str(target)

    def _target(self, work: Work, steps: Steps) -> Path:
        """This version's folder: its name from distinct_name, unless the version was
        exported before under the name exports gave it until trial 31 (`-3-th-...` for
        product 产品-3): the store's record of it, or its folder as written, keeps it
        there, so a re-export finds its folder rather than writing a second one."""
        whole = f"{work.product_id}\n{work.language}\n{work.content_hash}"
        target = self.folder / distinct_name(work.name, key=whole)
        before = self.folder / _name_before_31(work.name, whole)
        if before != target and (
            steps.done(f"export:{before.name}") is not None or exported(before, work)
        ):
            return before
        return target

    def sweep(self, now: float | None = None) -> list[str]:
        """Remove the `.part` files and folders runs which died left behind (`leftovers`)."""
        return leftovers(self.folder, now)

    def _write(self, work: Work, target: Path) -> None:
        tmp = target.with_name(part_name(target.name, os.getpid()))
        try:
            tmp.mkdir(parents=True)
            names = []
            for n, image in enumerate(work.images, start=1):
                name = f"{n}{image.suffix.lower() or '.jpg'}"
                shutil.copyfile(image, tmp / name)
                names.append(name)
            listing = {
                "product_id": work.product_id,
                "sku": work.sku,
                "language": work.language,
                "title": work.title,
                "description": work.description,
                "main_images": names,
            }
            (tmp / "listing.json").write_text(
                json.dumps(listing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            (tmp / "listing.csv").write_text(_csv(listing, names), encoding="utf-8-sig")
            files = {name: _digest(tmp / name) for name in [*names, "listing.json", "listing.csv"]}
            (tmp / MANIFEST).write_text(
                json.dumps({**_identity(work), "files": files}, ensure_ascii=False, indent=2)
                + "\n",
                encoding="utf-8",
            )
            _clear(target, secrets.token_hex(4))
            os.rename(tmp, target)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise PublishError(
                msg(
                    "export to {path}: {problem}",
                    path=str(target),
                    problem=exc.strerror or str(exc),
                )
            ) from None


_UNSAFE_BEFORE_31 = re.compile(r"[^A-Za-z0-9._-]+")


def _name_before_31(name: str, key: str, limit: int = 100) -> str:
    """The folder name distinct_name gave `name` before names could not start with `-`
    (kept as it was: the folders exported so are found under it)."""
    cleaned = (_UNSAFE_BEFORE_31.sub("_", name).strip("._") or "image")[:100]
    if cleaned == name and name == name.lower() and len(name) <= limit:
        return name
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{cleaned[: limit - len(digest) - 1]}-{digest}"


def leftovers(folder: Path, now: float | None = None) -> list[str]:
    """Remove the `.part` files and folders that runs which died left in `folder` (item
    folders, workbooks, manifests): this machine's whose process has ended, and any older
    than a publisher's hold on an item (whoever wrote it has lost the item by then); the
    names removed."""
    cutoff = (time.time() if now is None else now) - HOLD.total_seconds()
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet: nothing left over
        return []
    removed = []
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(PART)):
            continue
        mine = _PART.match(entry.name)
        try:
            old = entry.stat(follow_symlinks=False).st_mtime < cutoff
        except OSError:
            continue
        dead = bool(mine and mine["host"] == _HOST and not process_alive(int(mine["pid"])))
        if not (old or dead):
            continue
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)  # never into what a link points at
        else:
            shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.name)
    return removed


def part_name(name: str, pid: int) -> str:
    """The folder a run (its process `pid`, on this machine) writes `name` under until it
    is whole: `sweep` tells from it whether the run still lives."""
    return f".{name}.{_HOST}-{pid}-{secrets.token_hex(4)}{PART}"


def exported(target: Path, work: Work) -> bool:
    """Whether `target` is this item version's folder as an export wrote it: a folder, not
    a link, whose manifest names this version and whose files are those it lists."""
    try:
        if target.is_symlink() or not target.is_dir() or (target / MANIFEST).is_symlink():
            return False
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        files = manifest.pop("files")
        if manifest != _identity(work) or not isinstance(files, dict) or not files:
            return False
        for name, digest in files.items():
            path = target / name
            if path.parent != target or path.is_symlink() or _digest(path) != digest:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def _identity(work: Work) -> dict[str, object]:
    """What a manifest says the folder holds: which item, in which version."""
    return {
        "item_id": work.item_id,
        "product_id": work.product_id,
        "language": work.language,
        "content_hash": work.content_hash,
    }


def _digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _clear(target: Path, token: str) -> None:
    """Make room at `target` for the new folder: a link or file there is removed (never
    followed); a folder that is not this version's export is moved aside beside it, kept."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        target.unlink()
    elif target.is_dir():
        target.rename(target.with_name(f".{target.name}.{token}.replaced"))


def _csv(listing: dict[str, object], images: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    cells = [str(listing[c]) for c in CSV_COLUMNS[:5]] + images + [""] * (9 - len(images))
    writer.writerow([neutralise(c) for c in cells])
    return buf.getvalue()

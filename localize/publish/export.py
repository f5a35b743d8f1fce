"""The export publisher: one folder per item version with its images, a JSON listing file
and a CSV ready for Seller Center's bulk edit, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings, ShopSettings
from localize.image.outputs import safe_name
from localize.publish import PublishError, Steps, Work

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

    @classmethod
    def from_settings(cls, settings: Settings, shop: ShopSettings) -> ExportPublisher:
        """The shop's export folder: `export_dir` (relative to the shops file), else
        out/SHOP beside the shops file."""
        base = Path(settings.path).parent
        folder = Path(shop.publish.export_dir) if shop.publish.export_dir else Path("out") / shop.id
        return cls(folder if folder.is_absolute() else base / folder)

    def publish(self, work: Work, steps: Steps) -> str:
        """Write the item's folder (once per version)."""
        target = self.folder / safe_name(work.name, "")
        step = f"export:{target.name}"
        if steps.done(step) is not None and target.is_dir():
            return str(target)
        if not target.is_dir():  # a folder already there was renamed in whole: it is complete
            self._write(work, target)
        steps.record(step, str(target))
        return str(target)

    def _write(self, work: Work, target: Path) -> None:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
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
            os.rename(tmp, target)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise PublishError(f"export to {target}: {exc.strerror or exc}") from None


def _csv(listing: dict[str, object], images: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    cells = [str(listing[c]) for c in CSV_COLUMNS[:5]] + images + [""] * (9 - len(images))
    writer.writerow([neutralise(c) for c in cells])
    return buf.getvalue()

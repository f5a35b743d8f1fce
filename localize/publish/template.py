"""Seller Center bulk listing: the seller's own downloaded template, filled.

TikTok Shop's bulk-listing template is an .xlsx per leaf category with instruction rows
above and below its header row, drop-downs on its columns and other sheets it reads; rows
or columns added, removed or reordered make Seller Center refuse it. So the columns are
found by their header names, one row per item (the latest version of each product) goes
below the rows already there, and nothing else in the workbook is touched. Each run writes
a new file (the template and earlier runs' files are never overwritten) beside a manifest
of what went in (and inside it: a workbook in the folder says itself which item versions
it holds, so a run killed before it could record them writes none of them twice). Items
are published only once the file holding them exists; an older version of a product the
run wrote a newer one of goes stale.

openpyxl keeps the cells, styles, column widths, data validations (drop-downs), merged
cells, defined names, hidden sheets, sheet protection and conditional formatting; it drops
pictures, charts and shapes drawn on a sheet (Seller Center's templates carry none).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from config.i18n import Msg, msg
from config.runtime import Secrets, utcnow
from config.settings import Settings, ShopSettings, TemplateSettings, export_folder
from localize.image.outputs import ascii_name, safe_name
from localize.publish import PublishError, RunEnd, Steps, Unchanged, Work
from localize.publish.export import (
    CSV_COLUMNS,
    ExportPublisher,
    leftovers,
    neutralise,
    part_name,
)
from localize.publish.imagehost import ImageHost

IMAGE_FIELDS = ("main_image",) + tuple(f"image_{n}" for n in range(2, 10))
# Seller Center's English headers -> our fields. Other headers (another language, a
# changed template) are mapped in [shops.publish.template_columns].
HEADERS = {
    "Category": "category",
    "Product Name": "product_name",
    "Product Description": "description",
    "Main Product Image": "main_image",
    "Seller SKU": "sku",
} | {f"Product Image {n}": f"image_{n}" for n in range(2, 10)}
HEADER_ROWS = 30  # the header row is looked for among the first rows of each sheet
STEP = "template"
MANIFEST_PROPERTY = "shopbot-manifest"  # a workbook's own copy of its manifest
_PROPERTIES = "docProps/custom.xml"
_PROPERTIES_MAX = 64 * 2**20  # a manifest of many thousand items fits; a bomb does not
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV}
EXCEL_CELL_MAX = 32767
# Characters an .xlsx cell cannot hold (openpyxl refuses them): control characters.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_T = TypeVar("_T")


def header_key(text: object) -> str:
    """A header as compared: case, spaces and the mandatory-field asterisk ignored."""
    return re.sub(r"[\s*＊]+", "", str(text or "")).casefold()


@dataclass(frozen=True)
class Layout:
    """Where a template's data goes: the sheet, the header row, our fields' columns and the
    first row below everything already written."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # field -> column number (1-based)
    next_row: int


def find_layout(workbook: Any, names: dict[str, str], shown: str) -> Layout:
    """The sheet and row holding the known headers (product name and at least one other);
    PublishError naming the file and what to do when there is none."""
    known = {header_key(k): v for k, v in names.items()}
    sheets = sorted(workbook.worksheets, key=lambda ws: ws.sheet_state != "visible")
    for ws in sheets:
        for row in ws.iter_rows(min_row=1, max_row=HEADER_ROWS):
            columns: dict[str, int] = {}
            for cell in row:
                found = known.get(header_key(cell.value))
                if found and found not in columns:
                    columns[found] = cell.column
            if "product_name" in columns and len(columns) >= 2:
                header_row = row[0].row
                return Layout(ws.title, header_row, columns, _below(ws, header_row))
    raise PublishError(
        msg(
            "template {path}: no header row with 'Product Name' and the other columns "
            "(looked at the first {rows} rows of every sheet); download the category's "
            "bulk-listing template again from Seller Center, or map its headers onto ours in "
            '[shops.publish.template_columns] (e.g. "商品名称" = "product_name")',
            path=shown,
            rows=HEADER_ROWS,
        )
    )


def _below(ws: Any, header_row: int) -> int:
    """The first row after the header row and every row already filled (instructions,
    examples): a drop-down or a style alone does not make a row filled."""
    last = header_row
    for row in ws.iter_rows(min_row=header_row + 1):
        if any(c.value not in (None, "") for c in row):
            last = row[0].row
    return last + 1


def _cell(text: str) -> str:
    """Text as a cell holds it: no formula, no control character, within Excel's limit."""
    return neutralise(_ILLEGAL.sub("", text))[:EXCEL_CELL_MAX]


def save_new(
    workbook: Any, folder: Path, stem: str, when: datetime, manifest: dict[str, Any]
) -> tuple[Path, Msg | None]:
    """Save under a name no earlier run used (`stem-YYYYmmdd-HHMMSS[-n].xlsx`), its
    manifest inside it and beside it (.json): written to a temporary name, then linked
    into place, which never replaces a file.

    The workbook carries its own manifest (a custom document property) so that it and what
    it lists come into place as one file: a run killed before its .json is written leaves a
    workbook the next run still reads as holding its items (`listed`). So a .json that
    cannot be written fails nothing: what the seller should know about it is returned."""
    _embed(workbook, manifest)
    # named as an export's .part folder is, so the next export run removes it if this one dies
    tmp = folder / part_name(f"{stem}.xlsx", os.getpid())
    try:
        folder.mkdir(parents=True, exist_ok=True)  # a file in its place is said, not a crash
        workbook.save(tmp)
        base = f"{stem}-{when:%Y%m%d-%H%M%S}"
        for n in range(1, 1000):
            target = folder / (f"{base}.xlsx" if n == 1 else f"{base}-{n}.xlsx")
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            except OSError as exc:  # no hard links here (exFAT, some network shares)
                if exc.errno not in _NO_LINKS or target.exists():
                    raise
                os.rename(tmp, target)
            break
        else:
            raise PublishError(
                msg("{folder}: too many files named {base}-*.xlsx", folder=str(folder), base=base)
            )
    except OSError as exc:
        raise PublishError(
            msg(
                "workbook in {folder}: {problem}",
                folder=str(folder),
                problem=exc.strerror or str(exc),
            )
        ) from None
    finally:
        with contextlib.suppress(OSError):  # no folder: nothing was written
            tmp.unlink(missing_ok=True)
    try:
        write_manifest(target, {"file": str(target)} | manifest)
    except PublishError as exc:
        # the workbook is in place and carries the manifest: its items are written
        return target, msg(
            "{name}: the manifest beside it was not written ({problem}); the workbook "
            "holds it as well",
            name=target.name,
            problem=exc.text,
        )
    return target, None


def _embed(workbook: Any, manifest: dict[str, Any]) -> None:
    """The manifest as the workbook's own custom document property (Seller Center reads
    the sheets, not the properties); one a template already carried is replaced."""
    from openpyxl.packaging.custom import StringProperty

    props = workbook.custom_doc_props
    props.props = [p for p in props.props if p.name != MANIFEST_PROPERTY]
    text = json.dumps(manifest, ensure_ascii=True, separators=(",", ":"))
    props.append(StringProperty(name=MANIFEST_PROPERTY, value=text))


def write_manifest(workbook: Path, manifest: dict[str, Any]) -> Path:
    """The manifest beside the workbook (same name, .json), written whole or not at all."""
    target = workbook.with_suffix(".json")
    tmp = target.with_name(part_name(target.name, os.getpid()))
    try:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PublishError(
            msg("manifest {path}: {problem}", path=str(target), problem=exc.strerror or str(exc))
        ) from None
    return target


@dataclass(frozen=True)
class Listed:
    """Where a workbook in the export folder holds an item version."""

    book: Path
    sheet: str
    row: int


def listed(folder: Path) -> dict[tuple[int, int, int], Listed]:
    """The item versions the workbooks in an export folder hold (item, reviewer's version,
    lock version) -> where: what each workbook's own manifest lists (else, for one written
    before workbooks carried it, the .json beside it)."""
    found: dict[tuple[int, int, int], Listed] = {}
    try:
        books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("."))
    except OSError:  # no folder yet: no workbook
        return found
    for book in books:
        manifest = manifest_of(book)
        try:
            sheet = str(manifest.get("sheet", ""))
            for entry in manifest["items"]:
                key = (int(entry["item_id"]), int(entry["version"]), int(entry["lock_version"]))
                found.setdefault(key, Listed(book, sheet, int(entry.get("row", 0))))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # not one of our workbooks: it lists nothing
        if not book.with_suffix(".json").exists():  # a run killed before writing it
            with contextlib.suppress(PublishError):  # the workbook holds it: a copy missing
                write_manifest(book, {"file": str(book)} | manifest)
    return found


def manifest_of(book: Path) -> dict[str, Any]:
    """The manifest a workbook of ours carries, else the .json beside it; {} for any other
    file (a seller's, a damaged one, a link)."""
    import defusedxml.ElementTree as SafeTree

    if book.is_symlink() or not book.is_file():
        return {}
    try:
        with zipfile.ZipFile(book) as archive:
            info = archive.getinfo(_PROPERTIES)
            if info.file_size <= _PROPERTIES_MAX:
                root = SafeTree.fromstring(archive.read(info))
                for prop in root:
                    if prop.get("name") == MANIFEST_PROPERTY:
                        found = json.loads("".join(prop.itertext()))
                        if isinstance(found, dict):
                            return found
    except (OSError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile):
        pass  # SyntaxError: ElementTree's ParseError; ValueError: defusedxml's refusals
    try:
        found = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


@dataclass
class Written:
    """What the workbooks in an export folder already hold, read once a run: a run killed
    once its workbook was in place, before its items were marked published, left them
    approved, and they are taken as written there rather than written again (a second
    workbook would make the seller upload them twice)."""

    folder: Path
    found: dict[tuple[int, int, int], Listed] | None = None
    earlier: dict[int, str] = field(default_factory=dict)  # item -> where it already is

    def find(self, work: Work) -> Listed | None:
        """The workbook holding this very version of the item, if one does (the folder
        read at the run's first item, the .part files of runs that died removed first)."""
        if self.found is None:
            leftovers(self.folder)
            self.found = listed(self.folder)
        return self.found.get((work.item_id, work.version, work.lock_version))

    def take(self, work: Work, where: str) -> None:
        """The item counts as written at `where` by an earlier run."""
        self.earlier[work.item_id] = where

    def end(self) -> RunEnd:
        """The items earlier runs wrote, with a note naming each workbook; the folder is
        read again by the next run."""
        end = RunEnd(written=dict(self.earlier))
        books: dict[str, int] = {}
        for where in self.earlier.values():
            name = Path(where.partition("#")[0]).name
            books[name] = books.get(name, 0) + 1
        for name, count in sorted(books.items()):
            end.notes.append(
                msg(
                    "{name} (written by a run that was stopped) already lists {count} of the "
                    "items: they are not written again",
                    name=name,
                    count=count,
                )
            )
        self.found, self.earlier = None, {}
        return end


def latest(held: list[tuple[Work, Steps]]) -> tuple[list[tuple[Work, Steps]], dict[int, Work]]:
    """One item per product and language, the newest; the older ones -> the newer one."""
    newest: dict[tuple[str, str], tuple[Work, Steps]] = {}
    for work, steps in held:
        key = (work.product_id, work.language)
        if key not in newest or newest[key][0].item_id < work.item_id:
            newest[key] = (work, steps)
    kept = {w.item_id for w, _ in newest.values()}
    older = {
        w.item_id: newest[(w.product_id, w.language)][0] for w, _ in held if w.item_id not in kept
    }
    return [h for h in held if h[0].item_id in kept], older


def supersede(end: RunEnd, older: dict[int, Work]) -> None:
    """The older versions of products whose newest one the run wrote are superseded by it
    (never written on their own later, over the newer one); those whose newest one could
    not be written wait with it."""
    for item_id, newer in older.items():
        if newer.item_id in end.written:
            end.written.pop(item_id, None)
            end.superseded[item_id] = msg(
                "superseded by item {newer}, a newer version of product {product}, "
                "published in its place",
                newer=newer.item_id,
                product=newer.product_id,
            )
        else:
            end.failed[item_id] = msg(
                "superseded by item {newer}, a newer version of product {product}; it stays "
                "approved",
                newer=newer.item_id,
                product=newer.product_id,
            )


def missing_template(category: str) -> Msg:
    """Why an item of `category` cannot go into a workbook: the shop has no template for
    it (a real run and a dry run say the same)."""
    return msg(
        "no bulk-listing template for category {category!r}: add one to "
        '[shops.publish.templates] (category = "FILE.xlsx"); the item stays approved',
        category=category,
    )


def refusal(shop: ShopSettings, category: str) -> str | None:
    """What the shop's publisher will refuse an item of `category` for before sending
    anything, or None: a template run, an item whose category has no template."""
    if shop.publish.kind == "template" and shop.publish.template(category) is None:
        return missing_template(category)
    return None


def _folder(settings: Settings, shop: ShopSettings) -> Path:
    return export_folder(settings, shop)


@dataclass
class TemplatePublisher:
    """Fills each category's bulk-listing template with the run's approved items."""

    folder: Path
    templates: Callable[[str], TemplateSettings | None]  # listing category -> template
    base: Path  # template paths are relative to this (the shops file's folder)
    headers: dict[str, str] = field(default_factory=lambda: dict(HEADERS))
    host: ImageHost | None = None
    clock: Callable[[], datetime] = utcnow
    kind: str = "template"
    holds: bool = True
    held: list[tuple[Work, Steps]] = field(default_factory=list)
    written: Written = field(init=False)  # what the folder's workbooks already hold

    def __post_init__(self) -> None:
        self.written = Written(self.folder)

    @classmethod
    def from_settings(
        cls, settings: Settings, shop: ShopSettings, secrets: Secrets
    ) -> TemplatePublisher:
        """The shop's templates, export folder and image host."""
        host = shop.publish.image_host
        return cls(
            folder=_folder(settings, shop),
            templates=shop.publish.template,
            base=Path(settings.path).parent,
            headers=HEADERS | dict(shop.publish.template_columns),
            host=ImageHost.from_settings(host, secrets) if host else None,
        )

    def publish(self, work: Work, steps: Steps) -> str:
        """Take the item in for this run's workbook of its category."""
        template = self.templates(work.category)
        if template is None:
            raise PublishError(missing_template(work.category))
        found = self.written.find(work)
        done = steps.done(STEP)
        if done and Path(done.partition("#")[0]).is_file():
            self.written.take(work, done)  # written before the last run could record it
            return done
        if found is not None:  # written before the last run could record the step even
            ref = f"{found.book}#{found.sheet}!{found.row}"
            steps.record(STEP, ref)
            self.written.take(work, ref)
            return ref
        self.held.append((work, steps))
        return self._path(template)

    def _path(self, template: TemplateSettings) -> str:
        path = Path(template.file)
        return str(path if path.is_absolute() else self.base / path)

    def end_run(self, unchanged: Unchanged | None = None) -> RunEnd:
        """One new workbook per template with the held items; their manifest beside it."""
        # taken out first: a run that dies in here leaves nothing for the next to repeat
        held, self.held = self.held, []
        end = self.written.end()
        kept, older = latest(held)
        groups: dict[str, list[tuple[Work, Steps]]] = {}
        chosen: dict[str, TemplateSettings] = {}
        for work, steps in kept:
            template = self.templates(work.category)
            assert template is not None  # publish() refused the others
            groups.setdefault(self._path(template), []).append((work, steps))
            chosen[self._path(template)] = template
        if self.host is not None:
            self.host.uploaded.clear()
            self.host.found.clear()
        for path, items in groups.items():
            try:
                self._fill(Path(path), chosen[path], items, end, unchanged)
            except PublishError as exc:
                for work, _ in items:
                    end.failed.setdefault(work.item_id, exc.text)
        supersede(end, older)
        if self.host is not None and (self.host.uploaded or self.host.found):
            end.notes.append(
                msg(
                    "images: {uploaded} uploaded to bucket {bucket!r}, {found} already there",
                    uploaded=len(self.host.uploaded),
                    bucket=self.host.settings.bucket,
                    found=len(self.host.found),
                )
            )
        return end

    def _fill(
        self,
        path: Path,
        template: TemplateSettings,
        items: list[tuple[Work, Steps]],
        end: RunEnd,
        unchanged: Unchanged | None,
    ) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = openpyxl.load_workbook(path)
        except FileNotFoundError:
            raise PublishError(
                msg(
                    "template {path} is gone; download the category's bulk-listing template "
                    "from Seller Center again and put it there",
                    path=str(path),
                )
            ) from None
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise PublishError(
                msg(
                    "template {path} cannot be read as an .xlsx workbook ({problem}); download "
                    "it again from Seller Center, or open it in Excel and save it as .xlsx",
                    path=str(path),
                    problem=str(exc),
                )
            ) from None
        layout = find_layout(workbook, self.headers, str(path))
        ws = workbook[layout.sheet]
        when = self.clock()
        stem = safe_name(path.stem, "")
        pictures = self.folder / f"{stem}-{when:%Y%m%d-%H%M%S}-images"
        ready: list[tuple[Work, list[str]]] = []
        for work, steps in items:
            try:
                ready.append((work, self._images(work, steps, pictures)))
            except PublishError as exc:
                end.failed[work.item_id] = exc.text
        ready = _as_read(ready, unchanged, end)  # after the uploads, the run's long part
        rows: list[dict[str, Any]] = []
        row = layout.next_row
        for work, images in ready:
            values = {
                "product_name": work.title,
                "description": work.description,
                "sku": work.sku,
                "category": template.category,
            } | dict(zip(IMAGE_FIELDS, [i if self.host else "" for i in images], strict=False))
            for name, column in layout.columns.items():
                value = values.get(name)
                if value:
                    ws.cell(row=row, column=column, value=_cell(value))
            rows.append(
                {
                    "item_id": work.item_id,
                    "product_id": work.product_id,
                    "sku": work.sku,
                    "language": work.language,
                    "version": work.version,  # the reviewer's (review show's "version")
                    "lock_version": work.lock_version,
                    "content_hash": work.content_hash,
                    "row": row,
                    "images": images,
                }
            )
            row += 1
        if not rows:
            return
        target, trouble = save_new(
            workbook,
            self.folder,
            stem,
            when,
            {
                "template": str(path),
                "sheet": layout.sheet,
                "written_at": when.isoformat(),
                "image_urls": self.host is not None,
                "items": rows,
            },
        )
        end.files.append(str(target))
        if trouble is not None:
            end.notes.append(trouble)
        if self.host is None:
            end.notes.append(
                msg(
                    "{name}: the image columns are left for the Media Center: upload the "
                    "images in {pictures} (named SKU-position) in Seller Center's Media Center "
                    "and paste their URLs, or set [shops.publish] image_host to have them filled",
                    name=target.name,
                    pictures=str(pictures),
                )
            )
        by_id = {w.item_id: s for w, s in items}
        for entry in rows:
            ref = f"{target}#{layout.sheet}!{entry['row']}"
            by_id[entry["item_id"]].record(STEP, ref)
            end.written[entry["item_id"]] = ref

    def _images(self, work: Work, steps: Steps, pictures: Path) -> list[str]:
        """The item's images as URLs on the image host, or copied beside the workbook; the
        run's hold on its items renewed as each goes (a run of many uploads outlives one)."""
        if self.host is not None:
            urls = []
            for image in work.images[: len(IMAGE_FIELDS)]:
                steps.working()
                urls.append(self.host.url(image))
            return urls
        names = []
        pictures.mkdir(parents=True, exist_ok=True)
        for n, image in enumerate(work.images[: len(IMAGE_FIELDS)], start=1):
            steps.working()
            key = ascii_name(work.sku or work.product_id)  # two Chinese SKUs: two names
            name = f"{key}-{n}{image.suffix.lower() or '.jpg'}"
            try:
                shutil.copyfile(image, pictures / name)
            except OSError as exc:
                raise PublishError(
                    msg(
                        "image {path}: {problem}", path=str(image), problem=exc.strerror or str(exc)
                    )
                ) from None
            names.append(str(pictures / name))
        return names


@dataclass
class ExportWithWorkbook(ExportPublisher):
    """The export folders, and one workbook per run of what went out (the latest version of
    each product), with our own columns.

    An item is published only once the run's workbook is written (`holds`): a run killed
    between its folders and its workbook leaves them approved, and the next run finds their
    folders done and puts them in its workbook. The store says what still needs a workbook
    (sellers move uploaded workbooks away); a run killed after its workbook was in place but
    before its items were marked leaves them approved, so a workbook still in the folder that
    lists the very version of an item counts as its workbook (`Written`, as for templates)."""

    holds: bool = True
    sent: list[tuple[Work, Steps, str]] = field(default_factory=list)
    clock: Callable[[], datetime] = utcnow
    written: Written = field(init=False)  # what the folder's workbooks already hold

    def __post_init__(self) -> None:
        self.written = Written(self.folder)

    def publish(self, work: Work, steps: Steps) -> str:
        """The item's folder, remembered for the run's workbook (unless a workbook in the
        folder already lists this very version of it)."""
        where = super().publish(work, steps)
        found = self.written.find(work)
        if found is not None:
            self.written.take(work, str(found.book))
            return where
        self.sent.append((work, steps, where))
        return where

    def end_run(self, unchanged: Unchanged | None = None) -> RunEnd:
        """listings-TIME.xlsx in the export folder, with its manifest; the items are written
        once it is (an older version of a product too: its folder is, and the workbook has
        the newest), and wait for the next run's workbook when it cannot be."""
        end = self.written.end()
        if not self.sent:  # nothing went out: no workbook (and openpyxl not loaded for it)
            return end
        import openpyxl

        when = self.clock()
        sent = _as_read([(w, (s, f)) for w, s, f in self.sent], unchanged, end)
        self.sent.clear()
        where = {w.item_id: f for w, (_, f) in sent}
        kept, older = latest([(w, s) for w, (s, _) in sent])
        workbook = openpyxl.Workbook()
        ws = workbook.active
        ws.title = "listings"
        ws.append(list(CSV_COLUMNS))
        rows = []
        for row, (work, _) in enumerate(kept, start=2):
            folder = Path(where[work.item_id])
            names = [str(folder.relative_to(self.folder) / n) for n in _images_of(folder)][:9]
            cells = [work.product_id, work.sku, work.language, work.title, work.description]
            ws.append([_cell(c) for c in cells + names])
            rows.append(
                {
                    "item_id": work.item_id,
                    "product_id": work.product_id,
                    "version": work.version,  # the reviewer's (review show's "version")
                    "lock_version": work.lock_version,
                    "content_hash": work.content_hash,
                    "row": row,
                    "folder": str(folder),
                }
            )
        try:
            target, trouble = save_new(workbook, self.folder, "listings", when, {"items": rows})
        except PublishError as exc:
            why = msg("the run's workbook was not written: {problem}", problem=exc.text)
            end.failed = dict.fromkeys(where, why)
            return end
        end.written |= where
        supersede(end, older)
        end.files.append(str(target))
        if trouble is not None:
            end.notes.append(trouble)
        return end


def _as_read(
    items: list[tuple[Work, _T]], unchanged: Unchanged | None, end: RunEnd
) -> list[tuple[Work, _T]]:
    """The items still as the run read them (all, when nobody can say); the others are
    left out of the workbook and named in `end.changed`."""
    if unchanged is None or not items:
        return items
    still = unchanged([w.item_id for w, _ in items])
    end.changed |= {w.item_id for w, _ in items if w.item_id not in still}
    return [(w, t) for w, t in items if w.item_id in still]


def _images_of(folder: Path) -> list[str]:
    """The image file names an export folder's listing.json lists, in order."""
    try:
        listing = json.loads((folder / "listing.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    images = listing.get("main_images") if isinstance(listing, dict) else None
    return [n for n in images if isinstance(n, str)] if isinstance(images, list) else []

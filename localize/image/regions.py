"""The plan for the text already on an image: which regions are replaced by which
translation, which are left (kept by a reviewer, read with low confidence, not Chinese,
or whose translation failed its checks), and the records the review queue reads.

A review record is plain JSON, one per region:
`{"polygon", "box", "text", "confidence", "translation", "keep", "status", "kind"}` (and
`reason` when untranslated, and `engine_failed` when an engine's failure, not a check, left
it so: the next run asks it again) where `status` is replaced | kept | low_confidence |
not_chinese | untranslated and `kind` is overlay (the supplier's text, replaced), printing
(the product's own label, kept unless a reviewer gives it a translation) or price (a yuan
price, converted to the market's currency or untranslated); an untranslated region is
Chinese (or a yuan price) left on the image, an error. A reviewer's edit (a new
translation, or `keep`) is honoured on the next render by matching text and box.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from config.i18n import SEMICOLON, Joined, Msg, Text, msg, stored
from localize.image import emphasis
from localize.image.curves import is_curved
from localize.image.emphasis import ColourRun
from localize.image.findings import CHINESE_LEFT, FINDING, image_finding
from localize.image.ocr import Region, has_chinese
from localize.image.product import OVERLAY, PRICE, PRINTING
from localize.image.replace import RegionPlan
from localize.prices import Prices, pieces, yuan_price, yuan_prices

# A region's text -> its translation, or None with the reasons it cannot be used (with a
# translation: what is to be said of it, e.g. an emoji cleaning took out of it).
Translate = Callable[[str], tuple[str | None, list[Text]]]
NO_RATE = Prices()  # no rate given: no yuan price is converted
UNTRANSLATED = "untranslated"  # Chinese a buyer will still see: the image is not compliant
ERASED = "erased"  # the clean plate: the region erased, nothing drawn
NOT_CHINESE = "not_chinese"  # a region read with no Chinese in it: Latin text, numbers
NOT_WRITTEN = "not_written"  # its file failed: nothing written, the region is as it was


class EngineDown(str):
    """A reason a region went untranslated that is an engine's failure (down, refusing),
    not its checks': the region is asked again by the next run, as a listing text is."""


@dataclass(frozen=True)
class ImageText:
    """One image's text plan: what to draw, what to tell the reviewer, what to store."""

    plans: tuple[RegionPlan, ...]
    notes: tuple[str, ...]
    records: tuple[dict[str, Any], ...]

    @property
    def left(self) -> tuple[Msg, ...]:
        """The confident Chinese regions neither replaced nor kept, each said with why (a
        message whose words are kept whole however long: only the values in it, the
        region's text or an engine's answer, are cut when echoed)."""
        return tuple(
            msg(
                "region {n} {text!r} not replaced: {reason}",
                n=n,
                text=r["text"],
                reason=r.get("reason") or msg("no translation"),
            )
            for n, r in enumerate(self.records, start=1)
            if r["status"] == UNTRANSLATED
        )

    @property
    def untouched(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """The outlines of the regions left as they are (not erased): text read back
        on them after erasing is known already."""
        return tuple(
            tuple((int(x), int(y)) for x, y in r["polygon"])
            for r in self.records
            if r["status"] != "replaced"
        )


def _key(text: str, box: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    return (text, tuple(int(v) for v in box))


MOST_KEPT = 3  # regions kept as printing, when most of an image's Chinese, said to a reviewer
# (trial-img10 f12: a detail page taken for the product, 8 of 8 kept silently); a label or
# two alone is what a product shot carries


def plan_text(
    regions: Iterable[Region],
    translate: Translate,
    edits: Iterable[dict[str, Any]] = (),
    *,
    kinds: Sequence[str] | None = None,
    prices: Prices = NO_RATE,
    on_object: Sequence[bool] = (),
    colours: Sequence[tuple[ColourRun, ...]] = (),
    doubted: Sequence[bool] = (),
) -> ImageText:
    """The plan for `regions`: confident Chinese overlay text translated (or as a reviewer
    edited it), the product's printing kept, yuan prices converted by `prices`, the others
    left as they are and said why. `kinds` (one per region, see localize.image.product)
    come from the picture; without them a region is a price or overlay text by its text.
    Overlay text `on_object` (product.on_an_object: on a thing in a photo that may be the
    product) is replaced, and said: it may be the product's own printing. Printing
    `doubted` (product.doubted: on a thing that may be a card or a table) is kept, and
    said when it is Chinese, unless most of the image's Chinese is kept (said so, below)."""
    edited = {_key(e["text"], e["box"]): e for e in edits if "text" in e and "box" in e}
    plans, notes, records = [], [], []
    down: list[str] = []  # the texts an engine failed (not its checks), in order asked
    chinese = 0  # regions read as Chinese

    def asking(text: str) -> tuple[str | None, list[Text]]:
        found, problems = translate(text)
        if found is None and any(isinstance(p, EngineDown) for p in problems):
            down.append(text)
        return found, problems

    regions_seen: list[Region] = []
    mine: set[int] = set()  # the regions a reviewer gave a translation
    for n, region in enumerate(regions):
        regions_seen.append(region)
        if edited.get(_key(region.text, region.box), {}).get("translation"):
            mine.add(n)
        failed_before = len(down)
        chinese += region.chinese
        kind = kinds[n] if kinds is not None else PRICE if yuan_price(region.text) else OVERLAY
        record: dict[str, Any] = {
            **region.to_json(),
            "box": list(region.box),
            "translation": None,
            "keep": False,
            "kind": kind,
        }
        edit = edited.get(_key(region.text, region.box), {})
        if edit.get("keep"):
            record.update(keep=True, status="kept", translation=edit.get("translation"))
            if kind == PRINTING and n < len(doubted) and doubted[n]:
                record["doubted"] = True  # kept by a reviewer: still only a reason clears it
        elif kind == PRICE and not edit.get("translation"):
            translation, reason = _price(region.text, asking, prices)
            if translation is None:
                record.update(status=UNTRANSLATED, reason=reason)
                notes.append(
                    msg("price {text!r} not converted: {reason}", text=region.text, reason=reason)
                )
            else:
                record.update(status="replaced", translation=translation)
                plans.append(RegionPlan(region.polygon, region.text, translation))
        elif kind == PRINTING and not edit.get("translation"):
            record.update(keep=True, status="kept")
            if n < len(doubted) and doubted[n]:
                record["doubted"] = True  # a thing that may be a card or a table
        elif not region.chinese and not (kind == PRICE and edit.get("translation")):
            record["status"] = NOT_CHINESE
        elif not region.confident and not edit.get("translation"):
            record["status"] = "low_confidence"
            notes.append(
                msg(
                    "text {text!r} read with low confidence ({confidence}): left as it is; "
                    "check it",
                    text=region.text,
                    confidence=format(region.confidence, ".2f"),
                )
            )
        else:
            translation, problems = (
                (edit["translation"], []) if edit.get("translation") else asking(region.text)
            )
            if translation is None:
                reason = Joined(problems, SEMICOLON) if problems else msg("no translation")
                record.update(status=UNTRANSLATED, reason=reason)
                notes.append(
                    msg("text {text!r} not replaced: {reason}", text=region.text, reason=reason)
                )
            else:
                record.update(status="replaced", translation=translation)
                notes += [msg("text {text!r}: {note}", text=region.text, note=p) for p in problems]
                runs: tuple[ColourRun, ...] = ()
                if n < len(colours) and colours[n] and not is_curved(region.polygon):
                    runs, record["runs"], said = _emphasis(
                        region.text, translation, colours[n], translate
                    )
                    notes += said
                plans.append(RegionPlan(region.polygon, region.text, translation, runs=runs))
                if n < len(on_object) and on_object[n] and not edit.get("translation"):
                    record["on_object"] = True  # (a reviewer's own translation: checked)
                    notes.append(
                        msg(
                            "text {text!r} lies on a thing standing in the photo: it may be "
                            "the product's own printing; check it, and keep the region if it is",
                            text=region.text,
                        )
                    )
        if is_curved(region.polygon):
            record["curved"] = True  # set along its curve (replace.py)
        if record["status"] == UNTRANSLATED and len(down) > failed_before:
            record["engine_failed"] = True  # the engine's fault: ask again on the next run
        records.append(record)
    # a line whose own English stands beside it, read as a region of its own: erased and
    # not drawn again, unless a reviewer gave it a translation (trial 31 D6, read as two)
    for n, english in _said_beside(records, mine):
        records[n]["beside"] = english
        at = next(i for i, p in enumerate(plans) if p.polygon == regions_seen[n].polygon)
        plans[at] = replace(plans[at], erase_only=True)
        notes.append(
            msg(
                "text {text!r} erased and not drawn again: {english!r} beside it already says "
                "what it says ({translation!r}); give it a translation in review to draw it",
                text=records[n]["text"],
                english=english,
                translation=records[n]["translation"],
            )
        )
    printed = sum(
        1
        for r in records
        if r["kind"] == PRINTING and r["status"] == "kept" and has_chinese(r["text"])
    )
    doubts = [
        r["text"]
        for r in records
        if r.get("doubted") and r["status"] == "kept" and has_chinese(r["text"])
    ]
    if printed >= MOST_KEPT and printed * 2 > chinese:
        notes.append(
            msg(
                "{printed} of {chinese} Chinese text region(s) were kept as the product's own "
                "printing: most of the image's text; if it is laid over the picture (a detail "
                "page, a card) rather than printed on the product, give those regions a "
                "translation in review",
                printed=printed,
                chinese=chinese,
            )
        )
    elif doubts:  # (one or two such regions, or a few among much else, are not "most")
        notes.append(
            msg(
                "Chinese text {texts} kept as the product's own printing, but what it lies on "
                "may not be the product (a card, a sticker or a table: one plain fill but for "
                "its text, or much of the page's colour inside it); check it, and give it a "
                "translation in review if it is laid over the picture",
                texts=", ".join(repr(t) for t in doubts),
            )
        )
    return ImageText(tuple(plans), tuple(notes), tuple(records))


def _said_beside(
    records: Sequence[dict[str, Any]],
    mine: Collection[int] = (),
) -> list[tuple[int, str]]:
    """Each Chinese line replaced by a translation that says what a line of English words
    beside it (on its line, or just above or below) already says, with that English: read
    as two regions, a line and its own English are not told one (localize.text.mixed, for a
    line read whole), and the image would say the same thing twice. Not a line a reviewer
    translated (`mine`, by index)."""
    from localize.text import mixed

    english = [r for r in records if r["status"] == NOT_CHINESE and mixed.words(r["text"])]
    found = []
    for n, record in enumerate(records):
        if n in mine or record["status"] != "replaced" or not has_chinese(record["text"]):
            continue
        for other in english:
            if _beside(record["box"], other["box"]) and mixed.says_the_same(
                str(record["translation"]), other["text"]
            ):
                found.append((n, str(other["text"])))
                break
    return found


def _beside(a: Sequence[int], b: Sequence[int]) -> bool:
    """Whether boxes `a` and `b` (left, top, right, bottom) are lines side by side on one
    line, or one just above the other."""
    height = max(a[3] - a[1], b[3] - b[1], 1)
    across = min(a[3], b[3]) - max(a[1], b[1])  # their rows in common
    along = min(a[2], b[2]) - max(a[0], b[0])  # their columns in common
    if across >= 0.5 * min(a[3] - a[1], b[3] - b[1]):  # one line
        return -along <= 3 * height
    return along > 0 and -across <= 1.5 * height


def _emphasis(
    text: str, translation: str, runs: Sequence[ColourRun], translate: Translate
) -> tuple[tuple[ColourRun, ...], list[dict[str, Any]], list[Msg]]:
    """The runs of `translation` to colour as `runs` colour `text`'s characters: each run's
    own translation (by `translate`, as the line's: memory first, then the engine) found
    in the line's as whole words; what the region's record says of each; and a note for
    each run that cannot be placed (the line is drawn in its main colour there)."""
    import unicodedata

    drawn = unicodedata.normalize("NFC", " ".join(translation.split()))  # as it is drawn
    placed, said, notes = [], [], []
    for run in runs:
        words = text[run.start : run.end]
        # (not counted as the engine failing the region: the line itself is translated)
        found, _ = translate(words)
        at = emphasis.find(drawn, found) if found else None
        said.append(
            {
                "text": words,
                "colour": emphasis.hex_colour(run.colour),
                "main": emphasis.hex_colour(run.main),
                "translation": found,
                "at": list(at) if at else None,
            }
        )
        if at is None:
            notes.append(
                msg(
                    "text {text!r}: the original shows {run!r} in {colour} ({code}), the rest "
                    "in {main}; the translation is drawn all in {main}: colour it by hand",
                    text=text,
                    run=words,
                    colour=emphasis.colour_name(run.colour),
                    code=emphasis.hex_colour(run.colour),
                    main=emphasis.colour_name(run.main),
                )
            )
        else:
            placed.append(replace(run, start=at[0], end=at[1]))
    return tuple(placed), said, notes


def colours_of(img: Any, regions: Sequence[Region]) -> list[tuple[ColourRun, ...]]:
    """Each region's characters drawn in a second colour on the picture `img` (a PIL RGB
    image, before erasing; emphasis.colour_runs), for the Chinese regions only."""
    import numpy as np

    if not any(r.chinese for r in regions):
        return [() for _ in regions]
    rgb = np.asarray(img)
    return [emphasis.colour_runs(rgb, r.polygon, r.text) if r.chinese else () for r in regions]


def _price(text: str, translate: Translate, prices: Prices) -> tuple[str | None, Text]:
    """A price region's text in the market's currency (the words beside each price
    translated), or None and why not."""
    found = yuan_prices(text)
    if not found:  # a reviewer's kind on a text with no price in it: words only
        said, problems = translate(text)
        return said, Joined(problems, SEMICOLON)
    if prices.local(found[0]) is None:
        return None, f"a yuan price: {prices.why_not()}"
    parts = [(found[0].rest(text), found[0])] if len(found) == 1 else pieces(text, found)
    written = []
    for words, price in parts:
        said, problems = (words, []) if not has_chinese(words) else translate(words)
        if said is None:
            return None, Joined(problems, SEMICOLON) if problems else msg("no translation")
        local = prices.local(price) if price is not None else None
        written.append(" ".join(part for part in (said, local) if part))
    line = " ".join(part for part in written if part)
    problems = usable(line, prices.script) if prices.script else []
    return (None, Joined(problems, SEMICOLON)) if problems else (line, "")


def done_count(records: Iterable[dict[str, Any]], status: str = "replaced") -> int:
    """How many regions are done for the seller: `status` (replaced, or erased) and no
    Chinese still read around them once erased; kept, failed and still-read ones are not.
    `localize image` and the review queue both count by it."""
    return sum(1 for r in records if r["status"] == status and not r.get("left"))


def still_read_count(records: Iterable[dict[str, Any]], status: str = "replaced") -> int:
    """How many regions were `status` (drawn or erased) but still have Chinese read
    around them: not done, yet not untouched either, so a count says them apart."""
    return sum(1 for r in records if r["status"] == status and r.get("left"))


def without_chinese_count(records: Iterable[dict[str, Any]]) -> int:
    """How many regions carry no Chinese (a brand in Latin letters, a capacity, a year):
    left as they are, as they should be, so never counted among those to replace (a
    stranger's fully done image read "3 of 5 replaced" for its two Latin lines)."""
    return sum(1 for r in records if r.get("status") == NOT_CHINESE)


def to_replace_count(records: Sequence[dict[str, Any]]) -> int:
    """How many regions needed replacing: every region read but those with no Chinese (the
    "of M" of "N of M text region(s) replaced"; the product's printing kept is counted,
    and said beside it)."""
    return len(records) - without_chinese_count(records)


def without_chinese_said(said: Msg, records: Sequence[dict[str, Any]]) -> Msg:
    """`said`, and how many regions with no Chinese were left as they are, when any."""
    count = without_chinese_count(records)
    if not count:
        return said
    return msg(
        "{said}; {count} more without Chinese (Latin letters, numbers) left as they are",
        said=said,
        count=count,
    )


def finding(image: int, source: str, text: ImageText) -> dict[str, Any]:
    """The item finding that carries one image's regions for the review queue (made again
    once the erase is read back: a region still read is no longer counted replaced)."""
    replaced = done_count(text.records)
    printed = sum(1 for r in text.records if r.get("kind") == PRINTING and r["status"] == "kept")
    severity = "error" if text.left else "warning" if text.notes else "info"
    regions = to_replace_count(text.records)
    figures = {"image": image + 1, "replaced": replaced, "regions": regions}
    if printed:
        said = msg(
            "image {image}: {replaced} of {regions} text region(s) replaced, {printed} kept "
            "as the product's own printing",
            printed=printed,
            **figures,
        )
    else:
        said = msg("image {image}: {replaced} of {regions} text region(s) replaced", **figures)
    still = still_read_count(text.records)
    if still:  # drawn, so "0 of 1 replaced" alone reads as if nothing was
        said = msg(
            "{said}; {still} drawn over Chinese still read around it", said=said, still=still
        )
    said = without_chinese_said(said, text.records)
    if text.notes:
        said = msg("{said}; {notes}", said=said, notes=Joined(list(text.notes), SEMICOLON))
    return {
        **image_finding(FINDING, severity, image, said),
        "source": source,
        "regions": list(text.records),
    }


POOR_ERASE = "poor_erase"  # a region whose erase scored poorly: a smear may show


def with_erase_scores(records: Sequence[dict[str, Any]], figures: Iterable[dict[str, Any]]) -> None:
    """Each record erased gets its erase score (dB) and fill method, what was still read
    around it once erased (`left`, when anything was) and what the judge of erases doubts
    about it (`doubts`, smear.py), matched by text and polygon, in place."""
    by_key = {(f["text"], _polygon_key(f["polygon"])): f for f in figures}
    for record in records:
        figure = by_key.get((record.get("text"), _polygon_key(record.get("polygon") or ())))
        if figure is not None:
            record.update(erase=figure["erase"], erase_method=figure["method"])
            if figure.get("left"):
                record["left"] = figure["left"]
            if figure.get("doubts"):
                record["doubts"] = figure["doubts"]


def _polygon_key(polygon: Iterable[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in p) for p in polygon)


def poor_erase_finding(image: int, records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The warning finding naming image `image`'s regions whose erase scored poorly (the
    fill may show as a smear) or that the judge of erases doubts (smear.py: an edge
    smeared, specks left, whatever the score), or None when every erase passed."""
    from localize.image.erase import POOR
    from localize.image.smear import said as doubt_said

    poor = [
        msg(
            "region {n} {text!r} ({doubts}; {score} dB, {method} fill)",
            n=n,
            text=r["text"],
            doubts=Joined([doubt_said(d) for d in r["doubts"]], SEMICOLON),
            score=r.get("erase", "?"),
            method=r.get("erase_method", "?"),
        )
        if r.get("doubts")
        else msg(
            "region {n} {text!r} ({score} dB, {method} fill)",
            n=n,
            text=r["text"],
            score=r["erase"],
            method=r.get("erase_method", "?"),
        )
        for n, r in enumerate(records, start=1)
        if r.get("doubts") or (isinstance(r.get("erase"), (int, float)) and r["erase"] < POOR)
    ]
    if not poor:
        return None
    said = msg(
        "image {image}: erased poorly, the background may show a smear: {regions}. Retouch "
        "the image, or keep the region",
        image=image + 1,
        regions=Joined(poor, SEMICOLON),
    )
    return image_finding(POOR_ERASE, "warning", image, said)


def edits_for(findings: Iterable[dict[str, Any]], image: int) -> list[dict[str, Any]]:
    """A reviewer's region records for image `image`, from an item's findings (none once a
    reviewer rejected the image: it is read and translated again)."""
    for f in findings:
        if f.get("code") == FINDING and f.get("image") == image and not f.get("rejected"):
            return list(f.get("regions") or [])
    return []


def engine_failed(findings: Iterable[dict[str, Any]], image: int) -> bool:
    """Whether image `image` has a region left untranslated because an engine failed (not
    its checks, not a reviewer): the image is drawn again, the region asked again."""
    return any(
        r.get("status") == UNTRANSLATED and r.get("engine_failed")
        for r in edits_for(findings, image)
    )


def chinese_left(findings: Iterable[dict[str, Any]], image: int) -> list[str]:
    """The texts of image `image`'s regions a buyer would read untranslated: Chinese (or a
    yuan price) neither replaced nor kept, and Chinese overlay text a reviewer kept (the
    market's rule wants the picture in its language; only the product's printing stays),
    and the Chinese overlay text a caption-only run read and left on it."""
    findings = list(findings)
    left = [
        str(t)
        for f in findings
        if f.get("code") == CHINESE_LEFT and f.get("image") == image
        for t in f.get("texts") or []
    ]
    return [
        r["text"]
        for r in edits_for(findings, image)
        if r.get("status") == UNTRANSLATED or kept_overlay(r)
    ] + left


def kept_overlay(record: dict[str, Any]) -> bool:
    """Whether a region record is Chinese overlay text kept on the image: not the
    product's printing (records from before kinds were known count as overlay too)."""
    return (
        record.get("status") == "kept"
        and record.get("kind", OVERLAY) != PRINTING
        and has_chinese(str(record.get("text", "")))
    )


DOUBTED = "image_text_doubted"  # the error Chinese kept as printing on a doubted thing raises


def is_doubted(record: dict[str, Any]) -> bool:
    """Whether a region record is Chinese kept as the product's own printing on a thing
    that may not be the product (product.doubted: a card, a sticker, a table's cell)."""
    return (
        bool(record.get("doubted"))
        and record.get("status") == "kept"
        and record.get("kind") == PRINTING
        and has_chinese(str(record.get("text", "")))
    )


def doubted_regions(findings: Iterable[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Each doubted region kept as printing (see is_doubted): its number across the item's
    images as `review show` numbers them (from 1), its image (0-based) and its record."""
    texts = sorted((f for f in findings if f.get("code") == FINDING), key=lambda f: f["image"])
    out, n = [], 0
    for f in texts:
        for record in f.get("regions") or []:
            n += 1
            if not f.get("rejected") and is_doubted(record):
                out.append((n, int(f["image"]), record))
    return out


def _doubt_key(image: int, record: dict[str, Any]) -> dict[str, Any]:
    return {"image": image, "text": record.get("text"), "box": list(record.get("box") or [])}


def with_doubted(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings with the error that Chinese kept as the product's printing on a thing
    that may not be the product raises (issue 18: keeping text that is not the product's
    own printing is an error only an override with a reason clears), made again from the
    regions: gone once no such region is kept, and the one stored kept (with its override)
    while it names the same regions. It was a warning only, and publishing let it through."""
    doubted = doubted_regions(findings)
    before = [f for f in findings if f.get("code") == DOUBTED]
    out = [f for f in findings if f.get("code") != DOUBTED]
    if not doubted:
        return out
    keys = [_doubt_key(image, record) for _, image, record in doubted]
    same = [f for f in before if f.get("doubted") == keys]
    if same:
        return out + same[:1]
    said = msg(
        "images: Chinese kept as the product's own printing on what may not be the product "
        "(a card, a sticker, a table): {regions}; if it is laid over the picture give it a "
        "translation (--region N=TEXT), else approve with --override REASON saying it is "
        "the product's printing",
        regions=Joined(
            [
                msg("region {n} {text!r} (image {image})", n=n, text=r["text"], image=image + 1)
                for n, image, r in doubted
            ],
            SEMICOLON,
        ),
    )
    return out + [
        {
            "code": DOUBTED,
            "severity": "error",
            "message": str(said),
            "says": stored(said),
            "doubted": keys,
        }
    ]


def doubted_left(findings: Sequence[dict[str, Any]], image: int) -> list[tuple[int, str]]:
    """The doubted regions kept as printing on image `image` (0-based) that no reviewer
    cleared: their number (as `review show` numbers them) and text. A reviewer clears one
    by approving over the error with a reason (its finding then carries `overridden_by`
    and `override_reason`, lifecycle.overridden) or by giving it a translation."""
    cleared = [
        key
        for f in findings
        if f.get("code") == DOUBTED
        and f.get("overridden_by")
        and str(f.get("override_reason") or "").strip()
        for key in f.get("doubted") or []
    ]
    return [
        (n, str(record["text"]))
        for n, at, record in doubted_regions(findings)
        if at == image and _doubt_key(at, record) not in cleared
    ]


def usable(translation: str, script: str) -> list[Msg]:
    """Why a region's translation cannot be drawn in its place (empty when it can): it
    still has Chinese, or the script's font cannot draw it."""
    from localize.image.fonts import FontError
    from localize.image.ocr import has_chinese
    from localize.image.render import region_text

    if has_chinese(translation):
        return [msg("the translation {translation!r} still has Chinese", translation=translation)]
    try:
        region_text(translation, script)  # (a symbol no font has is left out, and said)
    except FontError as exc:
        return [
            msg(
                "the translation {translation!r}: {problem}",
                translation=translation,
                problem=exc.text,
            )
        ]
    return []


def translator(
    store: Any,
    secrets: Any,
    *,
    to: str,
    settings: Any = None,
    shop: Any = None,
    rejected: Any = None,
    chain: Any = None,
) -> Translate:
    """Region texts translated as listing text is (memory first, glossary protected, the
    same checks; never a text a reviewer rejected, `rejected` as SegmentTranslator takes
    it), each distinct text once; error-level findings or a failed engine leave the region
    as it is, with the reason; so does an answer that still has Chinese or that the
    language's font cannot draw. `chain()`, when given, is the run's engine chain (its
    failures counted with the run's)."""
    from config.markets import load_markets
    from localize.errors import EngineFailed, NoNewText
    from localize.text.checks import from_memory, of_a_region
    from localize.text.service import translate_one

    script = (settings.markets if settings is not None else load_markets()).script(to)
    done: dict[str, tuple[str | None, list[Text]]] = {}

    def translate(text: str) -> tuple[str | None, list[Text]]:
        if text not in done:
            try:
                result, _ = translate_one(
                    store,
                    secrets,
                    text,
                    to=to,
                    from_="zh-CN",
                    field="caption",
                    settings=settings,
                    shop=shop,
                    rejected=rejected,
                    chain=chain() if chain is not None else None,
                )
            except NoNewText as exc:  # a person's to translate: asking again gives the same
                done[text] = (None, [exc.text])
            except EngineFailed as exc:
                done[text] = (None, [EngineDown(exc.message)])
            else:
                # the checks are a caption's (the text is drawn on the image as one is), but
                # what they say is of the region, named before it (not "caption: ...")
                errors = [of_a_region(f.message) for f in result.findings if f.severity == "error"]
                errors = errors or usable(result.translation, script)
                if errors and result.entries:  # else it would seem the engine's
                    entry = from_memory(result.entries[0])
                    errors = [msg("{problem} ({entry})", problem=e, entry=entry) for e in errors]
                elif errors:
                    errors = [
                        msg("{problem} (answered by {engine})", problem=e, engine=result.origin)
                        for e in errors
                    ]
                # what cleaning took out of the text drawn (an emoji: no font of ours has
                # one) is said of the region, as a caption's is (trial 31: a ♥ went unsaid)
                # ... and so is a word or words said twice in a row (trial 31 D6: "Actual
                # color may vary Color may vary" drawn, nothing said): the text check's own
                removed: list[Text] = [
                    of_a_region(f.message)
                    for f in result.findings
                    if f.code in ("caption_emoji_cleaned", "duplicated_word")
                ]
                done[text] = (None, errors) if errors else (result.translation, removed)
        return done[text]

    return translate


def on_object_of(
    img: Any, regions: Sequence[Region], kinds: Sequence[str], product: Any = None
) -> list[bool]:
    """Which of `regions` (of `kinds`, kinds_of's) on the picture `img` are overlay text
    on a thing in a photo that may be the product (localize.image.product.on_an_object);
    `product` is the picture's product_of, when the caller has it."""
    from localize.image.product import on_an_object

    if not regions:
        return []
    product = product or product_of(img)
    return on_an_object(product.rgb, [r.polygon for r in regions], kinds, product)


def doubted_of(
    img: Any, regions: Sequence[Region], kinds: Sequence[str], product: Any = None
) -> list[bool]:
    """Which of `regions` (of `kinds`, kinds_of's) on the picture `img` are kept as the
    product's printing on a thing that may not be the product (localize.image.product.
    doubted); `product` is the picture's product_of, when the caller has it."""
    from localize.image.product import doubted

    if not regions:
        return []
    product = product or product_of(img)
    return doubted(product.rgb, [r.polygon for r in regions], kinds, product)


def kinds_of(img: Any, regions: Sequence[Region], product: Any = None) -> list[str]:
    """Each region's kind on the picture `img` (a PIL RGB image): a yuan price, the
    product's own printing, or overlay text (localize.image.product says the rule);
    `product` is the picture's product_of, when the caller has it."""
    from localize.image.product import region_kinds

    if not regions:
        return []
    product = product or product_of(img)
    return region_kinds(
        product.rgb,
        [r.polygon for r in regions],
        [yuan_price(r.text) is not None for r in regions],
        product,
    )


def product_of(img: Any) -> Any:
    """What the picture `img` (a PIL RGB image) shows of its product
    (localize.image.product.Product), found once for kinds_of and on_object_of both."""
    import numpy as np

    from localize.image.product import Product

    return Product(np.asarray(img))


def occupied(records: Iterable[dict[str, Any]]) -> tuple[tuple[int, int, int, int], ...]:
    """The boxes a caption must leave free: every text region of an image (replaced,
    kept or left), grown by as much as its erasing and redrawing may reach."""
    from localize.image.replace import dilation

    boxes = []
    for record in records:
        polygon = tuple((int(x), int(y)) for x, y in record["polygon"])
        grow = dilation(polygon)
        xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
        boxes.append((min(xs) - grow, min(ys) - grow, max(xs) + grow + 1, max(ys) + grow + 1))
    return tuple(boxes)

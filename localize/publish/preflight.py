"""Publish preflight, pure: may this item go out, and if not, every reason why.

Run before every publish, whichever path the item came by. The rules are TikTok Shop's
(Partner API 202309: title and description limits, main-image rules) and the seller-side
compliance ones (EPR registration, product safety reports 30 days ahead, main images in
the local language). It takes plain data and `now`; the caller gathers the facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from config.i18n import Msg, msg
from config.markets import ImageRules
from localize.text import html

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class ImageFacts:
    """What the publisher will send as one main image, as read from its file."""

    path: str
    format: str | None  # "JPEG", "PNG", ... ; None when the file cannot be read
    width: int = 0
    height: int = 0
    size: int = 0  # bytes
    captioned: bool = False  # drawn by us in the item's language
    wanted_caption: bool = False  # the shop's caption_images says this one carries one
    chinese_left: tuple[str, ...] = ()  # supplier text on it neither replaced nor kept
    # Chinese kept as the product's printing on a thing that may not be the product, that no
    # reviewer overrode with a reason: (its region's number in `review show`, its text)
    doubted: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Candidate:
    """An item as preflight sees it."""

    state: str
    title: str
    description: str
    open_errors: int  # error-level findings nobody overrode
    category: str
    safety_report_date: date | None
    images: Sequence[ImageFacts]
    item_id: int | None = None  # for the command a reason names


@dataclass(frozen=True)
class Rules:
    """What the market and the shop require."""

    title_min: int
    title_max: int
    description_max: int
    images: ImageRules
    epr_required: bool
    epr_registration: str | None
    safety_categories: Sequence[str]
    safety_report_days: int = 30


@dataclass(frozen=True)
class Reason:
    """One thing that keeps an item from going out: its code, and its message (English as a
    str, for --json and the store; in the reader's language where it is shown)."""

    code: str
    message: Msg


def preflight(candidate: Candidate, rules: Rules, now: datetime) -> list[Reason]:
    """Every reason the item may not be published now; empty when it may."""
    c = candidate
    out: list[Reason] = []
    if c.state != "approved":
        from localize.views import ITEM_STATES, word  # the state's word, where it is shown

        out.append(
            Reason(
                "not_approved",
                msg(
                    "the item is {state}; only approved items go out",
                    state=word(ITEM_STATES, c.state),
                ),
            )
        )
    if c.open_errors:
        out.append(
            Reason(
                "open_errors",
                msg(
                    "{count} error-level finding(s) stand without an override",
                    count=c.open_errors,
                ),
            )
        )
    n = len(c.title)
    if not rules.title_min <= n <= rules.title_max:
        out.append(
            Reason(
                "title_length",
                msg(
                    "title: {n} characters; the market takes {least}-{most}",
                    n=n,
                    least=rules.title_min,
                    most=rules.title_max,
                ),
            )
        )
    if _HAN.search(c.title):
        out.append(Reason("title_chinese", msg("title: Chinese characters are not allowed")))
    if len(c.description) > rules.description_max:
        out.append(
            Reason(
                "description_length",
                msg(
                    "description: {n} characters; the limit is {most}",
                    n=len(c.description),
                    most=rules.description_max,
                ),
            )
        )
    fragment = html.parse(c.description)
    if fragment.refused:
        tags = sorted(set(fragment.refused))
        out.append(
            Reason("description_tags", msg("description: tags not allowed: {tags}", tags=tags))
        )
    if fragment.nested:  # what the sanitizer makes flat: a reviewer's edit wrote it again
        nested = ", ".join(f"<{t}>" for t in sorted(set(fragment.nested)))
        out.append(
            Reason(
                "description_tags",
                msg(
                    "description: a block inside another ({tags}): TikTok Shop takes p, ul "
                    "and ol one after another, never one inside another",
                    tags=nested,
                ),
            )
        )
    out += _image_reasons(c.images, rules.images)
    out += _chinese_left_reasons(c.images, c.item_id)
    out += _doubted_reasons(c.images, c.item_id)
    if rules.epr_required and not (rules.epr_registration or "").strip():
        out.append(
            Reason(
                "epr_missing",
                msg(
                    "the market requires an EPR registration: set epr_registration in "
                    "[shops.publish]"
                ),
            )
        )
    out += _safety_reasons(c, rules, now)
    return out


def _image_reasons(images: Sequence[ImageFacts], rules: ImageRules) -> list[Reason]:
    out: list[Reason] = []
    if not rules.min_count <= len(images) <= rules.max_count:
        out.append(
            Reason(
                "image_count",
                msg(
                    "{count} main image(s); TikTok Shop takes {least}-{most}",
                    count=len(images),
                    least=rules.min_count,
                    most=rules.max_count,
                ),
            )
        )
    for n, image in enumerate(images, start=1):
        where = msg("image {n} ({path})", n=n, path=image.path)
        if image.format is None:
            out.append(
                Reason("image_unreadable", msg("{where}: missing or not an image", where=where))
            )
            continue
        if image.format not in rules.formats:
            out.append(
                Reason(
                    "image_format",
                    msg(
                        "{where}: {format}; the market takes {formats}",
                        where=where,
                        format=image.format,
                        formats=list(rules.formats),
                    ),
                )
            )
        if image.size > rules.max_bytes:
            out.append(
                Reason(
                    "image_bytes",
                    msg(
                        "{where}: {size} bytes; at most {most}",
                        where=where,
                        size=image.size,
                        most=rules.max_bytes,
                    ),
                )
            )
        if not (
            rules.min_px <= image.width <= rules.max_px
            and rules.min_px <= image.height <= rules.max_px
        ):
            out.append(
                Reason(
                    "image_size",
                    msg(
                        "{where}: {width}x{height} px; the market takes {least}-{most} px a side",
                        where=where,
                        width=image.width,
                        height=image.height,
                        least=rules.min_px,
                        most=rules.max_px,
                    ),
                )
            )
        if image.wanted_caption and not image.captioned:
            out.append(
                Reason(
                    "image_not_localized",
                    msg(
                        "{where}: carries no caption in the buyer's language yet "
                        "(run `localize run`)",
                        where=where,
                    ),
                )
            )
    return out


def holds_word(category: str, word: str) -> bool:
    """Whether `category` holds `word` as a word, or its plural ("Kids' cups" holds "kid",
    "Toyota parts" does not hold "toy")."""
    word = word.strip().casefold()
    if not word:
        return False
    forms = [re.escape(word) + "(?:s|es|ren)?"]  # kid(s), box(es), child(ren)
    if word.endswith("y"):
        forms.append(re.escape(word[:-1]) + "ies")  # baby -> babies
    return re.search(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", category.casefold()) is not None


def _chinese_left_reasons(images: Sequence[ImageFacts], item_id: int | None) -> list[Reason]:
    """The market wants the text on a main image in its language: supplier Chinese that
    was neither replaced nor kept by a reviewer keeps the item back; the reason says the
    ways to clear it (a stranger's trial: it named the text and no way out)."""
    item = str(item_id) if item_id is not None else "ID"
    return [
        Reason(
            "image_chinese_left",
            msg(
                "{where}: Chinese text not replaced: {texts}; give each a translation "
                "(`localize review show {item}` lists the regions, `localize review approve "
                "{item} --region N=TEXT` sets one), have the shop replace text on images "
                "(replace_text = true under its [shops.captions]) and run it again, or use a "
                "retouched image",
                where=msg("image {n} ({path})", n=n, path=image.path),
                texts=[repr(t) for t in image.chinese_left],
                item=item,
            ),
        )
        for n, image in enumerate(images, start=1)
        if image.chinese_left
    ]


def _doubted_reasons(images: Sequence[ImageFacts], item_id: int | None) -> list[Reason]:
    """Chinese kept as the product's own printing on a thing that may not be the product (a
    card, a sticker, a table) keeps the item back until a reviewer gives it a translation or
    approves over it with a reason (issue 18: the market's local-language rule still
    applies to text that is not the product's own printing; it was a warning only)."""
    item = str(item_id) if item_id is not None else "ID"
    return [
        Reason(
            "image_text_doubted",
            msg(
                "{where}: region {n} {text!r} was kept as the product's own printing, but what it "
                "lies on may not be the product: give it a translation (`localize review "
                "approve {item} --region {n}=TEXT`) or, if it is the product's printing, "
                "approve over it with a reason (`localize review approve {item} --override "
                "REASON`)",
                where=msg("image {n} ({path})", n=at, path=image.path),
                n=n,
                text=text,
                item=item,
            ),
        )
        for at, image in enumerate(images, start=1)
        for n, text in image.doubted
    ]


def _safety_reasons(c: Candidate, rules: Rules, now: datetime) -> list[Reason]:
    if not any(holds_word(c.category, word) for word in rules.safety_categories):
        return []
    if c.safety_report_date is None:
        return [
            Reason(
                "safety_report_missing",
                msg(
                    "category {category!r} needs a product safety report (CPSC, SGS): add "
                    "safety_report_date to the listing",
                    category=c.category,
                ),
            )
        ]
    ready = c.safety_report_date + timedelta(days=rules.safety_report_days)
    if ready > now.date():
        return [
            Reason(
                "safety_report_recent",
                msg(
                    "the safety report of {report} must be at least {days} days old; "
                    "publish from {ready}",
                    report=str(c.safety_report_date),
                    days=rules.safety_report_days,
                    ready=str(ready),
                ),
            )
        ]
    return []

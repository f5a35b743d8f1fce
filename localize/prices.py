"""Yuan prices, pure, for images and listing text alike: found in a text (¥, ￥, &yen;, 元,
RMB, CNY; on an image also 块 and OCR's misreading of ¥ as "?" or "Y" right before the
digits), and written again in the market's currency and format (markets.toml `currency`) at
the shop's rate (`[shops.images] yuan_rate`). A buyer never sees a yuan price unconverted:
on an image a price that cannot be converted is an error for the reviewer; in listing text
(localize.text.service) a warning naming it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from config.markets import Currency

_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_YUAN = re.compile(
    # OCR may read a sign twice, the second time as "?" (trial-img11 g03: "￥?59")
    rf"(?:[¥￥]|&yen;|RMB|CNY)\s*(?:[?？¥￥]\s*)?(?P<a>{_AMOUNT})"
    rf"|(?P<b>{_AMOUNT})\s*(?:元|块|RMB|CNY)"
    # OCR reads ¥ as "?" or "Y": only right before the digits, in a text of no other Latin
    rf"|(?<![A-Za-z])[?？Y]\s?(?P<c>{_AMOUNT})(?![A-Za-z])"
)
# In a seller's text only a sign says yuan: no OCR misreading (nor a sign read twice), and
# not 块, which counts pieces as often as yuan (毛巾3块装: a pack of 3); digits after a
# model's letters (X99元) or 元素 (an element) are no price. RMB and CNY are words of
# their own among Latin letters, not among Chinese ones (到手价RMB99, 99RMB包邮: a regex's
# \b sees no edge between 价 and R, and they were no price).
_TEXT_YUAN = re.compile(
    rf"(?:[¥￥]|&yen;|(?<![A-Za-z0-9])(?:RMB|CNY))\s*(?P<a>{_AMOUNT})"
    rf"|(?<![\d.,A-Za-z])(?P<b>{_AMOUNT})\s*(?:元(?!素)|(?:RMB|CNY)(?![A-Za-z0-9]))"
)
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class YuanPrice:
    """A yuan price found in a text (an image region's, a listing's): the amount, and
    where it stands."""

    amount: Decimal
    start: int
    end: int

    def rest(self, text: str) -> str:
        """The region's text without the price (the words beside it, e.g. 到手价)."""
        return _words(text[: self.start] + " " + text[self.end :])


def yuan_prices(text: str, *, read: bool = True) -> list[YuanPrice]:
    """Every yuan price in `text`, in order: a text `read` off an image (OCR) or, with
    `read` False, written by a seller (only the signs ¥ ￥ &yen; RMB CNY 元 count there). On
    an image a "?" or "Y" before digits counts only when the text has no other Latin
    letters (a price tag misread, not a model number)."""
    found = []
    for m in (_YUAN if read else _TEXT_YUAN).finditer(text):
        if m.groupdict().get("c") is not None:
            others = text[: m.start()] + text[m.end() :]
            if _LATIN.search(others) or text[m.start()] == "Y" and _LATIN.search(text[m.end() :]):
                continue
        raw = m.group("a") or m.group("b") or m.groupdict().get("c")
        found.append(YuanPrice(Decimal(raw.replace(",", "")), m.start(), m.end()))
    return found


def as_yuan(text: str, price: YuanPrice) -> str:
    """A yuan price of a seller's `text` written one way, "¥" and its amount as written
    ("99元", "RMB 99" and "&yen;99" are all "¥99"): the form listing text keeps through the
    engines and the memory (no Chinese character in it, and every buyer reads it as yuan),
    converted when the field is put together."""
    written = re.search(_AMOUNT, text[price.start : price.end])
    return "¥" + (written.group() if written else str(price.amount))


def yuan_price(text: str) -> YuanPrice | None:
    """The first yuan price in `text`, or None."""
    found = yuan_prices(text)
    return found[0] if found else None


def pieces(text: str, found: list[YuanPrice]) -> list[tuple[str, YuanPrice | None]]:
    """`text` cut at its prices: each price with the words just before it (since the
    previous price), then any words after the last one with no price. "原价¥129 现价¥59"
    is two pieces, each read and converted on its own (one price converted and the other
    left in yuan would show a buyer a yuan price, or put both after both labels)."""
    out: list[tuple[str, YuanPrice | None]] = []
    at = 0
    for price in found:
        out.append((_words(text[at : price.start]), price))
        at = price.end
    tail = _words(text[at:])
    if tail:
        out.append((tail, None))
    return out


def _words(text: str) -> str:
    return " ".join(text.split()).strip(" :：")


def local_price(price: YuanPrice, rate: float, currency: Currency) -> str:
    """The yuan `price` in the market's currency at `rate` (local units per yuan)."""
    return currency.format(price.amount * Decimal(str(rate)))


@dataclass(frozen=True)
class Prices:
    """What converting a shop's yuan prices needs: its rate (local units per yuan) and its
    market's currency; either may be missing, and then no price is converted."""

    rate: float | None = None
    currency: Currency | None = None
    script: str | None = None  # the script it is drawn in: its font must have the symbol

    def local(self, price: YuanPrice) -> str | None:
        """The price in the market's currency, or None when the shop gave no rate."""
        if self.rate is None or self.currency is None:
            return None
        return local_price(price, self.rate, self.currency)

    def why_not(self) -> str:
        """Why no price is converted, and what to do about it."""
        if self.currency is None:
            return "the market has no currency in the markets file"
        return (
            f"set [shops.images] yuan_rate ({self.currency.code} per yuan) to convert it, "
            "or set the region to a local price in review"
        )


def shop_prices(settings: Any, shop: Any, script: str | None = None) -> Prices:
    """How a shop's yuan prices are converted: its `[shops.images] yuan_rate` and its
    market's currency, drawn in `script`; without a shop, no price is converted (each is
    an error on an image, a warning in listing text)."""
    if settings is None or shop is None:
        return Prices()
    currency = settings.markets.market(shop.market).currency
    return Prices(shop.images.yuan_rate, currency, script)


@dataclass(frozen=True)
class Converted:
    """A text's yuan prices written in the market's currency: the text, each price
    converted (as it stood, as it is now) and each one left in yuan (no rate)."""

    text: str
    converted: tuple[tuple[str, str], ...] = ()
    left: tuple[str, ...] = ()


def convert_text(text: str, prices: Prices, keep: Sequence[str] = ()) -> Converted:
    """Every yuan price of a seller's `text` (or its translation) written in the market's
    currency by `prices`, but for one inside a term of `keep` (a brand's "99元店" is its
    name, not a price); without a rate each is left, and said."""
    held = [
        (m.start(), m.end()) for term in keep if term for m in re.finditer(re.escape(term), text)
    ]
    out, converted, left, at = [], [], [], 0
    for price in yuan_prices(text, read=False):
        if any(a < price.end and price.start < b for a, b in held):
            continue
        written = text[price.start : price.end]
        local = prices.local(price)
        if local is None:
            left.append(written)
            continue
        out.append(text[at : price.start] + local)
        converted.append((written, local))
        at = price.end
    out.append(text[at:])
    return Converted("".join(out), tuple(converted), tuple(left))

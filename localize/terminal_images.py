"""What the terminal can draw images with (sixel, kitty's graphics, half blocks), asked
while the review's other modules load.

textual-image asks the terminal when it is imported, by writing a query and waiting up to
a tenth of a second for each answer (a terminal that does not know a query never
answers); it is loaded without NumPy (`_without_numpy`). It must ask before Textual
starts reading the keyboard, which would take the answers for keys. Asked in a thread,
the waiting overlaps the imports and the store's opening instead of adding to them:
`localize review` calls `ask` first and the app calls `wait` before it starts.

Not in localize.review_ui: importing that package imports the app, and all of Textual,
before anything could be asked.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_asking: threading.Thread | None = None
_failure: BaseException | None = None


def _import() -> None:
    global _failure
    try:
        # textual-image warns with a whole traceback when the terminal does not say its
        # cell size, and then assumes one: its fallback working, nothing for a reviewer
        quiet = logging.getLogger("textual_image")
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
        _cell_size()  # before the widget's import, which asks it and may fail
        with _without_numpy():
            importlib.import_module("textual_image.widget")
    except BaseException as exc:  # raised where it is waited for, as an import would be
        _failure = exc


@contextmanager
def _without_numpy() -> Iterator[None]:
    """textual-image without NumPy, its optional extra: NumPy only speeds its sixel
    encoding (by a tenth: the colour quantizing is Pillow's) and loading it took 70-90 ms
    of CPU on every start, before the first item (half blocks, which tmux and most
    terminals get, never use it). An import of NumPy fails while this holds
    (sys.modules' None), and nothing else imported before the first paint asks for it
    (tests/test_startup.py); afterwards whoever needs it (captions, OCR) imports it."""
    if "numpy" in sys.modules:  # someone loaded it already: nothing to save
        yield
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get("numpy", ...) is None:
            del sys.modules["numpy"]


def _cell_size() -> None:
    """The terminal's cell size, asked once, as textual-image's widget does when imported
    (before Textual reads the keyboard, which would take the answer for keys); VT340's, as
    textual-image assumes, when the terminal cannot say (0 columns divides by zero)."""
    from textual_image import _terminal  # its only way to ask or to settle the size

    try:
        _terminal.get_cell_size()
    except Exception:
        _terminal.get_cell_size._result = _terminal.CellSize(10, 20)  # type: ignore[attr-defined]


def ask() -> None:
    """Start asking (once)."""
    global _asking
    if _asking is None:
        # Textual's and Pillow's modules are imported here first: the thread imports some
        # of them, and two threads importing one circle of imports can see a module half
        # made. What the thread imports then (textual-image) nothing else does.
        import PIL.Image  # noqa: F401
        import textual.app  # noqa: F401
        import textual.widget  # noqa: F401

        _asking = threading.Thread(target=_import, name="terminal-images", daemon=True)
        _asking.start()


def wait() -> None:
    """Return when the terminal has answered (asking now if nobody asked yet)."""
    ask()
    assert _asking is not None
    _asking.join()
    if _failure is not None:
        raise _failure

"""The review queue in the terminal (`localize review`): a Textual app over localize.review.

One screen per item; every decision is a call into the review service, run in a worker
so that the screen never waits on the store or on image files.
"""

from __future__ import annotations

from localize.review_ui.app import ReviewApp

__all__ = ["ReviewApp"]

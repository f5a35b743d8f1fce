"""Listing text: engines, translation memory, glossary protection, HTML, checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config.i18n import Msg, Text, from_stored, msg

# Error findings whose rule publish preflight (localize.publish.preflight) applies again to
# the text itself, whatever a reviewer said: approved over one with an override, an item
# would only ever be blocked, so review refuses the override (localize.lifecycle): one
# rule for both. Chinese left in a title (`chinese_left`, preflight's `title_chinese`) is
# the same, told by the finding's field. Here, not in checks, so that the review's first
# paint (lifecycle) reads it without importing the checks.
PUBLISH_ENFORCED = frozenset(
    {"title_length", "description_length", "description_tags", "description_nesting"}
)

# A listing's fields by the words a reader says them in; with `said`, here and not in
# checks for the same reason: the review UI's first paint names fields and shows findings.
FIELD_NAMES = {"title": msg("title"), "description": msg("description"), "caption": msg("caption")}


def said(finding: Mapping[str, Any]) -> Text:
    """A stored finding's message, to be shown in the reader's language (its English text
    when it was stored without one)."""
    message = from_stored(finding.get("says"))
    return message if isinstance(message, Msg) else str(finding.get("message", ""))

"""Listing text: engines, translation memory, glossary protection, HTML, checks."""

# Error findings whose rule publish preflight (localize.publish.preflight) applies again to
# the text itself, whatever a reviewer said: approved over one with an override, an item
# would only ever be blocked, so review refuses the override (localize.lifecycle): one
# rule for both. Chinese left in a title (`chinese_left`, preflight's `title_chinese`) is
# the same, told by the finding's field. Here, not in checks, so that the review's first
# paint (lifecycle) reads it without importing the checks.
PUBLISH_ENFORCED = frozenset(
    {"title_length", "description_length", "description_tags", "description_nesting"}
)

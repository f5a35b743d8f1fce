"""Cutting text under an engine's per-call limit without cutting sentences."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;.…\n])")
_SOFT_BREAK = re.compile(r"(?<=[，,、\s])")


def chunks(text: str, limit: int) -> list[str]:
    """`text` cut into pieces under `limit` characters, at sentence ends where possible,
    then at commas and spaces, and only as a last resort mid-word; joined they are `text`."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _split(text, _SENTENCE_END, limit):
        if len(current) + len(sentence) > limit and current:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _split(text: str, pattern: re.Pattern[str], limit: int) -> list[str]:
    parts = [p for p in pattern.split(text) if p]
    out: list[str] = []
    for part in parts:
        if len(part) <= limit:
            out.append(part)
        elif pattern is _SENTENCE_END:
            out.extend(_split(part, _SOFT_BREAK, limit))
        else:
            out.extend(part[i : i + limit] for i in range(0, len(part), limit))
    return out

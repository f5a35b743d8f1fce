"""Translation memory: an exact match on the normalised source is used without an engine.

Entries are scoped to a shop, with '' the memory every shop shares; a human-approved entry
wins over a machine one, and the shop's own over the shared.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from store.models import Quality, TranslationMemory, utcnow
from store.queries import insert_for, row_values

# Whitespace but the non-breaking spaces (U+00A0, U+2007, U+202F): a seller's &nbsp; holds
# "500 ml" on one line, so a source with one is not the source with a space (folded
# alike, one's translation was served for the other and the &nbsp; was lost).
_SPACE = re.compile(r"[^\S\xa0\u2007\u202f]+")


def normalise(text: str) -> str:
    """NFC, whitespace folded and trimmed (non-breaking spaces kept inside): what counts as
    'the same source'."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def source_key(text: str) -> str:
    """The memory's key for a source text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """Where a text the memory gave came from: enough to name the entry and remove it."""

    source: str  # as the memory keeps it (normalised)
    target: str
    target_lang: str
    scope: str  # a shop id, or '' for the memory every shop shares
    origin: str  # the engine that gave it, or "review", "tmx"
    on: date  # when it was stored, UTC

    @classmethod
    def of(cls, row: TranslationMemory) -> Entry:
        """The entry a memory row is."""
        return cls(
            row.source_text,
            row.target_text,
            row.target_lang,
            row.scope,
            row.origin or "?",
            row.updated_at.date(),
        )

    @property
    def removal(self) -> str:
        """The command that removes it (and every entry of its scope for the source text in
        that language)."""
        shop = f" --shop {shlex.quote(self.scope)}" if self.scope else ""
        return (
            f"localize memory remove --text {shlex.quote(self.source)} "
            f"--to {shlex.quote(self.target_lang)}{shop}"
        )


def lookup(
    session: Session, *, scope: str, source_lang: str, target_lang: str, text: str
) -> TranslationMemory | None:
    """The best entry for `text`: human before machine, the shop's before the shared."""
    found = entries(
        session, scope=scope, source_lang=source_lang, target_lang=target_lang, text=text
    )
    return found[0] if found else None


def entries(
    session: Session, *, scope: str, source_lang: str, target_lang: str, text: str
) -> list[TranslationMemory]:
    """Every entry for `text`, the best first (human before machine, the shop's before the
    shared): the next is served when a better one fails the checks."""
    rows = session.exec(
        select(TranslationMemory).where(
            col(TranslationMemory.scope).in_([scope, ""]),
            TranslationMemory.source_lang == source_lang,
            TranslationMemory.target_lang == target_lang,
            TranslationMemory.source_key == source_key(text),
        )
    ).all()
    # An empty target for a source with text in it is never a translation (older versions
    # stored engines' empty answers): such rows are passed over, as if absent.
    if normalise(text):
        rows = [r for r in rows if r.target_text.strip()]
    return sorted(rows, key=lambda r: (r.quality != Quality.HUMAN, r.scope != scope))


def remember(
    session: Session,
    *,
    scope: str,
    source_lang: str,
    target_lang: str,
    source: str,
    target: str,
    quality: str,
    origin: str,
) -> bool:
    """Store a translation, replacing the entry of the same scope and quality; False (and
    nothing stored) when `target` is empty for a source with text in it."""
    if normalise(source) and not target.strip():
        return False
    key = source_key(source)
    row = session.exec(
        select(TranslationMemory).where(
            TranslationMemory.scope == scope,
            TranslationMemory.source_lang == source_lang,
            TranslationMemory.target_lang == target_lang,
            TranslationMemory.source_key == key,
            TranslationMemory.quality == quality,
        )
    ).first()
    if row is None:
        # Another run may store the same entry right now (two `localize run` at once on
        # PostgreSQL): the later one replaces it, as it would have had it come second.
        values = row_values(
            TranslationMemory(
                scope=scope,
                source_lang=source_lang,
                target_lang=target_lang,
                source_key=key,
                source_text=normalise(source),
                target_text=target,
                quality=quality,
                origin=origin,
            )
        )
        insert = insert_for(session)(TranslationMemory.__table__).values(**values)
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["scope", "source_lang", "target_lang", "source_key", "quality"],
                set_={
                    "target_text": insert.excluded.target_text,
                    "origin": insert.excluded.origin,
                    "updated_at": insert.excluded.updated_at,
                },
            )
        )
        return True
    row.target_text, row.origin, row.updated_at = target, origin, utcnow()
    session.add(row)
    session.flush()
    return True


def remove(
    session: Session,
    *,
    scope: str,
    text: str | None = None,
    target_lang: str | None = None,
    origin: str | None = None,
) -> int:
    """Remove the entries of `scope` for a source text (in one language, or every one),
    or those an origin gave (an engine's name, "review"), or both narrowed together; how
    many went. A person clears a bad entry this way."""
    if text is None and origin is None:
        raise ValueError("a source text or an origin is needed")
    query = select(TranslationMemory).where(TranslationMemory.scope == scope)
    if text is not None:
        query = query.where(TranslationMemory.source_key == source_key(text))
    if target_lang is not None:
        query = query.where(TranslationMemory.target_lang == target_lang)
    if origin is not None:
        query = query.where(TranslationMemory.origin == origin)
    rows = list(session.exec(query))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)

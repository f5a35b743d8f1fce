"""The glossary in the store: add, list, remove, import from CSV (terms are protected in
text by localize.text.protect)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from config.errors import AppError, UnknownLanguage
from config.i18n import Text, msg
from config.markets import MarketCatalog, load_markets
from config.tables import Columns, RowProblem, in_order, read_table
from config.terminal import control_character
from localize.text import protect
from store.db import read_scope, session_scope
from store.models import GlossaryTerm
from store.queries import audit

COLUMNS = Columns(
    required=("term",),
    optional=("language", "target", "pattern"),
    limits={"language": 35},
    short_rows=True,  # `term[, language, target, pattern]`: a lone term is a whole row
)


class GlossaryError(AppError):
    """A glossary entry or file that cannot be used."""


@dataclass
class ImportResult:
    """What a glossary import did."""

    added: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def add_term(
    store: Engine,
    *,
    scope: str,
    term: str,
    language: str = "",
    target: str | None = None,
    is_pattern: bool = False,
    actor: str = "cli",
    catalog: MarketCatalog | None = None,
    fix: Text | None = None,
) -> bool:
    """Add or replace an entry (its language normalised by the markets file, the bundled
    one without `catalog`); True when it is new. `fix` ends the message refusing a control
    character (an import says: from the file)."""
    language = language_code(catalog, language, "--to")
    term = term.strip()
    if not term:
        raise GlossaryError(msg("the term is empty"))
    for name, text in (("term", term), ("target", target or "")):
        # a term is printed by list and shown beside translations: no escape sequence or
        # bidi override is ever stored, by add as by import (listings are refused alike)
        found = control_character(text)
        if found:
            raise GlossaryError(
                msg(
                    "{field} contains {found}; remove it {fix}",
                    field=name,
                    found=found,
                    fix=fix or msg("and add it again"),
                )
            )
    if len(term) > 200 or (target and len(target) > 200):
        raise GlossaryError(msg("terms and targets are at most 200 characters"))
    if target is not None and not language:
        raise GlossaryError(
            msg(
                "--as {target!r} needs --to LANG: a forced translation is per language",
                target=target,
            )
        )
    if is_pattern:
        try:
            protect.compile_pattern(term)
        except regex.error as exc:
            raise GlossaryError(
                msg("{term!r} is not a regular expression: {error}", term=term, error=str(exc))
            ) from None
        problem = protect.pattern_problem(term)
        if problem is not None:
            raise GlossaryError(
                msg("pattern {term!r} was not added: {problem}", term=term, problem=problem)
            )
        try:
            protect.screen(term)  # a catastrophic pattern is refused before it is stored
        except protect.SlowPattern as exc:
            raise GlossaryError(exc.text) from None
    with session_scope(store) as session:
        row = session.exec(
            select(GlossaryTerm).where(
                GlossaryTerm.scope == scope,
                GlossaryTerm.term == term,
                GlossaryTerm.language == language,
            )
        ).first()
        new = row is None
        row = row or GlossaryTerm(scope=scope, term=term, language=language)
        row.target, row.is_pattern = target, is_pattern
        session.add(row)
        _audit(session, actor, scope, term, "add" if new else "update", language, target)
    return new


def list_terms(store: Engine, *, scope: str | None) -> list[GlossaryTerm]:
    """Entries of one scope (a shop, '' for shared), or of every scope when None."""
    with read_scope(store) as session:
        query = select(GlossaryTerm).order_by(
            col(GlossaryTerm.scope), col(GlossaryTerm.term), col(GlossaryTerm.language)
        )
        if scope is not None:
            query = query.where(GlossaryTerm.scope == scope)
        return list(session.exec(query))


def remove_term(
    store: Engine,
    *,
    scope: str,
    term: str,
    language: str | None,
    actor: str = "cli",
    catalog: MarketCatalog | None = None,
) -> int:
    """Remove an entry (every language's, unless one is named); how many went."""
    language = None if language is None else language_code(catalog, language, "--to")
    with session_scope(store) as session:
        query = select(GlossaryTerm).where(GlossaryTerm.scope == scope, GlossaryTerm.term == term)
        if language is not None:
            query = query.where(GlossaryTerm.language == language)
        rows = list(session.exec(query))
        for row in rows:
            session.delete(row)
        if rows:
            _audit(session, actor, scope, term, "remove", language)
    return len(rows)


def _audit(
    session: Session,
    actor: str,
    scope: str,
    term: str,
    action: str,
    language: str | None,
    target: str | None = None,
) -> None:
    detail = {"language": language} | ({"target": target} if action != "remove" else {})
    audit(
        session,
        actor=actor,
        shop_id=scope,
        entity="glossary_term",
        entity_id=term,
        action=action,
        detail=detail,
    )


def language_code(catalog: MarketCatalog | None, language: str, where: str) -> str:
    """A glossary entry's language as the catalog spells it; '' (every language) stays ''."""
    if not language.strip():
        return ""
    return (catalog or load_markets()).language_code(language, where)


def import_csv(
    store: Engine, path: Path, *, scope: str, catalog: MarketCatalog | None = None
) -> ImportResult:
    """Rows of `term[, language, target, pattern]`; bad rows reported by line."""
    table = read_table(path, COLUMNS)
    result = ImportResult(problems=list(table.problems))
    catalog = catalog or load_markets()
    for row in table.rows:
        try:
            new = add_term(
                store,
                scope=scope,
                term=row.text("term"),
                language=language_code(catalog, row.text("language"), "language"),
                target=row.text("target") or None,
                is_pattern=row.text("pattern").lower() in {"1", "true", "yes"},
                actor="import",
                catalog=catalog,
                fix=msg("from the file and import again"),
            )
        except (GlossaryError, UnknownLanguage) as exc:
            result.problems.append(row.place.problem(exc.text))
            continue
        if new:
            result.added += 1
        else:
            result.updated += 1
    result.problems = in_order(result.problems)
    return result

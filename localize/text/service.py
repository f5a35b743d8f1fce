"""Translating listing text: memory first, terms protected, engines in parallel, checked."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import col, select

from config.engines import ENGINES
from config.errors import BadInput, ExitCode
from config.i18n import Msg, msg
from config.markets import Market, MarketCatalog
from config.runtime import Secrets
from localize.engines import URL_ENGINES, Brief, EngineChain, ResilientEngine, build_engine
from localize.engines.resilient import shared_calls as shared_engine_calls
from localize.errors import EngineError, EngineFailed, NoNewText, NoNewTranslation
from localize.prices import Prices, convert_text, shop_prices
from localize.text import checks, html, leftovers, memory, mixed, protect
from store.db import read_scope, session_scope
from store.models import GlossaryTerm, Quality

if TYPE_CHECKING:  # a review without a shops file loads no settings: not imported for it
    from config.settings import Settings, ShopSettings, TranslationSettings


class LanguageError(EngineError):
    """A language the catalog or the engine does not know."""

    exit_code = ExitCode.BAD_INPUT


SAVE_EVERY, SAVE_SECONDS = 16, 1.0  # engine results stored at least this often


# The origin of a segment with nothing to translate, kept as written: no engine was asked
# and the memory keeps nothing for it (an identity entry would only crowd it).
AS_WRITTEN = "as written"
NO_RATE = Prices()  # no yuan_rate: no yuan price converted, each said


@dataclass
class Segment:
    """One piece of text translated: where it came from, or why it failed."""

    text: str
    origin: str  # "memory" or the engine's name
    kept: tuple[str, ...] = ()
    error: str | None = None
    no_new: bool = False  # failed because every engine gave only the rejected text
    # Chinese-listing leftovers the engine kept and cleaning fixed (the memory keeps the
    # cleaned text, so that rejecting it finds it there)
    changes: tuple[leftovers.Change, ...] = ()
    # a memory entry that failed the checks (checks.unusable), passed over for the
    # engine: the entry and why
    passed_over: tuple[memory.Entry, tuple[Msg, ...]] | None = None
    entry: memory.Entry | None = None  # the memory entry it was served from
    yuan: tuple[str, ...] = ()  # its yuan prices, among `kept`, as protect keeps them


@dataclass(frozen=True)
class Rejected:
    """What a reviewer rejected for one source segment: the texts (never taken again, from
    the memory or an engine) and the engines that gave them (not asked again)."""

    texts: frozenset[str] = frozenset()  # normalised
    engines: frozenset[str] = frozenset()

    def refuses(self, text: str) -> bool:
        """Whether `text` is one a reviewer rejected."""
        return memory.normalise(text) in self.texts


@dataclass
class FieldResult:
    """A listing field translated and checked."""

    translation: str
    origin: str
    findings: list[checks.Finding]
    error: str | None = None
    no_new: bool = False  # every engine gave only text a reviewer rejected
    # the memory entries its text came from (a failure says so, and how to remove them)
    entries: tuple[memory.Entry, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """For --json."""
        return {
            "translation": self.translation,
            "origin": self.origin,
            "findings": [f.as_dict() for f in self.findings],
            "error": self.error,
        }


def engine_chain(
    settings: TranslationSettings, secrets: Secrets, shared_calls: int | None = None
) -> EngineChain:
    """The shop's engine (and fallback), secrets read from the environment; with
    `shared_calls` ([fleet] engine_calls), each engine's calls in flight from every shop of
    this process together stay within it."""
    names = [settings.engine] + ([settings.fallback] if settings.fallback else [])
    engines = []
    for name in names:
        where = f"translation engine {name}"
        api_key, secret = (
            secrets.require(variable, where) if variable else None
            for variable in (settings.api_key_env, settings.secret_key_env)
        )
        engines.append(
            ResilientEngine(
                build_engine(
                    name,
                    url=settings.location(name),
                    api_key=api_key,
                    secret_key=secret,
                    region=settings.region,
                    model=settings.model,
                ),
                timeout=settings.timeout,
                retries=settings.retries,
                concurrency=settings.concurrency,
                # where to look when it gives up: a server of the shop's
                url=settings.location(name) if name in URL_ENGINES else None,
                shared=None
                if shared_calls is None
                else shared_engine_calls(name, settings.location(name), shared_calls),
            )
        )
    return EngineChain(engines)


def shop_chain(
    secrets: Secrets, settings: Settings | None = None, shop: ShopSettings | None = None
) -> EngineChain:
    """The chain `localize text` asks: the shop's engines, or without a shop Google with
    the default settings."""
    if settings is not None and shop is not None:
        tsettings = shop.translation
    else:
        from config.settings import TranslationSettings

        tsettings = TranslationSettings()
    return engine_chain(
        tsettings, secrets, settings.fleet.engine_calls if settings is not None else None
    )


class CallChain:
    """One command's chain, made when a text first needs it (a clean plate or an image
    with no text asks no engine, and needs no key), shared by every text and worker of
    the call: an engine given up on is not waited on again for the next region. Called,
    it is the chain; `close()` stops it if it was made."""

    def __init__(
        self, secrets: Secrets, settings: Settings | None = None, shop: ShopSettings | None = None
    ) -> None:
        import threading

        self._make = lambda: shop_chain(secrets, settings, shop)
        self._lock = threading.Lock()
        self.made: EngineChain | None = None

    def __call__(self) -> EngineChain:
        with self._lock:
            if self.made is None:
                self.made = self._make()
            return self.made

    def close(self) -> None:
        with self._lock:
            if self.made is not None:
                self.made.close()


def engine_codes(catalog: MarketCatalog, language: str, chain: EngineChain) -> dict[str, str]:
    """Each engine's code for `language`."""
    entry = catalog.languages.get(language)
    if entry is None:
        raise LanguageError(
            "-", f"unknown language {language!r}; known: {', '.join(catalog.languages)}"
        )
    codes = {}
    for e in chain.engines:
        code = entry.engine_code(e.name)
        if code is None:
            raise LanguageError(e.name, f"does not translate {entry.name} ({language})")
        codes[e.name] = code
    return codes


def load_terms(store: Engine, *, scope: str, language: str) -> list[protect.Term]:
    """The glossary for a shop (and the shared one) in one target language."""
    with read_scope(store) as session:
        rows = session.exec(
            select(GlossaryTerm).where(
                col(GlossaryTerm.scope).in_([scope, ""]),
                col(GlossaryTerm.language).in_([language, ""]),
            )
        ).all()
    # A shop's own entry for a term wins over the shared one; a language's over ''.
    best: dict[str, GlossaryTerm] = {}
    for row in sorted(rows, key=lambda r: (r.scope == scope, r.language == language)):
        best[row.term] = row
    return [protect.Term(r.term, r.target, r.is_pattern) for r in best.values()]


@dataclass
class SegmentTranslator:
    """Translates many segments into one language: each unique segment once, from memory
    when it can, the rest through the engines with bounded concurrency."""

    store: Engine
    chain: EngineChain
    scope: str
    source_lang: str
    target_lang: str
    source_codes: dict[str, str]
    target_codes: dict[str, str]
    terms: Sequence[protect.Term] = ()
    concurrency: int = 4
    from_memory: int = field(default=0)
    on_done: Callable[[int], None] | None = None  # called with segments finished, for progress
    briefs: Mapping[str, Brief] = field(default_factory=dict)  # segment -> what a model is told
    # memory.source_key(segment) -> what a reviewer rejected of it (on_reject = next-engine)
    rejected: Mapping[str, Rejected] = field(default_factory=dict)

    def translate_many(self, segments: Iterable[str]) -> dict[str, Segment]:
        """Segment text -> its translation (keys are the segments as given)."""
        wanted = {s for s in segments if s.strip()}
        by_key: dict[str, list[str]] = {}
        for s in wanted:
            by_key.setdefault(memory.source_key(s), []).append(s)
        results: dict[str, Segment] = {}
        todo: list[str] = []
        passed_over: dict[str, tuple[memory.Entry, tuple[Msg, ...]]] = {}
        with read_scope(self.store) as session:
            for variants in by_key.values():
                first = variants[0]
                found = memory.entries(
                    session,
                    scope=self.scope,
                    source_lang=self.source_lang,
                    target_lang=self.target_lang,
                    text=first,
                )
                protected = self._protect(first)
                kept = protected.kept
                refused = self.rejected.get(memory.source_key(first))
                hit = None
                for row in found:
                    if refused and refused.refuses(row.target_text):
                        break  # the text a reviewer rejected: the next engine is asked
                    # an engine's echo an older version stored, a person's entry (a TMX
                    # file's) that lost a number: passed over, and said so. Served, it would
                    # fail the item on every run, the engine never asked again.
                    why = checks.unusable(
                        row.target_text, target_lang=self.target_lang, kept=kept, source=first
                    )
                    if not why:
                        hit = row
                        break
                    passed_over.setdefault(first, (memory.Entry.of(row), tuple(why)))
                if hit is not None:
                    self.from_memory += 1
                    entry = memory.Entry.of(hit)
                    for v in variants:
                        results[v] = Segment(
                            hit.target_text,
                            "memory",
                            kept,
                            entry=entry,
                            passed_over=passed_over.get(first),
                            yuan=protected.yuan,
                        )
                else:
                    todo.append(first)
        if self.on_done and len(results):
            self.on_done(len({memory.source_key(k) for k in results}))
        pending: list[tuple[str, Segment]] = []
        saved_at = time.monotonic()
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {pool.submit(self._engine, source): source for source in todo}
            running = set(futures)
            while running:
                finished, running = wait(running, SAVE_SECONDS, FIRST_COMPLETED)
                for future in finished:
                    source, segment = futures[future], future.result()
                    segment.passed_over = passed_over.get(source)
                    for v in by_key[memory.source_key(source)]:
                        results[v] = segment
                    pending.append((source, segment))
                    if self.on_done:
                        self.on_done(1)
                # Saved as they arrive, in small batches (and whenever the engines go
                # quiet): a killed run loses only what was in flight.
                if len(pending) >= SAVE_EVERY or time.monotonic() - saved_at >= SAVE_SECONDS:
                    self._remember(pending)
                    pending, saved_at = [], time.monotonic()
        self._remember(pending)
        return results

    def _remember(self, done: Sequence[tuple[str, Segment]]) -> None:
        """Store the engines' translations in the memory, in one short transaction."""
        if not done:
            return
        with session_scope(self.store) as session:
            for source, segment in done:
                # an answer the checks reject (an echo of the Chinese, a lost number or
                # protected term) is never kept: served from the memory, it would fail
                # every run after the engine was fixed
                usable = not checks.unusable(
                    segment.text, target_lang=self.target_lang, kept=segment.kept, source=source
                )
                # nor is one that needed control characters removed: it is an error a
                # reviewer clears by writing the text, and the next run asks again
                controls = any(c.code == "control_character" for c in segment.changes)
                if (
                    segment.error is None
                    and usable
                    and not controls
                    and segment.origin != AS_WRITTEN
                ):
                    memory.remember(
                        session,
                        scope=self.scope,
                        source_lang=self.source_lang,
                        target_lang=self.target_lang,
                        source=source,
                        target=segment.text,
                        quality=Quality.MACHINE,
                        origin=segment.origin,
                    )

    def _protect(self, source: str) -> protect.Protected:
        """`source` with its protected terms as placeholders, and its yuan prices unless
        the buyer reads Chinese (assemble converts them)."""
        yuan = not self.target_lang.lower().startswith("zh")
        return protect.protect(source, self.terms, yuan=yuan)

    def _engine(self, source: str) -> Segment:
        segment = self._engine_segment(source)
        segment.yuan = self._protect(source).yuan
        return segment

    def _engine_segment(self, source: str) -> Segment:
        rejected = self.rejected.get(memory.source_key(source))
        line = mixed.split(source) if self.source_lang.lower().startswith("zh") else None
        if line is not None:
            done = self._mixed(source, line, rejected)
            if done is not None:
                return done
        return self._asked(source, rejected)

    def _mixed(self, source: str, line: mixed.Mixed, rejected: Rejected | None) -> Segment | None:
        """A line of Chinese and its own translation in Latin letters (localize.text.mixed):
        its Chinese part alone asked; the Latin part alone when the answer says what it
        says (the buyer reads its language), else the answer beside it for a buyer of
        another language; None (ask the line whole, as before) when neither is sure. Never
        a text a reviewer rejected for the line."""
        english = self.target_lang.lower().split("-")[0] == "en"
        if not english and not line.phrase:
            return None  # may be a name: no call spent on the part alone
        # (the engines a reviewer rejected for the line are not asked for its part either)
        part = self._asked(
            line.chinese,
            Rejected(engines=rejected.engines) if rejected else None,
            told=source,  # a model is told of the part what it would be of the line
        )
        if part.error:
            return part  # the engine down: the line is no better sent whole
        whole = self._protect(source)
        # the Latin part as the glossary writes its terms (a term the engine would have been
        # given as a placeholder): kept as written otherwise
        glossed = self._protect(line.latin)
        line = replace(line, latin=protect.restore(glossed.text, glossed)[0])
        if mixed.says_the_same(part.text, line.latin):
            text, changes = line.latin, ()  # the seller's own words, nothing of the engine's
            # the Chinese part's numbers are in the Latin part, or the line is not the same
            # thing said twice
            if checks.missing_numbers(line.chinese, text):
                return None
        elif not english and line.phrase:
            text, changes = line.beside(part.text), part.changes
        else:
            return None  # English words the answer does not say: a name, or unsure
        # every protected term (a glossary's, a price) comes back as the line whole would
        # have it: a term in the Latin part a glossary writes otherwise goes whole
        if any(term not in text for term in whole.kept):
            return None
        if rejected is not None and rejected.refuses(text):
            return None
        return Segment(text, part.origin, whole.kept, changes=changes)

    def _asked(self, source: str, rejected: Rejected | None, told: str | None = None) -> Segment:
        """`source` through the engines, its protected terms kept; a model told what it is
        told of the segment `told` (default: `source`)."""
        protected = self._protect(source)
        if not protect.has_words(protected.text):
            text, _ = protect.restore(protected.text, protected)
            return Segment(text, "glossary", protected.kept)
        source_codes = self.source_codes
        if self.source_lang.lower().startswith("zh") and not checks.has_chinese(protected.text):
            # No Chinese: a seller's English or a model name stays as written, but a line
            # in a script the buyer does not read (Japanese, Korean) goes to the engines
            # that find its language themselves (with none, checks' foreign_script_left).
            source_codes = detecting(self.chain)
            if not source_codes or not checks.foreign_runs(protected.text, self.target_lang):
                text, _ = protect.restore(protected.text, protected)
                return Segment(text, AS_WRITTEN, protected.kept)
        refused = None
        if rejected is not None:

            def refused(raw: str) -> bool:
                return rejected.refuses(protect.restore(raw, protected)[0])

        try:
            raw, origin = self.chain.translate(
                protected.text,
                source_codes,
                self.target_codes,
                self.briefs.get(told or source),
                skip=rejected.engines if rejected else (),
                refused=refused,
            )
        except NoNewTranslation as exc:
            return Segment("", exc.engine, protected.kept, exc.message, no_new=True)
        except EngineError as exc:
            return Segment("", self.chain.engines[0].name, protected.kept, exc.message)
        text, _lost = protect.restore(raw, protected)
        after = leftovers.clean_translation(text, "", self.target_lang)
        return Segment(after.text, origin, protected.kept, changes=tuple(after.changes))


def detecting(chain: EngineChain) -> dict[str, str]:
    """Each engine of the chain that finds a text's language itself, with the source code
    that asks it to."""
    return {
        e.name: spec.detects
        for e in chain.engines
        if (spec := ENGINES.get(e.name)) is not None and spec.detects is not None
    }


def briefs(
    fields: Iterable[tuple[str, str]], market: Market | None, limits: checks.Limits
) -> dict[str, Brief]:
    """Each (field, text) pair's segments -> what a model is told of them (a segment in
    several fields is told of the first)."""
    where = f"{market.name} ({market.code})" if market else ""
    limit = {"title": limits.title_max, "description": limits.description_max}
    told: dict[str, Brief] = {}
    for name, text in fields:
        for segment in field_segments(text, name):
            told.setdefault(segment, Brief(name, where, limit.get(name)))
    return told


def field_segments(text: str, field_name: str) -> list[str]:
    """The pieces of a field that go to memory and engines, its Chinese-listing leftovers
    cleaned (leftovers.clean_source): a description's text nodes, or the whole field."""
    text = leftovers.clean_source(text, field_name).text
    if field_name == "description":
        return html.split(text).texts()
    return [text] if text.strip() else []


def assemble(
    text: str,
    field_name: str,
    done: dict[str, Segment],
    *,
    target_lang: str,
    limits: checks.Limits,
    prices: Prices = NO_RATE,
) -> FieldResult:
    """A field put together from its translated segments, and checked; its yuan prices
    (each kept by the segments as "¥99") written in the market's currency by `prices`
    (the shop's `yuan_rate`), or left and said so without a rate."""
    if not text.strip():
        return FieldResult(text, "none", [])
    source = leftovers.clean_source(text, field_name)
    text = source.text  # as the engines got it, and as the checks compare
    findings = checks.cleaned(field_name, source.changes)
    if not text.strip():  # nothing but leftovers (a title of emoji): nothing to translate
        return FieldResult("", "none", findings)
    changes: list[leftovers.Change] = []  # what cleaning changed in the engines' text
    converted: dict[str, str] = {}  # a yuan price as the text had it -> in local currency
    left: list[str] = []  # yuan prices left (no rate)
    in_yuan = not target_lang.lower().startswith("zh")  # a Chinese reader's are kept

    def cleaned(segment: Segment, said: list[leftovers.Change] = changes) -> str:
        # cleaned as the engine answered (Segment.changes); again for the field (a title's
        # emoji, a memory entry stored before cleaning was)
        after = leftovers.clean_translation(segment.text, field_name, target_lang)
        said.extend([*segment.changes, *after.changes])
        if not in_yuan:
            return after.text
        # the memory keeps "¥99" whatever the rate: converted here, on the way out (and a
        # price an older entry or a person wrote as 99元 too); a brand term's own is kept
        terms = _without(segment.kept, segment.yuan)
        done = convert_text(after.text, prices, terms)
        converted.update(done.converted)
        left.extend(done.left)
        return done.text

    if field_name == "description":
        fragment = html.split(text)
        sources = fragment.texts()
        segments = [done[t] for t in sources]
        said: list[list[leftovers.Change]] = [[] for _ in sources]
        pieces = [cleaned(s, into) for s, into in zip(segments, said, strict=True)]
        # a piece beside another across inline tags, at a mark of the source, reads as one
        # run with it unless the space the target writes there is put back
        pieces = leftovers.join_pieces(sources, pieces, said, fragment.meets(), target_lang)
        changes.extend(c for into in said for c in into)
        # whitespace at a description's edges carries nothing, and a tab or CR there would
        # start a formula in a spreadsheet (the export quotes such a cell)
        output = fragment.fill(pieces).strip()
        if fragment.reshaped:
            findings += checks.reshaped(fragment.reshaped)
        if fragment.dropped:
            findings.append(
                checks.Finding(
                    "description_tags_dropped",
                    checks.WARNING,
                    checks.about(
                        "description",
                        msg(
                            "tags TikTok Shop refuses were dropped: {tags}",
                            tags=sorted(set(fragment.dropped)),
                        ),
                    ),
                )
            )
    else:
        segments = [done[text]]
        output = cleaned(segments[0])
    passed = dict(s.passed_over for s in segments if s.passed_over)  # each entry once
    findings += [checks.memory_passed_over(field_name, e, why) for e, why in passed.items()]
    errors = [s.error for s in segments if s.error]
    if errors:
        no_new = all(s.no_new for s in segments if s.error)
        return FieldResult("", segments[0].origin, [], errors[0], no_new=no_new)
    findings += checks.cleaned(field_name, changes, target_lang, of="translation")
    findings += checks.yuan_prices(field_name, converted, left, prices)
    # a price kept is there converted (a placeholder the engine lost is still missed)
    kept = tuple(
        k
        for s in segments
        for k in (*_without(s.kept, s.yuan), *(converted.get(y, y) for y in s.yuan))
    )
    origins = sorted({s.origin for s in segments if s.origin != AS_WRITTEN}) or ["none"]
    findings += checks.check(
        text,
        output,
        field=field_name,
        target_lang=target_lang,
        kept=kept,
        limits=limits,
        prices=prices,
    )
    entries = tuple(dict.fromkeys(s.entry for s in segments if s.entry))
    # else the next run serves it again, unsaid; never beside an error of the source's markup
    if entries and checks.memory_may_have_caused(findings):
        findings.append(checks.memory_served(field_name, entries))
    return FieldResult(output, "+".join(origins), findings, entries=entries)


def _without(kept: Sequence[str], yuan: Sequence[str]) -> list[str]:
    """A segment's protected terms but its yuan prices (each taken out once)."""
    rest = list(kept)
    for price in yuan:
        if price in rest:
            rest.remove(price)
    return rest


def translate_field(
    translator: SegmentTranslator,
    text: str,
    *,
    field_name: str,
    limits: checks.Limits,
    prices: Prices = NO_RATE,
) -> FieldResult:
    """One listing field (title, description or caption) translated and checked, its yuan
    prices converted by `prices`."""
    done = translator.translate_many(field_segments(text, field_name))
    return assemble(
        text, field_name, done, target_lang=translator.target_lang, limits=limits, prices=prices
    )


def translate_one(
    store: Engine,
    secrets: Secrets,
    source: str,
    *,
    to: str,
    from_: str,
    field: str,
    settings: Settings | None = None,
    shop: ShopSettings | None = None,
    rejected: Mapping[str, Rejected] | None = None,
    chain: EngineChain | None = None,
) -> tuple[FieldResult, int]:
    """One text translated as `shop` would (its engine, memory, glossary, market limits), or
    without a shop with the shared memory and glossary, Google and the widest title limits;
    returns the result and the engine calls it took. With `chain` (a run's, which counts
    its engines' failures for the run), that chain is asked and left open."""
    market: Market | None = None
    if settings is not None and shop is not None:
        catalog, tsettings = settings.markets, shop.translation
        market = catalog.market(shop.market)
        limits = checks.Limits.of(market)
    else:
        from config.markets import load_markets
        from config.settings import TranslationSettings

        catalog, tsettings, limits = load_markets(), TranslationSettings(), checks.Limits()
    to, from_ = catalog.language_code(to, "--to"), catalog.language_code(from_, "--from")
    if to == from_:  # an engine asked zh -> zh answers the text back, or garbage
        raise BadInput(
            f"the text is already in {catalog.languages[to].name} ({to}): --to is the "
            "language it is written in (--from); nothing to translate"
        )
    scope = shop.id if shop else ""
    own = chain is None
    if chain is None:
        chain = shop_chain(secrets, settings, shop)
    before = chain.calls
    try:
        translator = SegmentTranslator(
            store=store,
            chain=chain,
            scope=scope,
            source_lang=from_,
            target_lang=to,
            source_codes=engine_codes(catalog, from_, chain),
            target_codes=engine_codes(catalog, to, chain),
            terms=load_terms(store, scope=scope, language=to),
            concurrency=tsettings.concurrency,
            briefs=briefs([(field, source)], market, limits),
            rejected=rejected or {},
        )
        result = translate_field(
            translator,
            source,
            field_name=field,
            limits=limits,
            prices=shop_prices(settings, shop),
        )
    finally:
        if own:
            chain.close()
    if result.error:
        raise (NoNewText if result.no_new else EngineFailed)(result.error)
    return result, chain.calls - before


def translated_caption(
    store: Engine,
    secrets: Secrets,
    source: str,
    *,
    to: str,
    settings: Settings | None = None,
    shop: ShopSettings | None = None,
) -> FieldResult:
    """A caption translated as `localize text --field caption` would, for drawing as it is:
    EngineFailed naming the error-level findings when it must not be drawn."""
    result, _ = translate_one(
        store, secrets, source, to=to, from_="zh-CN", field="caption", settings=settings, shop=shop
    )
    errors = [f for f in result.findings if f.severity == checks.ERROR]
    if errors:
        listed = "; ".join(f"{f.code}: {f.message}" for f in errors if f.code != "memory_served")
        where = f" ({checks.from_memory(result.entries[0])})" if result.entries else ""
        raise EngineFailed(
            f"the translated caption has errors ({listed}){where}; give it with --caption"
        )
    return result

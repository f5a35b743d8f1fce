"""What the `localize` commands print: each result as text, or as one JSON document.

Results go to stdout; problems, findings, warnings and progress to stderr. A view shows
what a service returned and decides nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.i18n import SEMICOLON, Joined, Text, msg, pmsg, word
from config.terminal import clipped
from config.views import file_imported, problems

if TYPE_CHECKING:  # the CLI imports views at start-up: keep --help light
    from collections.abc import Callable
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from config.i18n import Msg
    from config.runtime import Environment, Progress
    from localize.engines.resilient import Failing
    from localize.image.batch import BatchResult, Done
    from localize.image.pipeline import CaptionedImages
    from localize.listings import ImportSummary
    from localize.publish.service import PublishRun
    from localize.review import Entry, Outcome
    from localize.run import ShopRun
    from localize.text.checks import Finding
    from localize.text.glossary import ImportResult
    from localize.text.service import FieldResult
    from localize.text.tmx import TmxImport
    from store.models import GlossaryTerm


# Progress reported by what is being done; anything else is a language being translated into.
ACTIVITIES = {"captioning": msg("captioning"), "replacing text": msg("replacing text")}
# A failed item's error as a list shows it, at most (a line per item; `review show` has
# it whole).
FAILED_SHOWN = 300

SEVERITIES = {"error": msg("error"), "warning": msg("warning"), "info": msg("info")}
ITEM_STATES = {
    "pending": pmsg("item", "pending"),
    "translated": msg("translated"),
    "approved": msg("approved"),
    "rejected": msg("rejected"),
    "published": msg("published"),
    "blocked": msg("blocked"),
    "failed": pmsg("item", "failed"),
    "stale": pmsg("item", "stale"),
}


DECISIONS = {
    "approve": msg("approve"),
    "reject": msg("reject"),
    "override": msg("override"),
    "edit": msg("edit"),
}


@contextmanager
def progress(env: Environment) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; otherwise nothing."""
    if not env.stderr_is_terminal:
        yield None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress as Bar

    from config.terminal import printable

    with Bar(console=Console(file=env.stderr), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                label = ACTIVITIES.get(what) or msg("translating into {what}", what=what)
                # Rich reads a task's description as markup: this one is text
                tasks[what] = bar.add_task(escape(printable(env.say(label))), total=total)
            bar.update(tasks[what], completed=done)

        yield update


def findings(env: Environment, found: Sequence[Finding]) -> None:
    """The checks' findings, one per line."""
    for f in found:
        env.err(finding_line(f.severity, f.code, f.message))
        if f.fix:
            env.err(msg("  fix: {fix}", fix=f.fix))


def _field(name: str) -> Msg | str:
    """A listing field's name as the reader says it."""
    from localize.text.checks import FIELD_NAMES

    return word(FIELD_NAMES, name)


def finding_line(severity: str, code: str, message: Text) -> Msg:
    """`warning: code: what was found`, the severity in the reader's words."""
    return msg(
        "{severity}: {code}: {message}",
        severity=word(SEVERITIES, severity),
        code=code,
        message=message,
    )


def translated(env: Environment, result: FieldResult, calls: int, as_json: bool) -> None:
    """One text translated: the translation on stdout, where it came from on stderr."""
    if as_json:
        env.json({**result.as_dict(), "engine_calls": calls})
        return
    env.out(result.translation)
    env.err(msg("origin: {origin}", origin=result.origin))
    findings(env, result.findings)


def language_unused(env: Environment, language: str) -> None:
    """`localize image --erase-only --to LANG`: the clean plate is in no language (taken in
    silence, --to seemed to choose something: a stranger's trial)."""
    env.err(
        msg(
            "note: --erase-only draws nothing, in no language: --to {language} is not used",
            language=language,
        )
    )


MAX_NAMED = 5  # images named in the summary's "to look at" line, then "…"


def images(env: Environment, captioned: CaptionedImages, as_json: bool) -> None:
    """`localize image`: failures and warnings on stderr, the images written on stdout."""
    findings(env, captioned.findings)
    result = captioned.result
    for failure in result.failed:
        env.err(msg("failed: {error}", error=failure.error))
    for done in result.done:
        for said in done.info:
            env.err(msg("note: {input}: {info}", input=str(done.input), info=said))
        for warning in done.warnings:
            env.err(msg("warning: {input}: {warning}", input=str(done.input), warning=warning))
    failing = captioned.still_chinese()
    if as_json:
        env.json(
            {
                "caption": captioned.caption,
                "captioned": [
                    {
                        "input": str(d.input),
                        "output": str(d.output),
                        "size": d.size,
                        "lines": list(d.lines),
                        "truncated": d.truncated,
                        "contrast": d.contrast,
                        "bytes": d.bytes,
                        "warnings": list(d.warnings),
                        "replaced": d.replaced,  # (kept for scripts: the file overwritten)
                        "overwritten": d.replaced,
                        "still_chinese": d in failing,
                        "info": list(d.info),
                        **_region_counts(captioned, d),
                    }
                    for d in result.done
                ],
                "failed": [
                    {"input": str(f.input), "output": str(f.output), "error": f.error}
                    for f in result.failed
                ],
                **({"regions": captioned.regions} if captioned.regions else {}),
            }
        )
    elif captioned.replaced_text:
        from localize.image.regions import without_chinese_said

        for d in result.done:
            regions = captioned.regions.get(str(d.input), [])
            figures = _region_counts(captioned, d)
            counts = dict(
                output=_written(d, result),
                done=figures["regions_done"],
                regions=figures["regions_to_replace"],
            )
            said = (
                msg("{output}  ({done} of {regions} text region(s) erased)", **counts)
                if captioned.erased_only
                else msg("{output}  ({done} of {regions} text region(s) replaced)", **counts)
            )
            still = figures["regions_still_read"]
            if still:  # worked on, but Chinese is still read there: the warning says where
                said = msg(
                    "{said}; {still} with Chinese still read around it (see the warning)",
                    said=said,
                    still=still,
                )
            if figures["regions_printing"]:  # kept on purpose: "1 of 3" alone reads undone
                said = msg(
                    "{said}; {printed} kept as the product's own printing",
                    said=said,
                    printed=figures["regions_printing"],
                )
            env.out(without_chinese_said(said, regions))
    else:
        for d in result.done:
            drawn = dict(output=_written(d, result), size=d.size, lines=len(d.lines))
            env.out(
                msg("{output}  ({size} px, {lines} line(s), truncated)", **drawn)
                if d.truncated
                else msg("{output}  ({size} px, {lines} line(s))", **drawn)
            )
    replaced = [d.output.name for d in result.done if d.replaced]
    if replaced:  # an earlier run's outputs, or another picture of the same name: never unsaid
        env.err(
            msg(
                "note: {n} file(s) of these names were already there and are replaced: "
                "{names} (move them elsewhere first to keep them)",
                n=len(replaced),
                names=", ".join(replaced[:MAX_NAMED])
                + (", …" if len(replaced) > MAX_NAMED else ""),
            )
        )
    counts = dict(done=len(result.done), failed=len(result.failed), truncated=result.truncated)
    env.err(
        msg("{done} written, {failed} failed, {truncated} truncated", **counts)
        if captioned.replaced_text
        else msg("{done} captioned, {failed} failed, {truncated} truncated", **counts)
    )
    # (a batch's operator reads the last line: a 12 dB erase with Chinese still read was
    # "5 written, 0 failed" there, its four warnings scrolled away; a stranger's trial)
    warned = [d for d in result.done if d.warnings and d not in failing]
    if warned:
        env.err(
            msg(
                "{count} of them to look at before uploading ({files}): the warnings above say why",
                count=len(warned),
                files=_named(warned),
            )
        )
    if failing:  # written to be looked at, but failed: a buyer would read the Chinese (exit 1)
        env.err(
            msg(
                "error: {count} of them still show Chinese text where it was erased "
                "({files}), so they are not ready to upload: the warnings above say where. "
                "Have those regions retouched, or use another picture",
                count=len(failing),
                files=_named(failing),
            )
        )


def _named(done: Sequence[Done]) -> Joined:
    """The output files' names, the first few, for a closing line."""
    names: list[Any] = [Path(d.output).name for d in done[:MAX_NAMED]]
    return Joined(names + (["…"] if len(done) > MAX_NAMED else []))


MAX_NAMED = 5  # files a note names before "…"


def _region_counts(captioned: CaptionedImages, done: Done) -> dict[str, int]:
    """`localize image`'s counts of one image's text regions (none for a caption alone):
    done (replaced, or erased, and no Chinese read there after), of how many to replace
    (those with no Chinese are not: Latin letters, numbers), how many of those are the
    product's printing kept, still read after erasing, and without Chinese. (--json adds
    them beside its older fields; `regions` lists each one.)"""
    from localize.image.product import PRINTING
    from localize.image.regions import (
        done_count,
        still_read_count,
        to_replace_count,
        without_chinese_count,
    )

    if not captioned.replaced_text:
        return {}
    status = "erased" if captioned.erased_only else "replaced"
    regions = captioned.regions.get(str(done.input), [])
    return {
        "regions_done": done_count(regions, status),  # as the review queue counts them
        "regions_to_replace": to_replace_count(regions),
        "regions_printing": sum(
            1 for r in regions if r.get("kind") == PRINTING and r.get("status") == "kept"
        ),
        "regions_still_read": still_read_count(regions, status),
        "regions_without_chinese": without_chinese_count(regions),
    }


def _written(done: Done, result: BatchResult) -> Text:
    """Where an image went, and from which input when its name does not say: there were
    several (`主图-2.png`), or its name is the input's with characters replaced, one input
    into a folder too (trial 31: `主图 一.png` written as `主图_一.png`, unsaid); not a
    file name the seller gave (-o out.png)."""
    from localize.image.outputs import readable_name

    several = len(result.done) + len(result.failed) > 1
    renamed = done.output.stem == readable_name(done.input.stem, "")
    if done.output.stem != done.input.stem and (several or renamed):
        return msg("{output} (from {input})", output=str(done.output), input=str(done.input))
    return str(done.output)


def listings_imported(env: Environment, file: Path, summary: ImportSummary, as_json: bool) -> None:
    """A listings file imported."""
    counts = msg(
        "{added} added, {changed} changed, {unchanged} unchanged, {skipped} skipped; "
        "{stale} item(s) now stale",
        added=summary.added,
        changed=summary.changed,
        unchanged=summary.unchanged,
        skipped=len(summary.problems),
        stale=summary.stale,
    )
    file_imported(env, file, summary, counts, as_json)


def _scope(scope: str) -> Msg:
    return msg("shop {shop}", shop=scope) if scope else msg("every shop")


def term_added(
    env: Environment, term: str, new: bool, to: str | None, target: str | None, scope: str
) -> None:
    """One glossary entry added or replaced."""
    if target:
        what = msg("always {target!r} in {language}", target=target, language=to)
    elif to:
        what = msg("never translated into {language}", language=to)
    else:
        what = msg("never translated")
    said = dict(term=term, what=what, scope=_scope(scope))
    env.out(
        msg("added {term!r}: {what} ({scope})", **said)
        if new
        else msg("updated {term!r}: {what} ({scope})", **said)
    )


def terms(env: Environment, rows: Sequence[GlossaryTerm], as_json: bool) -> None:
    """The glossary."""
    if as_json:
        env.json(
            [
                {
                    "shop": r.scope or None,
                    "term": r.term,
                    "language": r.language or None,
                    "target": r.target,
                    "pattern": r.is_pattern,
                }
                for r in rows
            ]
        )
        return
    for r in rows:
        if r.target:
            kind: Msg | str = f"-> {r.target!r} ({r.language})"
        elif r.language:
            kind = msg("never translated ({language})", language=r.language)
        else:
            kind = msg("never translated")
        said = dict(scope=r.scope or "*", term=repr(r.term), kind=kind)
        env.out(
            msg("{scope:<16} {term} [pattern] {kind}", **said)
            if r.is_pattern
            else msg("{scope:<16} {term} {kind}", **said)
        )


def terms_removed(env: Environment, term: str, n: int) -> None:
    """Glossary entries removed."""
    env.out(
        msg("removed {n} entry for {term!r}", n=n, term=term)
        if n == 1
        else msg("removed {n} entries for {term!r}", n=n, term=term)
    )


def terms_imported(env: Environment, file: Path, result: ImportResult) -> None:
    """A glossary file imported."""
    problems(env, result.problems)
    env.out(
        msg(
            "{file}: {added} added, {updated} updated, {skipped} rows skipped",
            file=str(file),
            added=result.added,
            updated=result.updated,
            skipped=len(result.problems),
        )
    )


def memory_imported(env: Environment, file: Path, result: TmxImport) -> None:
    """A TMX file imported."""
    problems(env, result.skipped + result.noted)
    env.out(
        msg(
            "{file}: {stored} translation(s) stored, {skipped} unit(s) skipped",
            file=str(file),
            stored=result.stored,
            skipped=len(result.skipped),
        )
    )


def memory_removed(env: Environment, n: int, as_json: bool) -> None:
    """Translation memory entries removed."""
    if as_json:
        env.json({"removed": n})
        return
    env.out(
        msg("removed {n} translation memory entry", n=n)
        if n == 1
        else msg("removed {n} translation memory entries", n=n)
    )


def memory_exported(env: Environment, file: Path, n: int) -> None:
    """A TMX file written."""
    env.out(msg("{file}: {n} translation(s) written", file=str(file), n=n))


def engine_failing(failing: Failing) -> Msg:
    """An engine that failed texts in a run, told once: how many, who answered instead,
    its last error."""
    said = {"engine": failing.engine, "failed": failing.failed, "asked": failing.asked}
    error = failing.last_error or "-"
    if failing.answered_by:
        return msg(
            "warning: translation engine {engine} failed {failed} of {asked} texts; "
            "{fallback} translated them instead. Its last error: {error}",
            **said,
            fallback=", ".join(failing.answered_by),
            error=error,
        )
    return msg(
        "warning: translation engine {engine} failed {failed} of {asked} texts. Its last "
        "error: {error}",
        **said,
        error=error,
    )


def shop_run(env: Environment, shop: str, run: ShopRun, as_json: bool) -> None:
    """`localize run`: every failure on stderr, the figures on stdout."""
    for error in run.text.errors + run.images.errors:
        env.err(msg("failed: {error}", error=error))
    for failing in run.engines_failing:
        env.err(engine_failing(failing))
    if as_json:
        env.json(run.as_dict())
        return
    t, i = run.text, run.images
    # One line per half, each count naming what it counts: an item's text can be
    # translated while its images fail, and "0 failed ... 2 failed" would read as a
    # contradiction.
    env.out(
        msg(
            "{shop}: text: {translated} item(s) translated ({with_errors} with errors for the "
            "reviewer), {failed} item(s) failed to translate; {segments} segments, {memory} "
            "from memory, {calls} engine calls",
            shop=shop,
            translated=t.translated,
            with_errors=t.with_errors,
            failed=t.failed,
            segments=t.segments,
            memory=t.from_memory,
            calls=t.engine_calls,
        )
    )
    env.out(
        msg(
            "{shop}: images: {images} image(s) written for {items} item(s), {failed} item(s) "
            "failed on their images, {truncated} item(s) with text cut to fit",
            shop=shop,
            images=i.images,
            items=i.items,
            failed=i.failed,
            truncated=i.truncated,
        )
    )
    if i.nowhere:
        env.err(
            msg(
                "warning: {count} item(s) have a caption that no image will carry "
                "(caption_images leaves their images without one): items {items}; see "
                "`localize review show ID`",
                count=len(i.nowhere),
                items=", ".join(str(n) for n in i.nowhere),
            )
        )
    if run.waiting:
        env.err(
            msg(
                "{count} item(s) wait for review: localize review --shop {shop}",
                count=run.waiting,
                shop=shop,
            )
        )
    if run.blocked:
        env.err(
            msg(
                "{count} item(s) blocked from publishing: localize review list --state blocked",
                count=run.blocked,
            )
        )
    for item_id, why in t.for_a_person.items():
        env.err(msg("item {id} {why}", id=item_id, why=why))
    for item_id, files in t.waiting_for_a_file.items():
        from config.files import excerpt

        env.err(
            msg(
                "item {id} failed on its images and waits for {files}: not translated again "
                "until the file is there (or the listing is imported again)",
                id=item_id,
                files=Joined([excerpt(f) for f in files]),
            )
        )


def review_list(
    env: Environment, entries: Sequence[Entry], as_json: bool, states: Sequence[str] = ()
) -> None:
    """The queue: a header, then one line per item."""
    from localize.lifecycle import open_errors  # loaded already: the queue was just read

    if as_json:
        env.json([e.as_dict() for e in entries])
        return
    if not entries:
        wanted = Joined([word(ITEM_STATES, s) for s in states], msg(" or "))
        env.out(
            msg("no item is {states}", states=wanted) if states else msg("nothing waits for review")
        )
        return
    env.out(
        msg(
            "{id:>6}  {shop:<16} {product:<20} {lang:<6} {state:<10} {ver:<5} {title:<40} {notes}",
            id=msg("id"),
            shop=msg("shop"),
            product=msg("product"),
            lang=msg("lang"),
            state=msg("state"),
            ver=msg("ver"),
            title=msg("title"),
            notes=msg("notes"),
        )
    )
    for e in entries:
        item = e.item
        errors = len(open_errors(item.findings))
        notes = [msg("{n} error(s)", n=errors)] if errors else []
        notes += [msg("open with {who}", who=item.claimed_by)] if item.claimed_by else []
        rejected = e.rejected()
        if rejected:
            said = " ".join(rejected["reason"].split())
            said = clipped(said, 40)
            by = dict(who=rejected["by"], reason=repr(said))
            notes.append(
                msg("rejected by {who}: {reason}", **by)
                # failed by an outage on its way to a new text, it still stands rejected
                if item.state in ("rejected", "failed")
                else msg("translated again after rejection by {who}: {reason}", **by)
            )
        if e.waits_for_person():
            notes.append(msg("waits for a person's translation"))
        title = " ".join((item.title or e.listing.title or "").split())
        title = clipped(title, 40)
        line = msg(
            "{id:>6}  {shop:<16} {product:<20} {lang:<6} {state:<10} {ver:<5} {title:<40} {notes}",
            id=item.id,
            shop=item.shop_id,
            product=e.listing.product_id,
            lang=item.language,
            state=word(ITEM_STATES, item.state),
            ver="v" + str(item.revision),
            title=title,
            notes=Joined(notes, "  "),
        )
        env.out(env.say(line).rstrip())
        if item.state == "blocked" and item.error:
            env.out(msg("        blocked: {error}", error=e.blocked_reasons()))
        if item.state == "failed":
            from config.files import excerpt

            error = item.error or ""
            env.out(
                msg(
                    "        failed: {error}\n        fix what it says (an image file, the "
                    "listing: import it again, the engine), then `localize run --shop {shop}`",
                    error=excerpt(error, FAILED_SHOWN, quoted=False),
                    shop=item.shop_id,
                )
            )
            if len(error) > FAILED_SHOWN:  # its advice is at its end: say where it is whole
                env.out(msg("        its whole error: `localize review show {id}`", id=item.id))
            if rejected:  # a person's text is taken as it is for a rejected item
                env.out(
                    msg(
                        "        or approve it with your own text: --set FIELD=TEXT, or "
                        "--region N=TEXT for the text on its images"
                    )
                )


def review_item(env: Environment, e: Entry, as_json: bool, zone: ZoneInfo | None = None) -> None:
    """One item: each field's source beside its translation, findings, images (times in
    the shop's display `zone`)."""
    if as_json:
        env.json(e.as_dict())
        return
    d = e.as_dict()
    env.out(
        msg(
            "item {id} — {shop} {product} ({language}), {state}, version {version}",
            id=d["id"],
            shop=d["shop"],
            product=d["product_id"],
            language=d["language"],
            state=word(ITEM_STATES, d["state"]),
            version=d["version"],
        )
    )
    _rejection(env, d, zone)
    # A stale item's translation was made from the source before the change: shown beside
    # it, the listing's new source after (beside the new one, 400ml read as a number error).
    before = d["source_before"] if d["state"] == "stale" and d["source_before"] else None
    for name, texts in d["fields"].items():
        env.out(msg("\n[{field}]", field=_field(name)))
        source = texts["source"] or ""
        translated_from = source if before is None else before.get(name) or ""
        env.out(msg("  source:      {text}", text=translated_from))
        translation = msg("  translation: {text}", text=texts["translation"] or "")
        if texts.get("origin"):
            translation = msg("{line}  ({origin})", line=translation, origin=texts["origin"])
        env.out(translation)
        if translated_from != source:
            env.out(msg("  source now:  {text}", text=source))
    if d["findings"]:
        env.out(msg("\n[findings]"))
        for f in d["findings"]:
            from localize.text.checks import said

            line = finding_line(f["severity"], f["code"], said(f))
            if f.get("overridden_by"):
                line = msg("{line} (overridden by {who})", line=line, who=f["overridden_by"])
            env.out(msg("  {line}", line=line))
            if f.get("fix"):
                env.out(msg("    fix: {fix}", fix=f["fix"]))
    _image_regions(env, d["regions"])
    if d["images"]:
        from localize.image.findings import NOWHERE

        nowhere = any(f.get("code") == NOWHERE for f in d["findings"])
        env.out(
            msg("\n[images] (the caption is drawn on none of them)")
            if nowhere
            else msg("\n[images]")
        )
        for n, image in enumerate(d["images"], start=1):
            env.out(f"  {n}. {image['original']}")
            if image["captioned"]:
                drawn = msg("captioned") if image["caption"] else msg("text replaced, no caption")
                env.out(msg("     {drawn}: {file}", drawn=drawn, file=image["captioned"]))
    if d["source_diff"]:
        env.out(msg("\n[source changed]"))
        for name, lines in d["source_diff"].items():
            env.out(msg("  {field}:", field=_field(name)))
            for line in lines:
                env.out(f"    {line}")
    if d["error"]:
        said = e.blocked_reasons() if e.item.state == "blocked" else d["error"]
        env.out(msg("\n[error]\n  {error}", error=said))


def _rejection(env: Environment, d: dict[str, Any], zone: ZoneInfo | None = None) -> None:
    """Who rejected the item last, when, why and what; and whether it waits for a person."""
    r = d["rejection"]
    if r is None:
        return
    env.out(
        msg("\n[rejected]")
        if d["state"] == "rejected"
        else msg("\n[rejected before (this text came after)]")
    )
    said = dict(who=r["by"], at=for_team(env, r["at"], zone), reason=r["reason"])
    env.out(
        msg("  by {who} at {at} (version {version}): {reason}", version=r["version"], **said)
        if r.get("version")
        else msg("  by {who} at {at}: {reason}", **said)
    )
    targets: list[Msg | str] = [", ".join(r["fields"])] if r["fields"] else []
    if r["images"]:
        targets.append(msg("image {numbers}", numbers=", ".join(str(n) for n in r["images"])))
    env.out(msg("  rejected: {what}", what=Joined(targets, SEMICOLON)))
    if d["waits_for_person"]:
        env.out(msg("  {why}", why=d["waits_for_person"]))
    elif d["state"] == "rejected":
        env.out(msg("  `localize run` translates it again (on_reject: the chain's next engine)"))


def _image_regions(env: Environment, regions: Sequence[dict[str, Any]]) -> None:
    """The text found on the item's images, one region a line, as `--region N` numbers them."""
    if not regions:
        return
    from localize.review import describe_region

    env.out(msg("\n[text on images]"))
    for r in regions:
        env.out(msg("  {region}", region=describe_region(r)))  # in the reader's language


def for_team(env: Environment, moment: datetime, zone: ZoneInfo | None) -> str:
    """A stored moment as the team reads it (config.times): in the shop's display zone,
    in UTC (said) when no shops file tells where the shop is."""
    from config.times import for_people

    return for_people("zh" if env.catalog.lang == "zh" else "en", moment, None, zone)


def review_history(
    env: Environment,
    events: Sequence[dict[str, Any]],
    as_json: bool,
    zones: Callable[[str], ZoneInfo | None] | None = None,
) -> None:
    """Changes, newest first; times in each shop's display zone (`zones`: shop -> zone)."""
    if as_json:
        env.json(list(events))
        return
    if not events:
        env.out(msg("no changes recorded"))
    from config.files import excerpt

    for ev in events:
        moved = ev.get("from", "?") != ev.get("to", "?")
        # staying in a state is said by what changed, not as "translated -> translated"
        what = (
            msg(
                "{before} -> {after}",
                before=word(ITEM_STATES, ev.get("from", "?")),
                after=word(ITEM_STATES, ev.get("to", "?")),
            )
            if moved
            else ev.get("what") or msg("changed")
        )
        line = msg(
            "{at}  item {item:<6} {actor:<16} {what}",
            at=for_team(env, ev["at"], zones(ev.get("shop") or "") if zones else None),
            item=ev["item"],
            actor=ev["actor"],
            what=what,
        )
        if ev.get("version"):
            line = msg("{line} (v{version})", line=line, version=ev["version"])
        if ev.get("reason"):
            reason = excerpt(ev["reason"], 300, quoted=False)
            line = msg("{line} — {reason}", line=line, reason=reason)
        if ev.get("override"):
            override = excerpt(ev["override"], 300, quoted=False)
            line = msg("{line} (override: {override})", line=line, override=override)
        env.out(line)
        for name, change in (ev.get("text") or {}).items():
            # a description runs to tens of thousands of characters: its start, its length
            before, after = (str(change[k] or "") for k in ("before", "after"))
            shown = msg(
                "    {field}: {before} -> {after}",
                field=_field(name),
                before=excerpt(before, 200),
                after=excerpt(after, 200),
            )
            if max(len(before), len(after)) > 200:
                shown = msg(
                    "{line} (whole: localize review history {item} --json)",
                    line=shown,
                    item=ev["item"],
                )
            env.out(shown)


def decided(env: Environment, outcome: Outcome) -> None:
    """A reviewer's decision."""
    for note in outcome.notes:
        env.err(msg("failed: {error}", error=note))
    env.out(outcome.summary())


def _item(d: dict[str, Any]) -> Msg:
    from localize.publish.service import item_named

    return item_named(d)


def published(env: Environment, shop: str, run: PublishRun, dry_run: bool, as_json: bool) -> None:
    """A publish run: blocked and failed items on stderr with their reasons, the rest out."""
    from localize.publish.service import blocked_line  # loaded already: the run used it

    for b in run.blocked:
        env.err(msg("blocked: {item}", item=blocked_line(b)))
    for f in run.failed:
        env.err(msg("failed: {item}: {error}", item=_item(f), error=f["error"]))
    for s in run.stale:
        env.err(msg("skipped, stale: {item}: {reason}", item=_item(s), reason=s["reason"]))
    for note in run.notes:
        env.err(msg("note: {note}", note=note))
    if as_json:
        env.json(run.as_dict())
        return
    for p in run.published:
        env.out(msg("published {item} -> {where}", item=_item(p), where=p["where"]))
    for r in run.ready:
        env.out(msg("ready: {item}", item=_item(r)))
    for path in run.files:
        env.out(msg("workbook: {path}", path=str(path)))
    counts = dict(
        shop=shop,
        count=len(run.ready) if dry_run else len(run.published),
        blocked=len(run.blocked),
        failed=len(run.failed),
    )
    said = (
        msg("{shop}: would publish {count}, blocked {blocked}, failed {failed}", **counts)
        if dry_run
        else msg("{shop}: published {count}, blocked {blocked}, failed {failed}", **counts)
    )
    if run.busy:
        said = msg("{said}, {n} held by another publisher", said=said, n=len(run.busy))
    if run.stale:
        said = msg("{said}, {n} changed meanwhile (skipped)", said=said, n=len(run.stale))
    env.err(said)

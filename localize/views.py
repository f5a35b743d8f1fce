"""What the `localize` commands print: each result as text, or as one JSON document.

Results go to stdout; problems, findings, warnings and progress to stderr. A view shows
what a service returned and decides nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.views import file_imported, problems

if TYPE_CHECKING:  # the CLI imports views at start-up: keep --help light
    from config.runtime import Environment, Progress
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
ACTIVITIES = ("captioning", "replacing text")


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
                label = what if what in ACTIVITIES else f"translating into {what}"
                # Rich reads a task's description as markup: this one is text
                tasks[what] = bar.add_task(escape(printable(label)), total=total)
            bar.update(tasks[what], completed=done)

        yield update


def findings(env: Environment, found: Sequence[Finding]) -> None:
    """The checks' findings, one per line."""
    for f in found:
        env.err(f"{f.severity}: {f.code}: {f.message}")


def translated(env: Environment, result: FieldResult, calls: int, as_json: bool) -> None:
    """One text translated: the translation on stdout, where it came from on stderr."""
    if as_json:
        env.json({**result.as_dict(), "engine_calls": calls})
        return
    env.out(result.translation)
    env.err(f"origin: {result.origin}")
    findings(env, result.findings)


def images(env: Environment, captioned: CaptionedImages, as_json: bool) -> None:
    """`localize image`: failures and warnings on stderr, the images written on stdout."""
    findings(env, captioned.findings)
    result = captioned.result
    for failure in result.failed:
        env.err(f"failed: {failure.error}")
    for done in result.done:
        for warning in done.warnings:
            env.err(f"warning: {done.input}: {warning}")
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
        status = "erased" if captioned.erased_only else "replaced"
        for d in result.done:
            regions = captioned.regions.get(str(d.input), [])
            replaced = sum(1 for r in regions if r["status"] == status)
            env.out(f"{d.output}  ({replaced} of {len(regions)} text region(s) {status})")
    else:
        for d in result.done:
            env.out(
                f"{d.output}  ({d.size} px, {len(d.lines)} line(s)"
                f"{', truncated' if d.truncated else ''})"
            )
    done = "written" if captioned.replaced_text else "captioned"
    env.err(f"{len(result.done)} {done}, {len(result.failed)} failed, {result.truncated} truncated")


def listings_imported(env: Environment, file: Path, summary: ImportSummary, as_json: bool) -> None:
    """A listings file imported."""
    counts = (
        f"{summary.added} added, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{len(summary.problems)} skipped; {summary.stale} item(s) now stale"
    )
    file_imported(env, file, summary, counts, as_json)


def _scope(scope: str) -> str:
    return f"shop {scope}" if scope else "every shop"


def term_added(
    env: Environment, term: str, new: bool, to: str | None, target: str | None, scope: str
) -> None:
    """One glossary entry added or replaced."""
    what = (
        f"always {target!r} in {to}"
        if target
        else "never translated" + (f" into {to}" if to else "")
    )
    env.out(f"{'added' if new else 'updated'} {term!r}: {what} ({_scope(scope)})")


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
        kind = (
            f"-> {r.target!r} ({r.language})"
            if r.target
            else ("never translated" + (f" ({r.language})" if r.language else ""))
        )
        pattern = " [pattern]" if r.is_pattern else ""
        env.out(f"{r.scope or '*':<16} {r.term!r}{pattern} {kind}")


def terms_removed(env: Environment, term: str, n: int) -> None:
    """Glossary entries removed."""
    env.out(f"removed {n} entr{'y' if n == 1 else 'ies'} for {term!r}")


def terms_imported(env: Environment, file: Path, result: ImportResult) -> None:
    """A glossary file imported."""
    problems(env, result.problems)
    env.out(
        f"{file}: {result.added} added, {result.updated} updated, "
        f"{len(result.problems)} rows skipped"
    )


def memory_imported(env: Environment, file: Path, result: TmxImport) -> None:
    """A TMX file imported."""
    problems(env, result.skipped)
    env.out(f"{file}: {result.stored} translation(s) stored, {len(result.skipped)} unit(s) skipped")


def memory_exported(env: Environment, file: Path, n: int) -> None:
    """A TMX file written."""
    env.out(f"{file}: {n} translation(s) written")


def shop_run(env: Environment, shop: str, run: ShopRun, as_json: bool) -> None:
    """`localize run`: every failure on stderr, the figures on stdout."""
    for error in run.text.errors + run.images.errors:
        env.err(f"failed: {error}")
    if as_json:
        env.json(run.as_dict())
        return
    t, i = run.text, run.images
    # One line per half, each count naming what it counts: an item's text can be
    # translated while its images fail, and "0 failed ... 2 failed" would read as a
    # contradiction.
    env.out(
        f"{shop}: text: {t.translated} item(s) translated ({t.with_errors} with "
        f"errors for the reviewer), {t.failed} item(s) failed to translate; "
        f"{t.segments} segments, {t.from_memory} from memory, {t.engine_calls} engine calls"
    )
    env.out(
        f"{shop}: images: {i.images} image(s) written for {i.items} item(s), "
        f"{i.failed} item(s) failed on their images, {i.truncated} item(s) with text cut to fit"
    )
    if i.nowhere:
        env.err(
            f"warning: {len(i.nowhere)} item(s) have a caption that no image will carry "
            f"(caption_images leaves their images without one): items "
            f"{', '.join(str(n) for n in i.nowhere)}; see `localize review show ID`"
        )
    if run.waiting:
        env.err(f"{run.waiting} item(s) wait for review: localize review --shop {shop}")


def review_list(
    env: Environment, entries: Sequence[Entry], as_json: bool, states: Sequence[str] = ()
) -> None:
    """The queue: a header, then one line per item."""
    from localize.lifecycle import open_errors  # loaded already: the queue was just read

    if as_json:
        env.json([e.as_dict() for e in entries])
        return
    if not entries:
        wanted = " or ".join(states)
        env.out(f"no item is {wanted}" if states else "nothing waits for review")
        return
    env.out(
        f"{'id':>6}  {'shop':<16} {'product':<20} {'lang':<6} {'state':<10} {'ver':<5} "
        f"{'title':<40} notes"
    )
    for e in entries:
        item = e.item
        errors = len(open_errors(item.findings))
        notes = [f"{errors} error(s)"] if errors else []
        notes += [f"open with {item.claimed_by}"] if item.claimed_by else []
        title = " ".join((item.title or e.listing.title or "").split())
        title = title if len(title) <= 40 else title[:39] + "…"
        env.out(
            f"{item.id:>6}  {item.shop_id:<16} {e.listing.product_id:<20} {item.language:<6} "
            f"{item.state:<10} v{item.version:<4} {title:<40} {'  '.join(notes)}".rstrip()
        )
        if item.state == "blocked" and item.error:
            env.out(f"        blocked: {item.error}")


def review_item(env: Environment, e: Entry, as_json: bool) -> None:
    """One item: each field's source beside its translation, findings, images."""
    if as_json:
        env.json(e.as_dict())
        return
    d = e.as_dict()
    env.out(
        f"item {d['id']} — {d['shop']} {d['product_id']} ({d['language']}), {d['state']}, "
        f"version {d['version']}"
    )
    for name, texts in d["fields"].items():
        env.out(f"\n[{name}]")
        env.out(f"  source:      {texts['source'] or ''}")
        env.out(f"  translation: {texts['translation'] or ''}")
    if d["findings"]:
        env.out("\n[findings]")
        for f in d["findings"]:
            overridden = f" (overridden by {f['overridden_by']})" if f.get("overridden_by") else ""
            env.out(f"  {f['severity']}: {f['code']}: {f['message']}{overridden}")
    _image_regions(env, d["regions"])
    if d["images"]:
        from localize.image.items import NOWHERE

        nowhere = any(f.get("code") == NOWHERE for f in d["findings"])
        drawn = "text replaced, no caption" if nowhere else "captioned"
        env.out("\n[images]" + (" (the caption is drawn on none of them)" if nowhere else ""))
        for n, image in enumerate(d["images"], start=1):
            env.out(f"  {n}. {image['original']}")
            if image["captioned"]:
                env.out(f"     {drawn}: {image['captioned']}")
    if d["source_diff"]:
        env.out("\n[source changed]")
        for name, lines in d["source_diff"].items():
            env.out(f"  {name}:")
            for line in lines:
                env.out(f"    {line}")
    if d["error"]:
        env.out(f"\n[error]\n  {d['error']}")


def _image_regions(env: Environment, regions: Sequence[dict[str, Any]]) -> None:
    """The text found on the item's images, one region a line, as `--region N` numbers them."""
    if not regions:
        return
    from localize.review import describe_region

    env.out("\n[text on images]")
    for r in regions:
        env.out(f"  {describe_region(r)}")


def review_history(env: Environment, events: Sequence[dict[str, Any]], as_json: bool) -> None:
    """Changes, newest first."""
    if as_json:
        env.json(list(events))
        return
    if not events:
        env.out("no changes recorded")
    from config.files import excerpt

    for ev in events:
        why = f" — {excerpt(ev['reason'], 300, quoted=False)}" if ev.get("reason") else ""
        override = (
            f" (override: {excerpt(ev['override'], 300, quoted=False)})"
            if ev.get("override")
            else ""
        )
        env.out(
            f"{ev['at']:%Y-%m-%d %H:%M:%S}  item {ev['item']:<6} {ev['actor']:<16} "
            f"{ev.get('from', '?')} -> {ev.get('to', '?')}{why}{override}"
        )
        for name, change in (ev.get("text") or {}).items():
            # a description runs to tens of thousands of characters: its start, its length
            before, after = (str(change[k] or "") for k in ("before", "after"))
            shown = f"    {name}: {excerpt(before, 200)} -> {excerpt(after, 200)}"
            if max(len(before), len(after)) > 200:
                shown += f" (whole: localize review history {ev['item']} --json)"
            env.out(shown)


def decided(env: Environment, outcome: Outcome) -> None:
    """A reviewer's decision."""
    for note in outcome.notes:
        env.err(f"failed: {note}")
    env.out(outcome.summary())


def published(env: Environment, shop: str, run: PublishRun, dry_run: bool, as_json: bool) -> None:
    """A publish run: blocked and failed items on stderr with their reasons, the rest out."""
    for b in run.blocked:
        env.err(
            f"blocked: item {b['id']} ({b['product_id']}, {b['language']}): "
            + "; ".join(b["reasons"])
        )
    for f in run.failed:
        env.err(f"failed: item {f['id']} ({f['product_id']}, {f['language']}): {f['error']}")
    for s in run.stale:
        env.err(
            f"skipped, stale: item {s['id']} ({s['product_id']}, {s['language']}): {s['reason']}"
        )
    for note in run.notes:
        env.err(f"note: {note}")
    if as_json:
        env.json(run.as_dict())
        return
    for p in run.published:
        env.out(f"published item {p['id']} ({p['product_id']}, {p['language']}) -> {p['where']}")
    for r in run.ready:
        env.out(f"ready: item {r['id']} ({r['product_id']}, {r['language']})")
    for path in run.files:
        env.out(f"workbook: {path}")
    verb = "would publish" if dry_run else "published"
    count = len(run.ready) if dry_run else len(run.published)
    env.err(
        f"{shop}: {verb} {count}, blocked {len(run.blocked)}, failed {len(run.failed)}"
        + (f", {len(run.busy)} held by another publisher" if run.busy else "")
        + (f", {len(run.stale)} changed meanwhile (skipped)" if run.stale else "")
    )

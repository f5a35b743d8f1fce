"""The review app's screens: one per item, the field editor, a reason prompt, the empty
queue. Screens show and ask; the app (ReviewApp) talks to the store.

What a screen says is a message rendered in the reader's language (`ReviewApp.say`); the
keys' descriptions are messages too, rendered when the footer or the help panel reads
them (`Speaking`): Textual reads BINDINGS when a class is made, before anyone has chosen
a language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static, TextArea
from textual.worker import get_current_worker

from config.errors import AppError
from config.i18n import (
    ENGLISH,
    SEMICOLON,
    Catalog,
    Joined,
    Lines,
    Msg,
    Text,
    catalog,
    msg,
    pmsg,
    word,
)
from config.terminal import printable
from localize import lifecycle
from localize.review import FIELDS
from localize.review_ui.opened import Opened, Picture, load_pictures
from localize.text import FIELD_NAMES, said
from localize.views import SEVERITIES, finding_line

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from localize.review_ui.app import ReviewApp

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}

# The descriptions of Textual's own keys that the footer or the help panel can show here
# (the app's, a screen's, the item's scrolling body), as catalog messages by their English.
TEXTUAL_KEYS = {
    str(m): m
    for m in (
        msg("Quit"),
        msg("Quit the app and return to the command prompt."),
        msg("Focus Next"),
        msg("Focus Previous"),
        msg("Copy selected text"),
        msg("Scroll Up"),
        msg("Scroll Down"),
        msg("Scroll Left"),
        msg("Scroll Right"),
        msg("Scroll Home"),
        msg("Scroll End"),
        msg("Page Up"),
        msg("Page Down"),
        msg("Page Left"),
        msg("Page Right"),
    )
}


# Words the screens borrow from the command line's views (a finding's line, a decision's
# summary), named here too so that a catalog covering the review UI only (config.i18n.
# PARTIAL) has them; the findings' own texts and the services' errors are not among them.
BORROWED = (
    msg("{severity}: {code}: {message}"),
    msg("error"),
    msg("warning"),
    msg("info"),
    msg("title"),
    msg("description"),
    msg("caption"),
    msg("item {id}: {decision} ({state}, version {version})"),
    msg("{said}; {extra}"),
    msg("approve"),
    msg("reject"),
    msg("override"),
    msg("translated"),
    msg("approved"),
    msg("rejected"),
    msg("blocked"),
    msg("{n} segment(s) added to the memory"),
    msg("{n} image(s) drawn again"),
    msg("{n} machine translation(s) taken out of the memory"),
    msg("; "),
    # the decisions' errors (localize.review, localize.lifecycle)
    msg("{code}: {message}"),
    msg("item {id} has {count} error(s): {listed}. {what}"),
    msg(
        "Edit the text until it is clean ({codes} cannot be overridden: publishing "
        "refuses it whatever the review says)"
    ),
    msg("Edit the text until it is clean, or approve with an override and its reason"),
    msg(
        "item {id}: {listed} cannot be overridden: publishing refuses it whatever the "
        "review says, so the item would only be blocked. Edit the text instead "
        "(--set FIELD=TEXT, or e in `localize review`); nothing was changed"
    ),
    msg("item {id} was already approved{who}{when}; nothing was changed"),
    msg("item {id} was already rejected{who}{when}; nothing was changed"),
    msg("item {id} was already published{who}{when}; nothing was changed"),
    msg("item {id} was already stale{who}{when}; nothing was changed"),
    msg("item {id} was marked failed{who}{when}; nothing was changed"),
    msg("item {id} was sent back to be translated again{who}{when}; nothing was changed"),
    msg(
        "item {id} is no longer waiting for review (it is {state}{who}{when}); nothing was changed"
    ),
    msg(" by {by}"),
    msg(" at {at}"),
    msg("{said} (its source changed: review the new version)"),
    msg("{said}; {again} (--set FIELD=TEXT, or --region N=TEXT for the text on its images)"),
    msg(
        "{what}. The text on its images: give your own with --region N=TEXT (the regions "
        "are numbered in `localize review show {id}`)"
    ),
    msg("it waits for a person's translation: approve it with your own text"),
    msg("`localize run` translates it again, or approve it with your own text"),
    msg("item {id} no longer exists"),
    msg(" by {actor} at {at}"),
    msg(": {what}"),
    msg("; you had version {version}"),
    msg(
        "item {id} was changed{by}{what} (it is {state}, version {version}{had}); "
        "nothing was written — reload it and decide again"
    ),
    msg(
        "item {id} is open with {by} until {until}; "
        "take another item, or wait for their claim to run out"
    ),
    msg("it no longer exists"),
    msg("it was changed{by} meanwhile (it is {state}, version {version})"),
    msg("your edit, saved as version {version}, was replaced"),
    msg("your edit was not saved"),
    msg(
        "item {id}: {where}; nothing was applied: not approved, {then}. Your text, "
        "also in `localize review history {id}`: {texts}. Reload the item and decide "
        "again"
    ),
    pmsg("item", "pending"),
    msg("published"),
)

# Why a rejected item waits for a person, as this screen says what to do about it.
HERE = {
    lifecycle.ON_REJECT_PERSON: msg(
        'It waits for a person\'s translation (on_reject = "person"): approve it with your '
        "text (e here, then a)"
    ),
    lifecycle.NO_NEW_TEXT: msg(
        "It waits for a person's translation: every engine gave only the rejected text; "
        "approve it with your text (e here, then a)"
    ),
}


def reader(node: DOMNode) -> Catalog:
    """The catalog of the app a widget is in (English for an app that has none)."""
    found = getattr(node.app, "catalog", None)
    return found if isinstance(found, Catalog) else catalog(ENGLISH)


class Speaking(Screen[Any]):
    """A screen whose keys are described in the reader's language: each binding's
    description (a Msg, or one of Textual's own) rendered as the footer and the help
    panel read them."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, their descriptions and tooltips translated."""
        words = reader(self)

        def say(text: str) -> str:
            known = text if isinstance(text, Msg) else TEXTUAL_KEYS.get(text)
            return words.render(known) if known is not None else text

        return {
            key: ActiveBinding(
                node,
                replace(
                    binding, description=say(binding.description), tooltip=say(binding.tooltip)
                ),
                enabled,
                say(tooltip),
            )
            for key, (node, binding, enabled, tooltip) in super().active_bindings.items()
        }


def shown(text: str, style: str = "") -> RichText:
    """What a seller, an engine, a reviewer or a server wrote, as the screen shows it: a
    Text (Textual never reads it as markup) with control characters made visible
    (config.terminal), so `[/bogus]` and an escape sequence are both just text."""
    return RichText(printable(text), style=style)


def findings_text(findings: Iterable[Mapping[str, Any]], words: Catalog) -> RichText:
    """Findings one a line in the reader's words, coloured by severity; overrides named."""
    text = RichText()
    for f in findings:
        if text:
            text.append("\n")
        severity = str(f.get("severity", "?"))
        line: Msg = finding_line(severity, str(f.get("code")), said(f))
        if f.get("overridden_by"):
            line = msg("{line} (overridden by {who})", line=line, who=f["overridden_by"])
        start = len(text)
        text.append(printable(words.render(line)))
        named = printable(words.render(word(SEVERITIES, severity)))
        text.stylize(STYLES.get(severity, "dim"), start, start + len(named))
        if f.get("fix"):
            text.append("\n")
            text.append(printable(words.render(msg("  fix: {fix}", fix=f["fix"]))), style="dim")
    return text


def by_field(findings: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Findings under the field they concern ('' for the rest)."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for f in findings:
        name = lifecycle.field_of(f)
        grouped.setdefault(name if name in FIELDS else "", []).append(f)
    return grouped


def recheck_later(
    screen: Screen[Any], edits: Mapping[str, str], then: Callable[[list[dict[str, Any]]], None]
) -> None:
    """Check edited text again in a worker (the newest edit wins), then `then(findings)`."""
    app: ReviewApp = screen.app  # type: ignore[assignment]
    edits = dict(edits)

    def job() -> None:
        try:
            found = app.recheck(edits)
        except AppError as exc:
            app.call_from_thread(app.notify, exc.text, severity="error")
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(deliver, found)

    def deliver(found: list[dict[str, Any]]) -> None:
        if screen in app.screen_stack:  # an editor saved or cancelled meanwhile is gone
            then(found)

    screen.run_worker(job, thread=True, exclusive=True, group="recheck")


class ItemScreen(Speaking):
    """One item: each field's source beside its translation, findings, images, position."""

    BINDINGS = [
        Binding("a", "approve", msg("Approve")),
        Binding("e", "edit", msg("Edit")),
        Binding("r", "reject", msg("Reject")),
        Binding("o", "override", msg("Override errors")),
        Binding("s", "skip", msg("Skip")),
    ]

    def __init__(self, opened: Opened) -> None:
        super().__init__()
        self.opened = opened
        self.edits: dict[str, str] = {}
        self.findings: list[dict[str, Any]] = opened.findings

    @property
    def review_app(self) -> ReviewApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def words(self, text: Text) -> RichText:
        """A message (or what someone wrote) in the reader's language, as text."""
        return shown(self.review_app.say(text))

    def compose(self) -> ComposeResult:
        """Places for the item's fields, findings and images, top to bottom."""
        yield Static(id="position")
        with VerticalScroll(id="body"):
            yield Static(id="stale")
            yield Static(id="blocked")
            yield Static(id="rejected")
            for name in FIELDS:
                with Horizontal(classes="field"):
                    source = Static(id=f"{name}-source")
                    source.border_title = self.review_app.say(
                        msg("{field} · source", field=word(FIELD_NAMES, name))
                    )
                    yield source
                    yield Static(id=f"{name}-translation")
                yield Static(id=f"{name}-findings", classes="findings")
            yield Static(id="other-findings", classes="findings")
            yield Vertical(id="pictures")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Fill in the item."""
        self.show(self.opened)

    def show(self, opened: Opened, status: Text = "") -> None:
        """Fill the screen with `opened` (the next item reuses the screen: no new layout)."""
        self.opened, self.edits, self.findings = opened, {}, opened.findings
        entry = opened.entry
        item, listing = entry.item, entry.listing
        self.query_one("#position", Static).update(
            self.words(
                msg(
                    "{position} of {waiting} in {language}  ·  item {id} v{revision}  ·  "
                    "{shop} {product} {sku}  ·  reviewer {reviewer}",
                    position=entry.position,
                    waiting=entry.waiting,
                    language=item.language,
                    id=item.id,
                    revision=item.revision,
                    shop=item.shop_id,
                    product=listing.product_id,
                    sku=listing.sku,
                    reviewer=self.review_app.reviewer,
                )
            )
        )
        stale = self.query_one("#stale", Static)
        stale.display = opened.previous is not None
        if opened.previous is not None:
            stale.update(self._what_changed())
        blocked = self.query_one("#blocked", Static)
        blocked.display = item.state == "blocked"
        if blocked.display:
            say = self.review_app.say
            blocked.update(
                RichText.assemble(
                    (printable(say(msg("Approved, then blocked by publish preflight:"))), "bold"),
                    " ",
                    # the reasons as preflight stored them, in the reader's language
                    printable(say(entry.blocked_reasons() or msg("(no reason recorded)"))),
                    "\n",
                    printable(
                        say(
                            msg(
                                "Fix what each reason names: the text here (e, then a), or the "
                                "listing file or the shops file (import or edit it, then "
                                "publish again)."
                            )
                        )
                    ),
                )
            )
        rejected = self.query_one("#rejected", Static)
        rejection = entry.rejected()
        rejected.display = rejection is not None
        if rejection is not None:
            rejected.update(self._rejection(rejection))
        for name in FIELDS:
            self.query_one(f"#{name}-source", Static).update(shown(getattr(listing, name) or ""))
            self.query_one(f"#{name}-translation").border_title = self.review_app.say(
                msg("{field} · {language}", field=word(FIELD_NAMES, name), language=item.language)
            )
        self.refresh_text()
        self.query_one("#pictures", Vertical).remove_children()
        # the images once the text is on screen: reading and drawing them takes a while
        self.call_after_refresh(self._load_pictures, opened)
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.say(status)

    def _load_pictures(self, opened: Opened) -> None:
        if opened is not self.opened:  # another item came first: its own will follow
            return

        def job() -> None:
            load_pictures(opened)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._show_pictures, opened)

        # Pillow lets go of the interpreter while it decodes: the UI goes on meanwhile
        self.run_worker(job, thread=True, exclusive=True, group="pictures", exit_on_error=False)

    def _show_pictures(self, opened: Opened) -> None:
        if opened is self.opened and self.is_mounted:
            pictures = _pictures(opened.pictures, reader(self))
            self.query_one("#pictures", Vertical).mount_all(pictures)

    def _rejection(self, rejection: Mapping[str, Any]) -> RichText:
        """Who rejected the item, when and why; what; and whether it waits for you."""
        say = self.review_app.say
        entry = self.opened.entry
        now = entry.item.state == "rejected"
        fields = [word(FIELD_NAMES, name) for name in rejection["fields"]]
        targets: list[Text] = [Joined(fields)] if fields else []
        if rejection["images"]:
            numbers = ", ".join(str(n) for n in rejection["images"])
            targets.append(msg("image {numbers}", numbers=numbers))
        who = dict(
            who=rejection["by"], at=self.review_app.shown_time(rejection["at"], entry.item.shop_id)
        )
        by = (
            msg(
                "by {who} at {at} (version {version}): {reason}",
                version=rejection["version"],
                reason=rejection["reason"],
                **who,
            )
            if rejection.get("version")
            else msg("by {who} at {at}: {reason}", reason=rejection["reason"], **who)
        )
        text = RichText.assemble(
            (
                say(msg("Rejected") if now else msg("Rejected before (this text came after)")),
                "bold",
            ),
            " ",
            printable(say(by)),
            "\n",
            printable(say(msg("rejected: {what}", what=Joined(targets, SEMICOLON)))),
        )
        if entry.waits_for_person():
            why = HERE.get(entry.item.needs_person or "", entry.waits_for_person())
            text.append("\n" + printable(say(why)))
        return text

    def _what_changed(self) -> RichText:
        say = self.review_app.say
        previous = self.opened.previous
        assert previous is not None
        item = self.opened.entry.item
        text = RichText(
            say(
                msg(
                    "The source changed after item {id} was reviewed (it is stale now). "
                    "Its translation then, where it differs:",
                    id=previous.id,
                )
            ),
            style="bold",
        )
        for name in FIELDS:
            before = getattr(previous, name) or ""
            if before != (getattr(item, name) or ""):
                text.append(
                    "\n" + say(msg("{field}:", field=word(FIELD_NAMES, name))) + " ", style="bold"
                )
                text.append(printable(before))
        diffs = self.opened.entry.source_diff()
        if diffs:
            text.append("\n" + say(msg("What changed in the source:")), style="bold")
        for name, lines in diffs.items():
            text.append("\n" + say(msg("{field}:", field=word(FIELD_NAMES, name))), style="bold")
            for line in lines:
                style = {"-": "red", "+": "green"}.get(line[:1], "dim")
                text.append(printable(f"\n  {line}"), style=style)
        return text

    def refresh_text(self) -> None:
        """Show the translation (edited where edited) and the findings beside each field."""
        item = self.opened.entry.item
        grouped = by_field(self.findings)
        for name in FIELDS:
            value = self.edits.get(name, getattr(item, name) or "")
            widget = self.query_one(f"#{name}-translation", Static)
            widget.update(shown(value))
            widget.set_class(name in self.edits, "edited")
            found = findings_text(grouped.get(name, []), reader(self))
            self.query_one(f"#{name}-findings", Static).update(found)
        found = findings_text(grouped.get("", []), reader(self))
        self.query_one("#other-findings", Static).update(found)

    def say(self, message: Text, *, error: bool = False) -> None:
        """A line in the status bar, in the reader's language."""
        status = self.query_one("#status", Static)
        status.update(self.words(message))
        status.set_class(error, "error")

    def _blocking(self) -> list[dict[str, Any]]:
        return lifecycle.open_errors(self.findings)

    def _waits_for_text(self) -> bool:
        """A rejected item waiting for a person is approved only with the reviewer's text."""
        if self.opened.entry.item.state == "rejected" and not self.edits:
            self.say(msg("it waits for your translation: press e, write it, then a"), error=True)
            return True
        return False

    def action_approve(self) -> None:
        """Approve (error-level findings block it: edit them away or override)."""
        if self._waits_for_text():
            return
        errors = self._blocking()
        if errors:
            blocked = lifecycle.ApprovalBlocked(self.opened.entry.item.id, errors)
            self.say(msg("{why} (o)", why=blocked.text), error=True)
            return
        self.say(msg("approving…"))
        self.review_app.approve(self.edits)

    def action_override(self) -> None:
        """Approve despite the errors, for a reason that is recorded."""
        if self._waits_for_text():
            return
        if not self._blocking():
            self.say(msg("nothing to override: no open errors; press a to approve"))
            return
        refused = lifecycle.unoverridable(self._blocking())
        if refused:
            item_id = self.opened.entry.item.id
            self.say(lifecycle.CannotOverride(item_id, refused).text, error=True)
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self.say(msg("approving with an override…"))
                self.review_app.approve(self.edits, override=reason)

        self.app.push_screen(ReasonScreen(msg("Approve despite the errors, because:")), chosen)

    def action_reject(self) -> None:
        """Reject, for a reason."""
        if self.opened.entry.item.state == "rejected":
            self.say(
                msg("it is rejected already: write its translation (e, then a), or s"), error=True
            )
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self.say(msg("rejecting…"))
                self.review_app.reject(reason)

        self.app.push_screen(ReasonScreen(msg("Reject this translation, because:")), chosen)

    def action_edit(self) -> None:
        """Edit the translation; it is checked again at once."""

        def saved(edits: dict[str, str] | None) -> None:
            if edits is None:
                return
            self.edits = edits
            self.refresh_text()
            self.say(msg("checking the edited text…"))
            recheck_later(self, self.edits, self._rechecked)

        self.app.push_screen(EditScreen(self.opened, self.edits), saved)

    def _rechecked(self, findings: list[dict[str, Any]]) -> None:
        self.findings = findings
        self.refresh_text()
        errors = len(self._blocking())
        done = (
            msg("edited: {n} error(s) still block approval", n=errors)
            if errors
            else msg("edited: press a")
        )
        if "caption" in self.edits and self.opened.pictures:
            done = msg(
                "{done}; the images are drawn again with the new caption when you approve",
                done=done,
            )
        self.say(done)

    def action_skip(self) -> None:
        """Give the item back; the next one (asked first when edits would be lost)."""
        if not self.edits:
            self.review_app.skip()
            return
        from localize.review_ui.app import unsaved

        def chosen(leave: bool | None) -> None:
            if leave:
                self.review_app.skip()

        self.app.push_screen(ConfirmScreen(unsaved(self.edits, "skip")), chosen)


def _pictures(pictures: Iterable[Picture], words: Catalog) -> Iterable[Widget]:
    """Each image: the original beside the captioned one (or only text-replaced, when it
    carries no caption), paths under them, then the text regions found on it."""
    for n, picture in enumerate(pictures, start=1):
        drawn = msg("captioned") if picture.caption else msg("text replaced, no caption")
        title = words.render(msg("image {n} · original", n=n))
        pair = [_picture(title, picture.original, picture.original_image, words)]
        if picture.captioned:
            title = words.render(msg("image {n} · {drawn}", n=n, drawn=drawn))
            pair.append(_picture(title, picture.captioned, picture.captioned_image, words))
        yield Horizontal(*pair, classes="pair")
        if picture.regions:  # the text on it, numbered as `review approve --region N` takes
            yield Static(shown(words.render(Lines(picture.regions))), classes="regions")
        if picture.problems:
            yield Static(shown(words.render(Lines(picture.problems))), classes="problems")


def _picture(title: str, path: str, image: PILImage.Image | None, words: Catalog) -> Vertical:
    """One image with its path under it."""
    from textual_image.widget import Image  # loaded by now: see localize.terminal_images

    box = Vertical(
        Image(image, classes="image")
        if image is not None
        else Static(shown(words.render(msg("(not shown)")))),
        Label(shown(path), classes="path"),
        classes="picture",
    )
    box.border_title = title
    return box


class EditScreen(Speaking, ModalScreen[dict[str, str] | None]):
    """The translation's fields in editors; findings for the edited text as you type."""

    BINDINGS = [
        Binding("ctrl+s", "save", msg("Keep the edits")),
        Binding("escape", "cancel", msg("Cancel")),
    ]

    def __init__(self, opened: Opened, edits: Mapping[str, str]) -> None:
        super().__init__()
        self.opened = opened
        item = opened.entry.item
        # The editors hold the text as the screen shows it: a control character in the
        # translation is there as visible text (`\x1b`), which the reviewer sees and can
        # delete; a field left alone is no edit, and keeps what is stored.
        self.original = {name: printable(getattr(item, name) or "") for name in FIELDS}
        self.findings: list[dict[str, Any]] = []  # those of the edited text, once checked
        self.start = {**self.original, **{name: printable(text) for name, text in edits.items()}}

    def compose(self) -> ComposeResult:
        """Title and caption on a line each; the description as text, tags kept."""
        words = reader(self)
        with Vertical(id="editor"):
            yield Label(
                shown(words.render(msg("Edit the translation (ctrl+s keeps it, escape cancels)")))
            )
            title = words.render(FIELD_NAMES["title"])
            yield Input(self.start["title"], id="edit-title", placeholder=title)
            description = TextArea(self.start["description"], id="edit-description")
            description.border_title = words.render(msg("description (HTML tags kept as written)"))
            yield description
            caption = words.render(FIELD_NAMES["caption"])
            yield Input(self.start["caption"], id="edit-caption", placeholder=caption)
            yield Static(id="edit-findings", classes="findings")
        yield Footer()

    def edits(self) -> dict[str, str]:
        """The fields whose text differs from the item's translation."""
        now = {
            "title": self.query_one("#edit-title", Input).value,
            "description": self.query_one("#edit-description", TextArea).text,
            "caption": self.query_one("#edit-caption", Input).value,
        }
        return {name: text for name, text in now.items() if text != self.original[name]}

    @on(Input.Changed)
    @on(TextArea.Changed)
    def changed(self) -> None:
        """Check the edited text again."""
        recheck_later(self, self.edits(), self.show_findings)

    def show_findings(self, findings: list[dict[str, Any]]) -> None:
        """The findings for the text as it stands in the editors."""
        self.findings = findings
        words = reader(self)
        self.query_one("#edit-findings", Static).update(
            findings_text(findings, words)
            or RichText(words.render(msg("no findings")), style="green")
        )

    def action_save(self) -> None:
        """Keep the edits (they are written when the item is approved)."""
        self.dismiss(self.edits())

    def action_cancel(self) -> None:
        """Leave the text as it was."""
        self.dismiss(None)


class ConfirmScreen(Speaking, ModalScreen[bool]):
    """A yes-or-no question (edits about to be thrown away)."""

    BINDINGS = [
        Binding("y", "answer(True)", msg("Yes")),
        Binding("n", "answer(False)", msg("No")),
        Binding("escape", "answer(False)", msg("No")),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question."""
        with Vertical(id="confirm"):
            question = printable(reader(self).render(self.question))
            yield Label(question, id="confirm-question", markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        """The answer."""
        self.dismiss(yes)


class ReasonScreen(Speaking, ModalScreen[str | None]):
    """Asks for a reason (a rejection, an override)."""

    BINDINGS = [Binding("escape", "cancel", msg("Cancel"))]

    def __init__(self, prompt: Text) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        """The prompt and one line for the reason."""
        words = reader(self)
        with Vertical(id="reason"):
            yield Label(shown(words.render(self.prompt)))
            hint = words.render(msg("the reason (enter to confirm)"))
            yield Input(id="reason-input", placeholder=hint)
            yield Static("", id="reason-hint")
        yield Footer()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """A reason given: done; an empty one is asked for again."""
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            hint = reader(self).render(msg("a reason is needed (escape cancels)"))
            self.query_one("#reason-hint", Static).update(shown(hint))

    def action_cancel(self) -> None:
        """No decision."""
        self.dismiss(None)


class EmptyScreen(Speaking):
    """Nothing (more) to review."""

    def __init__(self, skipped: int) -> None:
        super().__init__()
        self.skipped = skipped

    def compose(self) -> ComposeResult:
        """The message, and the keys."""
        said = (
            msg(
                "nothing waits for review ({n} skipped in this session); press q to quit",
                n=self.skipped,
            )
            if self.skipped
            else msg("nothing waits for review; press q to quit")
        )
        yield Static(shown(reader(self).render(said)), id="empty")
        yield Footer()

"""The review app's screens: one per item, the field editor, a reason prompt, the empty
queue. Screens show and ask; the app (ReviewApp) talks to the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static, TextArea
from textual.worker import get_current_worker

from config.errors import AppError
from config.terminal import printable
from localize import lifecycle
from localize.review import FIELDS
from localize.review_ui.opened import Opened, Picture, load_pictures

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from localize.review_ui.app import ReviewApp

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def shown(text: str, style: str = "") -> Text:
    """What a seller, an engine, a reviewer or a server wrote, as the screen shows it: a
    Text (Textual never reads it as markup) with control characters made visible
    (config.terminal), so `[/bogus]` and an escape sequence are both just text."""
    return Text(printable(text), style=style)


def findings_text(findings: Iterable[Mapping[str, Any]]) -> Text:
    """Findings one a line, coloured by severity; overrides named."""
    text = Text()
    for f in findings:
        if text:
            text.append("\n")
        severity = STYLES.get(str(f.get("severity")), "dim")
        text.append(printable(f"{f.get('severity', '?')}: "), style=severity)
        text.append(printable(f"{f.get('code')}: {f.get('message')}"))
        if f.get("overridden_by"):
            text.append(printable(f" (overridden by {f['overridden_by']})"), style="dim")
        if f.get("fix"):
            text.append(printable(f"\n  fix: {f['fix']}"), style="dim")
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
            app.call_from_thread(app.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(deliver, found)

    def deliver(found: list[dict[str, Any]]) -> None:
        if screen in app.screen_stack:  # an editor saved or cancelled meanwhile is gone
            then(found)

    screen.run_worker(job, thread=True, exclusive=True, group="recheck")


class ItemScreen(Screen[None]):
    """One item: each field's source beside its translation, findings, images, position."""

    BINDINGS = [
        Binding("a", "approve", "Approve"),
        Binding("e", "edit", "Edit"),
        Binding("r", "reject", "Reject"),
        Binding("o", "override", "Override errors"),
        Binding("s", "skip", "Skip"),
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
                    source.border_title = f"{name} · source"
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

    def show(self, opened: Opened, status: str = "") -> None:
        """Fill the screen with `opened` (the next item reuses the screen: no new layout)."""
        self.opened, self.edits, self.findings = opened, {}, opened.findings
        entry = opened.entry
        item, listing = entry.item, entry.listing
        self.query_one("#position", Static).update(
            shown(
                f"{entry.position} of {entry.waiting} in {item.language}  ·  item {item.id} "
                f"v{item.revision}  ·  {item.shop_id} {listing.product_id} {listing.sku}  ·  "
                f"reviewer {self.review_app.reviewer}"
            )
        )
        stale = self.query_one("#stale", Static)
        stale.display = opened.previous is not None
        if opened.previous is not None:
            stale.update(self._what_changed())
        blocked = self.query_one("#blocked", Static)
        blocked.display = item.state == "blocked"
        if blocked.display:
            blocked.update(
                Text.assemble(
                    ("Approved, then blocked by publish preflight: ", "bold"),
                    printable(item.error or "(no reason recorded)"),
                    "\nFix what each reason names: the text here (e, then a), or the listing "
                    "file or the shops file (import or edit it, then publish again).",
                )
            )
        rejected = self.query_one("#rejected", Static)
        rejection = entry.rejected()
        rejected.display = rejection is not None
        if rejection is not None:
            rejected.update(self._rejection(rejection))
        for name in FIELDS:
            self.query_one(f"#{name}-source", Static).update(shown(getattr(listing, name) or ""))
            self.query_one(f"#{name}-translation").border_title = f"{name} · {item.language}"
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
            from localize.image.findings import NOWHERE

            nowhere = any(f.get("code") == NOWHERE for f in opened.findings)
            self.query_one("#pictures", Vertical).mount_all(_pictures(opened.pictures, nowhere))

    def _rejection(self, rejection: Mapping[str, Any]) -> Text:
        """Who rejected the item, when and why; what; and whether it waits for you."""
        entry = self.opened.entry
        now = entry.item.state == "rejected"
        targets = [", ".join(rejection["fields"])] if rejection["fields"] else []
        if rejection["images"]:
            targets.append(f"image {', '.join(str(n) for n in rejection['images'])}")
        text = Text.assemble(
            ("Rejected" if now else "Rejected before (this text came after)", "bold"),
            printable(
                f" by {rejection['by']} at {rejection['at']:%Y-%m-%d %H:%M} UTC"
                + (f" (version {rejection['version']})" if rejection.get("version") else "")
                + f": {rejection['reason']}\nrejected: {'; '.join(targets)}"
            ),
        )
        waits = entry.waits_for_person()
        if waits:
            # English until the UI has catalogs
            text.append(printable(f"\nIt {str(waits).replace('e in `localize review`', 'e here')}"))
        return text

    def _what_changed(self) -> Text:
        previous = self.opened.previous
        assert previous is not None
        item = self.opened.entry.item
        text = Text(
            f"The source changed after item {previous.id} was reviewed (it is stale now). "
            "Its translation then, where it differs:",
            style="bold",
        )
        for name in FIELDS:
            before = getattr(previous, name) or ""
            if before != (getattr(item, name) or ""):
                text.append(f"\n{name}: ", style="bold")
                text.append(printable(before))
        diffs = self.opened.entry.source_diff()
        if diffs:
            text.append("\nWhat changed in the source:", style="bold")
        for name, lines in diffs.items():
            text.append(f"\n{name}:", style="bold")
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
            self.query_one(f"#{name}-findings", Static).update(findings_text(grouped.get(name, [])))
        self.query_one("#other-findings", Static).update(findings_text(grouped.get("", [])))

    def say(self, message: str, *, error: bool = False) -> None:
        """A line in the status bar."""
        status = self.query_one("#status", Static)
        status.update(shown(message))
        status.set_class(error, "error")

    def _blocking(self) -> list[dict[str, Any]]:
        return lifecycle.open_errors(self.findings)

    def _waits_for_text(self) -> bool:
        """A rejected item waiting for a person is approved only with the reviewer's text."""
        if self.opened.entry.item.state == "rejected" and not self.edits:
            self.say("it waits for your translation: press e, write it, then a", error=True)
            return True
        return False

    def action_approve(self) -> None:
        """Approve (error-level findings block it: edit them away or override)."""
        if self._waits_for_text():
            return
        errors = self._blocking()
        if errors:
            blocked = lifecycle.ApprovalBlocked(self.opened.entry.item.id, errors)
            self.say(f"{blocked.message} (o)", error=True)
            return
        self.say("approving…")
        self.review_app.approve(self.edits)

    def action_override(self) -> None:
        """Approve despite the errors, for a reason that is recorded."""
        if self._waits_for_text():
            return
        if not self._blocking():
            self.say("nothing to override: no open errors; press a to approve")
            return
        refused = lifecycle.unoverridable(self._blocking())
        if refused:
            item_id = self.opened.entry.item.id
            self.say(lifecycle.CannotOverride(item_id, refused).message, error=True)
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self.say("approving with an override…")
                self.review_app.approve(self.edits, override=reason)

        self.app.push_screen(ReasonScreen("Approve despite the errors, because:"), chosen)

    def action_reject(self) -> None:
        """Reject, for a reason."""
        if self.opened.entry.item.state == "rejected":
            self.say("it is rejected already: write its translation (e, then a), or s", error=True)
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self.say("rejecting…")
                self.review_app.reject(reason)

        self.app.push_screen(ReasonScreen("Reject this translation, because:"), chosen)

    def action_edit(self) -> None:
        """Edit the translation; it is checked again at once."""

        def saved(edits: dict[str, str] | None) -> None:
            if edits is None:
                return
            self.edits = edits
            self.refresh_text()
            self.say("checking the edited text…")
            recheck_later(self, self.edits, self._rechecked)

        self.app.push_screen(EditScreen(self.opened, self.edits), saved)

    def _rechecked(self, findings: list[dict[str, Any]]) -> None:
        self.findings = findings
        self.refresh_text()
        errors = len(self._blocking())
        said = f"edited: {errors} error(s) still block approval" if errors else "edited: press a"
        if "caption" in self.edits and self.opened.pictures:
            said += "; the images are drawn again with the new caption when you approve"
        self.say(said)

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


def _pictures(pictures: Iterable[Picture], nowhere: bool = False) -> Iterable[Widget]:
    """Each image: the original beside the captioned one (or only text-replaced, when
    `nowhere` says the caption is drawn on no image), paths under them, then the text
    regions found on it."""
    drawn = "text replaced, no caption" if nowhere else "captioned"
    for n, picture in enumerate(pictures, start=1):
        pair = [_picture(f"image {n} · original", picture.original, picture.original_image)]
        if picture.captioned:
            pair.append(
                _picture(f"image {n} · {drawn}", picture.captioned, picture.captioned_image)
            )
        yield Horizontal(*pair, classes="pair")
        if picture.regions:  # the text on it, numbered as `review approve --region N` takes
            yield Static(shown("\n".join(picture.regions)), classes="regions")
        if picture.problems:
            yield Static(shown("\n".join(picture.problems)), classes="problems")


def _picture(title: str, path: str, image: PILImage.Image | None) -> Vertical:
    """One image with its path under it."""
    from textual_image.widget import Image  # loaded by now: see localize.terminal_images

    box = Vertical(
        Image(image, classes="image") if image is not None else Static("(not shown)"),
        Label(shown(path), classes="path"),
        classes="picture",
    )
    box.border_title = title
    return box


class EditScreen(ModalScreen[dict[str, str] | None]):
    """The translation's fields in editors; findings for the edited text as you type."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Keep the edits"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, opened: Opened, edits: Mapping[str, str]) -> None:
        super().__init__()
        self.opened = opened
        item = opened.entry.item
        # The editors hold the text as the screen shows it: a control character in the
        # translation is there as visible text (`\x1b`), which the reviewer sees and can
        # delete; a field left alone is no edit, and keeps what is stored.
        self.original = {name: printable(getattr(item, name) or "") for name in FIELDS}
        self.start = {**self.original, **{name: printable(text) for name, text in edits.items()}}

    def compose(self) -> ComposeResult:
        """Title and caption on a line each; the description as text, tags kept."""
        with Vertical(id="editor"):
            yield Label("Edit the translation (ctrl+s keeps it, escape cancels)")
            yield Input(self.start["title"], id="edit-title", placeholder="title")
            description = TextArea(self.start["description"], id="edit-description")
            description.border_title = "description (HTML tags kept as written)"
            yield description
            yield Input(self.start["caption"], id="edit-caption", placeholder="caption")
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
        self.query_one("#edit-findings", Static).update(
            findings_text(findings) or Text("no findings", style="green")
        )

    def action_save(self) -> None:
        """Keep the edits (they are written when the item is approved)."""
        self.dismiss(self.edits())

    def action_cancel(self) -> None:
        """Leave the text as it was."""
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes-or-no question (edits about to be thrown away)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question."""
        with Vertical(id="confirm"):
            yield Label(self.question, id="confirm-question", markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        """The answer."""
        self.dismiss(yes)


class ReasonScreen(ModalScreen[str | None]):
    """Asks for a reason (a rejection, an override)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        """The prompt and one line for the reason."""
        with Vertical(id="reason"):
            yield Label(self.prompt)
            yield Input(id="reason-input", placeholder="the reason (enter to confirm)")
            yield Static("", id="reason-hint")
        yield Footer()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """A reason given: done; an empty one is asked for again."""
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.query_one("#reason-hint", Static).update("a reason is needed (escape cancels)")

    def action_cancel(self) -> None:
        """No decision."""
        self.dismiss(None)


class EmptyScreen(Screen[None]):
    """Nothing (more) to review."""

    def __init__(self, skipped: int) -> None:
        super().__init__()
        self.skipped = skipped

    def compose(self) -> ComposeResult:
        """The message, and the keys."""
        more = f" ({self.skipped} skipped in this session)" if self.skipped else ""
        yield Static(f"nothing waits for review{more}; press q to quit", id="empty")
        yield Footer()

"""The review app: claims the next item, shows it on its own screen, carries out decisions.

Everything that touches the store or reads images runs in a thread worker; its result
comes back to the UI thread through `call_from_thread`. One job runs at a time (`busy`),
so a key pressed twice cannot decide an item twice or open two next items.

Everything it says is a message (config.i18n) rendered in the reader's language when it is
shown (`say`), the keys' descriptions too (screens.Speaking); what others wrote is shown
as they wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from config.errors import AppError
from config.files import write_atomically
from config.i18n import ENGLISH, Catalog, Joined, Msg, Text, catalog, msg, word
from config.runtime import Clock, utcnow
from config.terminal import printable
from localize import lifecycle, review
from localize.review_ui.opened import Opened, open_item
from localize.review_ui.screens import ConfirmScreen, EmptyScreen, ItemScreen, Speaking

if TYPE_CHECKING:  # a review without a shops file loads no settings
    from datetime import datetime

    from config.settings import Settings

T = TypeVar("T")


def unsaved(edits: Mapping[str, str], doing: str) -> Msg:
    """The question before edits are thrown away (`doing`: "quit" or "skip")."""
    from localize.text import FIELD_NAMES

    fields = Joined([word(FIELD_NAMES, name) for name in sorted(edits)])
    if doing == "quit":
        return msg(
            "Your edit of {fields} is not approved yet and will be lost. Quit anyway? (y / n)",
            fields=fields,
        )
    return msg(
        "Your edit of {fields} is not approved yet and will be lost. Skip anyway? (y / n)",
        fields=fields,
    )


class ReviewApp(App[None]):
    """Work through the review queue: one claimed item at a time, decided from the keyboard."""

    CSS_PATH = "review.tcss"
    TITLE = "localize review"
    BINDINGS = [
        Binding("q", "quit", msg("Quit")),
        Binding("question_mark", "help", msg("Help"), key_display="?"),
    ]
    # Its commands and themes are Textual's English; every command has a key here.
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        store: Engine,
        settings: Settings | None,
        *,
        reviewer: str,
        shop_id: str | None = None,
        language: str | None = None,
        images_root: Path | None = None,
        lease: timedelta = review.CLAIM,
        clock: Clock = utcnow,
        lang: str = ENGLISH,
    ) -> None:
        super().__init__()
        self.catalog: Catalog = catalog(lang)  # the reader's (config.i18n.choose)
        self.store = store
        self.settings = settings
        self.reviewer = reviewer
        self.shop_id = shop_id
        self.language = language
        self.images_root = images_root
        self.lease = lease
        self.clock = clock  # read when a claim is taken or renewed, never before
        self.skipped: list[int] = []
        self.current: Opened | None = None  # the item on screen, claimed by this reviewer
        self.busy = False

    def get_default_screen(self) -> Speaking:
        """The screen under the others (shown while the first item opens), its keys in the
        reader's language."""
        return Speaking()

    def shown_time(self, moment: datetime, shop_id: str) -> str:
        """A stored moment as `localize review history` shows it: in the shop's display
        zone (config.times), in UTC (said) without a shops file that names the shop."""
        from config.times import for_people

        zone = review.display_zone(self.settings, shop_id)
        return for_people("zh" if self.catalog.lang == "zh" else "en", moment, None, zone)

    def say(self, text: Text) -> str:
        """A message as the reader reads it (a plain str, what someone wrote, as it is)."""
        return self.catalog.render(text) if isinstance(text, Msg) else text

    def notify(
        self,
        message: Text,
        *,
        title: Text = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,  # Textual's parameter, ignored: a message is never markup
    ) -> None:
        """A notification in the reader's language, of what someone else wrote too (a
        reviewer's name, a service's message): never read as markup, control characters
        shown (config.terminal)."""
        super().notify(
            printable(self.say(message)),
            title=printable(self.say(title)),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run in the terminal, once it has said what it draws images with (asked before
        Textual reads the keyboard)."""
        from localize import terminal_images

        terminal_images.wait()
        return super().run(*args, **kwargs)

    def on_mount(self) -> None:
        """Open the first item; renew its claim while it stays open (three times a lease)."""
        self.renewal = self.set_interval(self.lease.total_seconds() / 3, self.renew_claim)
        self.run_job(self._next, self.show)

    def renew_claim(self) -> None:
        """Hold the item on screen for another lease, from the clock as it reads now (the
        timer calls this; not while a decision on the item is under way)."""
        if self.current is None or self.busy:
            return
        self._renew(self.current.entry.item.id)

    @work(thread=True, group="renew", exclusive=True)
    def _renew(self, item_id: int) -> None:
        try:
            until = review.renew(
                self.store, item_id, reviewer=self.reviewer, lease=self.lease, clock=self.clock
            )
        except AppError as exc:
            self.call_from_thread(self.notify, exc.text, severity="error", timeout=10)
            return
        if until is None:
            self.call_from_thread(
                self.notify,
                msg(
                    "item {id} is no longer yours: it was decided, or another reviewer took "
                    "it after your claim ran out; a decision will say who",
                    id=item_id,
                ),
                severity="warning",
                timeout=10,
            )

    # -- jobs: a store call in a worker, its result handled on the UI thread --------------

    def run_job(self, job: Callable[[], T], then: Callable[[T], None]) -> bool:
        """Run `job` off the UI thread, then `then(result)` on it; False while another runs."""
        if self.busy:
            self.notify(msg("still working on the last key…"), timeout=2)
            return False
        self.busy = True
        self._job(job, then)
        return True

    @work(thread=True, group="store")
    def _job(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        try:
            result = job()
        except (review.AlreadyDecided, lifecycle.ItemChanged) as exc:
            # someone decided or changed it first: say who, then take the queue's next
            # item (this one again, at its new version, if it still waits)
            self.call_from_thread(self._lost, exc.text)
        except AppError as exc:
            self.call_from_thread(self.failed, exc.text)
        else:
            self.call_from_thread(self._done, then, result)

    def _done(self, then: Callable[[Any], None], result: Any) -> None:
        self.busy = False
        then(result)

    def failed(self, message: Text) -> None:
        """A service error: shown, and the screen stays as it was."""
        self.busy = False
        self.notify(message, severity="error", timeout=10)
        if isinstance(self.screen, ItemScreen):
            self.screen.say(message, error=True)

    def _lost(self, message: Text) -> None:
        self.busy = False
        kept = self._keep_edits()
        if kept:
            message = msg(
                "{message}; your edits were not applied: they are kept in {kept}",
                message=message,
                kept=kept,
            )
        self.notify(message, severity="warning", timeout=30 if kept else 10)
        self.run_job(self._next, self.show)

    def _keep_edits(self) -> str | None:
        """The reviewer's edits of an item someone else decided first, written where they
        can be copied back from (they are no longer the item's to apply): the file's path,
        or the edits themselves without a data folder."""
        screen = self.screen
        if not isinstance(screen, ItemScreen) or not screen.edits:
            return None
        item = screen.opened.entry.item
        kept = {
            "item": item.id,
            "version": item.version,
            "reviewer": self.reviewer,
            "at": utcnow().isoformat(),
            "edits": screen.edits,
        }
        if self.images_root is None:
            return json.dumps(screen.edits, ensure_ascii=False)
        folder = self.images_root.parent / "unapplied-edits"
        who = re.sub(r"[^\w.-]", "_", self.reviewer)[:40]
        path = folder / f"item-{item.id}-v{item.version}-{who}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(kept, ensure_ascii=False, indent=2).encode())
        except OSError:
            return json.dumps(screen.edits, ensure_ascii=False)
        return str(path)

    # -- the queue ----------------------------------------------------------------------

    def _next(self) -> Opened | None:
        found = review.claim_next(
            self.store,
            reviewer=self.reviewer,
            shop_id=self.shop_id,
            language=self.language,
            skip=self.skipped,
            lease=self.lease,
            clock=self.clock,
        )
        return None if found is None else open_item(self.store, found)

    @work(thread=True, group="prepare", exit_on_error=False)
    def _prepare_decisions(self) -> None:
        review.prepare_decisions()

    def _release(self) -> None:
        if self.current is not None:
            review.release(self.store, self.current.entry.item.id, reviewer=self.reviewer)

    def show(self, opened: Opened | None, status: Text = "") -> None:
        """Put the item on the item screen, or say the queue is empty."""
        self.current = opened
        if opened is not None and isinstance(self.screen, ItemScreen):
            self.screen.show(opened, status)  # refilled in place: the quick path
            return
        screen = EmptyScreen(len(self.skipped)) if opened is None else ItemScreen(opened)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
            if opened is not None:  # the first item: what deciding it needs, while it is read
                self.call_after_refresh(self._prepare_decisions)
        if status and isinstance(screen, ItemScreen):
            self.notify(status, timeout=4)

    def decided(self, result: tuple[review.Outcome, Opened | None]) -> None:
        """A decision went through: show the next item, with what the decision did."""
        outcome, opened = result
        for note in outcome.notes:
            self.notify(msg("failed: {error}", error=note), severity="error", timeout=10)
        self.show(opened, outcome.summary())

    # -- decisions (the item screen calls these) ---------------------------------------

    def approve(self, edits: Mapping[str, str], override: str | None = None) -> None:
        """Approve the item on screen, with the reviewer's edits (an override's reason)."""
        assert self.current is not None
        item = self.current.entry.item

        def job() -> tuple[review.Outcome, Opened | None]:
            outcome = review.approve(
                self.store,
                self.settings,
                item.id,
                reviewer=self.reviewer,
                edits=dict(edits) or None,
                override=override,
                version=item.version,
                images_root=self.images_root,
            )
            return outcome, self._next()

        self.run_job(job, self.decided)

    def reject(self, reason: str) -> None:
        """Reject the item on screen, for `reason`."""
        assert self.current is not None
        item = self.current.entry.item

        def job() -> tuple[review.Outcome, Opened | None]:
            outcome = review.reject(
                self.store,
                item.id,
                reviewer=self.reviewer,
                reason=reason,
                version=item.version,
                zones=review.zones_of(self.settings),
            )
            return outcome, self._next()

        self.run_job(job, self.decided)

    def skip(self) -> None:
        """Give the item back and show the next one (this one not again in this session)."""
        assert self.current is not None
        item_id = self.current.entry.item.id

        def job() -> Opened | None:
            self._release()
            self.skipped.append(item_id)
            return self._next()

        self.run_job(job, self.show)

    def recheck(self, edits: Mapping[str, str]) -> list[dict[str, Any]]:
        """The item's findings for edited text (called from a worker)."""
        assert self.current is not None
        return review.recheck(self.store, self.settings, self.current.entry, edits)

    # -- keys everywhere ---------------------------------------------------------------

    async def action_quit(self) -> None:
        """Give the item back and leave (asked first when edits would be lost)."""
        screen = self.screen
        if isinstance(screen, ItemScreen) and screen.edits:

            def chosen(leave: bool | None) -> None:
                if leave:
                    self._leave()

            self.push_screen(ConfirmScreen(unsaved(screen.edits, "quit")), chosen)
            return
        self._leave()

    def _leave(self) -> None:
        self.busy = False  # quitting wins over a job still running; its claim is released
        self.run_job(self._release, lambda _: self.exit())

    def action_help(self) -> None:
        """Show or hide the keys."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

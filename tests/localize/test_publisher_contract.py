"""The Publisher contract, run over every publisher in the registry, each built from a
shop's configuration the way `localize publish` builds it: the export folder, and the
Partner API against a local server that checks every signature like TikTok's.

A publish sends each step once and records it; a re-run sends nothing; a run that died
right after a step resumes without repeating it; a failure is a PublishError saying what
went wrong, with only the finished steps recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from config.errors import AppError, ExitCode
from config.runtime import Secrets
from localize.publish import PUBLISHERS, EndsRun, Publisher, PublishError, Steps, Work
from tests.localize.publishing import (
    ENVIRON,
    Partner,
    bulk_template,
    recorded,
    shop_settings,
    stored_work,
)


class Killed(BaseException):
    """The process dying: nothing in the publisher may catch it."""


@dataclass
class DiesAfter(Steps):
    """Steps whose process is killed right after its `after`-th step is recorded."""

    after: int = 1

    def record(self, step: str, remote_ref: str = "") -> None:
        """Record the step, then die if it was the last one this run lives for."""
        super().record(step, remote_ref)
        if len(self.sent) >= self.after:
            raise Killed(step)


@dataclass
class Case:
    """One publisher, built from configuration, and what its far side received."""

    kind: str
    publisher: Publisher
    work: Work
    engine: Engine
    sent: Callable[[], list[str]]  # everything that reached the far side, in order
    steps: int  # how many steps a whole publish of `work` takes
    breaks: Callable[[], None]  # make the next send fail
    failure: str  # what the PublishError then says (a regex)


def export_case(stack: ExitStack, engine: Engine, tmp_path: Path) -> Case:
    """The export folder: each item version one folder."""
    settings = shop_settings(tmp_path, "export")
    shop = settings.shops[0]
    folder = tmp_path / "export"

    def sent() -> list[str]:
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))

    def breaks() -> None:
        folder.write_text("a file where the folder should be", encoding="utf-8")

    return Case(
        kind="export",
        publisher=PUBLISHERS["export"](settings, shop, Secrets(ENVIRON)),
        work=stored_work(engine, settings, shop, tmp_path),
        engine=engine,
        sent=sent,
        steps=1,
        breaks=breaks,
        failure=r"export to .*export/1729001-ms-\w+: Not a directory",
    )


def tiktok_case(stack: ExitStack, engine: Engine, tmp_path: Path) -> Case:
    """The Partner API: each main image uploaded, then the product edited."""
    partner = Partner()
    srv = stack.enter_context(partner.serve())
    settings = shop_settings(tmp_path, "tiktok", srv.url)
    shop = settings.shops[0]
    return Case(
        kind="tiktok",
        publisher=PUBLISHERS["tiktok"](settings, shop, Secrets(ENVIRON)),
        work=stored_work(engine, settings, shop, tmp_path),
        engine=engine,
        sent=lambda: (
            [f"upload {n}" for n in range(len(partner.uploads))]
            + [f"edit {e['title']}" for e in partner.edits]
        ),
        steps=3,
        breaks=lambda: setattr(partner, "refuse_edits", 99),
        failure=r"partial_edit: code 12019005: product locked \(request_id x\)",
    )


@dataclass
class WholeRun:
    """A publisher that holds items until the run's end, run as `localize publish` runs it
    for one item: taken in, then the run ended; where it was written, or the PublishError
    its failure is."""

    inner: EndsRun
    kind: str

    def publish(self, work: Work, steps: Steps) -> str:
        """The item through publish and the run's end."""
        self.inner.publish(work, steps)  # type: ignore[attr-defined]
        end = self.inner.end_run()
        if work.item_id in end.failed:
            raise PublishError(end.failed[work.item_id])
        return end.written[work.item_id]


def template_case(stack: ExitStack, engine: Engine, tmp_path: Path) -> Case:
    """The seller's bulk-listing template: each run one new workbook beside the template."""
    template = bulk_template(tmp_path / "drinkware.xlsx", "Drinkware (600001)")
    settings = shop_settings(
        tmp_path, "template", publish='templates = { drinkware = "drinkware.xlsx" }\n'
    )
    shop = settings.shops[0]
    folder = tmp_path / "export"
    publisher = PUBLISHERS["template"](settings, shop, Secrets(ENVIRON))
    assert isinstance(publisher, EndsRun) and publisher.holds

    def breaks() -> None:
        template.write_bytes(b"PK\x03\x04 not a workbook after all")

    return Case(
        kind="template",
        publisher=WholeRun(publisher, "template"),
        work=replace(stored_work(engine, settings, shop, tmp_path), category="drinkware"),
        engine=engine,
        sent=lambda: sorted(p.name for p in folder.glob("*.xlsx")) if folder.is_dir() else [],
        steps=1,
        breaks=breaks,
        failure=r"template .*drinkware.xlsx cannot be read as an .xlsx workbook",
    )


CASES = {"export": export_case, "tiktok": tiktok_case, "template": template_case}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> Iterator[Case]:
    """Each registered publisher, on each backend."""
    with ExitStack() as stack:
        yield CASES[request.param](stack, engine, tmp_path)


def test_the_suite_covers_every_registered_publisher() -> None:
    assert sorted(CASES) == sorted(PUBLISHERS)


def test_the_registry_builds_a_publisher_of_its_kind(case: Case) -> None:
    assert case.publisher.kind == case.kind


def test_a_publish_sends_each_step_once_and_records_it(case: Case) -> None:
    steps = Steps(case.engine, case.work, case.publisher.kind)
    ref = case.publisher.publish(case.work, steps)
    assert ref
    assert len(steps.sent) == case.steps == len(set(steps.sent))
    assert recorded(case.engine, case.work.item_id) == steps.sent
    assert len(case.sent()) == case.steps


def test_a_rerun_sends_nothing(case: Case) -> None:
    first = case.publisher.publish(case.work, Steps(case.engine, case.work, case.publisher.kind))
    sent = case.sent()
    again = Steps(case.engine, case.work, case.publisher.kind)
    assert case.publisher.publish(case.work, again) == first
    assert again.sent == [] and case.sent() == sent
    assert len(recorded(case.engine, case.work.item_id)) == case.steps


def test_a_new_version_is_sent_again(case: Case) -> None:
    case.publisher.publish(case.work, Steps(case.engine, case.work, case.publisher.kind))
    edited = replace(case.work, title="Botol Termos ACME 750ml", content_hash="b" * 64)
    steps = Steps(case.engine, edited, case.publisher.kind)
    case.publisher.publish(edited, steps)
    assert steps.sent, "a new version must be sent"
    assert len(recorded(case.engine, case.work.item_id)) > case.steps


@pytest.mark.parametrize("which", ["the first step", "the last step"])
def test_a_run_that_died_after_a_step_resumes_without_repeating_it(case: Case, which: str) -> None:
    after = 1 if which == "the first step" else case.steps
    dying = DiesAfter(case.engine, case.work, case.publisher.kind, after=after)
    with pytest.raises(Killed):
        case.publisher.publish(case.work, dying)
    assert recorded(case.engine, case.work.item_id) == dying.sent
    assert len(case.sent()) == after
    resumed = Steps(case.engine, case.work, case.publisher.kind)
    case.publisher.publish(case.work, resumed)
    assert not set(resumed.sent) & set(dying.sent)
    assert len(dying.sent) + len(resumed.sent) == case.steps
    assert len(case.sent()) == case.steps  # nothing sent twice


def test_a_failure_is_a_publish_error_that_says_why(case: Case) -> None:
    case.breaks()
    steps = Steps(case.engine, case.work, case.publisher.kind)
    with pytest.raises(PublishError, match=case.failure) as caught:
        case.publisher.publish(case.work, steps)
    assert isinstance(caught.value, AppError)
    assert caught.value.exit_code == ExitCode.FAILURES
    # what was recorded is exactly what finished, so a later run resumes after it
    assert recorded(case.engine, case.work.item_id) == steps.sent
    assert len(steps.sent) < case.steps

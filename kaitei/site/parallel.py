"""Every core: the splittable generators' jobs run in a pool of forked processes.

The parent loads the model once; `fork` gives every worker that model for free
(copy-on-write), so a task is only a small descriptor. Each worker writes its files straight
into the staging folder and sends back records (url, hash, size, sitemap data), never bytes.
The parent meanwhile checks the content (the workers' pages are thrown away if the check
fails) and runs the generators that cannot be split (they fill ctx.cache entries the
finishers read, or are one small job). The set of files, and each file's bytes, are the
serial build's whatever the number of workers: every job is done exactly once, by the same
code, from the same model.

A task is one document's jobs of every splittable generator (kaitei.site.jobs): its pages,
diff pages and PDFs. The checks of the document (kaitei.check's `check_one`: structure,
links, and the document checks, which diff its versions) run in the same task, first, on the
ChangeSets its diff pages then reuse: diffing is most of what both cost, and a pair is
diffed once. The tasks start with the costliest
document, so that no worker is left alone with a large one at the end. A site of fewer
documents than twice the workers is split the older way instead: each generator's jobs in
pieces, the whole check in the parent.

A task that fails in a worker (an exception, a killed process) is run again in the parent,
so a real error surfaces with its own traceback and a lost worker costs time, not output.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Collection, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from .. import cache as between_builds
from ..check import Changes
from ..diagnostics import Collector, Diagnostic
from ..loadpool import available_cores
from ..model import Document, Site
from ..provenance import for_build
from . import jobs, stream
from .diffpages import document_changes
from .output import GENERATORS, SPLITTABLE, WHOLE, BuildContext, FileRecord, Portion
from .pages import diff_pairs
from .write import write_output

# Pieces per worker of each splittable generator: more than one, so a worker that drew the
# heavy documents does not leave the others idle at the end (measured: 4 beat 1 and 2).
PIECES_PER_WORKER = 4
# Below this many versions in the site, forking costs more than it saves.
MIN_VERSIONS = 20

# What the workers inherit: set by the parent just before the pool forks them.
_STATE: tuple[BuildContext, Path, Checks | None, bool] | None = None


class Checks(Protocol):
    """The content check of a build, run beside the pages; a method raises to stop it."""

    def site(self, documents: bool) -> None:
        """Every check but, unless `documents`, the checks of each document."""

    def document(
        self,
        document: Document,
        changes: Changes,
        site: Site | None = None,
        sources: Collector | None = None,
    ) -> list[Diagnostic]:
        """The checks of one document, on ChangeSets from `changes`, its links resolved in
        `site` (by default the build's), quoting the lines of the files `sources` read (by
        default the build's loading)."""
        ...

    def done(self, found: list[Diagnostic]) -> None:
        """The document checks' diagnostics, once every document is checked."""


@dataclass(frozen=True, slots=True)
class Task:
    """Jobs of splittable generators, by generator; `document`: the document whose jobs
    they are, in a task by document (kaitei.site.jobs); `check`: its checks run here first."""

    jobs: tuple[tuple[str, Portion], ...]
    document: int | None = None
    check: bool = False


def available_workers() -> int:
    """The cores this process may use (the CPU affinity mask, not the machine's count)."""
    return available_cores()


def usable(versions: int) -> bool:
    """Whether a pool is worth it and safe here: fork exists, two cores, a large site."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and available_workers() > 1
        and versions >= MIN_VERSIONS
    )


def by_document(
    ctx: BuildContext, names: Sequence[str], workers: int, outlined: bool = False
) -> bool:
    """Whether the tasks are documents: enough of them to keep every worker busy (or a site
    of outlines, whose files only a document's task can make), and no splittable generator
    whose jobs kaitei.site.jobs cannot group."""
    split = [name for name in names if name in SPLITTABLE]
    enough = outlined or len(ctx.site.documents) >= 2 * workers
    return enough and set(split) <= jobs.GROUPED


def plan(
    ctx: BuildContext,
    names: Sequence[str],
    workers: int,
    checking: bool = False,
    outlined: bool = False,
    only: Collection[int] | None = None,
) -> list[Task]:
    """The splittable generators' tasks, in the order they are started; `only`: of those
    documents (and the site's own pages), the others' files being made elsewhere."""
    split = [name for name in names if name in SPLITTABLE]
    if not by_document(ctx, names, workers, outlined):
        if outlined:
            raise ValueError(f"a site of outlines needs tasks by document: {split}")
        pieces = workers * PIECES_PER_WORKER
        return [
            Task(((name, Portion(frozenset({k}), pieces)),))
            for name in split
            for k in range(pieces)
        ]
    grouped: dict[int, list[tuple[str, Portion]]] = {}
    for name in split:
        for group, numbers in jobs.groups(name, ctx):
            if numbers:
                grouped.setdefault(group, []).append((name, jobs.portion(numbers)))
    documents = ctx.site.documents
    tasks = [Task(tuple(grouped.get(i, ())), i, checking) for i in range(len(documents))]
    chosen = range(len(documents)) if only is None else sorted(only)
    site_task = Task(tuple(grouped.get(jobs.SITE_GROUP, ())))
    costs = [_cost(ctx, document) for document in documents]
    # The costliest first (a stable sort: equal costs in the site's order), the site's own
    # pages, which are quick, last.
    order = sorted(chosen, key=lambda i: -costs[i])
    return [tasks[i] for i in order if tasks[i].jobs or tasks[i].check] + (
        [site_task] if site_task.jobs else []
    )


def _cost(ctx: BuildContext, document: Document) -> int:
    """A document's work, roughly: its texts' pages, and its diff pages, which cost more."""
    languages = len(document.settings.languages)
    return sum(len(v.texts) for v in document.versions) + 3 * languages * len(
        diff_pairs(document, ctx.as_of)
    )


def run_task(
    ctx: BuildContext,
    staging: Path,
    task: Task,
    checks: Checks | None = None,
    outlined: bool = False,
) -> tuple[list[tuple[str, list[FileRecord]]], list[Diagnostic]]:
    """One task, in whatever process calls it: its files' records by generator, and the
    diagnostics of its document's checks. With `outlined` (ctx.site holds outlines, see
    kaitei.site.stream) the task's document is loaded whole first."""
    found: list[Diagnostic] = []
    sources = None
    if outlined and task.document is not None:
        whole, sources = stream.whole_site(ctx.site, task.document)
        ctx = replace(ctx, site=whole)
    try:
        if task.check and task.document is not None and checks is not None:
            document = ctx.site.documents[task.document]
            found = checks.document(document, document_changes(ctx), ctx.site, sources)
        produced = []
        for name, portion in task.jobs:
            job_ctx = replace(ctx, portion=portion)
            records = [write_output(staging, o) for o in GENERATORS[name](job_ctx)]
            produced.append((name, records))
        return produced, found
    finally:
        if sources is not None:  # documents were loaded whole for this task
            stream.forget(ctx, *ctx.site.documents)


def _in_worker(
    task: Task,
) -> tuple[list[tuple[str, list[FileRecord]]], list[Diagnostic], list[Path]]:
    assert _STATE is not None, "the pool forks after _STATE is set"
    ctx, staging, checks, outlined = _STATE
    produced, found = run_task(ctx, staging, task, checks, outlined)
    return produced, found, between_builds.newly_used()


def generate(
    ctx: BuildContext,
    names: Sequence[str],
    staging: Path,
    workers: int,
    checks: Checks | None = None,
    outlined: bool = False,
    only: Collection[int] | None = None,
) -> list[tuple[str, list[FileRecord]]]:
    """Every generator's records, the splittable ones' from `workers` forked processes;
    `outlined`: ctx.site holds outlines (kaitei.site.stream); `only`: the documents whose
    files are made here (by default all).

    `checks` run in this process once the workers have started (`kaitei build` checks the
    content then), the document checks in the workers' tasks when the tasks are documents;
    if a check raises, the tasks not yet started are cancelled and nothing is collected: the
    caller's staging folder, and whatever the workers wrote, is discarded."""
    global _STATE
    in_tasks = checks is not None and by_document(ctx, names, workers, outlined)
    tasks = plan(ctx, names, workers, in_tasks, outlined, only)
    produced: list[tuple[str, list[FileRecord]]] = []
    found: list[Diagnostic] = []
    # The site repository's git history (one `git log`) is read before the fork, so the
    # workers inherit it in ctx.cache instead of each reading it again.
    for_build(ctx)
    _STATE = (ctx, staging, checks, outlined)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, context, between_builds.start_worker) as pool:
            futures = [pool.submit(_in_worker, task) for task in tasks]
            try:
                if checks is not None:
                    checks.site(documents=not in_tasks)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            for name in names:
                if name not in SPLITTABLE:
                    produced += run_task(ctx, staging, Task(((name, WHOLE),)))[0]
            for task, future in zip(tasks, futures, strict=True):
                records, more = _result(ctx, staging, task, future, checks, outlined)
                produced += records
                found += more
    finally:
        _STATE = None
    if in_tasks:
        assert checks is not None
        checks.done(found)
    return produced


def _result(
    ctx: BuildContext,
    staging: Path,
    task: Task,
    future: Future[tuple[list[tuple[str, list[FileRecord]]], list[Diagnostic], list[Path]]],
    checks: Checks | None,
    outlined: bool,
) -> tuple[list[tuple[str, list[FileRecord]]], list[Diagnostic]]:
    try:
        produced, found, used = future.result()
        between_builds.took_used(used)
        return produced, found
    except Exception:  # any failure: do the task here, where errors are real
        # The same jobs write the same paths with the same bytes: whatever the worker wrote
        # before it failed is overwritten, and nothing else is left behind.
        return run_task(ctx, staging, task, checks, outlined)

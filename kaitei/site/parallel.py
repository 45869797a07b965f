"""Every core: the splittable generators' jobs run in a pool of forked processes.

The parent loads and checks the model once; `fork` gives every worker that model for free
(copy-on-write), so a task is only a small descriptor: a generator's name and its Portion of
that generator's jobs. Each worker writes its files straight into the staging folder and
sends back records (url, hash, size, sitemap data), never bytes. The parent meanwhile
finishes checking the content (the workers' pages are thrown away if the check fails) and runs
the generators that cannot be split (they fill ctx.cache entries the finishers read, or are
one small job). The set of files, and each file's bytes, are the serial build's whatever the
number of workers: every job is done exactly once, by the same code, from the same model.

A task that fails in a worker (an exception, a killed process) is run again in the parent,
so a real error surfaces with its own traceback and a lost worker costs time, not output.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .. import cache as between_builds
from ..provenance import for_build
from .output import GENERATORS, SPLITTABLE, BuildContext, FileRecord, Portion
from .write import write_output

# Pieces per worker of each splittable generator: more than one, so a worker that drew the
# heavy documents does not leave the others idle at the end (measured: 4 beat 1 and 2).
PIECES_PER_WORKER = 4
# Below this many versions in the site, forking costs more than it saves.
MIN_VERSIONS = 20

# What the workers inherit: set by the parent just before the pool forks them.
_STATE: tuple[BuildContext, Path] | None = None
# In a worker: the cache entries (kaitei.cache) already reported to the parent, which prunes
# every entry the build did not use, and knows only what it is told the workers used.
_REPORTED: set[Path] = set()


@dataclass(frozen=True, slots=True)
class Task:
    generator: str
    portion: Portion


def available_workers() -> int:
    """The cores this process may use (the CPU affinity mask, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def usable(versions: int) -> bool:
    """Whether a pool is worth it and safe here: fork exists, two cores, a large site."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and available_workers() > 1
        and versions >= MIN_VERSIONS
    )


def plan(names: Sequence[str], workers: int) -> list[Task]:
    """The splittable generators' tasks, in a stable order."""
    pieces = workers * PIECES_PER_WORKER
    return [
        Task(name, Portion(frozenset({k}), pieces))
        for name in names
        if name in SPLITTABLE
        for k in range(pieces)
    ]


def run_task(ctx: BuildContext, staging: Path, task: Task) -> list[FileRecord]:
    """One task, in whatever process calls it."""
    job_ctx = replace(ctx, portion=task.portion)
    return [write_output(staging, output) for output in GENERATORS[task.generator](job_ctx)]


def _start_worker() -> None:
    store = between_builds.current()
    _REPORTED.clear()
    _REPORTED.update(store.used if store is not None else ())  # the parent's, at the fork


def _in_worker(task: Task) -> tuple[list[FileRecord], list[Path]]:
    assert _STATE is not None, "the pool forks after _STATE is set"
    ctx, staging = _STATE
    records = run_task(ctx, staging, task)
    store = between_builds.current()
    used = sorted(store.used - _REPORTED) if store is not None else []
    _REPORTED.update(used)
    return records, used


def generate(
    ctx: BuildContext,
    names: Sequence[str],
    staging: Path,
    workers: int,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[tuple[str, list[FileRecord]]]:
    """Every generator's records, the splittable ones' from `workers` forked processes.

    `meanwhile` runs in this process once the workers have started (`kaitei build` checks
    the content then); if it raises, the tasks not yet started are cancelled and nothing is
    collected: the caller's staging folder, and whatever the workers wrote, is discarded."""
    global _STATE
    tasks = plan(names, workers)
    produced: list[tuple[str, list[FileRecord]]] = []
    # The site repository's git history (one `git log`) is read before the fork, so the
    # workers inherit it in ctx.cache instead of each reading it again.
    for_build(ctx)
    _STATE = (ctx, staging)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, context, _start_worker) as pool:
            futures = [pool.submit(_in_worker, task) for task in tasks]
            try:
                meanwhile()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            for name in names:
                if name not in SPLITTABLE:
                    produced.append((name, run_task(ctx, staging, Task(name, ctx.portion))))
            for task, future in zip(tasks, futures, strict=True):
                produced.append((task.generator, _result(ctx, staging, task, future)))
    finally:
        _STATE = None
    return produced


def _result(
    ctx: BuildContext,
    staging: Path,
    task: Task,
    future: Future[tuple[list[FileRecord], list[Path]]],
) -> list[FileRecord]:
    try:
        records, used = future.result()
        store = between_builds.current()
        if store is not None:
            store.used.update(used)
        return records
    except Exception:  # any failure: do the task here, where errors are real
        # The same jobs write the same paths with the same bytes: whatever the worker wrote
        # before it failed is overwritten, and nothing else is left behind.
        return run_task(ctx, staging, task)

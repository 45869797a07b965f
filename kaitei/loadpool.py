"""Every core for loading: the documents are read and parsed by forked worker processes
and by this one.

A worker's task is one document folder; it returns, pickled with the document, everything
a serial load would have left in this process: the diagnostics (in order, their source lines
filled in from its own files), the sources registered with the Collector, and for the cache
between builds (kaitei.cache) the entries used, hits, misses and each text's key. This process
loads documents too, from the other end of the queue, its problems kept aside; then every
document's are replayed in the site's order, so the Site, the Collector and the cache's text
keys are the serial load's whatever the order in which the processes finish.

A task that fails in a worker (an exception, a killed process) is loaded again here, where
a real error surfaces with its own traceback, in the document's turn.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from . import cache as between_builds
from .diagnostics import Collector, Diagnostic
from .model import Document, LanguageText

Loader = Callable[[Path, Path, Collector], Document | None]

# Below this many version folders (and document.yml files) in the site, loading stays serial.
# Measured on 2 cores, CPU of the busier process against a serial load: 12 folders 90 vs 79
# ms (forking costs more than it saves), 24: 110 vs 165, 44: 205 vs 292, 88: 387 vs 579.
# The pool adds a quarter to the CPU in all (pickling), which a machine without an idle
# core pays in time: hence a margin above the break-even point.
MIN_VERSIONS = 40

# Whether this process loads documents too (the tests of the workers alone turn it off).
SHARE = True

# What the workers inherit: set by the parent just before the pool forks them.
_STATE: tuple[Loader, Path] | None = None

# What a worker sends back for one document (see `_in_worker`).
Loaded = tuple[
    Document | None,
    tuple[Diagnostic, ...],
    tuple[tuple[str, str], ...],  # the sources registered, in order: (path, text)
    tuple[str | None, ...],  # each loaded text's cache key, in `_texts` order
    list[Path],  # cache entries used
    int,  # cache hits
    int,  # cache misses
]


def available_cores() -> int:
    """The cores this process may use (the CPU affinity mask, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def usable(doc_dirs: Sequence[Path], workers: int) -> bool:
    """Whether a pool is worth it and possible: fork, two workers, two documents, a large site."""
    return (
        workers > 1
        and len(doc_dirs) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and sum(size(doc_dir) for doc_dir in doc_dirs) >= MIN_VERSIONS
    )


def load_documents(
    load: Loader, doc_dirs: Sequence[Path], root: Path, out: Collector, workers: int
) -> list[Document | None]:
    """`load(doc_dir, root, out)` of every folder, in order, by `workers` processes: this one
    and `workers` - 1 forked ones (none when the cache between builds holds the documents)."""
    sizes = [size(doc_dir) for doc_dir in doc_dirs]
    # The workers take the largest first (one started last would leave the others idle);
    # this process takes the smallest, from the other end: a document loaded here is not
    # pickled twice, and a cached one is not unpickled twice.
    work = collections.deque(sorted(range(len(doc_dirs)), key=lambda i: (-sizes[i], i)))
    futures: dict[int, Future[Loaded]] = {}
    here: dict[int, tuple[Document | None, Collector]] = {}
    with gc_paused():
        if not SHARE or not _cached(load, doc_dirs, root, work, here):
            _share(load, doc_dirs, root, workers, work, futures, here)
        return [
            _collect(load, doc_dir, root, out, i, here, futures)
            for i, doc_dir in enumerate(doc_dirs)
        ]


def _cached(
    load: Loader,
    doc_dirs: Sequence[Path],
    root: Path,
    work: collections.deque[int],
    here: dict[int, tuple[Document | None, Collector]],
) -> bool:
    """Load the smallest document here: whether its texts came from the cache between builds.

    A cached text costs this process the same to read from the cache as from a worker (the
    unpickling), and the worker its own reading and pickling besides: a warm site loads
    fastest without a pool (measured at 5,000 files: 5.0 s serial, 7.6 s with a worker).
    """
    store = between_builds.current()
    if store is None:
        return False
    hits, misses = store.hits, store.misses
    _load_here(load, doc_dirs, root, work.pop(), here)
    return store.hits - hits > store.misses - misses


def _share(
    load: Loader,
    doc_dirs: Sequence[Path],
    root: Path,
    workers: int,
    work: collections.deque[int],
    futures: dict[int, Future[Loaded]],
    here: dict[int, tuple[Document | None, Collector]],
) -> None:
    """Every document in `work` to a worker (`futures`) or loaded here (`here`)."""
    global _STATE
    processes = max(1, min(workers - 1, len(doc_dirs)))
    # Documents handed to the workers ahead of time: enough that none waits for this process
    # to finish one of its own. (Handed out and then taken back, a future cannot be: Python
    # 3.11's pool fails on a cancelled future when a worker dies.)
    ahead = 2 * processes if SHARE else len(doc_dirs)
    _STATE = (load, root)
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(processes, context, _start_worker)
    try:
        with pool:
            try:
                while work:
                    running = sum(not future.done() for future in futures.values())
                    for _ in range(min(ahead - running, len(work))):
                        i = work.popleft()
                        futures[i] = pool.submit(_in_worker, doc_dirs[i])
                    if work:
                        _load_here(load, doc_dirs, root, work.pop(), here)
            except BaseException:  # a real error (or ^C): stop the documents not yet started
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _STATE = None


def _load_here(
    load: Loader,
    doc_dirs: Sequence[Path],
    root: Path,
    i: int,
    here: dict[int, tuple[Document | None, Collector]],
) -> None:
    """Document `i` loaded in this process, its problems kept aside until its turn."""
    out = Collector()
    # An error is raised in the document's turn (`_collect`), after those before it, as a
    # serial load raises it.
    with contextlib.suppress(Exception):
        here[i] = (load(doc_dirs[i], root, out), out)


def _collect(
    load: Loader,
    doc_dir: Path,
    root: Path,
    out: Collector,
    i: int,
    here: dict[int, tuple[Document | None, Collector]],
    futures: dict[int, Future[Loaded]],
) -> Document | None:
    """Document `i` into `out`, wherever it was loaded (its turn: every one before it is in)."""
    if i in futures:
        return _result(load, doc_dir, root, out, futures[i])
    if i in here:
        document, task = here[i]
        _replay(out, task.registered(), task.items)
        return document
    # Not loaded yet (a cached site), or its load failed above: it fails again, in its turn.
    return load(doc_dir, root, out)


def _replay(
    out: Collector, sources: Iterable[tuple[str, str]], diagnostics: Iterable[Diagnostic]
) -> None:
    for path, source in sources:
        out.register_source(path, source)
    out.extend(diagnostics)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: loading creates long-lived objects by the million,
    and the collector walked every loaded document again each time it ran (20% of loading a
    5,000-file site); the garbage a document leaves is collected once, after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def size(doc_dir: Path) -> int:
    """A document's share of the work, roughly: its version folders (one listing, no walk)."""
    try:
        return sum(1 for _ in doc_dir.iterdir())
    except OSError:
        return 0


def _texts(document: Document | None) -> list[LanguageText]:
    if document is None:
        return []
    return [text for version in document.versions for text in version.texts]


def _start_worker() -> None:
    gc.enable()  # forked while the parent's collector was paused: each task pauses its own
    between_builds.start_worker()


def _in_worker(doc_dir: Path) -> Loaded:
    assert _STATE is not None, "the pool forks after _STATE is set"
    load, root = _STATE
    store = between_builds.current()
    hits, misses = (store.hits, store.misses) if store is not None else (0, 0)
    out = Collector()
    with gc_paused():
        document = load(doc_dir, root, out)
    texts = _texts(document)
    # A registered source is usually a text's own `source`: the same object pickles once.
    own = {text.path: text.source for text in texts}
    sources = tuple(
        (path, own[path] if own.get(path) == text else text) for path, text in out.registered()
    )
    if store is None:
        return document, tuple(out.items), sources, (), [], 0, 0
    keys = tuple(store.text_key(text) for text in texts)
    # The parent keeps the texts and their keys: the worker need not (nor grow with them).
    store.forget_texts(texts)
    for key in keys:
        if key is not None:
            store.memory.pop(key, None)
    used = between_builds.newly_used()
    return (
        document,
        tuple(out.items),
        sources,
        keys,
        used,
        store.hits - hits,
        store.misses - misses,
    )


def _result(
    load: Loader, doc_dir: Path, root: Path, out: Collector, future: Future[Loaded]
) -> Document | None:
    try:
        document, diagnostics, sources, keys, used, hits, misses = future.result()
    except Exception:  # any failure: load it here, where errors are real
        return load(doc_dir, root, out)
    _replay(out, sources, diagnostics)
    store = between_builds.current()
    if store is not None:
        store.used.update(used)
        store.hits += hits
        store.misses += misses
        for text, key in zip(_texts(document), keys, strict=True):
            if key is not None:
                store.remember_text(text, key)
    return document

"""A large site's build in bounded memory: the parent holds outlines, each task a document.

`kaitei build` of a small site loads the whole model once and its pool's workers inherit it
through fork. At scale that model is most of the memory, held by the parent and, page by
page as the workers touch it, copied into every worker: 50 documents x 50 versions x 10
languages took 9.3 GB. A large site is built streaming instead, one document at a time:

1. A pool loads each document in a worker (parsing it, or reading it from the cache between
   builds), checks it and makes its files: its pages, diff pages, PDFs and canonical texts
   depend on no other document, unless its texts link to the site. It sends back the
   document's outline (kaitei.model.Document.outline: front matter, title, closing lines and
   hashes, no body), its diagnostics and its files' records; the whole document is dropped.
2. A document whose texts link to other documents waits for the outlines: its task then
   loads it again whole from the cache, with the documents it links to (another document's
   outline is enough to resolve a link to it), in kaitei.site.parallel's pool.
3. Meanwhile the parent makes, from the outlines, the site's own pages, the notices, feeds,
   API and manifest, and runs the checks across documents.

So no process ever holds more than a few documents whole, every text is parsed once, and
the parse itself is spread over the cores. The files are the same bytes as a whole build's
(tests/site/test_stream.py builds both). A site that does not load cleanly is loaded whole
again, so that its checks report every problem as they always do.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import gc
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .. import cache as between_builds
from ..check import CheckOptions, Finish, load_check_modules
from ..diagnostics import Collector, Diagnostic
from ..load import content_dir, document_dirs, load_document
from ..loadpool import gc_paused, size
from ..model import Document, Site
from ..provenance import for_build
from ..read.sitelinks import linked_documents, links_to_site
from . import jobs
from .diffpages import document_changes, forget_diffs
from .output import GENERATORS, SPLITTABLE, BuildContext, FileRecord
from .write import write_output

# From this many version files on, a site is built streaming (measured: at 5,000 files the
# whole model in every process took 2.0 GB, at 25,000 9.3 GB).
MIN_FILES = 4000


def wanted(root: Path, workers: int) -> bool:
    """Whether `kaitei build` streams: a pool, the cache, and a large site."""
    if workers < 2 or between_builds.current() is None:
        return False
    content = content_dir(root)
    return content.is_dir() and sum(1 for _ in content.glob("*/*/*.md")) >= MIN_FILES


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a worker sends back for one document folder (step 1)."""

    outline: Document | None  # None: the folder holds no document
    diagnostics: tuple[Diagnostic, ...]  # loading's, then its checks'
    sources: tuple[tuple[str, str], ...]  # what the parent's own checks quote: (path, text)
    produced: tuple[tuple[str, tuple[FileRecord, ...]], ...]  # () when it waits (step 2)
    waits: bool  # its texts link to the site: made once every outline is known
    used: tuple[Path, ...]  # cache entries


NAMES_KEY = "kaitei.site.stream.names"  # BuildContext.cache: the generators taking part

# What the workers inherit: set by the parent just before the pool forks them.
_STATE: tuple[BuildContext, Path, CheckOptions] | None = None


def load_and_make(ctx: BuildContext, staging: Path, options: CheckOptions, doc_dir: Path) -> Loaded:
    """Step 1 for one document folder, in whatever process calls it."""
    root = Path(ctx.root)
    out = Collector()
    with gc_paused():
        document = load_document(doc_dir, root, out)
    sources = _outline_sources(out, document)
    if document is None:
        return Loaded(
            None, tuple(out.items), sources, (), False, tuple(between_builds.newly_used())
        )
    try:
        outline = document.outline()
        waits = links_to_site(document)
        if waits or any(d.severity == "error" for d in out.items):
            # Waits for step 2, or the build fails: its files would be thrown away.
            used = tuple(between_builds.newly_used())
            return Loaded(outline, tuple(out.items), sources, (), waits, used)
        with frozen_objects():
            return _make(ctx, staging, options, document, outline, out, sources)
    finally:
        forget(ctx, document)


def _make(
    ctx: BuildContext,
    staging: Path,
    options: CheckOptions,
    document: Document,
    outline: Document,
    out: Collector,
    sources: tuple[tuple[str, str], ...],
) -> Loaded:
    # Alone in its site: no page of it depends on another document.
    site = Site(ctx.root, (document,))
    task_ctx = replace(ctx, site=site)
    found = Finish(site, out, options).document(document, document_changes(task_ctx))
    produced = []
    for name in sorted(n for n in GENERATORS if n in SPLITTABLE and n in _names(ctx)):
        for group, numbers in jobs.groups(name, task_ctx):
            if group == jobs.SITE_GROUP or not numbers:
                continue  # the site's own pages: the parent's, from every outline
            job_ctx = replace(task_ctx, portion=jobs.portion(numbers))
            records = tuple(write_output(staging, o) for o in GENERATORS[name](job_ctx))
            produced.append((name, records))
    return Loaded(
        outline,
        (*out.items, *found),
        sources,
        tuple(produced),
        False,
        tuple(between_builds.newly_used()),
    )


@contextmanager
def frozen_objects() -> Iterator[None]:
    """What lives now (the loaded document, the worker's inheritance) is left out of the
    collections while the document's files are made; the garbage they leave is not."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def forget(ctx: BuildContext, *documents: Document) -> None:
    """A worker is done with these documents: what it kept of them goes (the cache's keys
    of their texts, which hold the texts, and the diff pages' tables), so that a worker
    holds one document at a time, whatever the number it makes."""
    store = between_builds.current()
    if store is not None:
        store.forget_texts(t for d in documents for v in d.versions for t in v.texts)
    forget_diffs(ctx)
    ctx.renderer.forget()
    give_back_memory()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, …): nothing to call
        return None
    return trim


def give_back_memory() -> None:
    """Return the heap a finished document left free to the system. glibc keeps it, and a
    worker's next document did not reuse it all: a worker that made 25 documents of 500
    texts each grew by about 60 MB a document, to 1.7 GB (with this: about 200 MB)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _names(ctx: BuildContext) -> frozenset[str]:
    names: frozenset[str] = ctx.cache[NAMES_KEY]
    return names


def _outline_sources(out: Collector, document: Document | None) -> tuple[tuple[str, str], ...]:
    """The sources the parent's checks quote: a text's front matter (where `translates:`
    and the like are), and the rest (document.yml) whole."""
    fronts = {
        text.path: text.front
        for version in (document.versions if document is not None else ())
        for text in version.texts
    }
    return tuple((path, fronts.get(path, text)) for path, text in out.registered())


def _in_worker(doc_dir: Path) -> Loaded:
    assert _STATE is not None, "the pool forks after _STATE is set"
    ctx, staging, options = _STATE
    return load_and_make(ctx, staging, options, doc_dir)


@dataclass(frozen=True, slots=True)
class Streamed:
    """Step 1's outcome, for the parent."""

    site: Site  # of outlines
    out: Collector  # loading's diagnostics and the document checks' of step 1
    produced: list[tuple[str, list[FileRecord]]]
    waiting: frozenset[int]  # the documents (indexes in `site`) for step 2
    cleanly: bool  # no loading error


def load_and_make_all(
    ctx: BuildContext,
    names: Sequence[str],
    staging: Path,
    as_of: dt.date,
    strict: bool,
    workers: int,
) -> Streamed:
    """Step 1 for every document folder, on `workers` forked processes."""
    global _STATE
    load_check_modules()
    root = Path(ctx.root)
    folders = document_dirs(root)
    options = CheckOptions(root, as_of, strict)
    ctx.cache[NAMES_KEY] = frozenset(names)
    for_build(ctx)  # git history, read once before the fork
    sizes = [size(folder) for folder in folders]
    order = sorted(range(len(folders)), key=lambda i: (-sizes[i], i))  # the largest first
    _STATE = (ctx, staging, options)
    results: dict[int, Loaded] = {}
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, context, between_builds.start_worker) as pool:
            futures = {i: pool.submit(_in_worker, folders[i]) for i in order}
            for i in range(len(folders)):
                results[i] = _result(ctx, staging, options, folders[i], futures[i])
    finally:
        _STATE = None
    out = Collector()
    documents: list[Document] = []
    produced: list[tuple[str, list[FileRecord]]] = []
    waiting: set[int] = set()
    for i in range(len(folders)):
        loaded = results.pop(i)
        for path, text in loaded.sources:
            out.register_source(path, text)
        out.extend(loaded.diagnostics)
        between_builds.took_used(loaded.used)
        produced += [(name, list(records)) for name, records in loaded.produced]
        if loaded.outline is not None:
            if loaded.waits:
                waiting.add(len(documents))
            documents.append(loaded.outline)
    cleanly = not any(d.severity == "error" for d in out.items)
    return Streamed(Site(str(root), tuple(documents)), out, produced, frozenset(waiting), cleanly)


def _result(
    ctx: BuildContext, staging: Path, options: CheckOptions, folder: Path, future: Future[Loaded]
) -> Loaded:
    try:
        return future.result()
    except Exception:  # any failure: do it here, where errors are real
        return load_and_make(ctx, staging, options, folder)


def whole_site(site: Site, index: int) -> tuple[Site, Collector]:
    """`site` of outlines with its document `index`, and the documents its links point at,
    loaded whole: what that document's checks and files are made from (step 2); and the
    collector that read them (the lines the checks quote)."""
    root = Path(site.root)
    sources = Collector()  # their problems were reported when the outlines were loaded
    document = _whole(root, site.documents[index], sources)
    outlines = {d.id: d for d in site.documents}
    wholes = {document.id: document}
    for name in sorted(linked_documents(document, outlines)):
        wholes[name] = _whole(root, outlines[name], sources)
    whole = replace(site, documents=tuple(wholes.get(d.id, d) for d in site.documents))
    return whole, sources


def _whole(root: Path, outline: Document, sources: Collector) -> Document:
    document = load_document(content_dir(root) / outline.id, root, sources)
    hashes = [(t.path, t.digest) for v in outline.versions for t in v.texts]
    if document is None or hashes != [
        (t.path, t.sha256) for v in document.versions for t in v.texts
    ]:
        raise RuntimeError(f"content/{outline.id} changed while the site was built")
    return document

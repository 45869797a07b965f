"""A large site's build keeps outlines in the parent (kaitei.site.stream): the same files.

Each test builds a site twice through `kaitei build`'s own path, streamed (the threshold set
to 0) and whole, and compares every file's bytes and every diagnostic.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kaitei.cache import Cache, session
from kaitei.check import CheckOptions, load_check_modules
from kaitei.diagnostics import Diagnostic, KaiteiError
from kaitei.load import document_dirs
from kaitei.model import Site
from kaitei.site import diffpages, parallel, stream
from kaitei.site.build import BuildResult, build, prepare_context
from kaitei.site.output import BuildContext

from .conftest import AFTER, ROOT, tree
from .test_parallel import AS_OF


def _build(
    root: Path, out: Path, as_of: str, *, strict: bool = False
) -> tuple[BuildResult | None, tuple[Diagnostic, ...]]:
    """`kaitei build` into `out` with a cache of its own; the result, or the failure's
    diagnostics."""
    cache = Cache(out.parent / f".cache-{out.name}")
    with session(cache):
        try:
            result = build(root, as_of, strict=strict, site_dir=out)
        except KaiteiError as error:
            return None, tuple(error.diagnostics)
    return result, result.diagnostics


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> list[Site]:
    """Every build streams; the sites the parent's pool is given are collected."""
    monkeypatch.setattr(stream, "MIN_FILES", 0)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)
    given: list[Site] = []
    real = parallel.generate

    def spy(ctx: BuildContext, *args: Any, **kwargs: Any) -> Any:
        given.append(ctx.site)
        return real(ctx, *args, **kwargs)

    monkeypatch.setattr(parallel, "generate", spy)
    return given


def _compare(root: Path, tmp_path: Path, as_of: str, given: list[Site]) -> BuildResult:
    streamed, found = _build(root, tmp_path / "streamed", as_of)
    assert given and all(
        not text.articles and text.digest
        for document in given[-1].documents
        for version in document.versions
        for text in version.texts
    ), "the parent held whole texts"
    stream.MIN_FILES = 1 << 30  # the same build, whole (the fixture restores it)
    whole, expected = _build(root, tmp_path / "whole", as_of)
    assert found == expected
    assert streamed is not None and whole is not None
    assert tree(tmp_path / "streamed") == tree(tmp_path / "whole")
    return streamed


def test_the_sample_streamed_is_the_same_site(streaming: list[Site], tmp_path: Path) -> None:
    result = _compare(ROOT, tmp_path, AFTER.isoformat(), streaming)
    assert result.files > 30 and result.files == len(tree(tmp_path / "streamed"))


def _link(root: Path, doc: str, target: str) -> Path:
    """Add a link to `target` to the first paragraph of 第2条 / Article 2 of the newest
    version of `doc`, in both languages (a change in one language only would be warned of)."""
    newest = sorted(p for p in (root / "content" / doc).iterdir() if p.is_dir())[-1]
    for name, heading, words in (
        ("ja.md", "## 第2条", "（[参照]"),
        ("en.md", "## Article 2", " ([see]"),
    ):
        path = newest / name
        text = path.read_text(encoding="utf-8")
        start = text.index("\n1 ", text.index(heading))
        end = text.index("\n", start + 1)
        path.write_text(text[:end] + f"{words}({target}))" + text[end:], encoding="utf-8")
    return newest


def test_links_between_documents_resolve_as_in_a_whole_build(
    streaming: list[Site],
    synthetic: Path,
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build", ".kaitei-cache"))
    _link(root, "policy-01", "../../policy-03/en.md#art-2")  # a fragment checked in policy-03
    _link(root, "policy-02", "../../policy-04/")
    _compare(root, tmp_path, AS_OF.isoformat(), streaming)
    page = (tmp_path / "streamed" / "en" / "policy-01" / "index.html").read_text(encoding="utf-8")
    assert "/en/policy-03/#art-2" in page


def test_a_broken_link_is_reported_alike(
    streaming: list[Site],
    synthetic: Path,
    tmp_path: Path,
) -> None:
    # The fragment is checked against the other document, loaded whole in the task.
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build", ".kaitei-cache"))
    _link(root, "policy-01", "../../policy-03/en.md#art-99")
    for strict in (False, True):
        stream.MIN_FILES = 0
        streamed, found = _build(root, tmp_path / f"s-{strict}", "2026-11-25", strict=strict)
        stream.MIN_FILES = 1 << 30
        whole, expected = _build(root, tmp_path / f"w-{strict}", "2026-11-25", strict=strict)
        assert found == expected
        assert any("art-99" in d.message for d in found if d.path.endswith("en.md"))
        assert (streamed is None) == (whole is None) == strict
    assert not streaming[0].documents[0].versions[0].texts[0].articles  # it did stream


def test_a_site_that_does_not_load_is_checked_whole(
    streaming: list[Site],
    synthetic: Path,
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build", ".kaitei-cache"))
    broken = sorted((root / "content" / "policy-02").glob("*/en.md"))[-1]
    broken.write_text("---\neffective: not a date\n---\n# x\n", encoding="utf-8")
    streamed, found = _build(root, tmp_path / "streamed", AS_OF.isoformat())
    stream.MIN_FILES = 1 << 30
    whole, expected = _build(root, tmp_path / "whole", AS_OF.isoformat())
    assert streamed is None and whole is None and found == expected


def test_only_a_large_site_with_a_cache_and_a_pool_streams(
    synthetic: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = len(list((synthetic / "content").glob("*/*/*.md")))
    monkeypatch.setattr(stream, "MIN_FILES", files)
    with session(Cache(synthetic / ".kaitei-cache-test")):
        assert stream.wanted(synthetic, 2)
        assert not stream.wanted(synthetic, 1)  # one core: no pool to stream to
        monkeypatch.setattr(stream, "MIN_FILES", files + 1)
        assert not stream.wanted(synthetic, 2)
    monkeypatch.setattr(stream, "MIN_FILES", 0)
    assert not stream.wanted(synthetic, 2)  # no cache: a second load would parse again
    shutil.rmtree(synthetic / ".kaitei-cache-test")


def test_a_worker_keeps_nothing_of_a_document_it_is_done_with(
    synthetic: Path, tmp_path: Path
) -> None:
    # A worker makes document after document: what it kept of one (the cache's keys of its
    # texts, which hold the texts; the diff pages' tables) would add up to the whole site.
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build", ".kaitei-cache"))
    _link(root, "policy-02", "../../policy-04/")  # one waits for step 2: its task too
    load_check_modules()
    ctx, _, names = prepare_context(Site(str(root), ()), AS_OF, root, "", None, False)
    ctx.cache[stream.NAMES_KEY] = frozenset(names)
    options = CheckOptions(root, AS_OF)
    staging = tmp_path / "staging"
    staging.mkdir()
    with session(Cache(tmp_path / "cache")) as store:
        assert store is not None
        loaded = [stream.load_and_make(ctx, staging, options, f) for f in document_dirs(root)]
        assert [bool(x.produced) for x in loaded] == [True, False, True, True]
        assert store.text_keys == {}
        assert not {diffpages.CACHE_KEY, diffpages.DIFFS_KEY} & set(ctx.cache)
        outlines = Site(str(root), tuple(x.outline for x in loaded if x.outline is not None))
        task = next(t for t in parallel.plan(replace(ctx, site=outlines), names, 2, True, True)
                    if t.document == 1)  # fmt: skip
        parallel.run_task(replace(ctx, site=outlines), staging, task, outlined=True)
        assert store.text_keys == {}
        assert not {diffpages.CACHE_KEY, diffpages.DIFFS_KEY} & set(ctx.cache)


# Set by the test below: the parent's pid and the file a dying worker leaves behind.
_DYING: tuple[int, Path] | None = None
_REAL_IN_WORKER = stream._in_worker


def _dying_in_worker(doc_dir: Path) -> stream.Loaded:
    """stream._in_worker, but the worker given policy-02 dies. Module-level: the pool
    pickles the function it calls by name."""
    assert _DYING is not None
    parent, died = _DYING
    if os.getpid() != parent and doc_dir.name == "policy-02":
        died.touch()
        os._exit(3)  # as if killed: the pool breaks, every unfinished folder is redone
    return _REAL_IN_WORKER(doc_dir)


def test_a_dying_worker_costs_time_not_output(
    streaming: list[Site], synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    died = tmp_path / "died"
    monkeypatch.setattr(sys.modules[__name__], "_DYING", (os.getpid(), died))
    monkeypatch.setattr(stream, "_in_worker", _dying_in_worker)
    _compare(synthetic, tmp_path, AS_OF.isoformat(), streaming)
    assert died.exists()


def test_a_finished_document_gives_its_heap_back(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # glibc keeps freed heap: a worker grew by a document's worth of memory per document.
    if sys.platform.startswith("linux") and os.path.exists("/lib/x86_64-linux-gnu/libc.so.6"):
        assert stream._malloc_trim() is not None
    given: list[int] = []
    monkeypatch.setattr(stream, "_malloc_trim", lambda: given.append)
    load_check_modules()
    ctx, _, names = prepare_context(Site(str(synthetic), ()), AS_OF, synthetic, "", None, False)
    ctx.cache[stream.NAMES_KEY] = frozenset(names)
    staging = tmp_path / "staging"
    staging.mkdir()
    options = CheckOptions(synthetic, AS_OF)
    for folder in document_dirs(synthetic)[:2]:
        stream.load_and_make(ctx, staging, options, folder)
    assert given == [0, 0]

"""Loading on every core (kaitei.loadpool): the serial load's Site, diagnostics and cache state."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kaitei.load
from kaitei import loadpool
from kaitei.cache import Cache, session
from kaitei.diagnostics import Collector, Diagnostic
from kaitei.diff.changeset import ChangeSet, diff_texts
from kaitei.model import Document, Site

from ..conftest import bench_module

ROOT = Path(__file__).resolve().parents[2]


def _synthetic(work: Path, documents: int = 4, versions: int = 3) -> Path:
    root: Path = bench_module().make_site(work, documents, versions, 2)[0]
    return root


@dataclass
class Load:
    """What a load leaves behind: the site, the collector's state and the cache's."""

    site: Site
    items: list[Diagnostic]
    sources: dict[str, str]
    keys: list[str | None]  # each text's cache key, in site order
    used: set[str]  # cache entries used, relative to the cache folder
    hits: int
    misses: int


def _load(root: Path, workers: int, store: Cache | None = None) -> Load:
    out = Collector()
    with session(store):
        site = kaitei.load.load_site(root, out, workers=workers)
        texts = [t for d in site.documents for v in d.versions for t in v.texts]
        keys = [store.text_key(t) if store is not None else None for t in texts]
    used = {p.relative_to(store.root).as_posix() for p in store.used} if store else set()
    hits, misses = (store.hits, store.misses) if store is not None else (0, 0)
    return Load(site, out.items, out._sources, keys, used, hits, misses)


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], set[int]]:
    """Every load with workers > 1 uses the pool, whatever the site's size, and only its
    workers load documents; returns a function giving the processes that loaded one."""
    monkeypatch.setattr(loadpool, "usable", lambda doc_dirs, workers: workers > 1)
    monkeypatch.setattr(loadpool, "SHARE", False)
    log = tmp_path / "pids"
    log.touch()
    load_document = kaitei.load.load_document

    def spy(doc_dir: Path, root: Path, out: Collector) -> Document | None:
        with log.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return load_document(doc_dir, root, out)

    monkeypatch.setattr(kaitei.load, "load_document", spy)

    def loaders() -> set[int]:
        pids = {int(line) for line in log.read_text().split()}
        log.write_text("")
        return pids

    return loaders


def _assert_same(pooled: Load, serial: Load, *, counts: bool = True) -> None:
    assert pooled.site == serial.site
    assert pooled.items == serial.items
    assert pooled.sources == serial.sources
    assert list(pooled.sources) == list(serial.sources)  # registered in the same order
    assert pooled.keys == serial.keys
    assert pooled.used == serial.used
    if counts:
        assert (pooled.hits, pooled.misses) == (serial.hits, serial.misses)


def test_the_sample_loads_the_same_in_workers(pooled: Callable[[], set[int]]) -> None:
    serial = _load(ROOT, workers=1)
    assert pooled() == {os.getpid()}
    parallel = _load(ROOT, workers=2)
    assert os.getpid() not in pooled()  # every document came from a worker
    _assert_same(parallel, serial)
    assert serial.site.documents and serial.sources


def test_a_synthetic_site_loads_the_same_in_workers(
    pooled: Callable[[], set[int]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = _synthetic(tmp_path)
    serial = _load(root, workers=1)
    pooled()
    for workers in (2, 3, 8):  # more workers than documents too
        parallel = _load(root, workers=workers)
        assert os.getpid() not in pooled()
        _assert_same(parallel, serial)
    monkeypatch.setattr(loadpool, "SHARE", True)
    for workers in (2, 3):
        _assert_same(_load(root, workers=workers), serial)
    assert len(serial.site.documents) == 4
    assert sum(len(d.versions) for d in serial.site.documents) == 12


def _break(root: Path) -> None:
    """Problems of every kind a load reports, spread over the documents."""
    content = root / "content"
    docs = sorted(p for p in content.iterdir() if p.is_dir())
    versions = [sorted(p for p in d.iterdir() if p.is_dir()) for d in docs]
    ja, en = versions[0][1] / "ja.md", versions[0][1] / "en.md"
    ja.write_bytes(b"\xef\xbb\xbf" + ja.read_bytes().replace(b"\n", b"\r\n"))  # BOM and CRLF
    en.write_bytes(en.read_bytes().replace("ポリシー".encode(), b"\x82\xa0", 1) + b"\xff")
    (versions[1][0] / "en.md").write_text("no front matter\n", encoding="utf-8")
    (versions[1][2] / "ja.md").unlink()  # no authoritative text
    (versions[3][1] / "fr.md").write_text("---\n---\n", encoding="utf-8")  # unexpected
    (versions[3][2] / "en.md").write_text("", encoding="utf-8")  # empty
    text = (versions[3][0] / "ja.md").read_text(encoding="utf-8")
    (versions[3][0] / "ja.md").write_text(text.replace("effective:", "effective: x\nold:"))
    (docs[3] / "2021-13-45").mkdir()  # not a date
    (docs[2] / "document.yml").write_text("titles: [\n", encoding="utf-8")  # bad YAML
    (content / "policy-05").mkdir()  # no document.yml


def test_a_broken_site_reports_the_same_problems_in_workers(
    pooled: Callable[[], set[int]], tmp_path: Path
) -> None:
    root = _synthetic(tmp_path, documents=4, versions=3)
    _break(root)
    serial = _load(root, workers=1)
    codes = {d.code for d in serial.items}
    assert {"bom", "crlf", "not-utf8", "frontmatter-missing", "missing-authoritative"} <= codes
    assert {"unexpected-file", "empty-file", "version-folder-name", "document-missing"} <= codes
    assert any(d.source_line for d in serial.items)  # source lines are part of the comparison
    pooled()
    parallel = _load(root, workers=2)
    assert os.getpid() not in pooled()
    _assert_same(parallel, serial)


def test_the_cache_between_builds_sees_the_serial_load(
    pooled: Callable[[], set[int]], tmp_path: Path
) -> None:
    root = _synthetic(tmp_path)
    _break(root)
    one, two = Cache(tmp_path / "one"), Cache(tmp_path / "two")
    cold_serial, cold_parallel = _load(root, 1, one), _load(root, 2, two)
    assert cold_serial.misses > 0 and cold_serial.used
    _assert_same(cold_parallel, cold_serial)
    assert sorted(_entries(one.root)) == sorted(_entries(two.root))
    warm_serial, warm_parallel = _load(root, 1, one), _load(root, 2, one)
    assert warm_serial.hits == cold_serial.misses and warm_serial.misses == 0
    _assert_same(warm_parallel, warm_serial)
    assert warm_parallel.site == cold_serial.site


def _entries(folder: Path) -> Iterator[str]:
    return (p.relative_to(folder).as_posix() for p in folder.glob("*/??/*"))


def test_a_cached_site_is_loaded_here_and_an_uncached_one_shared(
    pooled: Callable[[], set[int]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = _synthetic(tmp_path, documents=8, versions=2)
    store = Cache(tmp_path / "cache")
    cold_serial = _load(root, 1, Cache(tmp_path / "serial"))
    pooled()
    monkeypatch.setattr(loadpool, "SHARE", True)
    _assert_same(_load(root, 2, store), cold_serial)
    assert len(pooled()) == 2  # this process and a worker
    warm_serial = _load(root, 1, Cache(tmp_path / "serial"))
    pooled()
    _assert_same(_load(root, 2, store), warm_serial)
    assert pooled() == {os.getpid()}  # a worker would only pickle what the cache gave it
    # One document edited: the one read first is still cached, so is most of the site.
    path = sorted((root / "content/policy-01").glob("*/en.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    _assert_same(_load(root, 2, store), _load(root, 1, Cache(tmp_path / "serial")))


def test_a_diff_of_texts_loaded_in_workers_is_cached(
    pooled: Callable[[], set[int]], tmp_path: Path
) -> None:
    root = _synthetic(tmp_path)
    store = Cache(tmp_path / "cache")
    with session(store):
        site = kaitei.load.load_site(root, Collector(), workers=2)
        assert os.getpid() not in pooled()
        document = site.documents[1]
        old, new = document.versions[0].texts[0], document.versions[1].texts[0]
        assert store.text_key(old) is not None and store.text_key(new) is not None
        changes = diff_texts(document.id, old, new, "a", "b")
        assert store.get("changeset", next(_keys(store, "changeset")), ChangeSet) == changes


def _keys(store: Cache, kind: str) -> Iterator[str]:
    return (p.name for p in store.used if p.parent.parent.name == kind)


@pytest.mark.parametrize("failure", ["exception", "killed"])
def test_a_failed_worker_task_is_loaded_again_here(
    failure: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = _synthetic(tmp_path)
    _break(root)
    monkeypatch.setattr(loadpool, "usable", lambda doc_dirs, workers: workers > 1)
    serial = _load(root, workers=1, store=Cache(tmp_path / "one"))
    parent = os.getpid()
    load_document = kaitei.load.load_document

    def failing(doc_dir: Path, root: Path, out: Collector) -> Document | None:
        if os.getpid() != parent:
            (tmp_path / "failed").touch()
            out.add(("nowhere", 1, 1), "half a load", code="partial")
            if failure == "killed":
                os._exit(1)
            raise RuntimeError("a worker failed")
        return load_document(doc_dir, root, out)

    monkeypatch.setattr(kaitei.load, "load_document", failing)
    # What the killed worker's pool had cached before it broke is a hit here: counts differ.
    _assert_same(_load(root, workers=2, store=Cache(tmp_path / "two")), serial, counts=False)
    assert (tmp_path / "failed").exists()


@pytest.mark.parametrize("broken", ["policy-01", "policy-03", "policy-04"])
def test_an_error_in_the_loader_is_raised_here_as_in_a_serial_load(
    broken: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = _synthetic(tmp_path)
    monkeypatch.setattr(loadpool, "usable", lambda doc_dirs, workers: workers > 1)
    load_document = kaitei.load.load_document

    def buggy(doc_dir: Path, root: Path, out: Collector) -> Document | None:
        if doc_dir.name >= broken:
            raise ValueError(f"a bug, loading {doc_dir.name}")
        return load_document(doc_dir, root, out)

    monkeypatch.setattr(kaitei.load, "load_document", buggy)
    for workers in (1, 2):  # the first document in the site's order raises, wherever loaded
        with pytest.raises(ValueError, match=f"loading {broken}$"):
            kaitei.load.load_site(root, Collector(), workers=workers)


def test_this_process_loads_documents_too(
    monkeypatch: pytest.MonkeyPatch, pooled: Callable[[], set[int]], tmp_path: Path
) -> None:
    root = _synthetic(tmp_path, documents=8, versions=2)
    serial = _load(root, workers=1)
    pooled()
    monkeypatch.setattr(loadpool, "SHARE", True)
    _assert_same(_load(root, workers=2, store=None), serial)
    loaders = pooled()
    assert os.getpid() in loaders and len(loaders) == 2  # this process and one worker


def test_the_garbage_collector_is_left_as_it_was(
    pooled: Callable[[], set[int]], tmp_path: Path
) -> None:
    root = _synthetic(tmp_path, documents=2, versions=1)
    for workers in (1, 2):
        assert gc.isenabled()
        kaitei.load.load_site(root, Collector(), workers=workers)
        assert gc.isenabled()
        gc.disable()
        try:
            kaitei.load.load_site(root, Collector(), workers=workers)
            assert not gc.isenabled()
        finally:
            gc.enable()


def test_a_pool_only_for_a_large_site_of_several_documents(tmp_path: Path) -> None:
    small = _synthetic(tmp_path, documents=4, versions=3)
    large = _synthetic(tmp_path, documents=4, versions=loadpool.MIN_VERSIONS // 4)
    docs = sorted(p for p in (large / "content").iterdir())
    assert not loadpool.usable(sorted((small / "content").iterdir()), 2)
    assert loadpool.usable(docs, 2)
    assert not loadpool.usable(docs, 1)
    assert not loadpool.usable(docs[:1], 2)


@settings(max_examples=12)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from(["ja", "en"])),
        max_size=4,
    ),
    st.sampled_from(
        [b"", b"\xef\xbb\xbf", b"---\n", b"\xff", b"---\neffective: 2020-01-01\n---\n# x\n"]
    ),
    st.booleans(),
)
def test_any_site_loads_the_same_in_workers(
    damage: list[tuple[int, int, str]], prefix: bytes, cached: bool
) -> None:
    with tempfile.TemporaryDirectory() as work, pytest.MonkeyPatch.context() as patch:
        patch.setattr(loadpool, "usable", lambda doc_dirs, workers: workers > 1)
        root = _synthetic(Path(work), documents=4, versions=3)
        content = root / "content"
        docs = sorted(p for p in content.iterdir() if p.is_dir())
        for doc, version, lang in damage:
            folder = sorted(p for p in docs[doc].iterdir() if p.is_dir())[version]
            path = folder / f"{lang}.md"
            path.write_bytes(prefix + (path.read_bytes() if path.exists() else b"")[::2])
        one = Cache(Path(work) / "one") if cached else None
        two = Cache(Path(work) / "two") if cached else None
        _assert_same(_load(root, 2, two), _load(root, 1, one))
        shutil.rmtree(root)


def test_the_collector_runs_between_documents_not_inside_them(tmp_path: Path) -> None:
    root = _synthetic(tmp_path, documents=3, versions=3)
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        kaitei.load.load_site(root, Collector())
    finally:
        gc.callbacks.remove(count)
    # The collector walks each new document once (it ran hundreds of times over their parts).
    assert len(collections) <= 3


def test_kaitei_check_loads_a_large_site_on_every_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaitei.cli import main

    root = _synthetic(tmp_path)
    pooled: list[int] = []
    real = loadpool.load_documents

    def spy(*args: Any, **kwargs: Any) -> Any:
        pooled.append(args[-1] if len(args) >= 5 else kwargs["workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(loadpool, "load_documents", spy)
    monkeypatch.setattr(loadpool, "available_cores", lambda: 2)
    monkeypatch.setattr(loadpool, "MIN_VERSIONS", 1)
    assert main(["check", "--root", str(root), "--as-of", "2026-11-25", "--no-cache"]) == 0
    assert pooled == [2]

"""The pool build (kaitei.site.parallel) writes the serial build's files, byte for byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kaitei.cache import Cache, session
from kaitei.diagnostics import KaiteiError
from kaitei.site import parallel
from kaitei.site.build import build, collect, generate_into, load_checked
from kaitei.site.output import GENERATORS, SPLITTABLE, BuildContext, FileRecord, OutputFile
from kaitei.site.write import staged_site

from .conftest import AFTER, BASE_URL, ROOT, tree

AS_OF = dt.date(2026, 11, 25)


def _bench() -> ModuleType:
    """benchmarks/bench_build.py, whose synthetic content generator the tests reuse."""
    if "bench_build" in sys.modules:
        return sys.modules["bench_build"]
    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "benchmarks/bench_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_build"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four documents of five versions in two languages: diffs against predecessors and
    against the version in force, notices, several documents per worker."""
    root = tmp_path_factory.mktemp("synthetic")
    bench = _bench()
    bench.write_synthetic_content(root, 4, 5)
    bench.prepare_kaitei_site(root)
    return root


def _generated(
    tmp: Path, root: Path, as_of: dt.date, workers: int
) -> tuple[dict[str, bytes], list[FileRecord]]:
    site, _ = load_checked(root, as_of)
    staging = tmp / f"workers-{workers}"
    staging.mkdir()
    records = generate_into(staging, site, as_of, root, BASE_URL, workers=workers)
    return tree(staging), records


@pytest.mark.parametrize(("which", "as_of"), [("sample", AFTER), ("synthetic", AS_OF)])
def test_pool_serial_and_in_memory_builds_are_identical(
    which: str, as_of: dt.date, synthetic: Path, tmp_path: Path
) -> None:
    root = ROOT if which == "sample" else synthetic
    serial, serial_records = _generated(tmp_path, root, as_of, workers=1)
    pooled, pooled_records = _generated(tmp_path, root, as_of, workers=3)
    assert any("/diff/" in path for path in serial)
    assert pooled.keys() == serial.keys()
    for path, data in serial.items():
        assert pooled[path] == data, path
    assert pooled_records == serial_records
    # The MkDocs plugin's in-memory path: the same files, the same bytes.
    site, _ = load_checked(root, as_of)
    in_memory = {o.url: o for o in collect(site, as_of, root, BASE_URL)}
    assert [r.url for r in serial_records] == sorted(in_memory)
    for record in serial_records:
        output = in_memory[record.url]
        assert record == FileRecord.of(output)
        assert hashlib.sha256(output.content).hexdigest() == record.sha256


def test_records_match_the_files_written(synthetic: Path, tmp_path: Path) -> None:
    files, records = _generated(tmp_path, synthetic, AS_OF, workers=2)
    by_path = {r.url: r for r in records}
    assert len(by_path) == len(files)
    manifest = files["api/v1/manifest.json"].decode("utf-8")
    for record in records:
        if record.url != "api/v1/manifest.json" and not record.url.startswith("api/v1/manifest"):
            assert record.sha256 in manifest, record.url  # the manifest lists each file's hash


def test_every_page_generator_is_split(synthetic: Path) -> None:
    # The generators that make nearly all files, and the slowest, run in the pool.
    assert {"pages", "diff", "pdf"} <= SPLITTABLE
    tasks = parallel.plan(sorted(GENERATORS), 2)
    assert {t.generator for t in tasks} == SPLITTABLE & set(GENERATORS)
    pieces = {t.portion.of for t in tasks}
    assert pieces == {2 * parallel.PIECES_PER_WORKER}


def test_a_dying_worker_costs_time_not_output(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, _ = _generated(tmp_path, synthetic, AS_OF, workers=1)
    parent = os.getpid()
    real = parallel._in_worker

    def dying(task: parallel.Task) -> list[FileRecord]:
        if os.getpid() != parent and 1 in task.portion.take:
            os._exit(3)  # as if killed: the pool breaks, every unfinished task is redone
        return real(task)

    monkeypatch.setattr(parallel, "_in_worker", dying)
    pooled, _ = _generated(tmp_path, synthetic, AS_OF, workers=2)
    assert pooled == serial


def test_a_generator_error_surfaces_and_the_old_site_stays(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("the previous site", encoding="utf-8")
    real = GENERATORS["diff"]

    def broken(ctx: BuildContext) -> list[OutputFile]:
        files = list(real(ctx))
        if 3 in ctx.portion:
            raise KaiteiError([])  # the real error type, raised again in the parent
        return files

    broken.__module__ = real.__module__  # the build runs the generators of its modules
    monkeypatch.setitem(GENERATORS, "diff", broken)
    site, _ = load_checked(synthetic, AS_OF)
    with pytest.raises(KaiteiError), staged_site(site_dir) as staging:
        generate_into(staging, site, AS_OF, synthetic, BASE_URL, workers=2)
    assert tree(site_dir) == {"index.html": b"the previous site"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_kaitei_build_uses_the_pool_for_a_large_site(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build"))
    used: list[int] = []
    real = parallel.generate

    def spy(*args: object, **kwargs: object) -> object:
        used.append(int(args[3]))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "generate", spy)
    monkeypatch.setattr(parallel, "MIN_VERSIONS", 1)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)
    result = build(root, AS_OF.isoformat(), site_dir=tmp_path / "out")
    assert used == [2]
    serial, _ = _generated(tmp_path, synthetic, AS_OF, workers=1)
    assert tree(tmp_path / "out") == serial
    assert result.files == len(serial)


def test_pages_made_while_a_failing_check_runs_are_thrown_away(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build"))
    broken = sorted((root / "content" / "policy-02").glob("*/ja.md"))[-1]
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("## 第2条", "## 第7条", 1), encoding="utf-8")
    site_dir = tmp_path / "out"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("the previous site", encoding="utf-8")
    started: list[int] = []
    real = parallel.generate

    def spy(*args: object, **kwargs: object) -> object:
        started.append(int(args[3]))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "generate", spy)
    monkeypatch.setattr(parallel, "MIN_VERSIONS", 1)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)
    with pytest.raises(KaiteiError) as raised:
        build(root, AS_OF.isoformat(), site_dir=site_dir)
    assert started == [2]  # the workers were making pages while the check ran
    assert any("第7条" in d.message for d in raised.value.diagnostics)
    assert tree(site_dir) == {"index.html": b"the previous site"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_cache_entries_the_workers_use_survive_the_prune(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parent prunes what the build did not use: it must hear what each worker used,
    # or the diff pages' changesets would be dropped after every build and never be warm.
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build", ".kaitei-cache"))
    monkeypatch.setattr(parallel, "MIN_VERSIONS", 1)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)

    def changesets_kept(folder: Path, prune: bool) -> set[str]:
        with session(Cache(folder), prune=prune):
            build(root, AS_OF.isoformat(), site_dir=tmp_path / f"site-{prune}")
        return {p.name for p in (folder / "changeset").glob("*/*")}

    written = changesets_kept(tmp_path / "unpruned", prune=False)
    kept = changesets_kept(tmp_path / "pruned", prune=True)
    assert written and kept == written
    with session(Cache(tmp_path / "pruned"), prune=True) as warm:
        build(root, AS_OF.isoformat(), site_dir=tmp_path / "warm")
    # The one miss is the record of an earlier build into this new site folder (there is none:
    # kaitei.site.uptodate); every parsed text and changeset is a hit.
    assert warm is not None and warm.misses == 1 and warm.hits > 0
    assert tree(tmp_path / "warm") == tree(tmp_path / "site-True")

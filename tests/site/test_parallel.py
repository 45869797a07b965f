"""The pool build (kaitei.site.parallel) writes the serial build's files, byte for byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kaitei.cache import Cache, session
from kaitei.check import check_site, start_check
from kaitei.diagnostics import KaiteiError
from kaitei.diff import changeset as changeset_module
from kaitei.site import jobs, parallel
from kaitei.site.build import (
    Checking,
    build,
    collect,
    generate_into,
    load_checked,
    prepare_context,
)
from kaitei.site.output import GENERATORS, SPLITTABLE, BuildContext, FileRecord, OutputFile
from kaitei.site.write import staged_site

from .conftest import AFTER, BASE_URL, ROOT, tree

AS_OF = dt.date(2026, 11, 25)


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


def _context(root: Path, as_of: dt.date) -> BuildContext:
    site, _ = load_checked(root, as_of)
    return prepare_context(site, as_of, root, BASE_URL, None, preview=False)[0]


def test_every_page_generator_is_split_by_document(synthetic: Path) -> None:
    # The generators that make nearly all files, and the slowest, run in the pool: a task is
    # one document's jobs of each of them, and every job is in exactly one task.
    assert {"pages", "diff", "pdf"} <= SPLITTABLE
    ctx = _context(synthetic, AS_OF)
    names = sorted(GENERATORS)
    assert parallel.by_document(ctx, names, 2)
    tasks = parallel.plan(ctx, names, 2, checking=True)
    assert sorted(t.document for t in tasks if t.document is not None) == [0, 1, 2, 3]
    assert all(t.check == (t.document is not None) for t in tasks)
    for name in SPLITTABLE & set(GENERATORS):
        groups = dict(jobs.groups(name, ctx))
        portions = [p for t in tasks for n, p in t.jobs if n == name]
        taken = [job for p in portions for job in p.take]
        assert sorted(taken) == sorted(job for g in groups.values() for job in g)
        for task in tasks:
            for n, portion in task.jobs:
                if n == name and task.document is not None:
                    assert portion.take == groups[task.document]
    # The costliest document first; the site's own pages (no document to check) last.
    assert tasks[-1].document is None and tasks[-1].jobs == (
        ("pages", jobs.portion(frozenset({0}))),
    )


def test_a_site_of_few_documents_is_split_in_pieces() -> None:
    ctx = _context(ROOT, AFTER)  # the sample: one document
    names = sorted(GENERATORS)
    assert not parallel.by_document(ctx, names, 2)
    tasks = parallel.plan(ctx, names, 2)
    assert {n for t in tasks for n, _ in t.jobs} == SPLITTABLE & set(GENERATORS)
    assert {p.of for t in tasks for _, p in t.jobs} == {2 * parallel.PIECES_PER_WORKER}
    assert all(t.document is None and not t.check for t in tasks)


# Set by the test below: the parent's pid and the file a dying worker leaves behind.
_DYING: tuple[int, Path] | None = None
_REAL_IN_WORKER = parallel._in_worker


def _dying_in_worker(task: parallel.Task) -> object:
    """parallel._in_worker, but a worker dies on the task of document 1 (its pages are job 2
    of `pages`). Module-level: the pool pickles the function it calls by name."""
    assert _DYING is not None
    parent, died = _DYING
    if os.getpid() != parent and any(n == "pages" and 2 in p.take for n, p in task.jobs):
        died.touch()
        os._exit(3)  # as if killed: the pool breaks, every unfinished task is redone
    return _REAL_IN_WORKER(task)


def test_a_dying_worker_costs_time_not_output(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, _ = _generated(tmp_path, synthetic, AS_OF, workers=1)
    died = tmp_path / "died"
    monkeypatch.setattr(sys.modules[__name__], "_DYING", (os.getpid(), died))
    monkeypatch.setattr(parallel, "_in_worker", _dying_in_worker)
    pooled, _ = _generated(tmp_path, synthetic, AS_OF, workers=2)
    assert died.exists()  # a worker did die
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


def _out_of_step(root: Path) -> None:
    """Reword a paragraph of one document's newest version in Japanese only: the languages
    check, a document check, warns (languages-out-of-step)."""
    newest = sorted((root / "content" / "policy-02").glob("*/ja.md"))[-1]
    text = newest.read_text(encoding="utf-8")
    start = text.index("\n1 ", text.index("## 第2条"))
    end = text.index("\n", start + 1)
    newest.write_text(text[:end] + "（改）" + text[end:], encoding="utf-8")


def test_the_pool_runs_the_document_checks_beside_the_pages(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("build", ".kaitei-cache"))
    _out_of_step(root)
    _, expected = check_site(root, AS_OF)
    assert [d.code for d in expected] == ["languages-out-of-step"]
    monkeypatch.setattr(parallel, "MIN_VERSIONS", 1)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)
    in_parent: list[bool] = []
    real = Checking.site

    def spy(self: Checking, documents: bool) -> None:
        in_parent.append(documents)
        real(self, documents)

    monkeypatch.setattr(Checking, "site", spy)
    result = build(root, AS_OF.isoformat(), site_dir=tmp_path / "out")
    assert in_parent == [False]  # the parent left the document checks to the workers
    assert list(result.diagnostics) == expected
    # Under --strict the warning fails the build, and the previous site stays.
    site_dir = tmp_path / "strict"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("the previous site", encoding="utf-8")
    with pytest.raises(KaiteiError) as raised:
        build(root, AS_OF.isoformat(), strict=True, site_dir=site_dir)
    assert list(raised.value.diagnostics) == expected
    assert tree(site_dir) == {"index.html": b"the previous site"}


def test_a_document_task_diffs_each_pair_once(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The checks of a document take their ChangeSets from the diff pages' table: with them,
    # the task diffs no pair more than its diff pages alone do.
    diffed: list[tuple[str, str, str]] = []
    real = changeset_module._diff_texts

    def counting(doc: str, old: Any, new: Any, old_version: str, *rest: Any) -> Any:
        diffed.append((old_version, rest[0], new.lang))
        return real(doc, old, new, old_version, *rest)

    counts = []
    for checking in (False, True):
        ctx = _context(synthetic, AS_OF)  # loading checks the site: before the counting
        task = next(t for t in parallel.plan(ctx, sorted(GENERATORS), 2, True) if t.document == 0)
        _, _, finish = start_check(synthetic, AS_OF)
        staging = tmp_path / f"checking-{checking}"
        staging.mkdir()
        diffed.clear()
        with monkeypatch.context() as patched:
            patched.setattr(changeset_module, "_diff_texts", counting)
            _, found = parallel.run_task(
                ctx,
                staging,
                task if checking else replace(task, check=False),
                Checking(finish, False),
            )
        assert found == []
        assert len(set(diffed)) == len(diffed)  # no pair is diffed twice in a language
        counts.append(len(diffed))
    assert counts[0] > 0 and counts[1] == counts[0]

"""The cache between builds (.kaitei-cache/): the bytes of no cache, and never trusted blindly."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pickle
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import kaitei.commands.build as build_command
import kaitei.commands.check as check_command
from kaitei import cache as kcache
from kaitei.cache import MAGIC, Cache, cache_dir, session
from kaitei.check import check_site
from kaitei.cli import main
from kaitei.diagnostics import Collector, Diagnostic
from kaitei.diff.changeset import ChangeSet
from kaitei.load import ParsedText, load_site
from kaitei.model import Site

from .conftest import ROOT, tree

AS_OF = "2021-01-01"
TEXT = "content/privacy/2020-10-01/en.md"


def _load(root: Path, store: Cache | None) -> tuple[Site, list[Diagnostic]]:
    out = Collector()
    with session(store):
        site = load_site(root, out)
    return site, out.sorted()


def _entries(store: Cache, kind: str) -> list[Path]:
    return sorted(p for p in (store.root / kind).glob("??/*") if not p.name.startswith("."))


def test_a_warm_build_is_byte_identical_to_a_cold_one_and_to_no_cache(repo: Path) -> None:
    assert main(["build", "--root", str(repo), "--as-of", AS_OF, "--no-cache",
                 "--site-dir", str(repo / "none")]) == 0  # fmt: skip
    assert not (repo / ".kaitei-cache").exists()  # --no-cache leaves no folder behind
    for name in ("cold", "warm"):
        assert main(["build", "--root", str(repo), "--as-of", AS_OF,
                     "--site-dir", str(repo / name)]) == 0  # fmt: skip
    none, cold, warm = (tree(repo / name) for name in ("none", "cold", "warm"))
    assert len(none) > 20
    assert cold == none
    assert warm == none
    store = Cache(repo / ".kaitei-cache")
    # Four texts, and the diffs of the two versions (each language, plus the check's).
    assert len(_entries(store, "text")) == 4
    assert _entries(store, "changeset")
    assert (store.root / "CACHEDIR.TAG").is_file()


def test_a_warm_load_reads_every_text_from_the_cache(repo: Path) -> None:
    uncached, problems = _load(repo, None)
    store = Cache(repo / ".kaitei-cache")
    assert _load(repo, store) == (uncached, problems)
    assert (store.hits, store.misses) == (0, 4)
    # A new process: nothing in memory, everything on disk.
    fresh = Cache(store.root)
    assert _load(repo, fresh) == (uncached, problems)
    assert (fresh.hits, fresh.misses) == (4, 0)


def test_the_problems_of_a_cached_parse_are_reported_again(repo: Path) -> None:
    path = repo / TEXT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n## ", '\n<img src="seal.png" alt="">\n\n## ', 1), "utf-8")
    uncached = _load(repo, None)[1]
    assert [d.code for d in uncached] == ["image"]
    store = Cache(repo / ".kaitei-cache")
    assert _load(repo, store)[1] == uncached
    assert _load(repo, Cache(store.root))[1] == uncached


DOCUMENT_YML = """\
titles: {ja: テスト, en: Test}
authoritative: ja
languages: [ja, en]
timezone: Asia/Tokyo
"""


def test_an_edit_of_the_authoritative_text_reparses_its_translation(tmp_path: Path) -> None:
    folder = tmp_path / "content/test/2020-01-01"
    folder.mkdir(parents=True)
    (folder.parent / "document.yml").write_text(DOCUMENT_YML, encoding="utf-8")
    front = "---\neffective: 2020-01-01\nchange: editorial\n---\n\n"
    ja, en = folder / "ja.md", folder / "en.md"
    ja.write_text(front + "# テスト\n\n## 当社について\n\n本文。\n", encoding="utf-8")
    en.write_text(front + "# Test\n\n## Who we are\n\nText.\n", encoding="utf-8")
    store = Cache(tmp_path / ".kaitei-cache")
    _load(tmp_path, store)
    # Only the authoritative file changes; the translation takes its section ids from it.
    ja.write_text(front + "# テスト\n\n## 当社について {#about}\n\n本文。\n", encoding="utf-8")
    fresh = Cache(store.root)
    site, problems = _load(tmp_path, fresh)
    assert (site, problems) == _load(tmp_path, None)
    assert (fresh.hits, fresh.misses) == (0, 2)
    text = site.documents[0].versions[0].text("en")
    assert text is not None and text.articles[0].id == "about"


def _rewrite_header(data: bytes, **changes: object) -> bytes:
    end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC) : end])
    header.update(changes)
    return MAGIC + json.dumps(header, sort_keys=True).encode() + data[end:]


def _with_payload(data: bytes, payload: bytes) -> bytes:
    import hashlib

    end = data.index(b"\n", len(MAGIC))
    head = _rewrite_header(data[: end + 1], length=len(payload))
    head = _rewrite_header(head, sha256=hashlib.sha256(payload).hexdigest())
    return head + payload


SPOILERS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated": (lambda data: data[: len(data) // 2], "truncated"),
    "empty": (lambda data: b"", "not a kaitei cache entry"),
    "flipped byte": (lambda data: data[:-10] + bytes([data[-10] ^ 1]) + data[-9:], "checksum"),
    "not an entry": (lambda data: b"GIF89a" + data, "not a kaitei cache entry"),
    "no header end": (lambda data: MAGIC + b'{"format": 1', "truncated header"),
    "garbled header": (lambda data: MAGIC + b"{nope\n" + data, "unreadable header"),
    "other format": (lambda data: _rewrite_header(data, format=0), "cache format 0"),
    "other kaitei": (lambda data: _rewrite_header(data, code="0" * 64), "another kaitei"),
    "other key": (lambda data: _rewrite_header(data, key="f" * 64), "another key"),
    "unpicklable": (lambda data: _with_payload(data, b"\x80\x05not a pickle"), "unreadable"),
    "foreign class": (
        lambda data: _with_payload(data, pickle.dumps(Counter("abc"))),
        "a class kaitei does not cache: collections.Counter",
    ),
    "a kaitei class that is not a value": (
        # Its constructor could act (open files, connect): only frozen dataclasses are built.
        # (plain fields only, so nothing else in the pickle is refused first)
        lambda data: _with_payload(data, pickle.dumps(Cache("elsewhere"))),  # type: ignore[arg-type]
        "a class kaitei does not cache: kaitei.cache.Cache",
    ),
    "a function": (
        lambda data: _with_payload(data, pickle.dumps(os.getcwd)),
        "a class kaitei does not cache",
    ),
    "wrong type": (
        lambda data: _with_payload(data, pickle.dumps(("a", "tuple"))),
        "a tuple, expected a ParsedText",
    ),
}


@pytest.mark.parametrize("spoil", sorted(SPOILERS))
def test_a_spoilt_entry_is_ignored_with_a_warning_and_recomputed(
    repo: Path, spoil: str, caplog: pytest.LogCaptureFixture
) -> None:
    expected = _load(repo, None)
    store = Cache(repo / ".kaitei-cache")
    _load(repo, store)
    entries = _entries(store, "text")
    victim = entries[0]
    damage, reason = SPOILERS[spoil]
    victim.write_bytes(damage(victim.read_bytes()))
    fresh = Cache(store.root)
    with caplog.at_level(logging.WARNING, logger="kaitei.cache"):
        assert _load(repo, fresh) == expected
    warnings = [r.getMessage() for r in caplog.records if r.name == "kaitei.cache"]
    assert len(warnings) == 1
    assert str(victim) in warnings[0] and reason in warnings[0], warnings
    assert (fresh.hits, fresh.misses) == (len(entries) - 1, 1)
    # Recomputed and stored again: the next run trusts the new entry.
    again = Cache(store.root)
    assert _load(repo, again) == expected
    assert again.misses == 0


def test_a_changeset_entry_of_the_wrong_type_is_ignored(
    repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Cache(repo / ".kaitei-cache")
    as_of = dt.date.fromisoformat(AS_OF)
    with session(store):
        expected = check_site(repo, as_of)
    victim = _entries(store, "changeset")[0]
    assert isinstance(Cache(store.root).get("changeset", victim.name, ChangeSet), ChangeSet)
    # A whole, valid entry of a parsed text, moved under a changeset's name.
    parsed = _entries(store, "text")[0].read_bytes()
    victim.write_bytes(_rewrite_header(parsed, kind="changeset", key=victim.name))
    with caplog.at_level(logging.WARNING, logger="kaitei.cache"), session(Cache(store.root)):
        assert check_site(repo, as_of) == expected
    assert any("expected a ChangeSet" in r.getMessage() for r in caplog.records)


def test_writes_are_atomic_and_a_read_only_cache_costs_only_speed(
    repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Cache(repo / ".kaitei-cache")
    expected = _load(repo, store)
    assert not list(store.root.rglob(".tmp-*"))  # every temporary file was renamed into place
    entry = _entries(store, "text")[0]
    assert isinstance(Cache(store.root).get("text", entry.name, ParsedText), ParsedText)
    shutil.rmtree(store.root)
    store.root.write_text("a file where the cache folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kaitei.cache"):
        assert _load(repo, Cache(store.root)) == expected
    assert any("cannot" in r.getMessage() for r in caplog.records)


def test_prune_keeps_what_the_last_build_used_and_nothing_else(repo: Path) -> None:
    store = Cache(repo / ".kaitei-cache")
    with session(store, prune=True):
        load_site(repo, Collector())
    first = set(_entries(store, "text"))
    assert len(first) == 4
    stray = store.root / "notes.txt"  # not ours: never touched
    stray.write_text("mine", encoding="utf-8")
    old_temp = store.root / "text" / "00" / ".tmp-deadbuild"
    old_temp.parent.mkdir(parents=True, exist_ok=True)
    old_temp.write_bytes(b"half")
    long_ago = time.time() - 3600
    os.utime(old_temp, (long_ago, long_ago))
    new_temp = store.root / "text" / "00" / ".tmp-running"
    new_temp.write_bytes(b"half")
    for entry in first:  # written by an earlier build
        os.utime(entry, (long_ago, long_ago))
    shutil.rmtree(repo / "content/privacy/2017-08-23")
    with session(Cache(store.root), prune=True):
        load_site(repo, Collector())
    kept = set(_entries(store, "text"))
    assert kept < first and len(kept) == 2  # the 2017 texts are gone
    assert stray.exists() and new_temp.exists() and not old_temp.exists()


def _entries_of_an_earlier_build(repo: Path) -> tuple[Cache, list[Path]]:
    """The sample's parsed texts in the cache, dated an hour ago."""
    store = Cache(repo / ".kaitei-cache")
    with session(store):
        load_site(repo, Collector())
    entries = _entries(store, "text")
    long_ago = time.time() - 3600
    for entry in entries:
        os.utime(entry, (long_ago, long_ago))
    return store, entries


def test_prune_keeps_what_a_worker_process_of_the_build_read(repo: Path) -> None:
    store, entries = _entries_of_an_earlier_build(repo)
    with session(Cache(store.root), prune=True) as parent:
        assert parent is not None and not parent.used
        # A worker (another process: another Cache object) reads one entry for the build.
        worker = Cache(store.root)
        assert worker.get("text", entries[0].name, ParsedText) is not None
    assert _entries(store, "text") == [entries[0]]


def test_a_failed_build_prunes_nothing(repo: Path) -> None:
    store = Cache(repo / ".kaitei-cache")
    with session(store):
        load_site(repo, Collector())
    before = _entries(store, "text")
    with pytest.raises(RuntimeError), session(Cache(store.root), prune=True):
        raise RuntimeError("the build failed")
    assert _entries(store, "text") == before


def test_the_cache_folder_is_kaitei_cache_or_the_environment_s(tmp_path: Path) -> None:
    assert cache_dir(tmp_path, {}) == tmp_path / ".kaitei-cache"
    assert cache_dir(tmp_path, {"KAITEI_CACHE_DIR": "/var/cache/k"}) == Path("/var/cache/k")
    assert kcache.current() is None  # no session outside a build


def test_the_key_changes_with_the_code_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Cache(Path("unused"))
    key = store.key("text", "a.md", "en")
    monkeypatch.setattr(kcache, "_fingerprint", "another kaitei")
    assert store.key("text", "a.md", "en") != key
    # Parts are length-prefixed: moving a boundary gives another key.
    assert kcache.key_of("ab", "c") != kcache.key_of("a", "bc")


def _mkdocs_build_twice(repo: Path, command: str) -> Cache | None:
    """Two builds by one plugin instance, as `mkdocs serve` (or `mkdocs build`) runs them."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    previous = os.getcwd()
    os.chdir(repo)
    os.environ["KAITEI_AS_OF"] = AS_OF
    try:
        config = load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "served"))
        config.plugins.on_startup(command=command, dirty=False)
        plugin = config.plugins["kaitei"]
        mkdocs_build(config)
        mkdocs_build(config)
    finally:
        os.environ.pop("KAITEI_AS_OF")
        os.chdir(previous)
    store: Cache | None = plugin._cache  # type: ignore[attr-defined]
    return store


def test_serve_keeps_the_previous_build_in_memory(repo: Path) -> None:
    store = _mkdocs_build_twice(repo, "serve")
    assert store is not None
    # The second build found every text in memory: no file was read again.
    assert store.misses == 0 and store.hits >= 4
    assert len(store.memory) == len(store.used) and len(store.memory) > 4


def test_the_plugin_option_cache_false_leaves_no_cache(repo: Path) -> None:
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - kaitei\n" in text
    config.write_text(text.replace("\n  - kaitei\n", "\n  - kaitei:\n      cache: false\n"))
    _mkdocs_build_twice(repo, "build")  # MkDocs keeps plugin objects: another test's cache
    assert not (repo / ".kaitei-cache").exists()


@pytest.mark.parametrize(
    "folder", [ROOT / ".github/workflows", ROOT / "kaitei/scaffold/github/workflows"]
)
def test_the_workflows_restore_the_cache_before_they_build(folder: Path) -> None:
    import yaml

    for name, action in (("publish.yml", "actions/cache"), ("check.yml", "actions/cache/restore")):
        workflow = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
        uses = [str(s.get("uses", "")).split("@")[0] for s in steps]
        runs = [str(s.get("run", "")) for s in steps]
        cached = uses.index(action)
        first_kaitei = min(i for i, run in enumerate(runs) if run.startswith("kaitei "))
        assert cached < first_kaitei, name
        settings = steps[cached]["with"]
        assert settings["path"] == ".kaitei-cache"
        assert "steps.kaitei.outputs.fingerprint" in settings["key"]
        assert "hashFiles('content/**')" in settings["key"]
        assert settings["restore-keys"].strip() in settings["key"]


def test_git_ignores_the_cache_in_this_repository_and_in_new_ones() -> None:
    for path in (ROOT / ".gitignore", ROOT / "kaitei/scaffold/gitignore"):
        assert "/.kaitei-cache/" in path.read_text(encoding="utf-8").splitlines()


def test_prune_keeps_an_entry_touched_by_the_kernels_coarse_clock(repo: Path) -> None:
    # A file's mtime comes from the kernel's coarse clock, a few ms behind time.time(): a
    # worker's touch just after the build starts can carry a time before the start. This
    # flaked test_prune_keeps_what_a_worker_process_of_the_build_read under load.
    store, entries = _entries_of_an_earlier_build(repo)
    before = time.time()
    with session(Cache(store.root), prune=True):
        os.utime(entries[0], (before - 0.005, before - 0.005))
    assert _entries(store, "text") == [entries[0]]


def test_a_bounded_memory_layer_keeps_the_most_recently_used_values(tmp_path: Path) -> None:
    store = Cache(tmp_path / "cache", memory_limit=2)
    for name in ("a", "b", "c"):
        store.put("text", kcache.key_of(name), name)
    assert list(store.memory) == [kcache.key_of("b"), kcache.key_of("c")]
    assert store.get("text", kcache.key_of("b"), str) == "b"  # used again: now the newest
    store.put("text", kcache.key_of("d"), "d")
    assert list(store.memory) == [kcache.key_of("b"), kcache.key_of("d")]
    # What left memory is still on disk: a hit, and the oldest value makes room for it.
    assert store.get("text", kcache.key_of("a"), str) == "a"
    assert list(store.memory) == [kcache.key_of("d"), kcache.key_of("a")]
    assert store.misses == 0


def test_the_one_shot_commands_bound_the_memory_layer(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Cache] = []
    real = kcache.open_cache

    def spy(*args: object, **options: object) -> Cache:
        store = real(*args, **options)  # type: ignore[arg-type]
        opened.append(store)
        return store

    monkeypatch.setattr(build_command, "open_cache", spy)
    monkeypatch.setattr(check_command, "open_cache", spy)
    monkeypatch.setenv("KAITEI_PDF", "0")
    assert main(["check", "--root", str(repo), "--as-of", AS_OF]) == 0
    assert main(["build", "--root", str(repo), "--as-of", AS_OF]) == 0
    assert [store.memory_limit for store in opened] == [kcache.ONE_SHOT_MEMORY] * 2
    assert 0 < len(opened[1].memory) <= kcache.ONE_SHOT_MEMORY

"""Provenance: one pass over the log, authors and dates, renames, a site in a subfolder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import git
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.provenance import _FORMAT, _FS, _RS, HistoryUnavailable, parse_log, read_history

from .gitrepo import SAMPLE, commit_all, init_repo, replace
from .gitrepo import git as run_git

JA_2017 = "content/privacy/2017-08-23/ja.md"
EN_2017 = "content/privacy/2017-08-23/en.md"


def test_first_and_last_commit_with_authors_and_dates(repo: Path) -> None:
    run_git(repo, "config", "user.name", "Second Editor")
    replace(repo / EN_2017, "appropriately.", "properly.")
    second = commit_all(repo, "Wording", date="2026-11-20T09:30:00+09:00")
    history = read_history(repo)
    en = history.file(EN_2017)
    assert en is not None
    assert (en.first.author, en.first.email) == ("Legal Editor", "legal@example.com")
    assert en.first.subject == "Sample content"
    assert en.first.committed.isoformat() == "2026-11-01T10:00:00+09:00"
    assert (en.last.sha, en.last.author) == (second, "Second Editor")
    ja = history.file(JA_2017)
    assert ja is not None and ja.first == ja.last == en.first
    site = load_site(repo, Collector())
    version = site.documents[0].versions[0]
    summary = history.version(version)
    assert summary is not None
    assert (summary.first, summary.last) == (en.first, en.last)
    assert [lang for lang, _ in summary.files] == ["ja", "en"]


def test_history_is_read_in_one_git_log(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = git.cmd.Git._call_process

    def counting(self: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(method)
        return original(self, method, *args, **kwargs)

    monkeypatch.setattr(git.cmd.Git, "_call_process", counting)
    for n in range(5):
        replace(repo / EN_2017, f"appropriately{'!' * n}.", f"appropriately{'!' * (n + 1)}.")
        commit_all(repo, f"edit {n}", date=f"2026-11-2{n}T10:00:00+09:00")
    history = read_history(repo)
    assert calls.count("log") == 1
    file = history.file(EN_2017)
    assert file is not None and len(file.changes) == 6


def test_a_renamed_folder_keeps_its_history(repo: Path) -> None:
    run_git(repo, "mv", "content/privacy/2017-08-23", "content/privacy/2017-08-24")
    commit_all(repo, "Rename", date="2026-11-20T10:00:00+09:00")
    file = read_history(repo).file("content/privacy/2017-08-24/ja.md")
    assert file is not None
    assert [c.status for c in file.changes] == ["A", "R"]
    assert file.changes[1].old_path == JA_2017
    assert file.first.subject == "Sample content"
    assert read_history(repo).file(JA_2017) is None


def test_a_site_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(SAMPLE, repo / "policies" / "content")
    commit_all(repo, "Policies")
    history = read_history(repo / "policies")
    assert history.prefix == "policies/"
    assert {EN_2017, JA_2017} <= set(history.paths())
    file = history.file(JA_2017)
    assert file is not None
    assert history.text_at(file.changes[0]) == (repo / "policies" / JA_2017).read_bytes()


def test_no_repository_and_empty_repository(tmp_path: Path) -> None:
    with pytest.raises(HistoryUnavailable) as error:
        read_history(tmp_path)
    assert error.value.code == "history-missing"
    assert "fetch-depth: 0" in error.value.diagnostics[0].hint
    empty = init_repo(tmp_path / "empty")
    assert list(read_history(empty).paths()) == []


# --- the log parser against a model of the history ----------------------------------------

NAMES = [f"content/doc/2020-01-0{i}/ja.md" for i in range(1, 5)]
operation = st.tuples(st.sampled_from("AMRD"), st.sampled_from(NAMES), st.sampled_from(NAMES))


def _record(sha: str, lines: list[str]) -> str:
    header = _FS.join((sha, "A U Thor", "a@example.com", "2026-01-01T00:00:00+09:00",
                       "2026-01-01T00:00:00+09:00", f"commit {sha}"))  # fmt: skip
    return _RS + header + "\n\n" + "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(operation, max_size=30))
def test_parse_log_follows_adds_renames_and_deletes(ops: list[tuple[str, str, str]]) -> None:
    # The model: every path's changes in order; a path is live unless its last change is D.
    seen: dict[str, list[tuple[int, str, str]]] = {}

    def live(path: str) -> bool:
        return path in seen and seen[path][-1][2] != "D"

    records = []
    for index, (kind, path, other) in enumerate(ops):
        sha = f"{index:040x}"
        if kind == "A" and not live(path):
            seen.setdefault(path, []).append((index, sha, "A"))
            records.append(_record(sha, [f"A\t{path}"]))
        elif kind in "MD" and live(path):
            seen[path].append((index, sha, kind))
            records.append(_record(sha, [f"{kind}\t{path}"]))
        elif kind == "R" and live(path) and not live(other) and path != other:
            merged = sorted(seen.pop(path) + seen.get(other, []))
            seen[other] = [*merged, (index, sha, "R")]
            records.append(_record(sha, [f"R087\t{path}\t{other}"]))
    parsed = parse_log("".join(records))
    assert sorted(parsed) == sorted(seen)
    for path, changes in seen.items():
        got = parsed[path]
        assert [(c.commit.sha, c.status) for c in got.changes] == [(s, k) for _, s, k in changes]
        assert got.removed == (changes[-1][2] == "D")


def test_deleting_and_re_adding_a_published_text_keeps_its_history() -> None:
    path = "content/doc/2020-01-01/ja.md"
    log = "".join(
        _record(sha * 40, [f"{kind}\t{path}"]) for sha, kind in (("1", "A"), ("2", "D"), ("3", "A"))
    )
    [history] = parse_log(log).values()
    assert [c.status for c in history.changes] == ["A", "D", "A"]
    assert history.first.sha == "1" * 40 and not history.removed


def test_parse_log_drops_paths_outside_the_site_and_strips_the_prefix() -> None:
    log = _record("1" * 40, ["A\tsite/content/a/2020-01-01/ja.md", "A\tREADME.md"])
    assert sorted(parse_log(log, "site/")) == ["content/a/2020-01-01/ja.md"]


def test_the_format_uses_the_separators() -> None:
    assert _FORMAT.startswith(_RS) and _FORMAT.count(_FS) == 5


def test_user_configuration_and_non_ascii_paths_do_not_change_the_reading(repo: Path) -> None:
    run_git(repo, "config", "color.ui", "always")
    run_git(repo, "config", "core.quotePath", "true")
    run_git(repo, "mv", "content/privacy", "content/個人情報")
    commit_all(repo, "Rename the document", date="2026-11-20T10:00:00+09:00")
    file = read_history(repo).file("content/個人情報/2017-08-23/ja.md")
    assert file is not None
    assert [c.status for c in file.changes] == ["A", "R"]

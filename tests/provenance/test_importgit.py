"""`kaitei import DOC --from-git FILE --lang L`: versions from the history of one file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.commands.importgit import dated_lines
from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import canonical_text

from .gitrepo import SAMPLE, commit_all, git, init_repo, replace


def body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("\n---\n", 4) + 5 :]


@pytest.fixture
def policy_repo(tmp_path: Path) -> Path:
    """A repository where the Japanese policy lived as one file, policy.md, with 4 commits."""
    repo = init_repo(tmp_path / "old")
    policy = repo / "policy.md"
    policy.write_text(body(SAMPLE / "privacy/2017-08-23/ja.md"), encoding="utf-8")
    commit_all(repo, "初版", date="2017-08-20T10:00:00+09:00")
    replace(policy, "保護実現", "保護の実現")
    commit_all(repo, "誤字", date="2017-08-22T10:00:00+09:00")
    policy.write_text(body(SAMPLE / "privacy/2020-10-01/ja.md"), encoding="utf-8")
    commit_all(repo, "2020年改定", date="2020-08-31T10:00:00+09:00")
    git(repo, "mv", "policy.md", "privacy.md")
    commit_all(repo, "ファイル名の変更", date="2021-01-05T10:00:00+09:00")
    return repo


def run_import(site: Path, file: Path, *extra: str) -> int:
    return main(
        ["import", "privacy", "--from-git", str(file), "--lang", "ja", "--root", str(site), *extra]
    )


def test_one_version_per_change_of_the_date_lines(policy_repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_import(site, policy_repo / "privacy.md") == 0
    loaded = load_site(site, Collector())
    [document] = loaded.documents
    assert [v.id for v in document.versions] == ["2017-08-23", "2020-10-01"]
    first, second = (v.texts[0] for v in document.versions)
    # Each version's text is its last commit's: the typo fix belongs to 2017.
    assert "利用者情報の保護の実現のため" in canonical_text(first)
    assert canonical_text(second) == canonical_text(
        load_site(SAMPLE.parent, Collector()).documents[0].versions[1].texts[0]
    )
    assert first.meta.changes == ("初版", "誤字")
    assert (second.meta.change, second.meta.summary) == ("notice", "2020年改定")
    raw = (site / "content/privacy/2020-10-01/ja.md").read_text(encoding="utf-8")
    assert "# Imported by kaitei from commit" in raw
    _, diagnostics = check_site(site, dt.date(2026, 11, 25))
    assert [d.format() for d in diagnostics if d.severity == "error"] == []


def test_every_commit_option(policy_repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_import(site, policy_repo / "privacy.md", "--every-commit") == 0
    folders = sorted(p.name for p in (site / "content/privacy").iterdir() if p.is_dir())
    # The rename changed no text, so it is no version of its own.
    assert folders == ["2017-08-20", "2017-08-22", "2020-08-31"]


def test_existing_versions_are_not_replaced(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLE, site / "content")
    before = (site / "content/privacy/2017-08-23/ja.md").read_bytes()
    assert run_import(site, policy_repo / "privacy.md") == 2
    assert "already exists" in capsys.readouterr().err
    assert (site / "content/privacy/2017-08-23/ja.md").read_bytes() == before


def test_a_shallow_clone_names_fetch_depth(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{policy_repo}", "shallow")
    assert run_import(tmp_path / "site", tmp_path / "shallow/privacy.md") == 1
    assert "fetch-depth: 0" in capsys.readouterr().err


def test_a_file_outside_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "policy.md"
    file.write_text("# Policy\n", encoding="utf-8")
    assert run_import(tmp_path / "site", file) == 1
    assert "not in a git repository" in capsys.readouterr().err


def test_a_commit_that_is_not_utf8_is_skipped_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "old")
    (repo / "p.md").write_bytes("# 規約\n\n2020 年 1 月 1 日 制定\n".encode("shift_jis"))
    commit_all(repo, "sjis", date="2020-01-01T10:00:00+09:00")
    (repo / "p.md").write_text("# 規約\n\n2020 年 1 月 1 日 制定\n", encoding="utf-8")
    commit_all(repo, "utf-8", date="2020-01-02T10:00:00+09:00")
    assert run_import(tmp_path / "site", repo / "p.md") == 0
    assert "is not UTF-8: skipped" in capsys.readouterr().err
    assert (tmp_path / "site/content/privacy/2020-01-01/ja.md").is_file()


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2017 年 8 月 23 日 制定\n2020 年 10 月 1 日 改定", dt.date(2020, 10, 1)),
        ("Last updated: March 3, 2021", dt.date(2021, 3, 3)),
        ("Effective date: 1 April 2019.", dt.date(2019, 4, 1)),
        ("---\neffective: 2018-05-25\n---\n2017 年 8 月 23 日 制定", dt.date(2018, 5, 25)),
        ("No date here", None),
    ],
)
def test_dated_lines(text: str, date: dt.date | None) -> None:
    assert dated_lines(text)[1] == date

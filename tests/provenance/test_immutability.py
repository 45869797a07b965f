"""A published version does not change: edits fail with a word diff, errata pass exactly."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.diagnostics import Diagnostic
from kaitei.immutability import apply_errata, word_diff
from kaitei.model import Erratum, Span

from .gitrepo import SAMPLE, add_front_matter, commit_all, git, init_repo, replace

AS_OF = dt.date(2026, 11, 25)
JA_2017 = "content/privacy/2017-08-23/ja.md"
EN_2017 = "content/privacy/2017-08-23/en.md"
PUBLISHED = "当社は、利用者情報の保護実現のため"
EDITED = "当社は、利用者情報の保護のため"


def problems(root: Path, as_of: dt.date = AS_OF) -> list[Diagnostic]:
    _, diagnostics = check_site(root, as_of)
    return [d for d in diagnostics if d.severity == "error"]


def codes(root: Path, as_of: dt.date = AS_OF) -> list[str]:
    return [d.code for d in problems(root, as_of)]


def test_sample_repository_is_clean(repo: Path) -> None:
    assert problems(repo) == []


def test_one_word_edit_to_a_published_version_fails_showing_the_word(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace(repo / JA_2017, PUBLISHED, EDITED)
    commit_all(repo, "Reword 第1条", date="2026-11-20T10:00:00+09:00")
    [error] = problems(repo)
    assert error.code == "published-changed"
    assert error.path == JA_2017
    assert "[-実現-]" in error.message
    assert "2017-08-23 (ja)" in error.message
    assert "erratum" in error.hint
    # The diagnostic points at the edited line of the file.
    line = (repo / JA_2017).read_text(encoding="utf-8").split("\n")[error.line - 1]
    assert EDITED in line
    assert main(["check", "--root", str(repo), "--as-of", AS_OF.isoformat()]) == 1
    assert "[-実現-]" in capsys.readouterr().out


def test_an_uncommitted_edit_fails_too(repo: Path) -> None:
    replace(repo / EN_2017, "and endeavours to handle", "and tries to handle")
    [error] = problems(repo)
    assert error.code == "published-changed"
    assert "[-endeavours-]{+tries+}" in error.message


def test_a_matching_erratum_passes(repo: Path) -> None:
    replace(repo / JA_2017, PUBLISHED, EDITED)
    add_front_matter(
        repo / JA_2017,
        "errata:\n  - date: 2026-11-20\n    reason: 誤記の訂正\n"
        f"    before: {PUBLISHED}\n    after: {EDITED}\n",
    )
    commit_all(repo, "Erratum", date="2026-11-20T10:00:00+09:00")
    assert problems(repo) == []


def test_an_erratum_that_does_not_match_the_change_fails(repo: Path) -> None:
    replace(repo / JA_2017, PUBLISHED, EDITED)
    add_front_matter(
        repo / JA_2017,
        "errata:\n  - date: 2026-11-20\n    reason: 誤記の訂正\n"
        "    before: 存在しない文言\n    after: 別の文言\n",
    )
    commit_all(repo, "Wrong erratum", date="2026-11-20T10:00:00+09:00")
    found = problems(repo)
    assert sorted(d.code for d in found) == ["erratum-mismatch", "published-changed"]
    mismatch = next(d for d in found if d.code == "erratum-mismatch")
    assert "does not occur" in mismatch.message
    assert mismatch.path == JA_2017


def test_an_erratum_accepts_exactly_its_change_and_nothing_more(repo: Path) -> None:
    replace(repo / JA_2017, PUBLISHED, EDITED)
    replace(repo / JA_2017, "第1条（総則）", "第1条（総則等）")
    add_front_matter(
        repo / JA_2017,
        f"errata:\n  - date: 2026-11-20\n    reason: r\n    before: {PUBLISHED}\n"
        f"    after: {EDITED}\n",
    )
    [error] = problems(repo)
    assert error.code == "published-changed"
    assert "{+等+}" in error.message and "実現" not in error.message


def test_an_ambiguous_erratum_is_refused() -> None:
    erratum = Erratum(dt.date(2026, 1, 1), "r", "当社", "弊社", Span("x.md", 1))
    text, failed = apply_errata("当社は当社の", (erratum,))
    assert text == "当社は当社の"
    assert [why for _, why in failed] == ["its 'before' text occurs 2 times in the published text"]


def test_front_matter_and_invisible_markup_are_not_changes(repo: Path) -> None:
    path = repo / JA_2017
    replace(path, "  プライバシーポリシーを制定しました。", "  プライバシーポリシーを定めました。")
    replace(path, "利用者情報の保護実現", "**利用者情報**の保護実現")
    commit_all(repo, "Summary wording, emphasis", date="2026-11-20T10:00:00+09:00")
    assert problems(repo) == []


def test_a_version_not_yet_published_may_change(repo: Path) -> None:
    # 2020-10-01 was announced on 2020-08-31: before that day it was a draft.
    replace(
        repo / "content/privacy/2020-10-01/en.md", "and endeavours to handle", "and tries to handle"
    )
    commit_all(repo, "Draft edit")
    assert problems(repo, dt.date(2020, 8, 30)) == []
    assert codes(repo, dt.date(2020, 8, 31)) == ["published-changed"]


def test_edits_before_publication_are_the_published_text(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "site")
    shutil.copytree(SAMPLE, repo / "content")
    commit_all(repo, "Drafts", date="2020-08-01T10:00:00+09:00")
    en_2020 = repo / "content/privacy/2020-10-01/en.md"
    replace(en_2020, "and endeavours to handle", "and strives to handle")
    commit_all(repo, "Final wording before the announcement", date="2020-08-30T10:00:00+09:00")
    assert problems(repo) == []
    replace(en_2020, "strives", "tries")
    commit_all(repo, "After the announcement", date="2020-08-31T10:00:00+09:00")
    [error] = problems(repo)
    assert "[-strives-]{+tries+}" in error.message


def test_a_version_folder_renamed_after_publication_fails(repo: Path) -> None:
    git(repo, "mv", "content/privacy/2017-08-23", "content/privacy/2017-08-24")
    for lang in ("ja", "en"):
        replace(
            repo / f"content/privacy/2017-08-24/{lang}.md",
            "effective: 2017-08-23",
            "effective: 2017-08-24",
        )
    commit_all(repo, "Rename", date="2026-11-20T10:00:00+09:00")
    found = problems(repo)
    assert {d.code for d in found} == {"published-renamed"}
    messages = sorted(d.message for d in found)
    assert len(messages) == 2
    assert (
        "2017-08-23 (en) of 'privacy' was moved to content/privacy/2017-08-24/en.md"
        in (messages[0])
    )
    assert (
        "2017-08-23 (ja) of 'privacy' was moved to content/privacy/2017-08-24/ja.md"
        in (messages[1])
    )
    assert sorted(d.path for d in found) == [EN_2017, JA_2017]


def test_a_rename_before_publication_is_fine(repo: Path) -> None:
    assert main(["new", "privacy", "2027-01-01", "--root", str(repo)]) == 0
    for lang in ("ja", "en"):
        replace(
            repo / f"content/privacy/2027-01-01/{lang}.md",
            "summary: # fill in",
            "summary: Wording. # fill in",
        )
    replace(repo / "content/privacy/2027-01-01/ja.md", "# change: notice", "change: editorial")
    commit_all(repo, "Next version", date="2026-11-10T10:00:00+09:00")
    git(repo, "mv", "content/privacy/2027-01-01", "content/privacy/2027-01-02")
    for lang in ("ja", "en"):
        replace(
            repo / f"content/privacy/2027-01-02/{lang}.md",
            "effective: 2027-01-01",
            "effective: 2027-01-02",
        )
    commit_all(repo, "Another date", date="2026-11-12T10:00:00+09:00")
    after = dt.date(2027, 1, 5)
    assert "published-renamed" not in codes(repo, after)
    assert "published-changed" not in codes(repo, after)


def test_a_shallow_clone_is_an_error_naming_fetch_depth(repo: Path, tmp_path: Path) -> None:
    replace(repo / EN_2017, "and endeavours to handle", "and tries to handle")
    commit_all(repo, "Second commit", date="2026-11-20T10:00:00+09:00")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "shallow")
    [error] = problems(tmp_path / "shallow")
    assert error.code == "history-shallow"
    assert "fetch-depth: 0" in error.hint


def test_outside_git_the_check_is_skipped(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "content")
    replace(tmp_path / EN_2017, "and endeavours to handle", "and tries to handle")
    assert problems(tmp_path) == []


def test_a_repository_with_no_commits(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "site")
    shutil.copytree(SAMPLE, repo / "content")
    assert problems(repo) == []


def test_detached_head(repo: Path) -> None:
    replace(repo / JA_2017, PUBLISHED, EDITED)
    commit_all(repo, "Edit", date="2026-11-20T10:00:00+09:00")
    git(repo, "checkout", "-q", "--detach", "HEAD")
    [error] = problems(repo)
    assert "[-実現-]" in error.message


def test_files_committed_with_crlf(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "site")
    shutil.copytree(SAMPLE, repo / "content")
    for path in sorted((repo / "content").rglob("*.md")):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    commit_all(repo, "From Windows")
    assert b"\r\n" in (repo / JA_2017).read_bytes()
    # Normalising the line endings later is not a change of the text…
    for path in sorted((repo / "content").rglob("*.md")):
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    commit_all(repo, "LF", date="2026-11-20T10:00:00+09:00")
    assert problems(repo) == []
    # …but a word is.
    replace(repo / JA_2017, PUBLISHED, EDITED)
    assert codes(repo) == ["published-changed"]


def test_word_diff_marks_only_the_change() -> None:
    old = "1 The Company endeavours to protect User Information.\nLine two.\n"
    new = "1 The Company tries to protect User Information.\nLine two.\nLine three.\n"
    assert word_diff(old, new) == [
        "1 The Company [-endeavours-]{+tries+} to protect User Information.",
        "{+Line three.+}",
    ]


def test_deleting_a_published_version_fails(repo: Path) -> None:
    git(repo, "rm", "-q", "-r", "content/privacy/2017-08-23")
    commit_all(repo, "Remove 2017", date="2026-11-20T10:00:00+09:00")
    found = problems(repo)
    assert sorted((d.code, d.path) for d in found) == [
        ("published-removed", EN_2017),
        ("published-removed", JA_2017),
    ]
    assert "was deleted by commit" in found[0].message
    assert "git checkout" in found[0].hint


def test_an_uncommitted_deletion_fails_too(repo: Path) -> None:
    (repo / EN_2017).unlink()
    found = [d for d in problems(repo) if d.code == "published-removed"]
    assert [d.path for d in found] == [EN_2017]
    assert "missing from the working tree" in found[0].message


def test_a_draft_may_be_withdrawn(repo: Path) -> None:
    assert main(["new", "privacy", "2027-01-01", "--root", str(repo)]) == 0
    commit_all(repo, "Draft", date="2026-11-10T10:00:00+09:00")
    git(repo, "rm", "-q", "-r", "content/privacy/2027-01-01")
    commit_all(repo, "Withdrawn", date="2026-11-12T10:00:00+09:00")
    assert problems(repo, dt.date(2027, 2, 1)) == []


def test_deleting_and_re_adding_an_edited_text_is_still_an_edit(repo: Path) -> None:
    saved = (repo / JA_2017).read_text(encoding="utf-8")
    git(repo, "rm", "-q", JA_2017)
    commit_all(repo, "Remove", date="2026-11-20T10:00:00+09:00")
    (repo / JA_2017).write_text(saved.replace(PUBLISHED, EDITED), encoding="utf-8")
    commit_all(repo, "Add it again", date="2026-11-21T10:00:00+09:00")
    [error] = problems(repo)
    assert error.code == "published-changed"
    assert "[-実現-]" in error.message


def test_deleting_every_published_version_fails(repo: Path) -> None:
    git(repo, "rm", "-q", "-r", "content/privacy/2017-08-23", "content/privacy/2020-10-01")
    (repo / "content/privacy/2030-01-01").mkdir()
    shutil.copy(SAMPLE / "privacy/2020-10-01/ja.md", repo / "content/privacy/2030-01-01/ja.md")
    replace(
        repo / "content/privacy/2030-01-01/ja.md", "effective: 2020-10-01", "effective: 2030-01-01"
    )
    replace(
        repo / "content/privacy/2030-01-01/ja.md", "announced: 2020-08-31", "announced: 2029-11-01"
    )
    commit_all(repo, "Start over", date="2026-11-20T10:00:00+09:00")
    gone = sorted((d.path, d.code) for d in problems(repo) if d.code.startswith("published"))
    # Git sees the near-identical new ja.md as the old one moved: that is caught as well.
    assert gone == [
        (EN_2017, "published-removed"),
        (JA_2017, "published-removed"),
        ("content/privacy/2020-10-01/en.md", "published-removed"),
        ("content/privacy/2020-10-01/ja.md", "published-renamed"),
    ]


_WORDS = st.text(alphabet="当社はの利用者情報 abcXYZ。、", min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(_WORDS, _WORDS)
def test_word_diff_reads_back_to_both_sides(old: str, new: str) -> None:
    old, new = old.strip() or "x", new.strip() or "y"
    lines = word_diff(old + "\n", new + "\n")
    if old == new:
        assert lines == []
        return
    [line] = lines
    as_new = re.sub(r"\{\+(.*?)\+\}", r"\1", re.sub(r"\[-(.*?)-\]", "", line))
    as_old = re.sub(r"\[-(.*?)-\]", r"\1", re.sub(r"\{\+(.*?)\+\}", "", line))
    assert (as_old, as_new) == (old, new)


@settings(max_examples=200, deadline=None)
@given(_WORDS, _WORDS, _WORDS, _WORDS)
def test_an_erratum_applies_exactly_once(head: str, before: str, tail: str, after: str) -> None:
    published = head + before + tail
    erratum = Erratum(dt.date(2026, 1, 1), "r", before, after, Span("x.md", 1))
    corrected, failed = apply_errata(published, (erratum,))
    places = [i for i in range(len(published)) if published.startswith(before, i)]
    if len(places) == 1:
        assert (corrected, failed) == (head + after + tail, [])
    else:
        assert corrected == published and len(failed) == 1


def test_an_edit_written_before_publication_but_merged_after_it_is_an_edit(repo: Path) -> None:
    assert main(["new", "privacy", "2027-01-01", "--root", str(repo)]) == 0
    new_ja = repo / "content/privacy/2027-01-01/ja.md"
    for lang in ("ja", "en"):
        replace(
            repo / f"content/privacy/2027-01-01/{lang}.md", "summary: # fill", "summary: S # fill"
        )
    replace(new_ja, "# announced: 2026-12-02", "announced: 2026-12-01")
    replace(new_ja, "# change: notice", "change: editorial")
    commit_all(repo, "Next version, announced on 1 December", date="2026-11-01T10:00:00+09:00")
    git(repo, "checkout", "-q", "-b", "late-fix")
    replace(new_ja, "保護実現", "保護")
    commit_all(repo, "Written on 20 November", date="2026-11-20T10:00:00+09:00")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merged on 10 December", "late-fix",
        date="2026-12-10T10:00:00+09:00")  # fmt: skip
    found = [
        d for d in problems(repo, dt.date(2026, 12, 15)) if d.path == str(new_ja.relative_to(repo))
    ]
    assert [d.code for d in found] == ["published-changed"]
    assert "[-実現-]" in found[0].message
    # Merged before the announcement, the same edit is part of what was published.
    git(repo, "reset", "-q", "--hard", "HEAD^")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merged on 25 November", "late-fix",
        date="2026-11-25T10:00:00+09:00")  # fmt: skip
    assert problems(repo, dt.date(2026, 12, 15)) == []

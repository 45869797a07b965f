"""`kaitei new`: the next version starts as a copy, so the first diff is the editor's edit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.commands.new import redate_line
from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import canonical_text

from .gitrepo import replace

NEW = "content/privacy/2026-12-01"


def test_new_copies_the_latest_texts_and_resets_the_front_matter(repo: Path) -> None:
    assert main(["new", "privacy", "2026-12-01", "--root", str(repo)]) == 0
    site = load_site(repo, Collector())
    document = site.documents[0]
    old, new = document.versions[-2], document.versions[-1]
    assert new.id == "2026-12-01"
    for lang, line in (("ja", "2026 年 12 月 1 日 改定"), ("en", "Revised: 1 December 2026")):
        old_text, new_text = old.text(lang), new.text(lang)
        assert old_text is not None and new_text is not None
        # The same text, plus the revision line for the new date.
        assert canonical_text(new_text) == canonical_text(old_text) + line + "\n"
        assert new_text.meta.effective == dt.date(2026, 12, 1)
        assert (new_text.meta.summary, new_text.meta.changes) == ("", ())
        assert new_text.meta.announced is None and new_text.meta.change is None
    # What is left to fill in is exactly what check asks for.
    _, diagnostics = check_site(repo, dt.date(2026, 11, 25))
    assert sorted((d.path, d.code) for d in diagnostics) == [
        (f"{NEW}/en.md", "frontmatter-missing-key"),
        (f"{NEW}/ja.md", "frontmatter-missing-key"),
        (f"{NEW}/ja.md", "frontmatter-missing-key"),
    ]


def test_after_an_edit_the_diff_shows_only_that_edit(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "privacy", "2026-12-01", "--root", str(repo)]) == 0
    capsys.readouterr()
    replace(repo / f"{NEW}/ja.md", "利用者情報の保護実現のため", "利用者情報の厳格な保護実現のため")
    args = ["diff", "privacy", "2020-10-01", "2026-12-01", "--root", str(repo)]
    assert main([*args, "--format", "json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts == {
        "added": 0, "changed": 1, "moved": 0, "removed": 0, "renumbered": 0, "unchanged": 12,
    }  # fmt: skip
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "{+厳格な+}" in text
    marks = text.count("{+") + text.count("[-")
    assert marks == 2  # the edit and the revision line, nothing else
    assert "{+2026 年 12 月 1 日 改定+}" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2020 年 10 月 1 日 改定", "2026 年 12 月 1 日 改定"),
        ("2017年8月23日制定", "2026年12月1日改定"),
        ("２０１７年８月２３日 制定", "２０２６年１２月１日 改定"),
        ("Enacted: 23 August 2017", "Revised: 1 December 2026"),
        ("Revised: October 1, 2020", "Revised: December 1, 2026"),
        ("Amended 2020-10-01", "Amended 2026-12-01"),
        ("以上", None),
    ],
)
def test_redate_line(line: str, expected: str | None) -> None:
    assert redate_line(line, dt.date(2026, 12, 1)) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["privacy", "2020-10-01"], "already exists"),
        (["privacy", "2019-01-01"], "is not after the latest version"),
        (["privacy", "2026-02-30"], "not a date"),
        (["terms", "2026-12-01"], "there is no document 'terms'"),
    ],
)
def test_mistakes_are_usage_errors(
    repo: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in (repo / "content/privacy").iterdir())
    assert main(["new", *args, "--root", str(repo)]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in (repo / "content/privacy").iterdir()) == before

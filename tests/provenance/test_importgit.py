"""`kaitei import`: versions from the history of a policy kept in git, one file per language."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import canonical_text

from .gitrepo import SAMPLE, commit_all, git, init_repo, replace

AS_OF = dt.date(2026, 11, 25)


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


def run_import(site: Path, *args: str, doc: str = "privacy") -> int:
    return main(["import", doc, "--root", str(site), "--as-of", AS_OF.isoformat(), *args])


def errors(site: Path) -> list[str]:
    _, diagnostics = check_site(site, AS_OF)
    return [d.format() for d in diagnostics if d.severity == "error"]


def test_versions_by_date_line_with_errata_for_later_edits(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    file = str(policy_repo / "privacy.md")
    assert run_import(site, "--from-git", file, "--lang", "ja", "--timezone", "Asia/Tokyo") == 0
    out = capsys.readouterr().out
    [document] = load_site(site, Collector()).documents
    assert [v.id for v in document.versions] == ["2017-08-23", "2020-10-01"]
    first, second = (v.texts[0] for v in document.versions)
    # The text as it last stood under its date, with the typo fix recorded as an erratum:
    # nothing folded in silently.
    assert "利用者情報の保護の実現のため" in canonical_text(first)
    [erratum] = first.meta.errata
    assert (erratum.date, erratum.before.count("保護実現"), erratum.after.count("保護の実現")) == (
        dt.date(2017, 8, 22), 1, 1,
    )  # fmt: skip
    assert "erratum 2017-08-22" in out
    # Nothing invented: no announced date, no change level, no summary.
    assert (second.meta.announced, second.meta.change, second.meta.summary) == (None, None, "")
    raw = (site / "content/privacy/2020-10-01/ja.md").read_text(encoding="utf-8")
    assert "# Imported by kaitei from privacy.md at commit" in raw
    assert "Dated by its date line" in raw
    assert canonical_text(second) == canonical_text(
        load_site(SAMPLE.parent, Collector()).documents[0].versions[1].texts[0]
    )
    assert document.settings.imported == AS_OF
    assert errors(site) == []


def test_a_second_run_adds_nothing(policy_repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    args = ("--from-git", str(policy_repo / "privacy.md"), "--lang", "ja", "--format", "json")
    assert run_import(site, *args) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert run_import(site, *args) == 0
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_second_run_after_new_history_adds_only_the_new_version(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    args = ("--from-git", str(policy_repo / "privacy.md"), "--lang", "ja")
    assert run_import(site, *args) == 0
    replace(
        policy_repo / "privacy.md",
        "2020 年 10 月 1 日 改定",
        "2020 年 10 月 1 日 改定\n2021 年 4 月 1 日 改定",
    )
    commit_all(policy_repo, "2021年改定", date="2021-03-01T10:00:00+09:00")
    capsys.readouterr()
    assert run_import(site, *args, "--format", "json") == 0
    summary = json.loads(capsys.readouterr().out)
    statuses = {t["path"]: t["status"] for v in summary["versions"] for t in v["texts"]}
    assert statuses == {
        "content/privacy/2017-08-23/ja.md": "unchanged",
        "content/privacy/2020-10-01/ja.md": "unchanged",
        "content/privacy/2021-04-01/ja.md": "created",
    }


def test_an_existing_different_version_is_kept_and_reported(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLE, site / "content")
    before = (site / "content/privacy/2017-08-23/ja.md").read_bytes()
    assert run_import(site, "--from-git", str(policy_repo / "privacy.md"), "--lang", "ja") == 0
    out = capsys.readouterr().out
    assert "exists and differs from the import: kept as it is" in out
    assert (site / "content/privacy/2017-08-23/ja.md").read_bytes() == before


def test_every_commit_option(policy_repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    file = str(policy_repo / "privacy.md")
    assert run_import(site, "--from-git", file, "--lang", "ja", "--every-commit",
                      "--timezone", "Asia/Tokyo") == 0  # fmt: skip
    folders = sorted(p.name for p in (site / "content/privacy").iterdir() if p.is_dir())
    # The rename changed no text, so it is no version of its own.
    assert folders == ["2017-08-20", "2017-08-22", "2020-08-31"]


def test_no_date_line_falls_back_to_the_commit_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "old")
    (repo / "terms.md").write_text("# Terms\n\nBe nice.\n", encoding="utf-8")
    sha = commit_all(repo, "first", date="2019-03-04T10:00:00+00:00")
    assert run_import(tmp_path / "site", "--from-git", str(repo / "terms.md"), "--lang", "en",
                      doc="terms") == 0  # fmt: skip
    assert f"2019-03-04: dated by commit {sha[:7]}: no date line" in capsys.readouterr().out
    raw = (tmp_path / "site/content/terms/2019-03-04/en.md").read_text(encoding="utf-8")
    assert f"# Dated by commit {sha[:7]}: no date line." in raw


def test_translations_lagging_behind_are_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "old")
    (repo / "en.md").write_text("# Terms\n\n*Last updated: May 1, 2018*\n\nBe nice.\n", "utf-8")
    (repo / "ja.md").write_text("# 規約\n\n仲良くしてください。\n", encoding="utf-8")
    commit_all(repo, "first", date="2018-05-01T10:00:00+00:00")
    replace(repo / "en.md", "May 1, 2018*\n\nBe nice.", "June 1, 2019*\n\nBe very nice.")
    commit_all(repo, "second", date="2019-06-01T10:00:00+00:00")
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(repo / "{lang}.md"), "--lang", "en", "--format",
                      "json", doc="terms") == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert summary["totals"]["stale_translations"] == 1
    [document] = load_site(site, Collector()).documents
    assert document.settings.languages == ("en", "ja")
    assert dict(document.settings.titles) == {"en": "Terms", "ja": "規約"}
    old, new = document.versions
    assert old.text("ja").meta.translates == dt.date(2018, 5, 1)  # type: ignore[union-attr]
    assert new.text("ja").meta.translates == dt.date(2018, 5, 1)  # type: ignore[union-attr]
    _, diagnostics = check_site(site, AS_OF)
    stale = [d for d in diagnostics if d.code == "translation-stale"]
    assert [(d.severity, d.path) for d in stale] == [("warning", "content/terms/2019-06-01/ja.md")]
    assert "translates version 2018-05-01" in stale[0].message
    assert errors(site) == []


def test_one_lang_per_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = init_repo(tmp_path / "old")
    (repo / "EN-Terms.md").write_text("# Terms\n\nLast updated: May 1, 2018\n\nHi.\n", "utf-8")
    (repo / "JA-規約.md").write_text("# 規約\n\n2018年5月1日 改定\n\nこんにちは。\n", "utf-8")
    commit_all(repo, "first", date="2018-05-01T10:00:00+00:00")
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(repo / "XX-*.md"), "--lang", "en", doc="t") == 0
    assert (site / "content/t/2018-05-01/ja.md").is_file()
    site2 = tmp_path / "site2"
    pairs = ("--from-git", str(repo / "EN-Terms.md"), "--lang", "en",
             "--from-git", str(repo / "JA-規約.md"), "--lang", "ja")  # fmt: skip
    assert run_import(site2, *pairs, doc="t") == 0
    written = (site2 / "content/t/2018-05-01/ja.md").read_text(encoding="utf-8")
    assert written.replace("JA-規約.md", "X") == (site / "content/t/2018-05-01/ja.md").read_text(
        encoding="utf-8"
    ).replace("JA-規約.md", "X")
    assert run_import(tmp_path / "s3", "--from-git", str(repo / "EN-Terms.md"), doc="t") == 2
    assert "--lang once per --from-git" in capsys.readouterr().err


def test_source_front_matter_and_markup_set_aside_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "old")
    (repo / "privacy.md").write_text(
        '---\ntitle: Our privacy policy\nlayout: sheet\n---\n<figure class="c">\n'
        '  <img alt="shh" src="{% asset_path shh.png %}">\n</figure>\n\n# Privacy\n\n'
        "*Last updated: May 24, 2018*\n\nWe keep little.\n",
        encoding="utf-8",
    )
    commit_all(repo, "first", date="2018-05-24T10:00:00+00:00")
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(repo / "privacy.md"), "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "set aside a <figure> with a Liquid tag (source lines 5–7): not policy text" in out
    [document] = load_site(site, Collector()).documents
    assert dict(document.settings.titles) == {"en": "Our privacy policy"}
    raw = (site / "content/privacy/2018-05-24/en.md").read_text(encoding="utf-8")
    assert "source:\n  title: Our privacy policy\n  layout: sheet\n" in raw
    assert "<figure" not in raw and "We keep little." in raw
    assert errors(site) == []


@pytest.mark.parametrize(
    "doc", ["notices", "feed.xml", "index.html", "api", "assets", "Priv", "a/b"]
)
def test_reserved_or_bad_ids_are_refused(
    doc: str, policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(policy_repo / "privacy.md"), "--lang", "ja",
                      doc=doc) == 2  # fmt: skip
    assert "error:" in capsys.readouterr().err
    assert not site.exists()


def test_a_path_outside_the_repository_is_refused(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# x\n", encoding="utf-8")
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(policy_repo / "privacy.md"), "--lang", "ja",
                      "--from-git", str(outside), "--lang", "en") == 2  # fmt: skip
    assert "is outside the git repository" in capsys.readouterr().err
    assert not site.exists()


def test_a_bad_language_tag_is_refused(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(tmp_path / "s", "--from-git", str(policy_repo / "privacy.md"), "--lang",
                      "japanese") == 2  # fmt: skip
    assert "is not a language tag" in capsys.readouterr().err


def test_a_shallow_clone_names_fetch_depth(
    policy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{policy_repo}", "shallow")
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(tmp_path / "shallow/privacy.md"), "--lang", "ja") == 1
    assert "fetch-depth: 0" in capsys.readouterr().err
    assert not site.exists()


def test_a_file_outside_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "policy.md"
    file.write_text("# Policy\n", encoding="utf-8")
    assert run_import(tmp_path / "site", "--from-git", str(file), "--lang", "en") == 1
    assert "not in a git repository" in capsys.readouterr().err


def test_a_commit_that_is_not_utf8_is_skipped_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "old")
    (repo / "p.md").write_bytes("# 規約\n\n2020 年 1 月 1 日 制定\n".encode("shift_jis"))
    commit_all(repo, "sjis", date="2020-01-01T10:00:00+09:00")
    (repo / "p.md").write_text("# 規約\n\n2020 年 1 月 1 日 制定\n", encoding="utf-8")
    commit_all(repo, "utf-8", date="2020-01-02T10:00:00+09:00")
    assert run_import(tmp_path / "site", "--from-git", str(repo / "p.md"), "--lang", "ja") == 0
    assert "is not UTF-8: skipped" in capsys.readouterr().out
    assert (tmp_path / "site/content/privacy/2020-01-01/ja.md").is_file()


def test_imported_history_is_published_from_the_import_commit_on(
    policy_repo: Path, tmp_path: Path
) -> None:
    site = init_repo(tmp_path / "site")
    assert run_import(site, "--from-git", str(policy_repo / "privacy.md"), "--lang", "ja") == 0
    commit_all(site, "Import the privacy policy's history")
    assert errors(site) == []
    _, diagnostics = check_site(site, AS_OF)
    notes = [d for d in diagnostics if d.code == "imported-history"]
    assert len(notes) == 1 and "imported from git history on 2026-11-25" in notes[0].message
    replace(site / "content/privacy/2017-08-23/ja.md", "情報の保護の実現のため", "情報の保護のため")
    assert any("has changed since it was published" in e for e in errors(site))


@pytest.fixture
def stale_site(tmp_path: Path) -> Path:
    """An English document whose Japanese translation stopped at the first version."""
    repo = init_repo(tmp_path / "old")
    (repo / "en.md").write_text("# Terms\n\n*Last updated: May 1, 2018*\n\nBe nice.\n", "utf-8")
    (repo / "ja.md").write_text("# 規約\n\n仲良くしてください。\n", encoding="utf-8")
    commit_all(repo, "first", date="2018-05-01T10:00:00+00:00")
    replace(repo / "en.md", "May 1, 2018*\n\nBe nice.", "June 1, 2019*\n\nBe very nice.")
    commit_all(repo, "second", date="2019-06-01T10:00:00+00:00")
    site = tmp_path / "site"
    assert run_import(site, "--from-git", str(repo / "{lang}.md"), "--lang", "en", doc="terms") == 0
    return site


def test_the_pages_say_which_version_a_stale_translation_translates(stale_site: Path) -> None:
    assert main(["build", "--root", str(stale_site), "--as-of", AS_OF.isoformat()]) == 0
    built = stale_site / "build/site"
    page = (built / "ja/terms/index.html").read_text(encoding="utf-8")
    assert "この翻訳は更新されていません" in page and 'href="../../en/terms/2018-05-01/"' in page
    bilingual = (built / "en/terms/2019-06-01/bilingual/index.html").read_text(encoding="utf-8")
    assert "it translates the version of" in bilingual
    # The translation beside the version it translates is not stale: no such line there.
    first = (built / "ja/terms/2018-05-01/index.html").read_text(encoding="utf-8")
    assert "この翻訳は更新されていません" not in first


def test_translates_must_name_an_earlier_version(stale_site: Path) -> None:
    replace(stale_site / "content/terms/2019-06-01/ja.md", "translates: 2018-05-01",
            "translates: 2020-01-01")  # fmt: skip
    _, diagnostics = check_site(stale_site, AS_OF)
    bad = [d for d in diagnostics if d.code == "translates-bad"]
    assert [(d.path, d.severity) for d in bad] == [("content/terms/2019-06-01/ja.md", "error")]
    assert "'translates: 2020-01-01' names no earlier version of 'terms'" in bad[0].message


def test_every_rule_applies_from_the_adoption_date_on(stale_site: Path) -> None:
    later = stale_site / "content/terms/2026-12-24"
    later.mkdir()
    (later / "en.md").write_text(
        "---\neffective: 2026-12-24\nchange: notice\nsummary: Nicer.\n---\n\n# Terms\n\n"
        "*Last updated: December 24, 2026*\n\nBe nicest.\n",
        encoding="utf-8",
    )
    _, diagnostics = check_site(stale_site, AS_OF)
    codes = [(d.path, d.code) for d in diagnostics if d.severity == "error"]
    # The new version owes a notice period and a translation; the imported ones do not.
    assert ("content/terms/2026-12-24/en.md", "notice-period") in codes
    assert all(
        not path.startswith(("content/terms/2018", "content/terms/2019")) for path, _ in codes
    )
    warned = [d.path for d in diagnostics if d.code == "missing-translation"]
    assert warned == ["content/terms/2026-12-24"]

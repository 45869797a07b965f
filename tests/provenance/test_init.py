"""`kaitei init`: a new site repository that checks, builds with MkDocs, and verifies."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.commands.verify import verify_site

from .gitrepo import ROOT

EXPECTED = [
    ".gitattributes",
    ".github/workflows/check.yml",
    ".github/workflows/publish.yml",
    ".gitignore",
    "README.md",
    "content/privacy/2026-11-25/en.md",
    "content/privacy/2026-11-25/ja.md",
    "content/privacy/document.yml",
    "docs/.gitkeep",
    "mkdocs.yml",
    "requirements.txt",
    "theme/css/custom.css",
    "theme/site.yml",
]


def init(target: Path) -> int:
    return main(["init", str(target), "--as-of", "2026-11-25"])


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_a_site_that_passes_check(tmp_path: Path) -> None:
    assert init(tmp_path / "policies") == 0
    root = tmp_path / "policies"
    assert files(root) == EXPECTED
    assert "*.md text eol=lf" in (root / ".gitattributes").read_text(encoding="utf-8")
    assert "site_dir: build/site" in (root / "mkdocs.yml").read_text(encoding="utf-8")
    ja = (root / "content/privacy/2026-11-25/ja.md").read_text(encoding="utf-8")
    assert "2026 年 11 月 25 日 制定" in ja
    _, diagnostics = check_site(root, dt.date(2026, 11, 25))
    assert [d.format() for d in diagnostics] == []


def test_init_refuses_to_overwrite_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    assert init(tmp_path) == 1
    assert "mkdocs.yml already exists" in capsys.readouterr().err
    assert files(tmp_path) == ["mkdocs.yml"]
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"


def test_init_then_mkdocs_build_produces_a_working_site(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    assert init(root) == 0
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "KAITEI_AS_OF": "2026-11-25", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    site = root / "build/site"
    for page in ("index.html", "ja/privacy/index.html", "en/privacy/2026-11-25/index.html"):
        assert (site / page).is_file(), page
    html = (site / "ja/privacy/index.html").read_text(encoding="utf-8")
    assert "privacy@example.com" in html
    assert verify_site(site) == (2, [])


def test_the_repository_workflows_are_the_scaffold_installing_from_source() -> None:
    scaffold = ROOT / "kaitei/scaffold/github/workflows"
    for name in ("check.yml", "publish.yml"):
        shipped = (scaffold / name).read_text(encoding="utf-8")
        ours = (ROOT / ".github/workflows" / name).read_text(encoding="utf-8")
        assert "pip install -r requirements.txt" in shipped
        assert ours == shipped.replace("pip install -r requirements.txt", "pip install -e .")


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("", encoding="utf-8")
    assert init(tmp_path / "x") == 2


def test_an_english_only_site_checks_and_builds(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    assert main(["init", str(root), "--as-of", "2026-11-25", "--lang", "en"]) == 0
    assert not (root / "content/privacy/2026-11-25/ja.md").exists()
    settings = (root / "content/privacy/document.yml").read_text(encoding="utf-8")
    assert "authoritative: en" in settings and "languages: [en]" in settings
    assert "timezone: UTC" in settings and "ja:" not in settings
    en = (root / "content/privacy/2026-11-25/en.md").read_text(encoding="utf-8")
    assert "change: editorial" in en  # the authoritative text declares the level
    _, diagnostics = check_site(root, dt.date(2026, 11, 25))
    assert [d.format() for d in diagnostics] == []
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "KAITEI_AS_OF": "2026-11-25", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (root / "build/site/en/privacy/index.html").is_file()
    assert not (root / "build/site/ja").exists()


def test_english_first_with_a_translation_and_a_time_zone(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    argv = ["init", str(root), "--as-of", "2026-11-25", "--lang", "en,ja",
            "--timezone", "Europe/Berlin"]  # fmt: skip
    assert main(argv) == 0
    settings = (root / "content/privacy/document.yml").read_text(encoding="utf-8")
    assert "authoritative: en" in settings and "languages: [en, ja]" in settings
    assert "timezone: Europe/Berlin" in settings
    ja = (root / "content/privacy/2026-11-25/ja.md").read_text(encoding="utf-8")
    assert "change:" not in ja  # a translation does not repeat the level
    publish = (root / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    # 00:15 in Berlin in November (UTC+1) is 23:15 UTC.
    assert 'cron: "15 23 * * *"' in publish and "KAITEI_TZ: Europe/Berlin" in publish
    _, diagnostics = check_site(root, dt.date(2026, 11, 25))
    assert [d.format() for d in diagnostics if d.severity == "error"] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lang", "fr"], "the starter policy is written in ja and en"),
        (["--lang", "en,en"], "the starter policy is written in ja and en"),
        (["--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_languages_or_zones_are_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "p"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_no_starter_then_import_is_a_clean_start(tmp_path: Path) -> None:
    from .gitrepo import commit_all, init_repo

    old = init_repo(tmp_path / "old")
    (old / "terms.md").write_text("# Terms\n\n*Last updated: May 1, 2018*\n\nBe nice.\n", "utf-8")
    commit_all(old, "first", date="2018-05-01T10:00:00+00:00")
    root = tmp_path / "policies"
    assert main(["init", str(root), "--lang", "en", "--no-starter"]) == 0
    assert not (root / "content/privacy").exists() and (root / "content").is_dir()
    init_repo(root)
    assert main(["import", "terms", "--from-git", str(old / "terms.md"), "--lang", "en",
                 "--root", str(root), "--as-of", "2026-11-25"]) == 0  # fmt: skip
    commit_all(root, "Site with the imported terms")
    _, diagnostics = check_site(root, dt.date(2026, 11, 25))
    assert [d.code for d in diagnostics] == ["imported-history"]

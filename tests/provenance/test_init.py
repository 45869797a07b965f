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

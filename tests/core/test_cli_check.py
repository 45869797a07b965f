"""`kaitei check` as an editor runs it: exit codes, output, JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kaitei.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaitei.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_sample_content_is_clean(site_copy: Path) -> None:
    result = run(site_copy, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems found" in result.stdout


def test_broken_cross_reference_names_file_and_line(site_copy: Path) -> None:
    path = site_copy / "content/privacy/2020-10-01/ja.md"
    text = path.read_text(encoding="utf-8")
    assert "前条第1項の場合" in text
    path.write_text(text.replace("前条第1項の場合", "第3条第5項の場合"), encoding="utf-8")
    line = next(
        n
        for n, s in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if "第3条第5項" in s
    )
    result = run(site_copy, "check")
    assert result.returncode == 1
    assert f"content/privacy/2020-10-01/ja.md:{line}:" in result.stdout
    assert "the cross-reference '第3条第5項' points at nothing (no art-3-para-5)" in result.stdout
    assert "hint:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_json_format(site_copy: Path) -> None:
    path = site_copy / "content/privacy/2017-08-23/en.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("## Article 3 (", "## Article 30 ("),
        encoding="utf-8",
    )
    result = run(site_copy, "check", "--format", "json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    codes = {p["code"] for p in problems}
    assert "article-numbering" in codes
    assert "alignment-missing" in codes
    for problem in problems:
        assert set(problem) == {
            "path", "line", "column", "message", "hint", "severity", "code", "source_line"
        }  # fmt: skip
        assert problem["path"].startswith("content/privacy/2017-08-23/")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "yaml"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_bad_as_of_exits_2(site_copy: Path) -> None:
    result = run(site_copy, "check", "--as-of", "2020-02-30")
    assert result.returncode == 2
    assert "not a date" in result.stderr


def test_no_content_folder(tmp_path: Path) -> None:
    result = run(tmp_path, "check")
    assert result.returncode == 1
    assert "there is no content folder" in result.stdout

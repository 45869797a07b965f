"""The issue's "done when", as an editor runs it: the `kaitei` command in a temporary clone.

These run the command line in a fresh process, so they see only what the command itself
loads: until `kaitei check` imports kaitei.immutability they are skipped, saying so.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .gitrepo import ROOT, add_front_matter, commit_all, git, replace

JA_2017 = "content/privacy/2017-08-23/ja.md"


def wired() -> bool:
    """Whether some module of the command line (not this check itself) loads the check."""
    sources = [p for p in (ROOT / "kaitei").rglob("*.py") if p.name != "immutability.py"]
    return any(
        "kaitei.immutability" in p.read_text(encoding="utf-8")
        or "from . import immutability" in p.read_text(encoding="utf-8")
        or "from .. import immutability" in p.read_text(encoding="utf-8")
        for p in sources
        if p.name not in ("integrity.py",)
    )


def kaitei(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaitei.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def clone(repo: Path, tmp_path: Path) -> Path:
    if not wired():
        pytest.skip("kaitei check does not load kaitei.immutability yet (see the issue 7 report)")
    git(tmp_path, "clone", "-q", str(repo), "clone")
    target = tmp_path / "clone"
    git(target, "config", "user.name", "Legal Editor")
    git(target, "config", "user.email", "legal@example.com")
    (target / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    return target


def test_a_one_word_edit_fails_and_a_matching_erratum_passes(clone: Path) -> None:
    replace(clone / JA_2017, "保護実現", "保護")
    commit_all(clone, "One word", date="2026-11-20T10:00:00+09:00")
    result = kaitei(clone, "check", "--as-of", "2026-11-25")
    assert result.returncode == 1
    assert "[-実現-]" in result.stdout
    add_front_matter(
        clone / JA_2017,
        "errata:\n  - date: 2026-11-20\n    reason: 誤記の訂正\n    before: 保護実現\n"
        "    after: 保護\n",
    )
    commit_all(clone, "Erratum", date="2026-11-20T11:00:00+09:00")
    result = kaitei(clone, "check", "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stdout
    assert kaitei(clone, "build", "--as-of", "2026-11-25").returncode == 0
    assert kaitei(clone, "verify", "build/site").returncode == 0

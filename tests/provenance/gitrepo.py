"""Real temporary git repositories for the provenance tests: fixed identities and dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "content"


def git(repo: Path, *args: str, date: str = "2026-11-01T10:00:00+09:00") -> str:
    """Run git in `repo` with a fixed date and without the user's or system's configuration."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def init_repo(path: Path, name: str = "Legal Editor", email: str = "legal@example.com") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", email)
    git(path, "config", "core.autocrlf", "false")
    return path


def commit_all(repo: Path, message: str, date: str = "2026-11-01T10:00:00+09:00") -> str:
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def sample_repo(path: Path) -> Path:
    """A site repository holding the sample content in one first commit."""
    init_repo(path)
    shutil.copytree(SAMPLE, path / "content")
    commit_all(path, "Sample content")
    return path


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (old, text.count(old))
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_front_matter(path: Path, lines: str) -> None:
    """Insert YAML lines just before the front matter's closing '---'.

    New `errata:` entries join the errata the sample already records (one key per mapping).
    """
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4)
    if lines.startswith("errata:\n") and "\nerrata:\n" in text[:end]:
        entries = lines.removeprefix("errata:\n").rstrip("\n")
        start = text.index("\nerrata:\n") + len("\nerrata:")
        path.write_text(text[:start] + "\n" + entries + text[start:], encoding="utf-8")
        return
    path.write_text(text[:end] + "\n" + lines.rstrip("\n") + text[end:], encoding="utf-8")

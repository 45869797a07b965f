"""The real policy histories in ../shared/corpora (git bundles), read revision by revision.

Each revision is wrapped as a one-version document: kaitei front matter in place of the
source's own, and no other edit.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT / ".." / "shared" / "corpora"


@dataclass(frozen=True)
class Revision:
    corpus: str
    file: str  # privacy.md, en.md, ja.md …
    commit: str
    date: str  # the commit's date, YYYY-MM-DD
    text: str

    @property
    def lang(self) -> str:
        stem = self.file.removesuffix(".md")
        return "en" if stem == "privacy" else stem

    @property
    def name(self) -> str:
        return f"{self.corpus}/{self.file}@{self.commit[:8]}"


def bundles() -> list[Path]:
    return sorted(CORPORA.glob("*.bundle")) if CORPORA.is_dir() else []


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@cache
def revisions() -> tuple[Revision, ...]:
    found: list[Revision] = []
    for bundle in bundles():
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "repo"
            subprocess.run(["git", "clone", "-q", str(bundle), str(repo)], check=True)
            # Every file the history ever held: translations were removed in later commits.
            names = _git(repo, "log", "--name-only", "--format=").split("\n")
            files = sorted({n for n in names if n.endswith(".md")})
            for file in files:
                log = _git(repo, "log", "--format=%H %cs", "--", file).split("\n")
                for line in log:
                    if not line.strip():
                        continue
                    commit, date = line.split()
                    try:
                        text = _git(repo, "show", f"{commit}:{file}")
                    except subprocess.CalledProcessError:
                        continue  # the commit deleted the file
                    found.append(Revision(bundle.stem, file, commit, date, text))
    return tuple(found)


def strip_front_matter(text: str) -> str:
    """The source's own front matter (Jekyll's title, description …) is replaced by ours."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return "\n".join(lines[index + 1 :])
    return text


def wrap(revision: Revision, effective: str = "2020-01-01") -> str:
    """The revision as a kaitei file: our front matter, then the body untouched."""
    front = f"---\neffective: {effective}\nchange: editorial\nsummary: Imported.\n---\n"
    return front + strip_front_matter(revision.text)


def iter_texts() -> Iterator[Revision]:
    yield from revisions()

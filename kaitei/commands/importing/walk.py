"""The main line's commits that changed a document's files, and each file's text at each.

One `git log --first-parent` lists the commits; one `git cat-file --batch` reads every file
at every one of them. A file renamed in the source keeps its history (`--follow` gives its
earlier names). The main line is what was published: a change merged from a branch counts
from the merge.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ...provenance import _RS, Commit, _commit, _head, log


@dataclass(frozen=True, slots=True)
class Source:
    """One language's file in the source repository, with its earlier names (newest first)."""

    lang: str
    path: str  # relative to the repository's top level, as it is now (or was last)
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One main-line commit and, per language, the file's text after it (None: absent)."""

    commit: Commit
    texts: dict[str, str | None] = field(hash=False)
    changed: frozenset[str]  # the languages whose text this commit changed


@dataclass(frozen=True, slots=True)
class Timeline:
    top: Path  # the repository's top level
    steps: tuple[Step, ...]
    problems: tuple[str, ...]  # commits whose file could not be read (not UTF-8), skipped


def decode(data: bytes) -> str | None:
    """The text of a committed file, BOM and CR removed; None when it is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def repository_top(path: Path) -> Path:
    """The top level of the git work tree holding `path`; HistoryUnavailable when shallow."""
    import git

    folder = path if path.is_dir() else path.parent
    while not folder.exists():
        folder = folder.parent
    _head(folder)  # not a repository, or a shallow clone: HistoryUnavailable with the fix
    with git.Repo(folder, search_parent_directories=True) as repo:
        return Path(repo.working_tree_dir or folder).resolve()


def earlier_names(top: Path, path: str) -> tuple[str, ...]:
    """`path` and every name it had before, newest first (git's --follow)."""
    import git

    with git.Repo(top) as repo:
        output = repo.git(c="core.quotePath=false").log(
            "--no-color", "--follow", "--name-only", "--format=", "HEAD", "--", path
        )
    names = [path]
    for line in output.splitlines():
        if line.strip() and line not in names:
            names.append(line)
    return tuple(names)


def paths_ever(top: Path, folder: str) -> list[str]:
    """Every file path that ever existed under `folder` on the main line."""
    import git

    with git.Repo(top) as repo:
        output = repo.git(c="core.quotePath=false").log(
            "--no-color", "--first-parent", "--name-only", "--format=", "HEAD", "--", folder or "."
        )
    return sorted({line for line in output.splitlines() if line.strip()})


def read_timeline(top: Path, sources: Sequence[Source]) -> Timeline:
    import git

    every_name = sorted({name for source in sources for name in source.names})
    with git.Repo(top) as repo:
        output = log(repo, "--first-parent", "--reverse", "HEAD", "--", *every_name)
    commits = [_commit(r.strip("\n")) for r in output.split(_RS) if r.strip()]
    requests = [(c, s, n) for c in commits for s in sources for n in s.names]
    blobs = _cat_files(top, [f"{c.sha}:{n}" for c, _, n in requests])
    steps: list[Step] = []
    problems: list[str] = []
    current: dict[str, str | None] = {s.lang: None for s in sources}
    for index, commit in enumerate(commits):
        texts = dict(current)
        base = index * sum(len(s.names) for s in sources)
        offset = 0
        for source in sources:
            found: bytes | None = None
            for position in range(len(source.names)):
                data = blobs[base + offset + position]
                if data is not None:
                    found = data
                    break
            offset += len(source.names)
            if found is None:
                texts[source.lang] = None
                continue
            text = decode(found)
            if text is None:
                problems.append(f"{source.path} at commit {commit.short} is not UTF-8: skipped")
                continue
            texts[source.lang] = text
        changed = frozenset(lang for lang in texts if texts[lang] != current[lang])
        if changed:
            steps.append(Step(commit, texts, changed))
        current = texts
    return Timeline(top, tuple(steps), tuple(problems))


def _cat_files(top: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of `commit:path` for each spec (None where there is no such file)."""
    if not specs:
        return []
    result = subprocess.run(
        ["git", "-c", "core.quotePath=false", "cat-file", "--batch"],
        cwd=top,
        input="".join(spec + "\n" for spec in specs).encode("utf-8"),
        capture_output=True,
        check=True,
    )
    data = result.stdout
    blobs: list[bytes | None] = []
    position = 0
    for _ in specs:
        end = data.index(b"\n", position)
        header = data[position:end].split(b" ")
        position = end + 1
        if header[-1] == b"missing" or len(header) != 3 or header[1] != b"blob":
            blobs.append(None)
            if len(header) == 3 and header[1] != b"blob":
                position += int(header[2]) + 1  # a tree or a link where the file was
            continue
        size = int(header[2])
        blobs.append(data[position : position + size])
        position += size + 1
    return blobs

"""Whether the last `kaitei build` already made this site: a rebuild with nothing changed.

A build is a function of its inputs, and they are few and known:
- every file under content/ and theme/, and mkdocs.yml;
- the git history of content/ (provenance and the published-version check read it from HEAD);
- the build's settings: the as-of date, --strict, the site folder;
- the environment variables kaitei reads (KAITEI_*, SOURCE_DATE_EPOCH), and the bytes of the
  previous manifest that KAITEI_PREVIOUS_MANIFEST names;
- kaitei itself: the cache's code fingerprint (every file of the package, the libraries that
  shape the model) and the optional libraries that shape output (PDFs, signatures).

After a successful build its record is stored in the cache under a key over all of these:
every file of the site folder with its size, modification time and inode, and the warnings
the build reported. The next build computes the key before it reads anything else. When the
record is there and the site folder still holds exactly those files, untouched, the site is
already what a build would write, and the build reports the recorded warnings again instead
of making it once more. Anything else (a changed byte, a new commit, another date, a file
added to or edited in the site folder, a symlink whose target could change unseen) means a
full build: doubt always costs time, never a stale site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..cache import Cache, code_fingerprint, key_of
from ..diagnostics import Diagnostic

KIND = "build"
# Directories whose every file is an input of the build (content/ is read by the loaders,
# theme/ by the site theme), and the one settings file.
INPUT_DIRS = ("content", "theme")
CONFIG_FILE = "mkdocs.yml"
# Environment variables outside KAITEI_* that a build reads.
OTHER_ENV = ("SOURCE_DATE_EPOCH",)
PREVIOUS_MANIFEST_ENV = "KAITEI_PREVIOUS_MANIFEST"
# Optional libraries whose version changes bytes of the output (the code fingerprint covers
# the ones every build uses).
OUTPUT_LIBRARIES = ("weasyprint", "pydyf", "cryptography", "GitPython")


class Unknowable(Exception):
    """An input kaitei cannot fingerprint cheaply and safely: build in full."""


@dataclass(frozen=True, slots=True)
class SiteFile:
    path: str  # relative to the site folder, with "/"
    size: int
    mtime_ns: int
    inode: int


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What one successful build wrote and reported."""

    files: tuple[SiteFile, ...]  # sorted by path
    diagnostics: tuple[Diagnostic, ...]  # the warnings the build reported


def input_key(
    root: Path,
    site_dir: Path,
    as_of: dt.date,
    strict: bool,
    environ: Mapping[str, str],
) -> str:
    """The key of a build's record: it changes whenever any input of the build does.

    Raises Unknowable when an input cannot be fingerprinted (then there is no shortcut)."""
    parts: list[str | bytes] = [
        code_fingerprint(),
        f"as-of {as_of.isoformat()}",
        f"strict {strict}",
        f"site {site_dir.resolve()}",
        f"root {root.resolve()}",
    ]
    for name in sorted(environ):
        if name.startswith("KAITEI_") or name in OTHER_ENV:
            parts.append(f"env {name}={environ[name]}")
    previous = environ.get(PREVIOUS_MANIFEST_ENV, "").strip()
    if previous:
        try:
            parts.append(b"previous manifest " + Path(previous).read_bytes())
        except OSError:
            raise Unknowable(f"{PREVIOUS_MANIFEST_ENV} is not readable") from None
    for name in OUTPUT_LIBRARIES:
        try:
            parts.append(f"library {name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"library {name} -")
    parts.append(_git_state(root))
    config = root / CONFIG_FILE
    parts.append(f"{CONFIG_FILE} " + (_file_digest(config) if config.exists() else "absent"))
    for folder in INPUT_DIRS:
        for relative, digest in _tree(root / folder):
            parts.append(f"file {folder}/{relative} {digest}")
    return key_of(*parts)


def _git_state(root: Path) -> str:
    """Where the history comes from: the work tree's top, shallowness and HEAD (or why none).

    kaitei reads `git log --first-parent HEAD -- content` (kaitei.provenance): these three
    decide its output."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except OSError:
        return "git absent"
    return f"git {found.returncode}\n{found.stdout}"


def _file_digest(path: Path) -> str:
    if path.is_symlink() or not path.is_file():
        raise Unknowable(f"{path} is not a plain file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> Iterator[tuple[str, str]]:
    """(relative path, SHA-256) of every file under `folder`, sorted; nothing if absent."""
    if not folder.exists():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise Unknowable(f"{folder} is not a plain folder")
    found: list[tuple[str, Path]] = []
    for top, dirs, files in os.walk(folder):
        for name in dirs:
            if os.path.islink(os.path.join(top, name)):
                # The loaders follow it; its target is outside what is fingerprinted here.
                raise Unknowable(f"{os.path.join(top, name)} is a symbolic link")
        for name in files:
            path = Path(top, name)
            found.append((path.relative_to(folder).as_posix(), path))
    for relative, path in sorted(found):
        yield relative, _file_digest(path)


def site_files(site_dir: Path) -> tuple[SiteFile, ...]:
    """Every file of the site folder as it is now, sorted by path."""
    files = []
    for top, _, names in os.walk(site_dir):
        for name in names:
            path = os.path.join(top, name)
            stat = os.lstat(path)
            relative = Path(path).relative_to(site_dir).as_posix()
            files.append(SiteFile(relative, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(sorted(files, key=lambda f: f.path))


def lookup(cache: Cache, key: str, site_dir: Path) -> BuildRecord | None:
    """The record of the build that made `site_dir` from exactly these inputs, if the folder
    is still that build's output; None otherwise."""
    record = cache.get(KIND, key, BuildRecord)
    if record is None or not site_dir.is_dir():
        return None
    return record if site_files(site_dir) == record.files else None


def remember(cache: Cache, key: str, site_dir: Path, diagnostics: tuple[Diagnostic, ...]) -> None:
    """Store the record of the build that just wrote `site_dir`."""
    cache.put(KIND, key, BuildRecord(site_files(site_dir), diagnostics), remember=False)

"""Who changed what and when: the git history of every content file, read in one pass.

One `git log --reverse --first-parent --name-status -M` over `content/` gives, for every file,
each commit of the main line that changed it, following renames (a version folder renamed
keeps its history). Merges count as one change dated when they were merged. The legal
dates always come from front matter; these are the record of the edits behind them.

A missing repository, a shallow clone or an empty repository is not an exception for the
caller to guess at: `read_history` raises `HistoryUnavailable` carrying a diagnostic with the
fix, and commands that can do without history simply go on.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, KaiteiError
from .model import Version

if TYPE_CHECKING:
    import git

    from .site.output import BuildContext

# Record and field separators that cannot occur in a commit's name, e-mail or subject line.
_RS, _FS = "\x1e", "\x1f"
_FORMAT = _RS + _FS.join(("%H", "%an", "%ae", "%aI", "%cI", "%s"))
FETCH_HINT = (
    "kaitei needs the full git history to check published versions: clone without --depth "
    "(on GitHub Actions: actions/checkout with 'fetch-depth: 0'), or run "
    "'git fetch --unshallow'"
)


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    email: str
    authored: dt.datetime  # timezone-aware, as recorded
    committed: dt.datetime  # when it landed; what "published at" is measured against
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Change:
    """One commit's change to one file: `path` is the file's path after the commit."""

    commit: Commit
    status: str  # A added, M modified, R renamed, D deleted (git's letters)
    path: str
    old_path: str | None = None  # set for renames


@dataclass(frozen=True, slots=True)
class FileHistory:
    """Every change to one file, oldest first, across renames; `path` is where it is now."""

    path: str
    changes: tuple[Change, ...]

    @property
    def first(self) -> Commit:
        """The commit that added the file (under whatever name it had then)."""
        return self.changes[0].commit

    @property
    def last(self) -> Commit:
        """The last commit that touched it: "last edited"."""
        return self.changes[-1].commit

    @property
    def removed(self) -> bool:
        """The file no longer exists at HEAD."""
        return self.changes[-1].status == "D"

    def published_by(self, published_at: dt.datetime) -> Change:
        """The change whose text was public when the version was published.

        That is the last change before the publication instant; a file first committed on or
        after it (a version added late, an import) was published by the commit that added it,
        and one deleted at that instant by the commit that brought it back.
        """
        present = [c for c in self.changes if c.status != "D"]
        before = [c for c in self.changes if c.commit.committed < published_at]
        if before and before[-1].status != "D":
            return before[-1]
        after = [c for c in present if c.commit.committed >= published_at]
        return after[0] if after else present[-1]


@dataclass(frozen=True, slots=True)
class VersionProvenance:
    """What the version and history pages show as "first published" and "last edited"."""

    first: Commit  # the earliest commit among the version's files
    last: Commit  # the latest commit among them
    files: tuple[tuple[str, FileHistory], ...]  # (lang, history), authoritative first


class History:
    """The history of `content/` in one repository, keyed by path relative to the site root."""

    def __init__(self, repo_dir: Path, prefix: str, files: dict[str, FileHistory]) -> None:
        self.repo_dir = repo_dir
        self.prefix = prefix  # the site root relative to the repository's top level, "" or "x/"
        self._files = files

    def file(self, path: str) -> FileHistory | None:
        """History of a file that exists at HEAD, `path` relative to the site root."""
        history = self._files.get(path)
        return history if history is not None and not history.removed else None

    def paths(self) -> Iterator[str]:
        """Files that exist at HEAD."""
        yield from sorted(p for p, h in self._files.items() if not h.removed)

    def files(self) -> Iterator[FileHistory]:
        """Every file ever committed under content/, under its latest name."""
        yield from (h for _, h in sorted(self._files.items()))

    def removed(self) -> Iterator[FileHistory]:
        """Files deleted since (their last change is the deletion)."""
        yield from (h for _, h in sorted(self._files.items()) if h.removed)

    def version(self, version: Version) -> VersionProvenance | None:
        found = [(t.lang, self.file(t.path)) for t in version.texts]
        files = [(lang, history) for lang, history in found if history is not None]
        if not files:
            return None
        commits = [h.first for _, h in files] + [h.last for _, h in files]
        by_time = sorted(commits, key=lambda c: (c.committed, c.sha))
        return VersionProvenance(by_time[0], by_time[-1], tuple(files))

    def blob(self, sha: str, path: str) -> bytes:
        """The bytes of a file as it was in a commit (`path` relative to the site root)."""
        import git

        with git.Repo(self.repo_dir) as repo:
            data: bytes = repo.commit(sha).tree[self.prefix + path].data_stream.read()
        return data

    def text_at(self, change: Change) -> bytes:
        return self.blob(change.commit.sha, change.path)


class HistoryUnavailable(KaiteiError):
    """The site root has no usable git history; the diagnostic says why and what to do."""

    def __init__(self, root: Path, message: str, hint: str, code: str) -> None:
        self.code = code
        super().__init__([Diagnostic(str(root), 1, 1, message, hint, "error", code)])


def _commit(header: str) -> Commit:
    sha, author, email, authored, committed, subject = header.split(_FS, 5)
    return Commit(
        sha,
        author,
        email,
        dt.datetime.fromisoformat(authored),
        dt.datetime.fromisoformat(committed),
        subject,
    )


def parse_log(output: str, prefix: str = "") -> dict[str, FileHistory]:
    """Turn `git log --reverse --name-status -M` output (our format) into file histories.

    Paths outside `prefix` are dropped and the prefix is removed from the rest. A deleted file
    keeps its history, ending in "D". A file re-created at a path (re-added, or renamed onto
    it) continues that path's history: deleting a published text and adding an edited one
    must not pass for a new publication.
    """
    files: dict[str, list[tuple[int, Change]]] = {}
    seq = 0
    for record in output.split(_RS):
        if not record.strip():
            continue
        header, _, body = record.partition("\n")
        commit = _commit(header.strip("\n"))
        for line in body.splitlines():
            fields = line.split("\t")
            if len(fields) < 2 or not fields[0]:
                continue
            seq += 1
            status = fields[0][0]
            paths = [_strip(p, prefix) for p in fields[1:]]
            if status in "RC" and len(paths) == 2:
                old, new = paths
                if new is None:
                    continue
                # A copy keeps the old file; a rename carries its history to the new name.
                if old is None:
                    carried = []
                elif status == "R":
                    carried = files.pop(old, [])
                else:
                    carried = list(files.get(old, []))
                merged = sorted([*files.get(new, []), *carried], key=lambda entry: entry[0])
                files[new] = [*merged, (seq, Change(commit, status, new, old))]
                continue
            path = paths[0]
            if path is not None:
                files.setdefault(path, []).append((seq, Change(commit, status, path)))
    return {
        path: FileHistory(path, tuple(change for _, change in entries))
        for path, entries in sorted(files.items())
    }


def _strip(path: str, prefix: str) -> str | None:
    if path.startswith('"'):
        return None  # quoted: a name with unusual characters, never a content file of ours
    return path[len(prefix) :] if path.startswith(prefix) else None


def read_history(root: Path) -> History:
    """Read the history of `root/content` in one `git log`; raise HistoryUnavailable if none."""
    root = root.resolve()
    head = _head(root)
    return _read_history(root, head)


def _head(root: Path) -> str:
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise HistoryUnavailable(
            root,
            f"{root} is not in a git repository, so kaitei cannot read who changed what, "
            "nor check that published versions are unchanged",
            "run kaitei in a clone of the site repository (git clone, not a downloaded zip); "
            "on GitHub Actions use actions/checkout with 'fetch-depth: 0'",
            "history-missing",
        ) from None
    with repo:
        if repo.git.rev_parse("--is-shallow-repository").strip() == "true":
            raise HistoryUnavailable(
                root,
                "this is a shallow clone: the history before its last commit is missing",
                FETCH_HINT,
                "history-shallow",
            )
        try:
            return str(repo.head.commit.hexsha)
        except ValueError:
            return ""  # no commits yet: an empty history, not an error


def log(repo: git.Repo, *args: str) -> str:
    """`git log` with our format, unaffected by the user's configuration (colour, signatures,
    quoted non-ASCII paths)."""
    output: str = repo.git(c="core.quotePath=false").log(
        "--no-color", "--no-show-signature", f"--format={_FORMAT}", *args
    )
    return output


@functools.lru_cache(maxsize=8)
def _read_history(root: Path, head: str) -> History:
    # Keyed by HEAD so that check and build in one process share one pass over the log.
    import git

    with git.Repo(root, search_parent_directories=True) as repo:
        top = Path(repo.working_tree_dir or root).resolve()
        rel = root.relative_to(top).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if not head:
            return History(top, prefix, {})
        output = log(
            repo,
            "--reverse",
            # The history of the main line: a change merged from a branch counts from the
            # merge, not from when it was written on the branch (an edit made before a
            # publication and merged after it changed the published text).
            "--first-parent",
            "--diff-merges=first-parent",
            "--name-status",
            "-M",
            "HEAD",
            "--",
            f"{prefix}content",
        )
    return History(top, prefix, parse_log(output, prefix))


def history_or_none(root: Path) -> History | None:
    """For pages: the history when there is one; a build without git still works."""
    try:
        return read_history(root)
    except HistoryUnavailable:
        return None


CACHE_KEY = "kaitei.provenance"  # BuildContext.cache: the History (or None) of this build


def for_build(ctx: BuildContext) -> History | None:
    """The history for page generators, read once per build; None without git."""
    if CACHE_KEY not in ctx.cache:
        ctx.cache[CACHE_KEY] = history_or_none(Path(ctx.root))
    history: History | None = ctx.cache[CACHE_KEY]
    return history

"""`kaitei import DOC --from-git FILE --lang L`: adopt a policy whose history is one file in git.

One `git log --follow` over the file gives every commit that changed it. By default a new
version starts at each commit that changed the file's date lines ("2020 年 10 月 1 日 改定",
"Revised: 1 October 2020", "Last updated: …"): the commits in between are drafts of that
version, and the last of them is its text. With `--every-commit`, each commit is a version
effective on its author date. The front matter is filled from the commits and the text, with
a comment naming the commit, so the record of where each version came from stays in git.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..frontmatter import split_front_matter
from ..parse import _EN_DATE, _JA_DATE, _english_date
from ..provenance import _RS, Commit, HistoryUnavailable, _commit, _head, log

# Besides the closing-line forms kaitei reads, English policies often carry one of these.
_UPDATED = re.compile(
    r"^\W*(?:last\s+(?:updated|modified|revised)|effective(?:\s+date)?|updated)\s*(?:on)?\s*:?"
    r"\s*(?P<date>.+?)\W*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    commit: Commit
    text: str  # the file at this commit, BOM and CR removed
    date_lines: tuple[str, ...]  # the lines that carry a date, as written
    date: dt.date | None  # the latest date they give


@dataclass(frozen=True, slots=True)
class ImportedVersion:
    effective: dt.date
    snapshot: Snapshot  # the text of the version: its last commit
    commits: tuple[Commit, ...]  # every commit folded into it, oldest first


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("import", help="adopt a policy's history from one file in git")
    parser.add_argument("doc", metavar="DOC", help="the new document's id (its folder name)")
    parser.add_argument("--from-git", required=True, type=Path, metavar="FILE")
    parser.add_argument("--lang", required=True, metavar="L", help="the file's language")
    parser.add_argument(
        "--every-commit", action="store_true", help="one version per commit, not per date line"
    )
    parser.add_argument("--timezone", default="Asia/Tokyo", help="the document's time zone")
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def dated_lines(text: str) -> tuple[tuple[str, ...], dt.date | None]:
    """The lines that carry a date, and the latest date; front matter's `effective` prevails."""
    front, _, body, _ = split_front_matter(text)
    declared = _front_effective(front)
    if declared is not None:
        return (f"effective: {declared.isoformat()}",), declared
    lines: list[str] = []
    dates: list[dt.date] = []
    for raw in body.split("\n"):
        line = raw.strip()
        ja = _JA_DATE.search(line)
        if ja:
            try:
                dates.append(dt.date(int(ja["y"]), int(ja["m"]), int(ja["d"])))
            except ValueError:
                continue
            lines.append(line)
            continue
        match = _EN_DATE.match(line) or _UPDATED.match(line)
        when = _english_date(match["date"]) if match else None
        if when is not None:
            dates.append(when)
            lines.append(line)
    return tuple(lines), max(dates) if dates else None


def _front_effective(front: str | None) -> dt.date | None:
    if front is None:
        return None
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return None
    value = data.get("effective") if isinstance(data, dict) else None
    return value if isinstance(value, dt.date) else None


def decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def group_versions(
    snapshots: list[Snapshot], every_commit: bool, timezone: str
) -> list[ImportedVersion]:
    """Fold commits into versions (see the module's docstring); later texts win a date."""
    zone = ZoneInfo(timezone)
    groups: list[list[Snapshot]] = []
    for snap in snapshots:
        starts = every_commit or not groups or snap.date_lines != groups[-1][-1].date_lines
        if starts:
            groups.append([snap])
        else:
            groups[-1].append(snap)
    by_date: dict[dt.date, ImportedVersion] = {}
    for group in groups:
        last = group[-1]
        effective = (
            last.date
            if last.date is not None and not every_commit
            else last.commit.authored.astimezone(zone).date()
        )
        earlier = by_date.get(effective)
        commits = (earlier.commits if earlier else ()) + tuple(s.commit for s in group)
        by_date[effective] = ImportedVersion(effective, last, commits)
    return [by_date[d] for d in sorted(by_date)]


def version_file(version: ImportedVersion, first: bool, timezone: str) -> str:
    commit = version.snapshot.commit
    subjects = list(dict.fromkeys(c.subject for c in version.commits if c.subject))
    # The commit that first carried the new date is when the revision became public.
    shown = version.commits[0].authored.astimezone(ZoneInfo(timezone)).date()
    meta: dict[str, object] = {"effective": version.effective}
    if not first and shown <= version.effective:
        meta["announced"] = shown
    meta |= {
        "change": "editorial" if first else "notice",
        # The commit that changed the date line is the one that says what the revision is.
        "summary": subjects[0] if subjects and not first else "",
        "changes": subjects,
    }
    header = (
        f"# Imported by kaitei from commit {commit.sha} ({commit.author}, "
        f"{commit.authored.date().isoformat()}).\n"
        + (
            ""
            if first
            else "# Review 'change' (editorial | notice | consent), 'summary' and 'announced'"
            " (taken from the first commit with this date).\n"
        )
    )
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    _, _, body, _ = split_front_matter(version.snapshot.text)
    return "---\n" + header + front + "---\n\n" + body.lstrip("\n")


def read_snapshots(file: Path) -> tuple[list[Snapshot], list[str]]:
    """Every commit's text of `file`, oldest first, with problems (not UTF-8, …)."""
    import git

    folder = file.parent if file.parent.exists() else Path(".")
    _head(folder)  # a shallow clone or no repository: HistoryUnavailable with the fix
    snapshots: list[Snapshot] = []
    problems: list[str] = []
    with git.Repo(folder, search_parent_directories=True) as repo:
        top = Path(repo.working_tree_dir or folder).resolve()
        rel = file.resolve().relative_to(top).as_posix()
        # --follow does not combine with --reverse: read newest first and turn it round.
        output = log(repo, "--follow", "--name-status", "HEAD", "--", rel)
        for record in reversed([r for r in output.split(_RS) if r.strip()]):
            header, _, body = record.partition("\n")
            commit = _commit(header.strip("\n"))
            entries = [line.split("\t") for line in body.splitlines() if "\t" in line]
            if not entries or entries[-1][0].startswith("D"):
                continue
            path = entries[-1][-1]
            text = decode(repo.commit(commit.sha).tree[path].data_stream.read())
            if text is None:
                problems.append(f"{path} at commit {commit.short} is not UTF-8: skipped")
                continue
            if snapshots and snapshots[-1].text == text:
                continue  # a rename or a line-ending change: nothing a reader would see
            lines, date = dated_lines(text)
            snapshots.append(Snapshot(commit, text, lines, date))
    return snapshots, problems


def _error(message: str, hint: str) -> int:
    print(f"kaitei import: error: {message}\n  hint: {hint}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    file: Path = args.from_git
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", args.doc):
        return _error(f"{args.doc!r} is not a document id", "use lower-case letters, digits, -")
    if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", args.lang):
        return _error(f"{args.lang!r} is not a language code", "e.g. ja or en")
    try:
        snapshots, problems = read_snapshots(file)
    except HistoryUnavailable as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return 1
    except ValueError as error:
        return _error(f"{file} is not inside a git work tree: {error}", "give the file's path")
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not snapshots:
        return _error(f"git has no history of {file}", "commit the file first, or check the path")
    versions = group_versions(snapshots, args.every_commit, args.timezone)
    doc_dir = args.root / "content" / args.doc
    targets = [doc_dir / v.effective.isoformat() / f"{args.lang}.md" for v in versions]
    existing = [t for t in targets if t.exists()]
    if existing:
        return _error(
            f"{existing[0]} already exists ({len(existing)} version file(s) would be replaced)",
            "import into a new document id, or move the existing versions away",
        )
    for index, (version, target) in enumerate(zip(versions, targets, strict=True)):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(version_file(version, index == 0, args.timezone), encoding="utf-8")
        print(f"created {target} from {len(version.commits)} commit(s)")
    settings = doc_dir / "document.yml"
    if not settings.exists():
        title = next(
            (
                line[2:].strip()
                for line in versions[-1].snapshot.text.split("\n")
                if line[:2] == "# "
            ),
            args.doc,
        )
        data = {
            "titles": {args.lang: title},
            "authoritative": args.lang,
            "languages": [args.lang],
            "timezone": args.timezone,
        }
        settings.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        print(f"created {settings}")
    print(
        f"{len(versions)} version(s) from {len(snapshots)} commit(s); next: kaitei check, "
        "then review each version's 'change' and 'summary'"
    )
    return 0

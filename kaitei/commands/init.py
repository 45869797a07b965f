"""`kaitei init [DIR]`: start a site repository that builds, checks and publishes as shipped.

The files come from kaitei/scaffold/ (stored without leading dots, so that packaging and
editors do not hide them). Nothing is overwritten: if any target exists, nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from importlib import metadata, resources
from pathlib import Path

from ..clock import as_of

# (file in kaitei/scaffold, where it goes); VERSION in a path is the starter's effective date.
FILES = (
    ("mkdocs.yml", "mkdocs.yml"),
    ("requirements.txt", "requirements.txt"),
    ("README.md", "README.md"),
    ("gitignore", ".gitignore"),
    ("gitattributes", ".gitattributes"),
    ("docs/gitkeep", "docs/.gitkeep"),
    ("github/workflows/check.yml", ".github/workflows/check.yml"),
    ("github/workflows/publish.yml", ".github/workflows/publish.yml"),
    ("content/privacy/document.yml", "content/privacy/document.yml"),
    ("content/privacy/VERSION/ja.md", "content/privacy/VERSION/ja.md"),
    ("content/privacy/VERSION/en.md", "content/privacy/VERSION/en.md"),
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("init", help="start a new site repository")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="the starter version's effective date"
    )
    parser.set_defaults(run=run)


def kaitei_version() -> str:
    try:
        return metadata.version("kaitei")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def scaffold_text(name: str) -> str:
    return resources.files("kaitei").joinpath("scaffold", name).read_text("utf-8")


def render(text: str, effective: dt.date) -> str:
    """Fill the scaffold's placeholders (plain words, so the files stay valid YAML/Markdown)."""
    return (
        text.replace("KAITEI_VERSION", kaitei_version())
        .replace("JA_DATE", f"{effective.year} 年 {effective.month} 月 {effective.day} 日")
        .replace("EN_DATE", f"{effective.day} {_MONTHS[effective.month - 1]} {effective.year}")
        .replace("effective: VERSION", f"effective: {effective.isoformat()}")
    )


def plan(target: Path, effective: dt.date) -> list[tuple[Path, str]]:
    return [
        (
            target / dest.replace("VERSION", effective.isoformat()),
            render(scaffold_text(src), effective),
        )
        for src, dest in FILES
    ]


def run(args: argparse.Namespace) -> int:
    target: Path = args.dir
    if target.exists() and not target.is_dir():
        print(f"kaitei init: error: {target} is a file, not a folder", file=sys.stderr)
        return 2
    effective = as_of(args.as_of, "Asia/Tokyo")
    files = plan(target, effective)
    existing = [path for path, _ in files if path.exists()]
    if existing:
        for path in existing:
            print(f"kaitei init: {path} already exists", file=sys.stderr)
        print(
            "kaitei init: error: nothing was written; run it in an empty folder, or move "
            "these files away first",
            file=sys.stderr,
        )
        return 1
    for path, content in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        print(f"created {path}")
    print(
        "next: git init, commit, push to GitHub, set Settings → Pages → Source to "
        "'GitHub Actions', and add the secrets listed in README.md"
    )
    return 0

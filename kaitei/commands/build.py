"""`kaitei build`: check the content, then write build/site/ (same bytes as `mkdocs build`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cache import ONE_SHOT_MEMORY, open_cache, session
from ..site.build import build


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "build",
        help="build the site into build/site/",
        description="Build the site. The as-of date decides which version is current: "
        "--as-of, else $KAITEI_AS_OF, else $SOURCE_DATE_EPOCH, else today in the "
        "document's time zone.",
    )
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="build as of this date")
    parser.add_argument("--strict", action="store_true", help="warnings fail the build too")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore and leave alone .kaitei-cache/ (and so build even when nothing changed)",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.add_argument("--site-dir", type=Path, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The cache keeps what this build used and drops the rest (kaitei.cache).
    with session(
        None if args.no_cache else open_cache(args.root, memory_limit=ONE_SHOT_MEMORY), prune=True
    ):
        result = build(args.root, args.as_of, args.strict, args.site_dir)
    for diagnostic in result.diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    if result.up_to_date:
        # The record of the last build matched every input and every file: nothing written.
        print(
            f"{result.site_dir} is up to date: {result.files} files (as of {result.as_of}); "
            "nothing changed since the last build"
        )
    else:
        print(f"built {result.files} files into {result.site_dir} (as of {result.as_of})")
    return 0

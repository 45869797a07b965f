"""`kaitei check`: load every document and version, print every problem, exit 0/1/2."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cache import ONE_SHOT_MEMORY, open_cache, session
from ..check import check_site
from ..diagnostics import to_json
from ..loadpool import available_cores
from ..site.build import read_config, resolve_as_of
from ..site.siteurl import site_url_problems


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="check the content; exit 1 on problems")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date to check against")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument(
        "--no-cache", action="store_true", help="ignore and leave alone .kaitei-cache/"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The build's clock: --as-of, $KAITEI_AS_OF, SOURCE_DATE_EPOCH, else today in the
    # document's time zone (what is "published" depends on it).
    as_of = resolve_as_of(args.root, args.as_of)
    # A check uses a part of what a build uses: it reads and adds entries, never prunes.
    with session(None if args.no_cache else open_cache(args.root, memory_limit=ONE_SHOT_MEMORY)):
        _, diagnostics = check_site(args.root, as_of, args.strict, workers=available_cores())
    diagnostics = sorted(
        [*diagnostics, *site_url_problems(args.root, read_config(args.root).base_url)]
    )
    if args.format == "json":
        print(to_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            print(diagnostic.format())
            print()
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = sum(d.severity == "warning" for d in diagnostics)
        notes = len(diagnostics) - errors - warnings
        summary = f"{errors} error(s), {warnings} warning(s)" + (
            f", {notes} note(s)" if notes else ""
        )
        print(summary if diagnostics else "no problems found")
    failing = [d for d in diagnostics if d.fails(args.strict)]
    return 1 if failing else 0

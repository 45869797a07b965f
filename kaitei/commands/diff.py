"""`kaitei diff DOC OLD NEW`: what changed between two versions, for a terminal, a PR or a tool."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diagnostics import Collector
from ..diff.changeset import changeset
from ..diffout.html import render_redline, render_table
from ..diffout.json import render_json
from ..diffout.markdown import render_markdown
from ..diffout.text import render_text
from ..load import load_site

FORMATS = ("text", "markdown", "json", "html")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("diff", help="show what changed between two versions")
    parser.add_argument("doc", metavar="DOC", help="document id (its folder under content/)")
    parser.add_argument("old", metavar="OLD", help="older version (YYYY-MM-DD)")
    parser.add_argument("new", metavar="NEW", help="newer version (YYYY-MM-DD)")
    parser.add_argument("--lang", help="language (default: the authoritative one)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument(
        "--color", action="store_true", help="color the text output even when not a terminal"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def _usage_error(message: str, hint: str) -> int:
    print(f"kaitei diff: error: {message}\n  hint: {hint}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    out = Collector()
    site = load_site(args.root, out)
    document = site.document(args.doc)
    if document is None:
        known = ", ".join(d.id for d in site.documents) or "(none)"
        return _usage_error(f"there is no document {args.doc!r}", f"documents: {known}")
    versions = [v.id for v in document.versions]
    for version in (args.old, args.new):
        if version not in versions:
            return _usage_error(
                f"{document.id} has no version {version!r}",
                f"versions of {document.id}: {', '.join(versions) or '(none)'}",
            )
    lang = args.lang or document.settings.authoritative
    old, new = document.version(args.old), document.version(args.new)
    assert old is not None and new is not None
    if lang not in old.languages or lang not in new.languages:
        common = [code for code in old.languages if code in new.languages]
        return _usage_error(
            f"{document.id} {args.old} and {args.new} are not both available in {lang!r}",
            f"languages of both versions: {', '.join(common) or '(none)'}",
        )
    if out.errors:
        print(
            f"kaitei diff: warning: the content has {len(out.errors)} problem(s); "
            "run `kaitei check` (the diff below may be incomplete)",
            file=sys.stderr,
        )
    changes = changeset(document, args.old, args.new, lang)
    if args.format == "json":
        sys.stdout.write(render_json(changes))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(changes))
    elif args.format == "html":
        layout = document.settings.diff_layout
        sys.stdout.write(render_table(changes, layout) + render_redline(changes))
    else:
        color = args.color or sys.stdout.isatty()
        sys.stdout.write(render_text(changes, color=color))
    return 0

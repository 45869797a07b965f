"""`kaitei new DOC VERSION`: start the next version from the latest one.

Every language's text is copied unchanged, so the first `kaitei diff` shows exactly what the
editor then changes. The front matter is reset to the fields an editor fills in, and a
revision line for the new date is added after the closing lines when their pattern is
recognised ("2020 年 10 月 1 日 改定", "Revised: 1 October 2020").
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from ..clock import ClockError, parse_date
from ..diagnostics import Collector
from ..frontmatter import split_front_matter
from ..load import load_site
from ..model import Document, LanguageText

# The parser's own closing-line patterns: a line kaitei reads as dated is a line we can redate.
from ..parse import _EN_DATE, _JA_DATE

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("new", help="start the next version from the latest one")
    parser.add_argument("doc", metavar="DOC", help="document id (its folder under content/)")
    parser.add_argument("version", metavar="VERSION", help="the new effective date, YYYY-MM-DD")
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def _number(value: int, like: str) -> str:
    """Write `value` with the digits `like` used (full-width digits stay full-width)."""
    text = str(value)
    return text.translate(_FULL_WIDTH) if like and not like.isascii() else text


def redate_line(line: str, date: dt.date) -> str | None:
    """A revision line for `date` written like `line`, or None if the pattern is unknown."""
    match = _JA_DATE.search(line)
    if match:
        parts, position = [], 0
        for group, value in (("y", date.year), ("m", date.month), ("d", date.day)):
            parts += [line[position : match.start(group)], _number(value, match[group])]
            position = match.end(group)
        parts += [line[position : match.start("kind")], "改定", line[match.end("kind") :]]
        return "".join(parts)
    match = _EN_DATE.match(line.strip())
    if not match:
        return None
    stripped = line.strip()
    old_date = match["date"].strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", old_date):
        new_date = date.isoformat()
    elif old_date[:1].isdigit():
        new_date = f"{date.day} {_MONTH_NAMES[date.month - 1]} {date.year}"
    else:
        new_date = f"{_MONTH_NAMES[date.month - 1]} {date.day}, {date.year}"
    kind = match["kind"]
    new_kind = "Revised" if kind.lower() == "enacted" else kind
    if kind.isupper():
        new_kind = new_kind.upper()
    head = stripped[: match.start("date")].replace(kind, new_kind, 1)
    tail = stripped[match.end("date") :]
    return line[: len(line) - len(line.lstrip())] + head + new_date + tail


def front_matter(text: LanguageText, date: dt.date, document: Document) -> str:
    authoritative = text.lang == document.settings.authoritative
    days = document.settings.notice_period_days
    suggested = date - dt.timedelta(days=days)
    lines = ["---", f"effective: {date.isoformat()}"]
    if authoritative:
        lines += [
            f"# announced: {suggested.isoformat()}  # the day the change is announced; notice "
            f"and consent changes need {days} days",
            "# change: notice  # fill in: editorial | notice | consent",
        ]
    lines += [
        "summary: # fill in: what changed, in one or two sentences in this file's language",
        "changes: [] # fill in: the main changes, one '- ' line each",
        "---",
    ]
    return "\n".join(lines)


def next_text(text: LanguageText, date: dt.date, document: Document) -> tuple[str, bool]:
    """The new file's content, and whether a revision line was added."""
    _, _, _, body_line = split_front_matter(text.source)
    lines = text.source.split("\n")
    body = lines[body_line - 1 :]
    dated = [c for c in text.closing if c.date is not None]
    added = False
    if dated:
        last = dated[-1].text.span
        line_index = (last.end_line or last.line) - body_line  # index into `body`
        if 0 <= line_index < len(body):
            new_line = redate_line(body[line_index], date)
            if new_line is not None:
                body.insert(line_index + 1, new_line)
                added = True
    return front_matter(text, date, document) + "\n" + "\n".join(body), added


def _error(message: str, hint: str) -> int:
    print(f"kaitei new: error: {message}\n  hint: {hint}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    try:
        date = parse_date(args.version)
    except ClockError as error:
        return _error(str(error), "the version is its effective date, e.g. 2026-12-01")
    out = Collector()
    site = load_site(root, out)
    document = site.document(args.doc)
    if document is None or not document.versions:
        known = ", ".join(d.id for d in site.documents) or "(none)"
        return _error(f"there is no document {args.doc!r} with a version", f"documents: {known}")
    latest = document.versions[-1]
    folder = root / Path(latest.path).parent / date.isoformat()
    if folder.exists():
        return _error(f"{folder} already exists", "edit it, or choose another date")
    if date <= latest.effective:
        return _error(
            f"{date} is not after the latest version, {latest.id}",
            "a new version takes effect after the latest one",
        )
    folder.mkdir(parents=True)
    for text in latest.texts:
        content, dated = next_text(text, date, document)
        target = folder / f"{text.lang}.md"
        target.write_text(content, encoding="utf-8")
        note = "" if dated else "  (add the revision line to the closing lines yourself)"
        print(f"created {target.relative_to(root)} from {text.path}{note}")
    missing = [lang for lang in document.settings.languages if latest.text(lang) is None]
    for lang in missing:
        print(f"note: {latest.id} has no {lang} text, so none was created")
    print(
        f"next: fill in 'change' and 'summary' in {folder.relative_to(root)}, edit the text, "
        f"then run: kaitei diff {document.id} {latest.id} {date.isoformat()}"
    )
    return 0

"""Published versions do not change: a check run by `kaitei check`.

A version is published once it has been announced (or, without an announced date, once it is
effective) as of the build's clock. From then on its canonical text — what readers read — must
stay what it was at the commit that published it. The only way to change it is an erratum in
the front matter (date, reason, before, after): applying each erratum's before → after to the
published text must give exactly the current text.

The front matter is outside the canonical text, so recording an erratum, or fixing Markdown
layout that readers do not see, is not a change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .check import Changes, CheckOptions, register, register_document_check
from .clock import midnight
from .diagnostics import Collector
from .diff.inline import diff_text, redline_segments
from .model import Document, Erratum, LanguageText, Site, Span, Version, all_texts, canonical_text
from .provenance import Change, History, HistoryUnavailable, read_history

MAX_SHOWN_LINES = 5  # a diagnostic shows the first few changed lines; the rest are counted
CONTEXT = 24  # characters of unchanged text kept on each side of a change


@dataclass(frozen=True, slots=True)
class Published:
    """A version's publication: the date, and the instant the site showed it."""

    date: dt.date
    at: dt.datetime
    by: str  # "announced" or "effective"


def publication(document: Document, version: Version) -> Published:
    authoritative = version.text(document.settings.authoritative) or version.texts[0]
    announced = authoritative.meta.announced
    date, by = (
        (announced, "announced") if announced is not None else (version.effective, "effective")
    )
    return Published(date, midnight(date, document.settings.timezone), by)


def is_published(document: Document, version: Version, as_of: dt.date) -> bool:
    return publication(document, version).date <= as_of


# --- errata ------------------------------------------------------------------------------


def apply_errata(
    published: str, errata: tuple[Erratum, ...]
) -> tuple[str, list[tuple[Erratum, str]]]:
    """Apply each erratum in date order; return the text and the errata that did not apply.

    An erratum applies when its `before` occurs exactly once in the text at that point: the
    correction names one place, so an ambiguous one is refused rather than guessed.
    """
    text = published
    failed: list[tuple[Erratum, str]] = []
    for erratum in sorted(errata, key=lambda e: (e.date, e.span.line)):
        # Overlapping occurrences count too: in 「ええええ」, 「えええ」 names two places.
        count = len(re.findall(f"(?={re.escape(erratum.before)})", text)) if erratum.before else 0
        if count == 1:
            text = text.replace(erratum.before, erratum.after, 1)
        elif count == 0:
            failed.append((erratum, "its 'before' text does not occur in the published text"))
        else:
            failed.append(
                (erratum, f"its 'before' text occurs {count} times in the published text")
            )
    return text, failed


def errata_since_adoption(document: Document, text: LanguageText) -> tuple[Erratum, ...]:
    """The errata to apply to the committed text.

    An imported version's errata dated up to the adoption date record the source's own
    history: the imported text already carries them (kaitei import writes the text as it last
    stood under its date). Errata recorded after adoption apply as for any version.
    """
    adopted = document.settings.imported
    if adopted is None:
        return text.meta.errata
    return tuple(e for e in text.meta.errata if e.date > adopted)


# --- word diff of two canonical texts ----------------------------------------------------


def _shorten(text: str, keep: int, where: str) -> str:
    if len(text) <= 2 * keep:
        return text
    if where == "start":
        return "…" + text[-keep:]
    if where == "end":
        return text[:keep] + "…"
    return text[:keep] + "…" + text[-keep:]


def word_diff_line(old: str, new: str) -> str:
    """One changed line with git's word-diff marks: [-removed-]{+added+}."""
    segments = redline_segments(old, diff_text(old, new))
    parts = []
    for index, (op, text) in enumerate(segments):
        if op == "equal":
            where = "start" if index == 0 else "end" if index == len(segments) - 1 else "mid"
            parts.append(_shorten(text, CONTEXT, where))
        else:
            parts.append(f"[-{text}-]" if op == "delete" else f"{{+{text}+}}")
    return "".join(parts)


def word_diff(old: str, new: str) -> list[str]:
    """The changed lines of two canonical texts, each as a word diff."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    shown: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old_lines[i1:i2], new_lines[j1:j2]
        for k in range(max(len(olds), len(news))):
            before = olds[k] if k < len(olds) else ""
            after = news[k] if k < len(news) else ""
            shown.append(word_diff_line(before, after))
    return shown


# --- the check ---------------------------------------------------------------------------


def parsed_at(history: History, sha: str, path: str, lang: str) -> LanguageText | None:
    """A file as committed, parsed; None if it did not parse then."""
    return parse_bytes(history.blob(sha, path), path, lang)


def parse_bytes(data: bytes, path: str, lang: str) -> LanguageText | None:
    """A version file's bytes (not on disk), parsed as `kaitei check` parses; None if not."""
    from .load import load_language_text

    with tempfile.TemporaryDirectory(prefix="kaitei-") as folder:
        # load.py reads files: give it the committed bytes so BOM, CRLF and parsing rules
        # are exactly those applied to the working tree.
        file = Path(folder) / Path(path).name
        file.write_bytes(data)
        return load_language_text(file, path, lang, Collector())


def canonical_at(history: History, sha: str, path: str, lang: str) -> str | None:
    """The canonical text of a file as committed; None if it no longer parses."""
    parsed = parsed_at(history, sha, path, lang)
    return canonical_text(parsed) if parsed is not None else None


def _changed_span(text: LanguageText, old: str, new: str) -> Span:
    """The source position of the first changed line, for the diagnostic."""
    old_lines = set(old.splitlines())
    for line in new.splitlines():
        if line in old_lines or not line.strip():
            continue
        candidates = [t for t in all_texts(text) if t.plain.strip() and t.plain in line]
        if candidates:
            return max(candidates, key=lambda t: len(t.plain)).span
    return Span(text.path, text.meta.span.line, 1)


@register
def check_published_unchanged(site: Site, out: Collector, options: CheckOptions) -> None:
    """A history that cannot be read, and published versions whose files are gone (the
    published texts themselves: `check_published_texts`, one document at a time)."""
    try:
        history = read_history(options.root)
    except HistoryUnavailable as error:
        if error.code == "history-missing":
            # Not a git work tree (a downloaded copy, a test folder): there is no record to
            # compare with, and `kaitei import`/provenance say so where history is required.
            return
        # A shallow clone is a CI misconfiguration that would hide edits: that fails.
        for diagnostic in error.diagnostics:
            out.add(("content", 1, 1), diagnostic.message, diagnostic.hint, code=error.code)
        return
    check_removed(history, site, options, out)


@register_document_check
def check_published_texts(
    document: Document, out: Collector, options: CheckOptions, changes: Changes
) -> None:
    """Each published text of the document is the text it was published with, but for its
    errata. Without a readable history there is nothing to compare with (the site check
    above says why)."""
    published = [v for v in document.versions if is_published(document, v, options.as_of)]
    if not published:
        return
    try:
        history = read_history(options.root)
    except HistoryUnavailable:
        return
    for version in published:
        when = publication(document, version)
        for text in version.texts:
            check_text(history, document, version, text, when, out)


_VERSION_FILE = re.compile(
    r"^content/(?P<doc>[^/]+)/(?P<version>\d{4}-\d{2}-\d{2})/(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.md$"
)


@dataclass(frozen=True, slots=True)
class Departure:
    """A version file that left its path: deleted, moved elsewhere, or missing on disk."""

    path: str
    before: Change  # its last change at that path: the text that was there
    by: Change | None  # the deletion or rename; None when only the working tree lacks it


def departures(history: History) -> list[Departure]:
    found = []
    for file in history.files():
        changes = file.changes
        for index, change in enumerate(changes[1:], 1):
            old = change.old_path
            if change.status == "R" and old and Path(old).parent != Path(change.path).parent:
                found.append(Departure(old, changes[index - 1], change))
        if file.removed:
            present = [c for c in changes if c.status != "D"]
            found.append(Departure(present[-1].path, present[-1], changes[-1]))
        else:
            found.append(Departure(file.path, changes[-1], None))
    return found


def check_removed(history: History, site: Site, options: CheckOptions, out: Collector) -> None:
    """A published version's file that is gone (deleted, moved, or not on disk) is an error.

    Moving a published version into another folder counts: it would otherwise leave as a
    "rename" into a version that is not published yet, and disappear without a word.
    """
    for gone in departures(history):
        match = _VERSION_FILE.match(gone.path)
        if match is None or (options.root / gone.path).exists():
            continue
        text = parsed_at(history, gone.before.commit.sha, gone.before.path, match["lang"])
        if text is None:
            continue
        document = site.document(match["doc"])
        timezone = document.settings.timezone if document else "UTC"
        date = text.meta.announced or text.meta.effective
        if date > options.as_of:
            continue
        if gone.by is not None and gone.by.commit.committed < midnight(date, timezone):
            continue  # withdrawn or moved before it was ever published
        if gone.by is None:
            how, restore = "is missing from the working tree", "HEAD"
        else:
            verb = f"was moved to {gone.by.path}" if gone.by.status == "R" else "was deleted"
            how = f"{verb} by commit {gone.by.commit.short} ({gone.by.commit.committed.date()})"
            restore = gone.by.commit.sha + "^"
        out.add(
            Span(gone.path, 1, 1),
            f"the published version {match['version']} ({match['lang']}) of "
            f"'{match['doc']}' {how}; it was published on {date}",
            "a published version stays where it is (its date and its links): restore it with "
            f"'git checkout {restore} -- {gone.path}', and make any change in a new version",
            code="published-renamed"
            if gone.by is not None and gone.by.status == "R"
            else "published-removed",
        )


def check_text(
    history: History,
    document: Document,
    version: Version,
    text: LanguageText,
    when: Published,
    out: Collector,
) -> None:
    file = history.file(text.path)
    if file is None:
        return  # never committed: nothing was published from git
    change = file.published_by(when.at)
    where = f"{version.id} ({text.lang})"
    parsed = parsed_at(history, change.commit.sha, change.path, text.lang)
    if parsed is None:
        return  # the committed text did not parse then; the current text is checked as usual
    published, current = canonical_text(parsed), canonical_text(text)
    # Errata the file already recorded when it was published are in its published text (a
    # repository started from corrected files); only the ones recorded since are applied.
    recorded = {(e.date, e.before, e.after) for e in parsed.meta.errata}
    pending = tuple(
        e
        for e in errata_since_adoption(document, text)
        if (e.date, e.before, e.after) not in recorded
    )
    expected, failed = apply_errata(published, pending)
    for erratum, why in failed:
        out.add(
            erratum.span,
            f"the erratum of {erratum.date} does not match the published text of {where}: {why}",
            "copy 'before' exactly from the published text as readers see it (without "
            "Markdown marks such as **), enough words to name one place",
            code="erratum-mismatch",
        )
    if expected == current:
        return
    lines = word_diff(expected, current)
    shown = "\n".join("    " + line for line in lines[:MAX_SHOWN_LINES])
    more = len(lines) - MAX_SHOWN_LINES
    if more > 0:
        shown += f"\n    … and {more} more changed line(s)"
    corrected = " (after applying its errata)" if text.meta.errata else ""
    out.add(
        _changed_span(text, expected, current),
        f"the text of {where} has changed since it was published on {when.date} "
        f"({when.by}; commit {change.commit.short}){corrected}:\n{shown}",
        "a published version must not change: undo the edit and make the change in a new "
        "version (kaitei new), or, to correct an error, record an erratum in the front matter:"
        "\n  errata:\n    - date: YYYY-MM-DD\n      reason: why\n      before: the published "
        "words\n      after: the corrected words",
        code="published-changed",
    )

"""Versions by effective date, with errata and stale translations, from a timeline.

- A version starts at the first main-line commit whose authoritative text carries a new date
  (its date line; the commit's date only when the text has none, and then it says so).
- A later commit that changes a text under the same date is recorded in that version: as
  errata when it is a correction, otherwise as "changed after publication without a new date".
  The version's file holds the text as it last stood under that date, so applying the errata
  to the first published text gives it.
- A translation sits in every version whose time it was present in the source, and names the
  authoritative version it translates: the one in force when it last changed (or the one its
  own date line names). When that is an older version, it is stale.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from ...frontmatter import split_front_matter
from ...provenance import Commit
from .dates import DateLine, text_date
from .errata import canonical, corrections, too_large
from .setaside import SetAside, set_aside
from .walk import Timeline

_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


@dataclass(frozen=True, slots=True)
class Prepared:
    """One committed text, ready to be written: front matter apart, markup set aside."""

    front: dict[str, Any] | None  # the source's own front matter, kept under `source:`
    front_dropped: str  # why the source's front matter could not be kept ("" if kept or none)
    body: str  # the text written after kaitei's front matter
    source_body: str  # the text after the source's front matter, as committed
    set_aside: tuple[SetAside, ...]
    date: DateLine | None
    title: str | None


@dataclass(frozen=True, slots=True)
class ImportedErratum:
    date: dt.date
    commit: Commit
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class LaterChange:
    """A change under an unchanged date that is not recorded as an erratum, and why."""

    commit: Commit
    why: str


@dataclass(frozen=True, slots=True)
class ImportedText:
    lang: str
    text: Prepared  # as it last stood under the version's date
    published: Commit  # the commit that first published it beside this version
    last_change: Commit  # the commit that gave it its final wording
    errata: tuple[ImportedErratum, ...]
    later: tuple[LaterChange, ...]
    translates: str | None  # a translation: the authoritative version it translates


@dataclass(frozen=True, slots=True)
class ImportedVersion:
    effective: dt.date
    dated: DateLine | None  # None: dated by its first commit
    first: Commit
    texts: tuple[ImportedText, ...]  # authoritative first
    earlier_dates: tuple[tuple[Commit, dt.date], ...]  # commits whose date line went back

    @property
    def id(self) -> str:
        return self.effective.isoformat()


@functools.lru_cache(maxsize=4096)
def prepare(text: str) -> Prepared:
    front_text, _, body, body_line = split_front_matter(text)
    front: dict[str, Any] | None = None
    dropped = ""
    if front_text is not None:
        try:
            loaded = yaml.safe_load(front_text)
        except yaml.YAMLError:
            loaded = None
            dropped = "the source's front matter is not valid YAML"
        if isinstance(loaded, dict):
            front = {str(k): v for k, v in loaded.items()}
        elif loaded is not None and not dropped:
            dropped = "the source's front matter is not a mapping of keys to values"
    written, removed = set_aside(body, body_line)
    return Prepared(
        front,
        dropped,
        written.lstrip("\n"),
        body,
        removed,
        text_date(front_text, body, body_line),
        _title(front, written),
    )


def _title(front: dict[str, Any] | None, body: str) -> str | None:
    """The front matter's `title:`, else the H1 (ATX or setext), else the first heading."""
    if front and isinstance(front.get("title"), str) and front["title"].strip():
        return str(front["title"]).strip()
    lines = body.split("\n")
    first_heading = None
    for index, line in enumerate(lines):
        h1 = _ATX_H1.match(line)
        if h1:
            return h1[1]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and _SETEXT.match(following) and following.startswith("="):
            return line.strip()
        if first_heading is None:
            heading = _HEADING.match(line)
            if heading:
                first_heading = heading[1]
            elif line.strip() and _SETEXT.match(following):
                first_heading = line.strip()
    return first_heading


def _plain_title(title: str) -> str:
    return re.sub(r"[*_`]|\\(?=\S)", "", title).strip()


def titles(versions: list[ImportedVersion]) -> dict[str, str]:
    """Each language's title, from its latest text."""
    found: dict[str, str] = {}
    for version in versions:
        for text in version.texts:
            if text.text.title:
                found[text.lang] = _plain_title(text.text.title)
    return found


def build_versions(
    timeline: Timeline, authoritative: str, timezone: str, every_commit: bool = False
) -> list[ImportedVersion]:
    zone = ZoneInfo(timezone)
    steps = timeline.steps

    def day(commit: Commit) -> dt.date:
        return commit.committed.astimezone(zone).date()

    # 1. Where each version starts, by the authoritative text's own date.
    starts: list[tuple[dt.date, int, DateLine | None]] = []
    went_back: dict[int, list[tuple[Commit, dt.date]]] = {}
    for index, step in enumerate(steps):
        text = step.texts.get(authoritative)
        if authoritative not in step.changed or text is None:
            continue
        prepared = prepare(text)
        dated = None if every_commit else prepared.date
        effective = dated.date if dated is not None else day(step.commit)
        if not starts or effective > starts[-1][0]:
            starts.append((effective, index, dated))
        elif effective < starts[-1][0]:
            went_back.setdefault(len(starts) - 1, []).append((step.commit, effective))
    bounds = [first for _, first, _ in starts] + [len(steps)]
    # 2. The version each step belongs to, for "which version does a translation translate".
    owner = [0] * len(steps)
    for number in range(len(starts)):
        for index in range(bounds[number], bounds[number + 1]):
            owner[index] = number
    ids = [effective.isoformat() for effective, _, _ in starts]
    others = {lang for step in steps for lang in step.texts} - {authoritative}
    languages = [authoritative, *sorted(others)]
    versions = []
    for number, (effective, first, dated) in enumerate(starts):
        texts = []
        for lang in languages:
            imported = _text_in(
                timeline, lang, first, bounds[number + 1], zone, lang == authoritative
            )
            if imported is None:
                continue
            if lang != authoritative:
                imported = _with_translates(imported, ids, owner, number, steps, lang)
            texts.append(imported)
        versions.append(
            ImportedVersion(
                effective,
                dated,
                steps[first].commit,
                tuple(texts),
                tuple(went_back.get(number, [])),
            )
        )
    return versions


def _text_in(
    timeline: Timeline, lang: str, first: int, end: int, zone: ZoneInfo, authoritative: bool
) -> ImportedText | None:
    """One language's text over a version's steps, with errata for its later changes."""
    steps = timeline.steps
    states: list[tuple[int, str]] = []
    for index in range(first, end):
        text = steps[index].texts.get(lang)
        if text is not None and (not states or states[-1][1] != text):
            states.append((index, text))
    if not states:
        return None
    published_index, published = states[0]
    errata: list[ImportedErratum] = []
    later: list[LaterChange] = []
    previous = prepare(published)
    for index, text in states[1:]:
        current = prepare(text)
        commit = steps[index].commit
        if too_large(previous.body, current.body):
            # Judged on the Markdown first: parsing both texts for a rewrite is wasted work.
            later.append(LaterChange(commit, "too large for an erratum"))
            previous = current
            continue
        old, new = canonical(_for_parse(previous), lang), canonical(_for_parse(current), lang)
        if old is None or new is None:
            later.append(LaterChange(commit, "the text does not parse, so no erratum was made"))
        elif old == new:
            later.append(LaterChange(commit, "changed only Markdown layout or link targets"))
        else:
            found = corrections(old, new)
            if found is None:
                later.append(LaterChange(commit, "too large for an erratum"))
            else:
                when = commit.committed.astimezone(zone).date()
                errata += [ImportedErratum(when, commit, c.before, c.after) for c in found]
        previous = current
    # The commit that last changed this language's text, even before the version began.
    last_index = states[-1][0]
    if len(states) == 1:
        while last_index > 0 and lang not in steps[last_index].changed:
            last_index -= 1
    return ImportedText(
        lang,
        prepare(states[-1][1]),
        steps[published_index].commit,
        steps[last_index].commit,
        tuple(errata),
        tuple(later),
        None,
    )


def _for_parse(prepared: Prepared) -> str:
    # Any valid front matter: only the body's canonical text is compared.
    return "---\neffective: 2000-01-01\nchange: editorial\n---\n" + prepared.body


def _with_translates(
    text: ImportedText, ids: list[str], owner: list[int], number: int, steps: Any, lang: str
) -> ImportedText:
    dated = text.text.date
    if dated is not None and dated.date.isoformat() in ids[: number + 1]:
        translates = dated.date.isoformat()
    else:
        index = next((i for i, step in enumerate(steps) if step.commit == text.last_change), 0)
        translates = ids[min(owner[index], number)]
    return ImportedText(
        text.lang,
        text.text,
        text.published,
        text.last_change,
        text.errata,
        text.later,
        translates,
    )

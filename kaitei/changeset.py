"""The ChangeSet: what changed between two versions of a document in one language.

A typed table every output (terminal, Markdown, JSON, 新旧対照表, redline, notices) is a
pure function of. Each `Pair` joins a unit of the old version with its counterpart in the new
one and says how it changed:

- unchanged: same number, same text, same children;
- renumbered: only numbers differ, its own or those of references that follow a renumbering
  (2017's 第8条 is 2020's 第9条, or a reference to 第8条 became 第9条);
- changed: the wording differs (its own text, heading or anything inside it);
- added / removed: no counterpart;
- moved: paired out of order (the unit changed place among its siblings).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

from .align import Level, Match, Unit, UnitCache, align_texts
from .inline import InlineEdit, diff_text
from .model import CrossRef, Document, LanguageText, Span

Kind = Literal["unchanged", "changed", "added", "removed", "moved", "renumbered"]
KINDS: tuple[Kind, ...] = ("unchanged", "changed", "added", "removed", "moved", "renumbered")


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a pair: the unit as it stands in its version."""

    id: str
    number: str  # comparable ("9", "4_2", "(3)"); "" when unnumbered
    label: str  # as displayed ("第9条", "2", "(3)")
    heading: str  # articles only
    text: str  # the unit's own text
    span: Span


@dataclass(frozen=True, slots=True)
class Pair:
    level: Level
    kind: Kind
    old: Side | None
    new: Side | None
    edits: tuple[InlineEdit, ...] = ()  # in `text`
    heading_edits: tuple[InlineEdit, ...] = ()  # in `heading` (articles)
    children: tuple[Pair, ...] = ()
    number_changed: bool = False
    wording_changed: bool = False  # own text or heading, ignoring consequential edits
    # Languages in which the counterpart of this unit did not change (see `changeset`).
    unchanged_in: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        side = self.new or self.old
        assert side is not None
        return side.id

    @property
    def key(self) -> tuple[str, str]:
        return (self.old.id if self.old else "", self.new.id if self.new else "")

    def walk(self) -> Iterator[Pair]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class ChangeSet:
    doc: str
    lang: str
    old_version: str
    new_version: str
    pairs: tuple[Pair, ...]  # top level (title, preamble, articles, closing lines), new order

    def walk(self) -> Iterator[Pair]:
        for pair in self.pairs:
            yield from pair.walk()

    @property
    def changed(self) -> bool:
        return any(p.kind != "unchanged" for p in self.pairs)

    def counts(self) -> dict[str, int]:
        """Article-level counts per kind (what a summary line shows)."""
        counts: dict[str, int] = dict.fromkeys(KINDS, 0)
        for pair in self.pairs:
            if pair.level == "article":
                counts[pair.kind] += 1
        return counts


class UnknownVersion(LookupError):
    """A version or language the document does not have (the CLI turns it into a message)."""


# --- building --------------------------------------------------------------------------------


def _side(unit: Unit) -> Side:
    return Side(unit.id, unit.number, unit.label, unit.heading, unit.text, unit.span)


class DiffCache:
    """What the diffs of one build (or of one check) share; its owner drops it after the run.

    A version is diffed against its predecessor, its successor and the version in force: its
    texts' units (align.UnitCache) and the Sides made from them are built once, not once per
    diff. Sides are immutable, so ChangeSets may share them; fewer objects also means less
    time in the garbage collector.
    """

    def __init__(self) -> None:
        self.units = UnitCache()
        self._sides: dict[int, tuple[Unit, Side]] = {}

    def side(self, unit: Unit) -> Side:
        # Keyed by the unit object, which the entry holds so that its id is not reused.
        entry = self._sides.get(id(unit))
        if entry is None or entry[0] is not unit:
            entry = self._sides[id(unit)] = (unit, _side(unit))
        return entry[1]


def _anchor_map(matches: tuple[Match, ...]) -> dict[str, str]:
    """Old anchor → new anchor for every paired unit (what a reference should now say)."""
    mapping: dict[str, str] = {}
    stack = list(matches)
    while stack:
        match = stack.pop()
        if match.old is not None and match.new is not None:
            mapping[match.old.id] = match.new.id
        stack.extend(match.children)
    return mapping


def _consequential(
    edit: InlineEdit,
    old_refs: tuple[CrossRef, ...],
    new_refs: tuple[CrossRef, ...],
    anchors: dict[str, str],
) -> bool:
    """An edit inside a reference whose target is the renumbered target of the old reference."""
    for old_ref in old_refs:
        if not (old_ref.start <= edit.old_start and edit.old_end <= old_ref.end):
            continue
        for new_ref in new_refs:
            if (
                new_ref.start <= edit.new_start
                and edit.new_end <= new_ref.end
                and old_ref.start - edit.old_start == new_ref.start - edit.new_start
                and old_ref.target is not None
                and anchors.get(old_ref.target) == new_ref.target
            ):
                return True
    return False


def _edits(old: Unit, new: Unit, anchors: dict[str, str]) -> tuple[InlineEdit, ...]:
    edits = diff_text(old.text, new.text)
    if not edits or not (old.refs and new.refs):
        return edits
    return tuple(
        replace(e, consequential=True) if _consequential(e, old.refs, new.refs, anchors) else e
        for e in edits
    )


def _pair(match: Match, anchors: dict[str, str], side: Callable[[Unit], Side]) -> Pair:
    children = tuple([_pair(child, anchors, side) for child in match.children])
    old, new = match.old, match.new
    if old is None or new is None:
        unit = old or new
        assert unit is not None
        kind: Kind = "added" if old is None else "removed"
        return Pair(unit.level, kind, side(old) if old else None, side(new) if new else None,
                    children=children)  # fmt: skip
    # Most units of a diff did not change: equal strings skip the call that would say so.
    edits = _edits(old, new, anchors) if old.text != new.text else ()
    heading_edits = diff_text(old.heading, new.heading) if old.heading != new.heading else ()
    number_changed = old.number != new.number
    wording = (
        old.title != new.title
        or old.deleted != new.deleted
        or (edits != () and any(not e.consequential for e in edits))
    )
    kinds = {c.kind for c in children}
    if match.moved:
        kind = "moved"
    elif wording or not kinds <= {"unchanged", "renumbered"}:
        kind = "changed"
    elif number_changed or edits or "renumbered" in kinds:
        # Only numbers differ: this unit's, its references' or its children's.
        kind = "renumbered"
    else:
        kind = "unchanged"
    return Pair(
        new.level, kind, side(old), side(new), edits, heading_edits, children,
        number_changed, wording,
    )  # fmt: skip


def diff_texts(
    doc: str,
    old: LanguageText,
    new: LanguageText,
    old_version: str,
    new_version: str,
    cache: DiffCache | None = None,
) -> ChangeSet:
    """The ChangeSet of two language texts (no cross-language flags)."""
    matches = align_texts(old, new, cache.units if cache is not None else None)
    anchors = _anchor_map(matches)
    side = cache.side if cache is not None else _side
    pairs = tuple(_pair(m, anchors, side) for m in matches)
    return ChangeSet(doc, new.lang, old_version, new_version, pairs)


def _texts(
    doc: Document, old_version: str, new_version: str, lang: str
) -> tuple[LanguageText, LanguageText]:
    old_v, new_v = doc.version(old_version), doc.version(new_version)
    if old_v is None or new_v is None:
        missing = old_version if old_v is None else new_version
        raise UnknownVersion(f"{doc.id} has no version {missing}")
    old_t, new_t = old_v.text(lang), new_v.text(lang)
    if old_t is None or new_t is None:
        missing = old_version if old_t is None else new_version
        raise UnknownVersion(f"{doc.id} {missing} has no text in {lang!r}")
    return old_t, new_t


def _changed_here(pair: Pair) -> bool:
    """This unit itself changed (not merely something inside it)."""
    return pair.kind in ("added", "removed") or pair.wording_changed


def _flag(pair: Pair, others: dict[str, dict[tuple[str, str], Pair]]) -> Pair:
    children = tuple(_flag(c, others) for c in pair.children)
    unchanged_in: tuple[str, ...] = ()
    if _changed_here(pair):
        unchanged_in = tuple(
            lang
            for lang, table in sorted(others.items())
            if (other := table.get(pair.key)) is not None and not _changed_below(other)
        )
    if unchanged_in == pair.unchanged_in and all(map(operator.is_, children, pair.children)):
        return pair  # nothing to flag here or below (most pairs): no copy
    return replace(pair, children=children, unchanged_in=unchanged_in)


def _changed_below(pair: Pair) -> bool:
    return any(_changed_here(p) for p in pair.walk())


def changesets(
    doc: Document, old_version: str, new_version: str, cache: DiffCache | None = None
) -> dict[str, ChangeSet]:
    """The ChangeSet of every language both versions have, each diffed once.

    A unit whose wording changed in one language while its counterpart (same anchors) did
    not change in another language of the same two versions is flagged in
    `Pair.unchanged_in`: a translation that was not updated, or a translation-only edit.
    `cache` shares work between the diffs of one build.
    """
    raw: dict[str, ChangeSet] = {}
    for lang in doc.settings.languages:
        try:
            old_t, new_t = _texts(doc, old_version, new_version, lang)
        except UnknownVersion:
            continue  # a missing translation is reported by `kaitei check`, not here
        raw[lang] = diff_texts(doc.id, old_t, new_t, old_version, new_version, cache)
    tables = {lang: {p.key: p for p in result.walk()} for lang, result in raw.items()}
    flagged = {}
    for lang, result in raw.items():
        others = {other: table for other, table in tables.items() if other != lang}
        pairs = tuple(_flag(p, others) for p in result.pairs) if others else result.pairs
        flagged[lang] = replace(result, pairs=pairs)
    return flagged


def changeset(doc: Document, old_version: str, new_version: str, lang: str) -> ChangeSet:
    """What changed from `old_version` to `new_version` in `lang` (flags as in `changesets`)."""
    _texts(doc, old_version, new_version, lang)  # raises UnknownVersion with the reason
    return changesets(doc, old_version, new_version)[lang]

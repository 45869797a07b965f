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

`kind` is that coarse table (the rules and the counts read it). `kinds` says the same pair in
a lawyer's words, most telling first: moved, renumbered, changed, added (新設),
branch-inserted (第7条の2), removed (削る), deleted-placeholder (「第N条　削除」), split, merged,
re-parented, promoted / demoted, and the quiet whitespace-only and link-only.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Literal, get_args

from .. import cache as between_builds
from ..model import CrossRef, Document, LanguageText, Span, pickled_by_fields
from .align import Guide, Match, align_texts
from .inline import InlineEdit, diff_text, link_edits
from .units import Level, Unit, UnitCache

Kind = Literal["unchanged", "changed", "added", "removed", "moved", "renumbered"]
KINDS: tuple[Kind, ...] = ("unchanged", "changed", "added", "removed", "moved", "renumbered")

# A lawyer's kinds, most telling first: a pair's first kind is the one a reviewer names it by.
ChangeKind = Literal[
    "added",
    "branch-inserted",
    "removed",
    "deleted-placeholder",
    "split",
    "merged",
    "promoted",
    "demoted",
    "moved",
    "re-parented",
    "changed",
    "link-only",
    "whitespace-only",
    "renumbered",
    "unchanged",
]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
_CONTENT_KINDS: tuple[ChangeKind, ...] = ("changed", "link-only", "whitespace-only")


@pickled_by_fields  # the cache between builds holds them (kaitei.cache)
@dataclass(frozen=True, slots=True)
class Side:
    """One side of a pair: the unit as it stands in its version."""

    id: str
    number: str  # comparable ("9", "4_2", "(3)"); "" when unnumbered
    label: str  # as displayed ("第9条", "2", "(3)")
    heading: str  # articles only
    text: str  # the unit's own text
    span: Span
    depth: int = 1  # a section's heading level (## is 2); an item's nesting depth
    parent: str = ""  # id of the enclosing section ("" at the top)


# Every field of a Side but its span: what a reader sees of it.
SIDE_CONTENT = ("id", "number", "label", "heading", "text", "depth", "parent")
side_content: Callable[[Side], tuple[str | int, ...]] = operator.attrgetter(*SIDE_CONTENT)


@pickled_by_fields  # the cache between builds holds them (kaitei.cache)
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
    kinds: tuple[ChangeKind, ...] = ()  # in a lawyer's words, most telling first
    partner: str = ""  # split: the old unit it came out of; merged: the new unit it went into

    @property
    def change(self) -> ChangeKind:
        """The kind a reviewer names this pair by."""
        return self.kinds[0] if self.kinds else self.kind

    @property
    def id(self) -> str:
        side = self.new or self.old
        assert side is not None
        return side.id

    @property
    def key(self) -> tuple[str, str]:
        return (self.old.id if self.old else "", self.new.id if self.new else "")

    def walk(self) -> Iterator[Pair]:
        """This pair and every pair below it, in reading order (depth first)."""
        # A stack, not nested generators: each pair costs one step, not one per level above
        # it (the cross-language flags and the checks walk every ChangeSet of a build).
        stack = [self]
        while stack:
            pair = stack.pop()
            yield pair
            stack.extend(reversed(pair.children))


@pickled_by_fields  # the cache between builds holds them (kaitei.cache)
@dataclass(frozen=True, slots=True)
class ChangeSet:
    doc: str
    lang: str
    old_version: str
    new_version: str
    pairs: tuple[Pair, ...]  # top level (title, preamble, articles, closing lines), new order
    # Aligned by the pairs of this language (the authoritative one), else by another's.
    aligned_by: str = ""
    # Units a translation aligned on its own text: their ids are not in the guiding language.
    fallback: tuple[str, ...] = ()

    def walk(self) -> Iterator[Pair]:
        for pair in self.pairs:
            yield from pair.walk()

    @property
    def changed(self) -> bool:
        return any(p.kind != "unchanged" for p in self.pairs)

    def counts(self) -> dict[str, int]:
        """Article-level counts per coarse kind (what the rules read)."""
        return self._count(KINDS, lambda pair: pair.kind)

    def change_counts(self) -> dict[str, int]:
        """Article-level counts per lawyer's kind, first kind of each pair (a summary line)."""
        return self._count(CHANGE_KINDS, lambda pair: pair.change)

    def _count(self, names: tuple[str, ...], of: Callable[[Pair], str]) -> dict[str, int]:
        counts = dict.fromkeys(names, 0)
        for pair in self.pairs:
            if pair.level == "article":
                counts[of(pair)] += 1
        return counts


class UnknownVersion(LookupError):
    """A version or language the document does not have (the CLI turns it into a message)."""


# --- building --------------------------------------------------------------------------------


def _side(unit: Unit) -> Side:
    return Side(
        unit.id, unit.number, unit.label, unit.heading, unit.text, unit.span, unit.depth,
        unit.parent,
    )  # fmt: skip


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
    if old.text == new.text:
        # Most units of a diff did not change; equal text may still point somewhere else.
        return link_edits(old.text, old.links, new.links, anchors) if old.links != new.links else ()
    edits = diff_text(old.text, new.text)
    if not edits or not (old.refs and new.refs):
        return edits
    return tuple(
        replace(e, consequential=True) if _consequential(e, old.refs, new.refs, anchors) else e
        for e in edits
    )


def _one_sided_kind(match: Match, unit: Unit) -> ChangeKind:
    if match.old is None:
        if match.relation == "split":
            return "split"
        if unit.level == "article" and "_" in unit.number:
            return "branch-inserted"  # 第7条の2: inserted without renumbering what follows
        return "added"
    return "merged" if match.relation == "merged" else "removed"


def _content_kind(edits: tuple[InlineEdit, ...], wording: bool) -> ChangeKind | None:
    """What changed in the unit's own text (a heading's number is the number's business)."""
    if wording:
        return "changed"
    own = {e.kind for e in edits if not e.consequential}
    if "link" in own:
        return "link-only"
    if "whitespace" in own:
        return "whitespace-only"
    return None


def _structure_kinds(
    match: Match, old: Unit, new: Unit, anchors: dict[str, str]
) -> list[ChangeKind]:
    found: list[ChangeKind] = []
    if match.relation in ("split", "merged"):
        found.append(match.relation)
    if new.deleted and not old.deleted:
        found.append("deleted-placeholder")
    if old.level == "article" and old.depth != new.depth:
        found.append("promoted" if new.depth < old.depth else "demoted")
    if match.relation == "re-parented" or anchors.get(old.parent, old.parent) != new.parent:
        found.append("re-parented")
    if match.moved:
        found.append("moved")
    return found


_UNCHANGED: tuple[ChangeKind, ...] = ("unchanged",)


def _unchanged(
    match: Match, old: Unit, new: Unit, anchors: dict[str, str], children: tuple[Pair, ...]
) -> bool:
    """Whether a pair without edits is plainly unchanged (most pairs of a diff): what `_pair`
    would conclude after weighing every kind, known from a few comparisons."""
    return (
        not match.moved
        and not match.relation
        and old.number == new.number
        and old.title == new.title
        and old.deleted == new.deleted
        and (old.level != "article" or old.depth == new.depth)
        and anchors.get(old.parent, old.parent) == new.parent
        and (not children or all([c.kinds == _UNCHANGED for c in children]))
    )


def _pair(match: Match, anchors: dict[str, str], side: Callable[[Unit], Side]) -> Pair:
    children = tuple([_pair(child, anchors, side) for child in match.children])
    old, new = match.old, match.new
    if old is None or new is None:
        unit = old or new
        assert unit is not None
        kind: Kind = "added" if old is None else "removed"
        return Pair(
            unit.level, kind, side(old) if old else None, side(new) if new else None,
            children=children, kinds=(_one_sided_kind(match, unit),), partner=match.partner,
        )  # fmt: skip
    # Most units of a diff did not change: the same text, pointing at the same places.
    same = old.text == new.text and old.links == new.links
    edits = () if same else _edits(old, new, anchors)
    heading_edits = diff_text(old.heading, new.heading) if old.heading != new.heading else ()
    if not (edits or heading_edits) and _unchanged(match, old, new, anchors, children):
        return Pair(
            new.level, "unchanged", side(old), side(new), edits, heading_edits, children,
            False, False, (), _UNCHANGED, match.partner,
        )  # fmt: skip
    number_changed = old.number != new.number
    wording = (
        old.title != new.title
        or old.deleted != new.deleted
        or any(not e.consequential and e.kind == "wording" for e in edits)
    )
    found = _structure_kinds(match, old, new, anchors)
    below = {k for c in children for k in (c.kinds or (c.kind,))}
    content = _content_kind(edits, wording)
    if content != "changed" and not below <= {"unchanged", "renumbered", *_CONTENT_KINDS}:
        content = "changed"  # something inside was added, removed, moved or split
    for quiet in _CONTENT_KINDS:
        if content is None and quiet in below:
            content = quiet
    if content is not None and "deleted-placeholder" not in found:
        found.append(content)  # 「第N条　削除」 says all there is: not also 改正
    if number_changed or any(e.consequential for e in edits) or "renumbered" in below:
        found.append("renumbered")  # its own number, or references that follow a renumbering
    kinds = tuple(sorted(set(found), key=CHANGE_KINDS.index)) or ("unchanged",)
    if match.moved or "re-parented" in kinds or "promoted" in kinds or "demoted" in kinds:
        kind = "moved"
    elif content is not None:
        kind = "changed"
    elif "renumbered" in kinds:
        kind = "renumbered"
    else:
        kind = "unchanged"
    return Pair(
        new.level, kind, side(old), side(new), edits, heading_edits, children,
        number_changed, wording, kinds=kinds, partner=match.partner,
    )  # fmt: skip


def diff_units(
    doc: str,
    lang: str,
    matches: tuple[Match, ...],
    old_version: str,
    new_version: str,
    side: Callable[[Unit], Side] = _side,
) -> ChangeSet:
    """The ChangeSet of aligned units (what `diff_texts` does once the texts are aligned)."""
    anchors = _anchor_map(matches)
    pairs = tuple(_pair(m, anchors, side) for m in matches)
    return ChangeSet(doc, lang, old_version, new_version, pairs, aligned_by=lang)


def diff_texts(
    doc: str,
    old: LanguageText,
    new: LanguageText,
    old_version: str,
    new_version: str,
    cache: DiffCache | None = None,
    guide: tuple[str, Guide] | None = None,
) -> ChangeSet:
    """The ChangeSet of two language texts (no cross-language flags).

    With `guide` (a language and its pairs), units pair as they did in that language; the
    ids it does not know are aligned on their own text and listed in `fallback`. Taken from
    the cache between builds when both texts came from it (kaitei.cache).
    """
    store = between_builds.current()
    old_key = store.text_key(old) if store is not None else None
    new_key = store.text_key(new) if store is not None else None
    if store is None or old_key is None or new_key is None:
        return _diff_texts(doc, old, new, old_version, new_version, cache, guide)
    key = store.key("changeset", doc, old_version, new_version, old_key, new_key, _guide_key(guide))
    found = store.get("changeset", key, ChangeSet)
    if found is None:
        found = _diff_texts(doc, old, new, old_version, new_version, cache, guide)
        store.put("changeset", key, found)
    return found


def _guide_key(guide: tuple[str, Guide] | None) -> str:
    """The guide's pairs as text (its `fallback` is output, not input)."""
    if guide is None:
        return ""
    lang, pairs = guide
    return repr((lang, sorted(pairs.pairs.items()), sorted(pairs.old_ids), sorted(pairs.new_ids)))


def _diff_texts(
    doc: str,
    old: LanguageText,
    new: LanguageText,
    old_version: str,
    new_version: str,
    cache: DiffCache | None,
    guide: tuple[str, Guide] | None,
) -> ChangeSet:
    matches = align_texts(
        old, new, cache.units if cache is not None else None, guide[1] if guide else None
    )
    side = cache.side if cache is not None else _side
    result = diff_units(doc, new.lang, matches, old_version, new_version, side)
    if guide is None:
        return result
    return replace(result, aligned_by=guide[0], fallback=tuple(sorted(set(guide[1].fallback))))


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


def _ids(pair: Pair) -> tuple[str | None, str | None]:
    return (pair.old.id if pair.old else None, pair.new.id if pair.new else None)


def _changed_here(pair: Pair) -> bool:
    """This unit itself changed (not merely something inside it)."""
    return pair.kind in ("added", "removed") or pair.wording_changed


def _flag(pair: Pair, others: dict[str, dict[tuple[str, str], Pair]]) -> Pair:
    if _quiet(pair):
        return pair  # nothing changed here or below: nothing to flag
    children = tuple([_flag(c, others) for c in pair.children])
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


def _quiet(pair: Pair) -> bool:
    """An unchanged pair not yet flagged: `_pair` names a pair unchanged only when every
    pair below it is unchanged too, so no pair of its subtree changed here."""
    return pair.kinds == _UNCHANGED and not pair.unchanged_in


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
    guide: tuple[str, Guide] | None = None
    # One alignment per revision: the authoritative language is aligned first (languages
    # lists it first) and its pairs drive every translation, so all agree about what moved.
    for lang in doc.settings.languages:
        try:
            old_t, new_t = _texts(doc, old_version, new_version, lang)
        except UnknownVersion:
            continue  # a missing translation is reported by `kaitei check`, not here
        fresh = (guide[0], replace(guide[1], fallback=[])) if guide is not None else None
        raw[lang] = diff_texts(doc.id, old_t, new_t, old_version, new_version, cache, fresh)
        if guide is None:
            guide = (lang, Guide.of(_ids(p) for p in raw[lang].walk()))
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

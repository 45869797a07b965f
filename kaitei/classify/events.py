"""What changed, in the terms rules speak: units added, removed or reworded, with their text.

A `Change` is one unit of the authoritative text that was added, removed or reworded between
two versions, built from the ChangeSet. It carries the unit's text before and after and the
text of the paragraph or table row it sits in, so that rules can ask what was said, not only
where: a recipient named in any article, a foreign country, a new purpose.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

from ..diff.changeset import ChangeSet, DiffCache, Pair, Side, diff_texts
from ..model import Document, Span, Version

Unit = Literal["article", "paragraph", "item", "row", "bullet", "text"]
Action = Literal["added", "removed", "changed"]

# Every event a rule's `when` may name, with the words the check prints for it.
EVENTS: dict[str, str] = {
    "article-added": "an article was added",
    "article-removed": "an article was removed",
    "paragraph-added": "a paragraph was added",
    "paragraph-removed": "a paragraph was removed",
    "item-added": "an item or sub-item was added",
    "item-removed": "an item or sub-item was removed",
    "row-added": "a table row was added",
    "row-removed": "a table row was removed",
    "bullet-added": "a bullet (e.g. a data item in a table cell) was added",
    "bullet-removed": "a bullet was removed",
    "added": "anything was added (article, paragraph, item, row or bullet)",
    "removed": "anything was removed",
    "text-changed": "the wording changed",
    "words-added": "words were inserted into existing wording",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One change in the terms rules speak: which unit, what happened to it, where, and what
    it says. Built from the ChangeSet (see `changes_between`); tests build them directly.
    """

    unit: Unit
    action: Action
    label: str  # how a reader names the unit, e.g. "第4条第2項" or "row 第三者提供"
    old_anchor: str | None  # the unit's anchor in the old version (None when added)
    new_anchor: str | None  # … in the new version (None when removed)
    span: Span  # where it is: the new file, or the old file for a removal
    words_added: bool = False  # a wording change that inserts words (not only deletes)
    old_text: str = ""  # the unit's text before ("" when added; with its contents if removed)
    new_text: str = ""  # … after ("" when removed; with everything inside it if added)
    context: str = ""  # the whole paragraph, table row or article the change is in, after
    row: str = ""  # the first cell of the table row the change is in, if any
    column: str = ""  # the heading of the table column the change is in, if any

    @property
    def events(self) -> frozenset[str]:
        if self.action == "changed":
            return frozenset({"text-changed", *(("words-added",) if self.words_added else ())})
        if self.unit in ("article", "paragraph", "item", "row", "bullet"):
            return frozenset({f"{self.unit}-{self.action}", self.action})
        return frozenset({self.action})


# --- words ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """How keywords are compared: NFKC (全角 ＩＤ is ID), case and spaces ignored.

    Japanese text puts spaces around Latin words inconsistently (匿名 ID, 匿名ID), so a
    keyword matches whatever the spacing.
    """
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def added_words(change: Change, words: Iterable[str]) -> tuple[str, ...]:
    """The keywords the change adds: found more often in the unit after than before.

    Counting, rather than looking at the inserted characters, finds a keyword that an edit
    completes (国 → 米国) and ignores one that was only moved within the unit.
    """
    after, before = normalise(change.new_text), normalise(change.old_text)
    found = []
    for word in words:
        key = normalise(word)
        if key and after.count(key) > before.count(key):
            found.append(word)
    return tuple(found)


def mentioned(change: Change, words: Iterable[str]) -> tuple[str, ...]:
    """The keywords the changed unit, or the paragraph or row it is in, mentions after."""
    text = normalise(change.context + "\n" + change.new_text)
    return tuple(word for word in words if (key := normalise(word)) and key in text)


# --- the ChangeSet, in the rules' terms ---------------------------------------------------


def changes_between(
    document: Document, old: Version, new: Version, cache: DiffCache | None = None
) -> tuple[Change, ...]:
    """The changes of the authoritative text from `old` to `new`, from the diff engine."""
    lang = document.settings.authoritative
    old_text, new_text = old.text(lang), new.text(lang)
    if old_text is None or new_text is None:
        return ()
    result = diff_texts(document.id, old_text, new_text, old.id, new.id, cache)
    return changes_in(result, old, new, lang)


def changes_in(result: ChangeSet, old: Version, new: Version, lang: str) -> tuple[Change, ...]:
    """The changes of `result`, the ChangeSet of the texts in `lang` from `old` to `new`."""
    old_text, new_text = old.text(lang), new.text(lang)
    assert old_text is not None and new_text is not None, "a ChangeSet has both texts"
    found = [change for pair in result.pairs for change in changes_of(pair)]
    # "第5条　削除" keeps the article's number but removes what it said: for the rules that
    # is a removed article, although the diff pairs it with its old self as a wording change.
    for pair in result.pairs:
        if pair.level != "article" or pair.old is None or pair.new is None:
            continue
        before, after = old_text.article(pair.old.id), new_text.article(pair.new.id)
        if before is not None and after is not None and after.deleted and not before.deleted:
            label = _label("article", before.id, before.heading)
            old_words = full_text(pair, "old")
            found.append(
                Change("article", "removed", label, before.id, after.id, after.span,
                       old_text=old_words, context=old_words)
            )  # fmt: skip
    return tuple(found)


_UNITS: dict[str, Unit] = {
    "article": "article",
    "paragraph": "paragraph",
    "item": "item",
    "row": "row",
    "bullet": "bullet",
}
# The units whose whole text is the context of a change inside them (an item is read with
# its paragraph's lead-in, a bullet with its row).
_CONTAINERS = ("title", "preamble", "article", "paragraph", "row", "closing")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a pair sits: the context text, the table row and the column."""

    context: str = ""
    row: str = ""
    column: str = ""


def _own(side: Side | None) -> str:
    return "\n".join(part for part in (side.heading, side.text) if part) if side else ""


def full_text(pair: Pair, which: Literal["old", "new"], *, keys: bool = False) -> str:
    """The text of a pair's side with everything inside it, in reading order.

    With `keys`, a table row starts with its key: a continuation row's first cell is empty,
    and its purpose is the key of the row above.
    """
    parts = []
    for node in pair.walk():
        side = node.new if which == "new" else node.old
        if side is not None:
            key = side.label if keys and node.level == "row" else ""
            parts += [p for p in (key, _own(side)) if p]
    return "\n".join(parts)


def _place(pair: Pair, place: Place) -> Place:
    side = pair.new or pair.old
    if pair.level in _CONTAINERS:
        which: Literal["old", "new"] = "new" if pair.new is not None else "old"
        place = replace(place, context=full_text(pair, which, keys=True))
    if pair.level == "row" and side is not None:
        place = replace(place, row=side.label)
    if pair.level == "cell" and side is not None:
        place = replace(place, column=side.label)
    return place


def changes_of(pair: Pair, place: Place | None = None) -> Iterator[Change]:
    """A ChangeSet pair and its children as Changes.

    An added or removed unit is one change: its contents come with it (a new article is one
    `article-added`, not also a `paragraph-added` per paragraph). Renumbering and moves
    are not changes of substance; a wording change is, and says whether words were inserted.
    """
    here = _place(pair, place or Place())
    unit = _UNITS.get(pair.level, "text")
    if pair.kind in ("added", "removed"):
        side = pair.new or pair.old
        assert side is not None
        yield Change(
            unit,
            "added" if pair.kind == "added" else "removed",
            _label(pair.level, side.id, side.heading or side.text or _first_text(pair)),
            pair.old.id if pair.old else None,
            pair.new.id if pair.new else None,
            side.span,
            old_text=full_text(pair, "old"),
            new_text=full_text(pair, "new"),
            context=here.context,
            row=here.row,
            column=here.column,
        )
        return
    assert pair.old is not None and pair.new is not None
    if pair.wording_changed:
        edits = [e for e in (*pair.edits, *pair.heading_edits) if not e.consequential]
        yield Change(
            unit,
            "changed",
            _label(pair.level, pair.new.id, pair.new.heading or pair.new.text),
            pair.old.id,
            pair.new.id,
            pair.new.span,
            words_added=any(e.new_text.strip() for e in edits),
            old_text=_own(pair.old),
            new_text=_own(pair.new),
            context=here.context,
            row=here.row,
            column=here.column,
        )
    for child in pair.children:
        yield from changes_of(child, here)


def _first_text(pair: Pair) -> str:
    """A row has no text of its own: name it by its first cell."""
    for child in pair.walk():
        side = child.new or child.old
        if side is not None and side.text.strip():
            return side.text
    return ""


def _label(level: str, anchor: str, text: str) -> str:
    """How a diagnostic names a unit: its kind, anchor and first words."""
    words = " ".join(text.split())
    snippet = words if len(words) <= 24 else words[:24] + "…"
    return f"{level} {anchor}" + (f" 「{snippet}」" if snippet else "")

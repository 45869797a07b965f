"""Word-level differences inside one aligned piece of text (a heading, a paragraph, a cell).

diff-match-patch finds the character edits; semantic clean-up merges the fragments a human
would read as one change; the highlights are then widened to whole tokens so that no mark
cuts a word in two. Japanese has no spaces, so tokens come from character classes: a run of
hiragana, a run of katakana, a run of Latin letters and digits, and each kanji on its own
(a kanji compound is usually several words, and marking one kanji of 改善 is fine while
marking half of ウェブサイト is not). No morphological dictionary is needed.

Only small aligned pieces come here (align.py pairs the structure first), so the timeout of
diff-match-patch is switched off: with it on, a slow diff silently degrades to "replace
everything".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import diff_match_patch as dmp_module

from ..model import pickled_by_fields

if TYPE_CHECKING:
    from ..model import Link

Op = Literal["equal", "delete", "insert"]
EditKind = Literal["wording", "whitespace", "link"]


@pickled_by_fields  # the cache between builds holds them (kaitei.cache)
@dataclass(frozen=True, slots=True)
class InlineEdit:
    """Replace old[old_start:old_end] with new[new_start:new_end] (one highlight per side).

    `consequential` is set by the ChangeSet when the edit only follows a renumbering
    (a reference to 第8条 that became 第9条), so it is not a wording change. `kind` says what
    changed: the words, only spacing (shown quietly), or only where a link points (the text
    is the same on both sides, `old_target` → `new_target`).
    """

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    old_text: str
    new_text: str
    consequential: bool = False
    kind: EditKind = "wording"
    old_target: str = ""
    new_target: str = ""


# --- tokens -------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"[\s\W]", re.S)  # what may sit between two highlights that merge


@cache
def char_class(char: str) -> str:
    """The token class of a character; "kanji" and "punct" tokens are one character long."""
    if "\u3041" <= char <= "\u309f":
        return "hiragana"
    if "\u30a0" <= char <= "\u30ff" or "\u31f0" <= char <= "\u31ff" or "\uff66" <= char <= "\uff9f":
        return "katakana"  # the prolonged sound mark ー included
    if (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or char in "々〆"
    ):
        return "kanji"
    if char.isspace():
        return "space"
    if char.isalnum() or char in "_'’":
        return "word"  # Latin letters and digits, half or full width
    return "punct"


_SINGLE = frozenset({"kanji", "punct"})


def token_at(text: str, i: int) -> tuple[int, int]:
    """The (start, end) of the token holding text[i]: found locally, without tokenizing all."""
    kind = char_class(text[i])
    if kind in _SINGLE:
        return i, i + 1
    start, end = i, i + 1
    while start > 0 and char_class(text[start - 1]) == kind:
        start -= 1
    while end < len(text) and char_class(text[end]) == kind:
        end += 1
    return start, end


def tokenize(text: str) -> list[tuple[int, int]]:
    """Split text into (start, end) tokens that a highlight must not cut."""
    tokens = []
    i = 0
    while i < len(text):
        start, end = token_at(text, i)
        tokens.append((start, end))
        i = end
    return tokens


# --- diff ---------------------------------------------------------------------------------


# Sentences, then clauses: the units of the coarse passes on longer pieces.
_SENTENCE = re.compile(r"[^。．！？\n.!?]*(?:[。．！？\n]|[.!?]+\s*|$)")
_CLAUSE = re.compile(r"[^、，,。．！？\n.!?]*(?:[、，,。．！？\n]|[.!?]+\s*|$)")
_COARSE = (_SENTENCE, _CLAUSE)
_COARSE_FROM = 120  # characters (both sides together) from which a coarse pass pays off


def _char_diff(old: str, new: str) -> list[tuple[int, str]]:
    dmp = dmp_module.diff_match_patch()
    dmp.Diff_Timeout = 0  # pieces are small; a timeout would degrade to a whole replace
    diffs = _coarse_then_fine(dmp, old, new, 0)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def _coarse_then_fine(dmp: Any, old: str, new: str, level: int) -> list[tuple[int, str]]:
    """Diff sentences first, then clauses, then characters inside each changed run.

    diff-match-patch's own line mode does this with lines; a policy paragraph is one line,
    so sentences and clauses play that part. The result is still a character diff: the
    coarse passes only keep the character pass from searching across unchanged text.
    """
    if level >= len(_COARSE) or len(old) + len(new) < _COARSE_FROM:
        fine: list[tuple[int, str]] = dmp.diff_main(old, new, False)
        return fine
    pattern = _COARSE[level]
    chunks: list[str] = [""]  # index 0 unused, as in diff_linesToChars
    index: dict[str, int] = {}

    def encode(text: str) -> str:
        codes = []
        for piece in pattern.findall(text):
            if piece:
                if piece not in index:
                    index[piece] = len(chunks)
                    chunks.append(piece)
                codes.append(chr(index[piece]))
        return "".join(codes)

    coarse: list[tuple[int, str]] = dmp.diff_main(encode(old), encode(new), False)
    dmp.diff_charsToLines(coarse, chunks)
    diffs: list[tuple[int, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, text in [*coarse, (0, "")]:
        if op < 0:
            deleted.append(text)
        elif op > 0:
            inserted.append(text)
        else:
            if deleted and inserted:
                diffs += _coarse_then_fine(dmp, "".join(deleted), "".join(inserted), level + 1)
            else:
                diffs += [(-1, t) for t in deleted] + [(1, t) for t in inserted]
            deleted, inserted = [], []
            if text:
                diffs.append((0, text))
    dmp.diff_cleanupMerge(diffs)
    return diffs


def diff_text(old: str, new: str) -> tuple[InlineEdit, ...]:
    """The word-level edits turning `old` into `new`; () when they are equal."""
    if old == new:
        return ()
    if not old or not new:
        return (InlineEdit(0, len(old), 0, len(new), old, new),)
    runs: list[tuple[int, int, int]] = []  # equal runs: (old start, new start, length)
    i = j = 0
    for op, chunk in _char_diff(old, new):
        if op == 0:
            runs.append((i, j, len(chunk)))
            i, j = i + len(chunk), j + len(chunk)
        elif op < 0:
            i += len(chunk)
        else:
            j += len(chunk)
    kept = []
    for a, b, length in runs:
        start, end = _keep(a, b, length, old, new)
        if end > start:
            kept.append((a + start, b + start, end - start))
    return _hunks(old, new, kept)


def _keep(a: int, b: int, length: int, old: str, new: str) -> tuple[int, int]:
    """The part [start, end) of an equal run left unmarked once highlights are widened.

    Every edge of an equal run touches an edit (diff-match-patch alternates equalities and
    edits), so a token that crosses the edge on either side is touched by that edit and is
    marked whole; marking it on one side marks the same characters on the other side, which
    may reach into another token there: repeat until both sides agree.
    """
    start, end = 0, length
    moved = True
    while moved and start < end:
        moved = False
        for text, base in ((old, a), (new, b)):
            if start >= end:
                break
            first_start, first_end = token_at(text, base + start)
            if first_start < base + start:
                start, moved = min(first_end - base, end), True
            if start < end:
                last_start, last_end = token_at(text, base + end - 1)
                if last_end > base + end:
                    end, moved = max(last_start - base, start), True
    return start, end


def _hunks(old: str, new: str, kept: Sequence[tuple[int, int, int]]) -> tuple[InlineEdit, ...]:
    """Edits are the gaps between the kept (unmarked, equal) runs."""
    edits: list[InlineEdit] = []
    i = j = 0
    for a, b, length in [*kept, (len(old), len(new), 0)]:
        if a > i or b > j:
            edits.append(InlineEdit(i, a, j, b, old[i:a], new[j:b]))
        i, j = a + length, b + length
    merged = _merge_across_separators(old, new, edits)
    return tuple(_spacing(piece) for e in merged for piece in _split_on_kept_words(old, new, e))


def _boundary(text: str, at: int) -> bool:
    return at <= 0 or at >= len(text) or token_at(text, at)[0] == at


def _kept_word(old: str, new: str, edit: InlineEdit) -> tuple[int, int, int] | None:
    """The common run of whole words to unmark: longest, then most kanji and katakana
    (a content word such as 改善 rather than a particle such as 及び), then first."""
    a, b = edit.old_text, edit.new_text
    if len(a) * len(b) > 40_000:  # a long rewrite: only the longest run is worth a look
        found = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
        candidates = [(found.a, found.b, found.size)]
    else:
        candidates = []
        previous = [0] * (len(b) + 1)
        for x in range(1, len(a) + 1):
            row = [0] * (len(b) + 1)
            for y in range(1, len(b) + 1):
                if a[x - 1] == b[y - 1]:
                    row[y] = previous[y - 1] + 1
                    ends = x == len(a) or y == len(b) or a[x] != b[y]
                    if ends and row[y] >= 2:
                        candidates.append((x - row[y], y - row[y], row[y]))
            previous = row
    best: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
    for x, y, size in candidates:
        i, j = edit.old_start + x, edit.new_start + y
        # Shrink to whole words on both sides.
        while size >= 2 and not (_boundary(old, i) and _boundary(new, j)):
            i, j, size = i + 1, j + 1, size - 1
        while size >= 2 and not (_boundary(old, i + size) and _boundary(new, j + size)):
            size -= 1
        if size < 2:
            continue
        strong = sum(char_class(c) in ("kanji", "katakana", "word") for c in old[i : i + size])
        key = (size, strong, -i)
        if best is None or key > best[0]:
            best = (key, (i, j, size))
    return best[1] if best is not None else None


def _split_on_kept_words(old: str, new: str, edit: InlineEdit) -> list[InlineEdit]:
    """Unmark whole words both sides keep inside one highlight, so no character is marked
    on both sides: 提供[及び改善→、改善及び新サービスの開発] becomes 提供[及び→、]改善[→及び…].

    Semantic clean-up joins edits across short equal runs; this gives back the runs that are
    whole words (two characters or more) on both sides.
    """
    a, b = edit.old_text, edit.new_text
    if len(a) < 2 or len(b) < 2:
        return [edit]
    best = _kept_word(old, new, edit)
    if best is None:
        return [edit]
    i, j, size = best
    pieces = []
    if i > edit.old_start or j > edit.new_start:
        left = InlineEdit(edit.old_start, i, edit.new_start, j, old[edit.old_start : i],
                          new[edit.new_start : j])  # fmt: skip
        pieces += _split_on_kept_words(old, new, left)
    if edit.old_end > i + size or edit.new_end > j + size:
        right = InlineEdit(i + size, edit.old_end, j + size, edit.new_end,
                           old[i + size : edit.old_end], new[j + size : edit.new_end])  # fmt: skip
        pieces += _split_on_kept_words(old, new, right)
    return pieces


def _spacing(edit: InlineEdit) -> InlineEdit:
    """An edit of spaces only (a doubled space, a full-width space) is a quiet kind of its own."""
    spaced = edit.old_text.isspace() or edit.new_text.isspace()
    if spaced and not edit.old_text.strip() and not edit.new_text.strip():
        return InlineEdit(*_fields(edit), kind="whitespace")
    return edit


def _fields(edit: InlineEdit) -> tuple[int, int, int, int, str, str]:
    return (edit.old_start, edit.old_end, edit.new_start, edit.new_end, edit.old_text,
            edit.new_text)  # fmt: skip


def link_edits(
    text: str, old: Sequence[Link], new: Sequence[Link], anchors: dict[str, str]
) -> tuple[InlineEdit, ...]:
    """Where the same text links somewhere else (not where a renumbering took the target)."""
    targets = {(k.start, k.end): k.target for k in new}
    edits = []
    for link in old:
        target = targets.get((link.start, link.end))
        if target is None or target == link.target or anchors.get(link.target) == target:
            continue
        span = text[link.start : link.end]
        edits.append(
            InlineEdit(
                link.start,
                link.end,
                link.start,
                link.end,
                span,
                span,
                kind="link",
                old_target=link.target,
                new_target=target,
            )
        )
    return tuple(edits)


def _merge_across_separators(old: str, new: str, edits: list[InlineEdit]) -> list[InlineEdit]:
    """Join two highlights separated only by spaces or one punctuation mark (A、B → one mark)."""
    merged: list[InlineEdit] = []
    for edit in edits:
        if merged:
            last = merged[-1]
            between = old[last.old_end : edit.old_start]
            if 0 < len(between) <= 1 and _SEPARATOR.fullmatch(between):
                merged[-1] = InlineEdit(
                    last.old_start,
                    edit.old_end,
                    last.new_start,
                    edit.new_end,
                    old[last.old_start : edit.old_end],
                    new[last.new_start : edit.new_end],
                )
                continue
        merged.append(edit)
    return merged


# --- using edits --------------------------------------------------------------------------


def apply_edits(old: str, edits: Sequence[InlineEdit]) -> str:
    """Rebuild the new text from the old one (the property the tests check)."""
    parts: list[str] = []
    position = 0
    for edit in edits:
        parts.append(old[position : edit.old_start])
        parts.append(edit.new_text)
        position = edit.old_end
    parts.append(old[position:])
    return "".join(parts)


def side_segments(
    text: str, edits: Sequence[InlineEdit], side: Literal["old", "new"]
) -> list[tuple[bool, str]]:
    """One side of a pair as (marked, text) runs, for the two-column table."""
    segments: list[tuple[bool, str]] = []
    position = 0
    for edit in edits:
        start, end = (
            (edit.old_start, edit.old_end) if side == "old" else (edit.new_start, edit.new_end)
        )
        if start > position:
            segments.append((False, text[position:start]))
        if end > start:
            segments.append((True, text[start:end]))
        position = end
    if position < len(text):
        segments.append((False, text[position:]))
    return segments


def redline_segments(old: str, edits: Sequence[InlineEdit]) -> list[tuple[Op, str]]:
    """Both sides in one run: equal text, then each edit's deletion followed by its insertion."""
    segments: list[tuple[Op, str]] = []
    position = 0
    for edit in edits:
        if edit.old_start > position:
            segments.append(("equal", old[position : edit.old_start]))
        if edit.old_text:
            segments.append(("delete", edit.old_text))
        if edit.new_text:
            segments.append(("insert", edit.new_text))
        position = edit.old_end
    if position < len(old):
        segments.append(("equal", old[position:]))
    return segments


def shown(edits: Sequence[InlineEdit]) -> tuple[InlineEdit, ...]:
    """The edits a reader sees marked: spacing and link targets are told, not struck out."""
    return tuple(e for e in edits if e.kind == "wording")


def marked_chars(edits: Sequence[InlineEdit]) -> int:
    """Characters highlighted on both sides (the benchmark compares this with the real edits)."""
    return sum(len(e.old_text) + len(e.new_text) for e in edits)

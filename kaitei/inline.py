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

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import diff_match_patch as dmp_module

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True, slots=True)
class InlineEdit:
    """Replace old[old_start:old_end] with new[new_start:new_end] (one highlight per side).

    `consequential` is set by the ChangeSet when the edit only follows a renumbering
    (a reference to 第8条 that became 第9条), so it is not a wording change.
    """

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    old_text: str
    new_text: str
    consequential: bool = False


# --- tokens -------------------------------------------------------------------------------


def char_class(char: str) -> str:
    """The token class of a character; "kanji" and "punct" never join their neighbours."""
    code = ord(char)
    if char.isspace():
        return "space"
    if 0x3041 <= code <= 0x309F:
        return "hiragana"
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "katakana"  # includes the prolonged sound mark ー
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "kanji"
    if char in "々〆ヶ":
        return "kanji"
    if char.isalnum() or char in "_'’":
        return "word"  # Latin letters and digits, half or full width, and other scripts
    category = unicodedata.category(char)
    if category.startswith("M"):
        return "word"  # a combining mark stays with its letter
    return "punct"


_SINGLE = frozenset({"kanji", "punct"})


def tokenize(text: str) -> list[tuple[int, int]]:
    """Split text into (start, end) tokens that a highlight must not cut."""
    tokens: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text):
            if text:
                tokens.append((start, i))
            break
        previous, current = char_class(text[i - 1]), char_class(text[i])
        if previous != current or previous in _SINGLE:
            tokens.append((start, i))
            start = i
    return tokens


def _token_index(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    tokens = tokenize(text)
    index = [0] * len(text)
    for k, (start, end) in enumerate(tokens):
        for i in range(start, end):
            index[i] = k
    return index, tokens


# --- diff ---------------------------------------------------------------------------------


def _char_diff(old: str, new: str) -> list[tuple[int, str]]:
    dmp = dmp_module.diff_match_patch()
    dmp.Diff_Timeout = 0  # pieces are small; a timeout would degrade to a whole replace
    diffs: list[tuple[int, str]] = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def diff_text(old: str, new: str) -> tuple[InlineEdit, ...]:
    """The word-level edits turning `old` into `new`; () when they are equal."""
    if old == new:
        return ()
    if not old or not new:
        return (InlineEdit(0, len(old), 0, len(new), old, new),)
    old_tok, old_tokens = _token_index(old)
    new_tok, new_tokens = _token_index(new)
    old_marked = [False] * len(old)
    new_marked = [False] * len(new)
    equal_pairs: list[tuple[int, int]] = []

    def mark_old_token(i: int) -> bool:
        start, end = old_tokens[old_tok[i]]
        changed = not all(old_marked[start:end])
        old_marked[start:end] = [True] * (end - start)
        return changed

    def mark_new_token(j: int) -> bool:
        start, end = new_tokens[new_tok[j]]
        changed = not all(new_marked[start:end])
        new_marked[start:end] = [True] * (end - start)
        return changed

    i = j = 0
    for op, chunk in _char_diff(old, new):
        n = len(chunk)
        if op == 0:
            equal_pairs.extend((i + k, j + k) for k in range(n))
            i, j = i + n, j + n
        elif op < 0:
            for k in range(i, i + n):
                mark_old_token(k)
            # A deletion inside a new-side token (between two of its characters) touches it.
            if 0 < j < len(new) and new_tok[j - 1] == new_tok[j]:
                mark_new_token(j)
            i += n
        else:
            for k in range(j, j + n):
                mark_new_token(k)
            if 0 < i < len(old) and old_tok[i - 1] == old_tok[i]:
                mark_old_token(i)
            j += n
    # Widening one side can leave its equal partner unmarked: repeat until both agree.
    changed = True
    while changed:
        changed = False
        for a, b in equal_pairs:
            if old_marked[a] and not new_marked[b]:
                changed |= mark_new_token(b)
            elif new_marked[b] and not old_marked[a]:
                changed |= mark_old_token(a)
    kept = [(a, b) for a, b in equal_pairs if not old_marked[a]]
    return _hunks(old, new, kept)


def _hunks(old: str, new: str, kept: Sequence[tuple[int, int]]) -> tuple[InlineEdit, ...]:
    """Edits are the gaps between runs of kept (unmarked, equal) character pairs."""
    edits: list[InlineEdit] = []
    i = j = 0
    for a, b in [*kept, (len(old), len(new))]:
        if a > i or b > j:
            edits.append(InlineEdit(i, a, j, b, old[i:a], new[j:b]))
        i, j = a + 1, b + 1
    return tuple(_merge_across_separators(old, new, edits))


def _merge_across_separators(old: str, new: str, edits: list[InlineEdit]) -> list[InlineEdit]:
    """Join two highlights separated only by spaces or one punctuation mark (A、B → one mark)."""
    merged: list[InlineEdit] = []
    for edit in edits:
        if merged:
            last = merged[-1]
            between = old[last.old_end : edit.old_start]
            if 0 < len(between) <= 1 and all(char_class(c) in ("space", "punct") for c in between):
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


def marked_chars(edits: Sequence[InlineEdit]) -> int:
    """Characters highlighted on both sides (the benchmark compares this with the real edits)."""
    return sum(len(e.old_text) + len(e.new_text) for e in edits)

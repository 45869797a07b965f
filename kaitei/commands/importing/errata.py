"""A change made under an unchanged date, as errata (before → after) or as too large for one.

Errata are written in the canonical text, as readers read it (no Markdown marks), so they
read like the errata a legal editor records by hand. Each `before` is widened with its
neighbouring words until it names exactly one place in the text it applies to, the rule the
published-version check applies (`immutability.apply_errata`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ...diff.inline import diff_text
from ...immutability import parse_bytes
from ...model import canonical_text

MAX_EDITS = 8  # more separate edits in one commit is a revision, not a correction
MAX_CHANGED = 400  # characters removed plus added, over the whole commit
CJK_CONTEXT = 4  # characters of context on each side in a language written without spaces
MAX_CONTEXT = 160  # characters of context on each side before giving up on uniqueness
MAX_BLOCK = 6000  # characters in one run of changed lines: a rewritten section, not a fix


@dataclass(frozen=True, slots=True)
class Correction:
    before: str
    after: str


def canonical(text: str, lang: str) -> str | None:
    """The canonical text of a version file's text; None when it does not parse."""
    parsed = parse_bytes(text.encode("utf-8"), f"{lang}.md", lang)
    return canonical_text(parsed) if parsed is not None else None


def _occurrences(needle: str, text: str) -> int:
    return len(re.findall(f"(?={re.escape(needle)})", text)) if needle else 0


def _unique(needle: str, text: str) -> bool:
    return _occurrences(needle, text) == 1


def changed_lines(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The line ranges (i1, i2, j1, j2) that differ; lines are units in a canonical text."""
    matcher = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def too_large(old: str, new: str) -> bool:
    """Clearly beyond an erratum, judged line by line before any word diff (which is slow
    on whole rewritten sections)."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    ranges = changed_lines(old, new)
    if len(ranges) > MAX_EDITS:
        return True
    for i1, i2, j1, j2 in ranges:
        removed = sum(len(line) + 1 for line in old_lines[i1:i2])
        added = sum(len(line) + 1 for line in new_lines[j1:j2])
        if abs(added - removed) > MAX_CHANGED or max(removed, added) > MAX_BLOCK:
            return True
    return False


def _edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """(old start, old end, new text) for each word-level edit, in order."""
    old_lines = old.split("\n")
    new_lines = new.split("\n")
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []
    for i1, i2, j1, j2 in changed_lines(old, new):
        old_block = "".join(line + "\n" for line in old_lines[i1:i2])
        new_block = "".join(line + "\n" for line in new_lines[j1:j2])
        for edit in diff_text(old_block, new_block):
            edits.append((starts[i1] + edit.old_start, starts[i1] + edit.old_end, edit.new_text))
    return edits


def _widen(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The smallest span around [start, end) holding whole words that occurs once in text.

    It takes at least one neighbouring word on each side within the line, so that an erratum
    reads as a phrase ("Changes & questions" → "Changes and questions"), not a lone "&".
    """
    a, b = start, end
    # Japanese has no spaces between words: a few characters stand for a word.
    for _ in range(1 if a > 0 and text[a - 1].isascii() else CJK_CONTEXT):
        if a > 0 and text[a - 1] != "\n":
            a = _step_left(text, a)
    for _ in range(1 if b < len(text) and text[b].isascii() else CJK_CONTEXT):
        if b < len(text) and text[b] != "\n":
            b = _step_right(text, b)
    while True:
        if a < b and _occurrences(text[a:b], text) == 1 and _bounded(text, a, b):
            return a, b
        if start - a > MAX_CONTEXT and b - end > MAX_CONTEXT:
            return None
        if a == 0 and b == len(text):
            return None
        a = _step_left(text, a)
        b = _step_right(text, b)


def _bounded(text: str, a: int, b: int) -> bool:
    """The span does not start or end inside a word of a spaced language."""
    left = a == 0 or not (text[a - 1].isalnum() and text[a].isalnum() and text[a].isascii())
    right = b == len(text) or not (
        text[b - 1].isalnum() and text[b].isalnum() and text[b].isascii()
    )
    return left and right


def _step_left(text: str, a: int) -> int:
    a = max(a - 1, 0)
    while a > 0 and text[a - 1].isascii() and text[a - 1].isalnum():
        a -= 1
    return a


def _step_right(text: str, b: int) -> int:
    b = min(b + 1, len(text))
    while b < len(text) and text[b].isascii() and text[b].isalnum():
        b += 1
    return b


def corrections(old: str, new: str) -> list[Correction] | None:
    """Errata turning `old` into `new` in order; None when the change is too large for errata."""
    if too_large(old, new):
        return None
    edits = _edits(old, new)
    changed = sum((end - start) + len(after) for start, end, after in edits)
    if len(edits) > MAX_EDITS or changed > MAX_CHANGED:
        return None
    current = old
    shift = 0
    found: list[Correction] = []
    for start, end, after in edits:
        a, b = start + shift, end + shift
        span = _widen(current, a, b)
        if span is None:
            return None
        lo, hi = span
        # A line end at either edge, outside the edit, adds nothing a reader needs.
        while (
            hi - 1 >= b
            and hi - lo > 1
            and current[hi - 1] == "\n"
            and _unique(current[lo : hi - 1], current)
        ):
            hi -= 1
        while lo < a and current[lo] == "\n" and _unique(current[lo + 1 : hi], current):
            lo += 1
        before = current[lo:hi]
        replaced = current[lo:a] + after + current[b:hi]
        found.append(Correction(before, replaced))
        current = current[:lo] + replaced + current[hi:]
        shift += len(after) - (end - start)
    result = old
    for correction in found:  # the errata must give exactly the new text, as check applies them
        if _occurrences(correction.before, result) != 1:
            return None
        result = result.replace(correction.before, correction.after, 1)
    return found if result == new else None

"""Characters an editor cannot see or tell apart: named, at their exact line and column.

A zero-width space inside 第1​条 turns an article into a plain heading, a byte-order mark
pasted mid-file or decomposed (NFD) kana change the hash of a text that looks the same, and
half-width katakana (ｶﾀｶﾅ) is a relic of old encodings. Each is reported where it is, by its
Unicode name, with the fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..diagnostics import Severity

_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\u00ad\u180e\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# A combining mark is looked for on its own and checked against the letter before it: a
# pattern that starts at every letter made this scan the slowest part of reading a file.
_SUSPECT = re.compile(
    f"[{_INVISIBLE}\ufeff]|[\uff61-\uff9f]+|(?<=[^\\W\\d_])[\u0300-\u036f\u3099\u309a]"
)


@dataclass(frozen=True, slots=True)
class Suspect:
    line: int  # 0-based line of the body
    column: int  # 1-based column
    message: str
    hint: str
    severity: Severity


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


# One character class: a scan the regular expression engine does fast on any text.
_ANY = re.compile(f"[{_INVISIBLE}\ufeff\uff61-\uff9f\u0300-\u036f\u3099\u309a]")


def find_suspects(body: str) -> Iterator[Suspect]:
    if not _ANY.search(body):
        return  # the common case: one scan, nothing to report
    for index, line in enumerate(body.split("\n")):
        for match in _SUSPECT.finditer(line):
            start, found = match.start(), match.group()
            if "\u0300" <= found[0] <= "\u036f" or found[0] in "\u3099\u309a":
                start, found = start - 1, line[start - 1] + found  # the letter it decomposes
            yield _describe(index, start, found)


def _describe(line: int, start: int, found: str) -> Suspect:
    char = found[0]
    if char == "\ufeff":
        return Suspect(
            line, start + 1,
            f"{_name(char)} (a byte-order mark) inside the text",
            "delete it: it is invisible, usually pasted from another file, and it changes "
            "the text's hash",
            "error",
        )  # fmt: skip
    if char in _INVISIBLE:
        return Suspect(
            line, start + 1,
            f"invisible character {_name(char)}",
            "delete it: it cannot be seen, but it breaks numbering such as 第1条 and search",
            "error",
        )  # fmt: skip
    if "\uff61" <= char <= "\uff9f":
        return Suspect(
            line, start + 1,
            f"half-width katakana {_name(char)}" + (f" ('{found}')" if len(found) > 1 else ""),
            f"write full-width katakana: {unicodedata.normalize('NFKC', found)}",
            "warning",
        )  # fmt: skip
    mark = found[1]
    composed = unicodedata.normalize("NFC", found)
    return Suspect(
        line, start + 2,
        f"decomposed character: '{char}' followed by {_name(mark)}",
        f"write it as one character: {composed} (Unicode NFC; text pasted from macOS file "
        "names is often decomposed)",
        "error",
    )  # fmt: skip

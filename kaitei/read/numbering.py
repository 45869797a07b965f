"""Numbering conventions as data: 第四条の二, (1), 一, アイウ, イロハ, (a), (i).

Structure is recognised from these conventions rather than hard-wired to one policy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model import ArticleNumber

_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}

AIUEO = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
)
IROHA = (
    "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
)
LATIN = "abcdefghijklmnopqrstuvwxyz"

_SPACE = "[ \u3000]"


def kanji_to_int(text: str) -> int | None:
    """十二 → 12, 二十一 → 21, 百 → 100; also accepts positional 一〇 → 10."""
    if not text or any(c not in _KANJI_DIGITS and c not in _KANJI_UNITS for c in text):
        return None
    if all(c in _KANJI_DIGITS for c in text):
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, digit = 0, 0
    for char in text:
        if char in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[char]
        else:
            total += (digit or 1) * _KANJI_UNITS[char]
            digit = 0
    return total + digit


def to_int(text: str) -> int | None:
    """Arabic (half or full width) or kanji numerals."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdecimal():
        return int(text)
    return kanji_to_int(text)


def roman_to_int(text: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    if not text or any(c not in values for c in text):
        return None
    total = 0
    for i, char in enumerate(text):
        value = values[char]
        if i + 1 < len(text) and values[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if int_to_roman(total) == text else None


def int_to_roman(number: int) -> str:
    out = []
    for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix")):
        while number >= value:
            out.append(letters)
            number -= value
    for value, letters in ((5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


# --- articles ---------------------------------------------------------------------------

# A number as law texts write it: Arabic (half or full width) or kanji.
NUMERAL = "[0-9０-９〇一二三四五六七八九十百千]+"
_JA_ARTICLE = re.compile(
    rf"^第(?P<main>{NUMERAL})条(?P<branch>(?:の{NUMERAL})*)"
    rf"(?:{_SPACE}*[（(](?P<title>.+)[）)])?{_SPACE}*(?P<deleted>削除)?$"
)
_EN_ARTICLE = re.compile(
    r"^Article\s+(?P<main>\d+)(?P<branch>(?:-\d+)*)"
    r"(?:\s*\((?P<title>.+)\))?\s*(?P<deleted>Deleted)?$"
)


@dataclass(frozen=True, slots=True)
class ArticleHeading:
    number: ArticleNumber | None
    title: str
    deleted: bool


def parse_article_heading(heading: str) -> ArticleHeading:
    match = _JA_ARTICLE.match(heading)
    if match:
        main = to_int(match["main"])
        branch = tuple(to_int(b) or 0 for b in match["branch"].split("の")[1:])
        if main is not None:
            return ArticleHeading(
                ArticleNumber(main, branch), match["title"] or "", bool(match["deleted"])
            )
    match = _EN_ARTICLE.match(heading)
    if match:
        branch = tuple(int(b) for b in match["branch"].split("-")[1:])
        return ArticleHeading(
            ArticleNumber(int(match["main"]), branch), match["title"] or "", bool(match["deleted"])
        )
    return ArticleHeading(None, heading, False)


# --- paragraphs and items ----------------------------------------------------------------

_PARAGRAPH = re.compile(rf"^(?P<num>[0-9０-９]{{1,3}}){_SPACE}+(?P<rest>\S.*)$")
# 「1.当社は…」「１．当社は…」: a dotted number that Markdown does not take for a list (no space
# after the dot, or a full-width dot). The label keeps the dot as written.
_DOTTED = re.compile(
    rf"^(?P<label>(?P<num>[0-9０-９]{{1,3}})[.．]){_SPACE}*(?P<rest>[^\s0-9０-９].*)$"
)
_PAREN = re.compile(rf"^(?P<label>[(（](?P<num>[0-9０-９]{{1,3}})[)）]){_SPACE}*(?P<rest>.*)$")
_KANJI = re.compile(rf"^(?P<label>[一二三四五六七八九十]+){_SPACE}+(?P<rest>\S.*)$")
_KATAKANA = re.compile(rf"^(?P<label>[{AIUEO}ヰヱ]){_SPACE}+(?P<rest>\S.*)$")
_LATIN_OR_ROMAN = re.compile(r"^(?P<label>\((?P<letters>[a-z]{1,5})\))\s*(?P<rest>.*)$")


@dataclass(frozen=True, slots=True)
class Marker:
    label: str
    family: str
    number: int


@dataclass(frozen=True, slots=True)
class MarkedLine:
    """A line that starts a numbered unit, with every reading of its marker."""

    kind: str  # "paragraph" or "item"
    readings: tuple[Marker, ...]
    rest: str
    offset: int  # where `rest` starts in the line


# Every marker's first character: a digit (half or full width), a bracket, a kanji numeral or
# a katakana. Most lines start with none of them and skip the six patterns below.
_MARKER_START = frozenset("0123456789０１２３４５６７８９(（一二三四五六七八九十" + AIUEO + "ヰヱ")


def read_marker(line: str) -> MarkedLine | None:
    """Recognise the number a line starts with, or None for a continuation line."""
    if not line or line[0] not in _MARKER_START:
        return None
    return match_marker(line)


def match_marker(line: str) -> MarkedLine | None:
    """`read_marker` without its first-character shortcut: every pattern is tried."""
    match = _PARAGRAPH.match(line)
    if match:
        number = to_int(match["num"]) or 0
        return MarkedLine(
            "paragraph",
            (Marker(match["num"], "arabic", number),),
            match["rest"],
            match.start("rest"),
        )
    match = _DOTTED.match(line)
    if match:
        number = to_int(match["num"]) or 0
        return MarkedLine(
            "paragraph",
            (Marker(match["label"], "arabic", number),),
            match["rest"],
            match.start("rest"),
        )
    match = _PAREN.match(line)
    if match:
        number = to_int(match["num"]) or 0
        return MarkedLine(
            "item", (Marker(match["label"], "paren", number),), match["rest"], match.start("rest")
        )
    match = _KANJI.match(line)
    if match:
        kanji = kanji_to_int(match["label"])
        if kanji:
            return MarkedLine(
                "item",
                (Marker(match["label"], "kanji", kanji),),
                match["rest"],
                match.start("rest"),
            )
    match = _KATAKANA.match(line)
    if match:
        char = match["label"]
        readings = []
        if char in AIUEO:
            readings.append(Marker(char, "aiueo", AIUEO.index(char) + 1))
        if char in IROHA:
            readings.append(Marker(char, "iroha", IROHA.index(char) + 1))
        return MarkedLine("item", tuple(readings), match["rest"], match.start("rest"))
    match = _LATIN_OR_ROMAN.match(line)
    if match:
        letters = match["letters"]
        readings = []
        if len(letters) == 1:
            readings.append(Marker(match["label"], "latin", LATIN.index(letters) + 1))
        roman = roman_to_int(letters)
        if roman:
            readings.append(Marker(match["label"], "roman", roman))
        if readings:
            return MarkedLine("item", tuple(readings), match["rest"], match.start("rest"))
    return None


# --- appendices and chapters -----------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_APPENDIX_JA = re.compile(
    rf"^(?P<kind>別表|別紙|別記|様式)(?:第(?P<num>{NUMERAL}))?(?:{_SPACE}*[（(].*[）)])?{_SPACE}*$"
)
_SUPPLEMENT_JA = re.compile(rf"^附{_SPACE}*則(?:{_SPACE}*[（(].*[）)])?{_SPACE}*$")
_APPENDIX_EN = re.compile(
    r"^(?P<kind>Schedule|Annex|Appendix|Exhibit|Attachment)"
    r"(?:\s+(?P<num>\d+|[A-Z]|[IVX]+))?(?:\s*[:.(—–-].*)?$",
    re.I,
)
_SUPPLEMENT_EN = re.compile(r"^Supplementary\s+Provisions?\b.*$", re.I)
_CHAPTER = re.compile(rf"^第(?P<num>{NUMERAL})章(?:{_SPACE}.*|[（(].*)?$")
_KINDS = {
    "別表": "schedule", "別紙": "attachment", "別記": "form", "様式": "form",
    "schedule": "schedule", "annex": "annex", "appendix": "appendix", "exhibit": "exhibit",
    "attachment": "attachment",
}  # fmt: skip


def _appendix_number(text: str | None) -> str:
    if not text:
        return ""
    number = to_int(text)
    if number is not None:
        return str(number)
    return text.lower()


def appendix_id(heading: str) -> str | None:
    """別表第1 / Schedule 1 → "schedule-1", 附則 → "suppl", Annex A → "annex-a"; else None.

    The same id in every language, so a translation's appendix pairs with the original's.
    """
    heading = heading.strip()
    if _SUPPLEMENT_JA.match(heading) or _SUPPLEMENT_EN.match(heading):
        return "suppl"
    match = _APPENDIX_JA.match(heading) or _APPENDIX_EN.match(heading)
    if not match:
        return None
    kind = _KINDS[match["kind"].lower()]
    number = _appendix_number(match["num"])
    return f"{kind}-{number}" if number else kind


def chapter_id(heading: str) -> str | None:
    """第2章 → "chap-2" (chapters group articles; their articles keep art-N ids)."""
    match = _CHAPTER.match(heading.strip())
    if not match:
        return None
    number = to_int(match["num"])
    return f"chap-{number}" if number is not None else None

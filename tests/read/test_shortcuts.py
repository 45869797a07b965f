"""The reader's shortcuts give what the full path gives: each against the path it skips.

Every shortcut here answers "nothing to find" from a cheap test (a substring, a first
character, a set) before a pattern runs; these tests try the pattern anyway and compare.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kaitei.markdown import _CJK_PUNCT
from kaitei.read.dialects import _LINE, attribute_line
from kaitei.read.ids import is_latin
from kaitei.read.numbering import match_marker, read_marker
from kaitei.read.references import _EN, _EN_PATTERN, _JA, _JA_PATTERN, find_refs, scan_refs
from kaitei.read.units import _ANCHOR_ID, _ANCHOR_LINE, anchor_line

# Pieces of references (and of near misses) in both languages, glued with filler: random
# characters alone would almost never spell 第2条 or "paragraph 1 of Article 4".
_REF_PIECES = [
    "第", "条", "項", "号", "の", "前", "次", "同", "各", "別表", "法", "（", "）", "2", "１", "十",
    "Article ", "paragraph ", "item (", ") of ", "the preceding ", "The following ",
    "Schedule ", "Annex ", "Appendix ", "A", "1", "(2)", " of the Act", " GDPR", " ", "x",
    "次", "前2項", "各号", "第1号", "the following ", "Article", "paragraph",
]  # fmt: skip
_REF_TEXT = st.lists(st.sampled_from(_REF_PIECES), max_size=14).map("".join)


@settings(max_examples=3000)
@given(_REF_TEXT)
@example("第4条第2項及び前条")
@example("Article 4(2) and paragraph 1 of the preceding Article")
@example("Schedule 1 and 別表第2")
@example("個人情報保護法第2条")
@example("item (1) of paragraph 2 of Article 3")
def test_find_refs_is_every_scan(text: str) -> None:
    assert find_refs(text) == scan_refs(text)


_BARE_JA, _BARE_EN = re.compile(_JA_PATTERN), re.compile(_EN_PATTERN)


@settings(max_examples=3000)
@given(_REF_TEXT)
@example("前2項各号、次条第3項第1号、同項及び別表第十")
@example("item (2) of paragraph 1 of the following Article; The preceding paragraph")
def test_scans_with_a_lookahead_match_as_the_bare_patterns(text: str) -> None:
    for fast, bare in ((_JA, _BARE_JA), (_EN, _BARE_EN)):
        found = [(m.span(), m.groupdict()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in bare.finditer(text)]


# Markers of every kind (and lines that only look like one): an opening bracket or none, a
# number in any family, a closing bracket or dot or none, a space or none, then anything.
_MARKER_LINE = st.tuples(
    st.sampled_from(["", "(", "（", "[", "第"]),
    st.sampled_from(
        ["1", "12", "１", "1234", "一", "十二", "ア", "イ", "ヰ", "ヱ", "ン", "a", "iv", "x", "ん"]
    ),
    st.sampled_from(["", ")", "）", ".", "．", "条"]),
    st.sampled_from(["", " ", "\u3000", "  ", "\t"]),
    st.sampled_from(["", "当社は", "text", "2", "・", "-"]),
).map("".join)


@settings(max_examples=3000)
@given(st.one_of(_MARKER_LINE, st.text(max_size=12)))
@example("")
@example("1 当社は")
@example("(iv) item")
@example("ヰ 細目")
def test_read_marker_is_every_pattern(line: str) -> None:
    assert read_marker(line) == match_marker(line)


_LAYOUT_LINE = st.lists(
    st.sampled_from(["{", "}", ":", "#", "id", ".c", "<a", " id", "=", '"x"', ">", "</a>", " "]),
    max_size=10,
).map("".join)


@given(st.one_of(_LAYOUT_LINE, st.text(max_size=20)))
@example("{: #x }")
@example('<a id="y"></a>')
def test_attribute_and_anchor_lines_are_their_patterns(line: str) -> None:
    match = _LINE.match(line)
    assert attribute_line(line) == ((True, match["id"]) if match else (False, None))
    anchor = _ANCHOR_ID.search(line) if _ANCHOR_LINE.match(line) else None
    expected = (anchor["q"] or anchor["s"] or anchor["b"]) if anchor else None
    assert anchor_line(line) == (expected if _ANCHOR_LINE.match(line) else None)


def _latin_by_name(text: str) -> bool:
    for char in text:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return any(c.isalnum() for c in text)


@given(st.text(max_size=12))
@example("Who we are")
@example("1.2 -")
@example("")
def test_is_latin_is_the_names(text: str) -> None:
    assert is_latin(text) == _latin_by_name(text)


def test_cjk_punctuation_set_is_the_ranges() -> None:
    pattern = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
    assert {c for c in map(chr, range(0x10000)) if pattern.match(c)} == _CJK_PUNCT

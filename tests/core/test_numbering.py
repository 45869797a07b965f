"""Numbering conventions as data (Lawtext's habit): each reading tested by table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaitei.model import ArticleNumber
from kaitei.read.numbering import (
    int_to_roman,
    kanji_to_int,
    parse_article_heading,
    read_marker,
    roman_to_int,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("百", 100), ("一〇", 10)],
)
def test_kanji_numerals(text: str, number: int) -> None:
    assert kanji_to_int(text) == number


@given(st.integers(min_value=1, max_value=399))
def test_roman_round_trip(number: int) -> None:
    assert roman_to_int(int_to_roman(number)) == number


@pytest.mark.parametrize(
    ("heading", "number", "title", "deleted"),
    [
        ("第1条（総則）", ArticleNumber(1), "総則", False),
        ("第4条 (第三者提供)", ArticleNumber(4), "第三者提供", False),
        (
            "第四条の二（外国にある第三者への提供）",
            ArticleNumber(4, (2,)),
            "外国にある第三者への提供",
            False,
        ),
        ("第十二条（本ポリシーの変更）", ArticleNumber(12), "本ポリシーの変更", False),
        ("第５条　削除", ArticleNumber(5), "", True),
        ("Article 1 (General)", ArticleNumber(1), "General", False),
        ("Article 4-2 (Transfers abroad)", ArticleNumber(4, (2,)), "Transfers abroad", False),
        ("Article 5 Deleted", ArticleNumber(5), "", True),
        ("Information we collect", None, "Information we collect", False),
    ],
)
def test_article_headings(
    heading: str, number: ArticleNumber | None, title: str, deleted: bool
) -> None:
    parsed = parse_article_heading(heading)
    assert (parsed.number, parsed.title, parsed.deleted) == (number, title, deleted)


def test_article_number_keys() -> None:
    assert ArticleNumber(4, (2,)).key == "4_2"
    assert ArticleNumber(4, (2,)).anchor == "art-4-2"
    assert ArticleNumber(4) < ArticleNumber(4, (2,)) < ArticleNumber(5)


@pytest.mark.parametrize(
    ("line", "kind", "readings", "rest"),
    [
        ("1 当社は、", "paragraph", [("arabic", 1)], "当社は、"),
        ("２　当社は、", "paragraph", [("arabic", 2)], "当社は、"),
        ("(3) 法令に基づく場合", "item", [("paren", 3)], "法令に基づく場合"),
        ("（１）利用者の同意を得た場合", "item", [("paren", 1)], "利用者の同意を得た場合"),
        ("三 法令に基づく場合", "item", [("kanji", 3)], "法令に基づく場合"),
        ("ア 端末情報", "item", [("aiueo", 1), ("iroha", 36)], "端末情報"),
        ("イ ログ情報", "item", [("aiueo", 2), ("iroha", 1)], "ログ情報"),
        ("ロ ログ情報", "item", [("aiueo", 43), ("iroha", 2)], "ログ情報"),
        ("(a) Device information", "item", [("latin", 1)], "Device information"),
        ("(i) first", "item", [("latin", 9), ("roman", 1)], "first"),
        ("(iv) fourth", "item", [("roman", 4)], "fourth"),
    ],
)
def test_markers(line: str, kind: str, readings: list[tuple[str, int]], rest: str) -> None:
    marked = read_marker(line)
    assert marked is not None
    assert marked.kind == kind
    assert [(m.family, m.number) for m in marked.readings] == readings
    assert marked.rest == rest


@pytest.mark.parametrize(
    "line",
    [
        "一般消費者情報",  # 一 followed by a word, not a space
        "アクセス制限",
        "(なお、受付時間は平日です。)",
        "2017年8月23日",  # no space after the number
        "Cookie とは",
        "1234 is not a paragraph number",
    ],
)
def test_continuation_lines_are_not_markers(line: str) -> None:
    assert read_marker(line) is None

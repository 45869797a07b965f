"""The parser on small texts: structure, ids, and no exception on any input."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kaitei.diagnostics import Collector
from kaitei.model import FrontMatter, Item, LanguageText, Span, Table, Text, walk_items
from kaitei.parse import parse_body

META = FrontMatter(
    effective=dt.date(2020, 1, 1),
    announced=None,
    change="editorial",
    summary="",
    changes=(),
    reconstruction=False,
    reconstruction_note="",
    acknowledge=(),
    errata=(),
    span=Span("t.md", 1),
)


def parse(body: str, lang: str = "ja") -> tuple[LanguageText, Collector]:
    out = Collector()
    out.register_source("t.md", body)
    return parse_body(body, 1, "t.md", lang, META, body, out), out


def ids(items: tuple[Item, ...]) -> list[str]:
    return [i.id for i in walk_items(items)]


def test_items_and_sub_items_by_family() -> None:
    text, out = parse(
        "# T\n\n## 第1条（定義）\n\n1 次のとおり。\n一 甲\nイ 子\nロ 孫\n二 乙\n\n2 以上。\n"
    )
    assert not out.items
    para = text.articles[0].paragraphs[0]
    assert ids(para.items) == [
        "art-1-para-1-item-1",
        "art-1-para-1-item-1-sub-1",
        "art-1-para-1-item-1-sub-2",
        "art-1-para-1-item-2",
    ]
    assert [i.family for i in walk_items(para.items)] == ["kanji", "iroha", "iroha", "kanji"]
    assert text.articles[0].paragraphs[1].label == "2"


def test_english_i_after_h_is_a_letter_and_first_i_is_roman() -> None:
    letters = "\n".join(f"({c}) x" for c in "abcdefghij")
    text, out = parse(f"# T\n\n## Article 1 (A)\n\n1 List:\n{letters}\n", "en")
    assert not out.items
    items = text.articles[0].paragraphs[0].items
    assert [i.family for i in items] == ["latin"] * 10
    text, out = parse("# T\n\n## Article 1 (A)\n\n1 List:\n(1) x\n(i) y\n(ii) z\n(2) w\n", "en")
    assert not out.items
    assert ids(text.articles[0].paragraphs[0].items)[1:3] == [
        "art-1-para-1-item-1-sub-1",
        "art-1-para-1-item-1-sub-2",
    ]


def test_unnumbered_sections_get_slugs_and_pins_win() -> None:
    text, out = parse(
        "# Policy\n\n## Information we collect\n\nWe collect data.\n\n"
        "## Your rights {#rights}\n\nYou may ask.\n",
        "en",
    )
    assert not out.items
    assert [a.id for a in text.articles] == ["information-we-collect", "rights"]
    assert text.articles[0].paragraphs[0].id == "information-we-collect-para-1"


def test_table_rows_keyed_and_continued() -> None:
    text, out = parse(
        "# T\n\n## 第1条（目的）\n\n1 下記のとおり。\n\n| 目的 | 詳細 |\n|---|---|\n"
        "| 提供 | ・本人確認 ・不正防止 |\n|  | ・改善 |\n| 通知 | お知らせ |\n"
    )
    assert not out.items
    table = text.articles[0].paragraphs[0].blocks[1]
    assert isinstance(table, Table)
    assert [(r.id, r.key, r.continued) for r in table.rows] == [
        ("art-1-para-1-row-1", "提供", False),
        ("art-1-para-1-row-1-2", "提供", True),
        ("art-1-para-1-row-2", "通知", False),
    ]
    assert [b.plain for b in table.rows[0].cells[1].bullets] == ["本人確認", "不正防止"]
    assert table.rows[2].cells[1].bullets == ()


def test_cjk_emphasis_and_soft_breaks() -> None:
    text, out = parse("# T\n\n## 第1条（総則）\n\n当社は、**「利用者」**に\n通知します。\n")
    assert not out.items
    block = text.articles[0].paragraphs[0].blocks[0]
    assert isinstance(block, Text)
    assert block.plain == "当社は、「利用者」に通知します。"


def test_closing_lines() -> None:
    text, out = parse(
        "# T\n\n## 第1条（総則）\n\n当社は。\n\n* * *\n\n2017 年 8 月 23 日 制定\n"
        "2020 年 10 月 1 日 改定\n"
    )
    assert not out.items
    assert [(c.kind, c.date) for c in text.closing] == [
        ("enacted", dt.date(2017, 8, 23)),
        ("revised", dt.date(2020, 10, 1)),
    ]


_PIECES = st.sampled_from(
    [
        "# 題\n",
        "## 第1条（総則）\n",
        "## 第2条の2\n",
        "## Article 3 (X)\n",
        "## 見出し\n",
        "1 当社は、",
        "2 前項の",
        "(1) 甲",
        "ア 子",
        "イ ",
        "一 乙",
        "(i) x",
        "第4条第2項",
        "前条",
        "| a | b |\n|---|---|\n| ・c | d |\n",
        "|  | e |\n",
        "* * *\n",
        "<b>x</b>",
        "[l](http://x)",
        "[l](https://x)",
        "**「強調」**",
        "    code\n",
        "- 箇条\n",
        "1. list\n",
        "> quote\n",
        "{#pin}",
        "\n",
        "\n\n",
        "2020 年 1 月 1 日 制定",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=30))
@example(["\r\r2 前項の"])  # found by hypothesis: lone CRs are line ends, as the loader reads them
def test_parser_never_raises(pieces: list[str]) -> None:
    body = "".join(pieces)
    text, out = parse(body)
    # Whatever the input, the result is a model plus diagnostics that point into the file.
    # Line numbers are those of the file as read: the loader turns a lone CR into a line end.
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for diagnostic in out.items:
        assert 1 <= diagnostic.line <= len(lines) + 1
        assert diagnostic.message
    assert isinstance(text.articles, tuple)

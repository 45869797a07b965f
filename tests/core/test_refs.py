"""Cross-references: recognised in text, resolved against the anchors of one version."""

from __future__ import annotations

import pytest

from kaitei.read.references import RefContext, find_refs, resolve

ARTICLES = ["art-1", "art-2", "art-3", "art-4", "art-4-2", "art-5"]


@pytest.mark.parametrize(
    ("text", "article_index", "paragraph", "expected"),
    [
        ("第4条第2項に定義", 0, 3, [("第4条第2項", "art-4-para-2")]),
        ("前条第1項の場合", 3, 1, [("前条第1項", "art-3-para-1")]),
        ("次項及び以下の場合", 3, 1, [("次項", "art-4-para-2")]),
        ("前項の利用目的", 2, 2, [("前項", "art-3-para-1")]),
        ("前条に定める", 5, 1, [("前条", "art-4-2")]),  # 前条 of 第5条 is 第4条の2
        ("第4条の2第1項", 0, 1, [("第4条の2第1項", "art-4-2-para-1")]),
        ("第2条第1項第3号", 0, 1, [("第2条第1項第3号", "art-2-para-1-item-3")]),
        ("第十二条", 0, 1, [("第十二条", "art-12")]),
        ("個人情報保護法第2条第1項により", 1, 1, []),  # a statute's article, not ours
        ("第三者に提供", 1, 1, []),
        ("as defined in Article 4(2)", 0, 3, [("Article 4(2)", "art-4-para-2")]),
        (
            "paragraph 1 of the preceding Article",
            3,
            1,
            [("paragraph 1 of the preceding Article", "art-3-para-1")],
        ),
        ("the following paragraph", 3, 1, [("the following paragraph", "art-4-para-2")]),
        ("The preceding paragraph", 2, 2, [("The preceding paragraph", "art-3-para-1")]),
        ("Article 2(1) of the Act on the Protection", 1, 1, []),
        (
            "item (3) of paragraph 1 of Article 2",
            0,
            1,
            [("item (3) of paragraph 1 of Article 2", "art-2-para-1-item-3")],
        ),
    ],
)
def test_resolution(
    text: str, article_index: int, paragraph: int, expected: list[tuple[str, str]]
) -> None:
    ctx = RefContext(ARTICLES, article_index, paragraph)
    assert [(r.label, resolve(r, ctx)) for r in find_refs(text)] == expected


def test_relative_reference_out_of_range_points_nowhere() -> None:
    (ref,) = find_refs("前項の場合")
    assert resolve(ref, RefContext(ARTICLES, 0, 1)) == "?"
    (ref,) = find_refs("前条の場合")
    assert resolve(ref, RefContext(ARTICLES, 0, 1)) == "?"

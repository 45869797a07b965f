"""Issue 13 (1): nothing of a source may silently go missing from the published text."""

from __future__ import annotations

from dataclasses import replace

from kaitei.diagnostics import Collector
from kaitei.model import canonical_text
from kaitei.read.body import check_nothing_lost
from kaitei.read.roundtrip import to_markdown

from ..core.test_parse import parse

NESTED = "".join("  " * n + f"- 項目{n}\n" for n in range(12))
BODY = (
    "# 方針\n\n## 第1条（総則）\n\n当社は次のとおり定めます。\n\n" + NESTED + "\n"
    "## 第2条（変更）\n\n当社は本方針を変更することがあります。\n\n* * *\n\n"
    "2020 年 1 月 1 日 制定\n"
)


def test_a_list_nested_twelve_deep_keeps_every_following_article_and_the_closing_lines() -> None:
    text, out = parse(BODY)
    assert not out.items, [d.format() for d in out.items]
    assert [a.id for a in text.articles] == ["art-1", "art-2"]
    assert [c.text.plain for c in text.closing] == ["2020 年 1 月 1 日 制定"]
    canonical = canonical_text(text)
    assert "項目11" in canonical and "当社は本方針を変更することがあります。" in canonical


def test_the_guard_reports_text_the_model_does_not_hold() -> None:
    text, _ = parse(BODY)
    assert to_markdown(text) == BODY
    shortened = replace(text, articles=text.articles[:1], closing=())
    out = Collector()
    out.register_source("t.md", BODY)
    check_nothing_lost(shortened, out)
    assert [(d.line, d.column, d.code) for d in out.errors] == [(20, 1, "lost-text")]
    assert "## 第2条（変更）" in out.errors[0].message

"""No silent loss: the model gives back every file, and text outside the model is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import LanguageText
from kaitei.read.roundtrip import layouts, to_markdown, unplaced

from ..core.test_parse import parse

ROOT = Path(__file__).resolve().parents[2]


def _sample() -> list[LanguageText]:
    site = load_site(ROOT, Collector())
    return [t for d in site.documents for v in d.versions for t in v.texts]


@pytest.mark.parametrize("text", _sample(), ids=lambda t: t.path)
def test_every_sample_file_round_trips_through_the_model(text: LanguageText) -> None:
    assert to_markdown(text) == text.source
    assert [w for layout, _ in layouts(text) for _, w in unplaced(layout)] == []


def test_words_hidden_in_layout_are_found() -> None:
    assert unplaced("\n\n## ") == []
    assert unplaced("\n- ") == []
    assert unplaced("<!-- note -->\n\n1 ") == []
    assert unplaced("\nlost words\n\n") == [(1, "lost words")]


_LINES = st.sampled_from(
    [
        "# Title", "## 第1条（総則）", "### Sub", "Setext", "------", "=====", "",
        "1 当社は従う。", "(1) 項目", "ア 細目", "1. First", "2) Second", "- bullet",
        "  - nested", "    - deeper", "* star", "| a | b |", "|---|---|", "| c | d |",
        "* * *", "---", "<!-- c -->", "{: #x }", '<a id="y"></a>', "Text with [link](https://e.com)",
        "A&nbsp;B<br>C\\", "[d]: https://e.com/d", "2017 年 8 月 23 日 制定", "## 別表第1",
        "> quote", "    code", "<div>x</div>", "Enacted: 1 May 2020", "\t- tab", "1\\. Esc",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=25), st.sampled_from(["ja", "en"]))
@example(["* * *", "2017 年 8 月 23 日 制定", "## 別表第1", "Setext"], "ja")
def test_any_markdown_round_trips_or_is_reported(lines: list[str], lang: str) -> None:
    body = "\n".join(lines) + "\n"
    text, out = parse(body, lang)
    lost = [d for d in out.items if d.code == "lost-text"]
    assert not lost, [d.format() for d in lost]
    assert to_markdown(text) == body


def test_an_appendix_after_the_closing_lines_keeps_its_text() -> None:
    # The text under an appendix that follows the closing lines is the appendix's, in file
    # order, not one more closing line (which put it before the heading, and lost the table).
    body = (
        "# 規約\n\n## 第1条（目的）\n\n本規約は定める。\n\n---\n\n2020年1月1日 制定\n\n"
        "## 別表第1\n\n| a | b |\n|---|---|\n| c | d |\n\n本文です。\n\n1. 一\n2. 二\n"
    )
    text, out = parse(body, "ja")
    assert [d.format() for d in out.items] == []
    assert to_markdown(text) == body
    assert [c.text.plain for c in text.closing] == ["2020年1月1日 制定"]
    (appendix,) = text.appendices
    assert appendix.id == "schedule-1"
    assert [type(b).__name__ for p in appendix.paragraphs for b in p.blocks] == [
        "Table", "Text",
    ]  # fmt: skip
    assert [i.label for p in appendix.paragraphs for i in p.items] == ["1.", "2."]

"""The reader on the Markdown real policies contain: sections of any depth, ids, links, lists."""

from __future__ import annotations

from kaitei.model import BulletList, LanguageText, Text, canonical_text
from kaitei.read.roundtrip import to_markdown

from ..core.test_parse import parse


def ok(body: str, lang: str = "en") -> LanguageText:
    text, out = parse(body, lang)
    assert not out.errors, [d.format() for d in out.errors]
    assert to_markdown(text) == body
    return text


def test_sections_of_any_depth_form_a_tree() -> None:
    text = ok(
        "# Policy\n\n## What we collect\n\n### Identity\n\nYour name.\n\n"
        "#### Details\n\nMore.\n\n## Rights\n\nYou may ask.\n"
    )
    assert [(a.id, a.level, a.parent, a.depth) for a in text.articles] == [
        ("what-we-collect", 2, None, 1),
        ("identity", 3, "what-we-collect", 2),
        ("details", 4, "identity", 3),
        ("rights", 2, None, 1),
    ]
    (top, rights) = text.sections()
    assert [s.unit.id for s in top.children] == ["identity"]
    assert rights.children == ()


def test_a_heading_that_opens_into_sub_sections_is_valid() -> None:
    text = ok("# P\n\n## Part one\n\n### A\n\nText.\n")
    assert text.articles[0].paragraphs == ()


def test_setext_headings_and_a_title_of_any_level() -> None:
    text = ok("Terms of Service\n----------------\n\nThe Gist\n--------\n\nWe are nice.\n")
    assert text.title.plain == "Terms of Service"
    assert [a.id for a in text.articles] == ["the-gist"]


def test_explicit_ids_win_in_every_dialect() -> None:
    text = ok(
        "# P\n\n## Who we are {#who}\n\nUs.\n\n## Data {: #data .wide }\n\nSome.\n\n"
        '<a id="rights"></a>\n\n## Your rights\n\nMany.\n{: #rights-text }\n'
    )
    assert [a.id for a in text.articles] == ["who", "data", "rights"]
    assert text.articles[2].paragraphs[-1].id == "rights-text"


def test_numbered_articles_are_recognised_at_any_depth() -> None:
    text = ok("# 規約\n\n## 第1章　総則\n\n### 第1条（目的）\n\n本規約は定める。\n", "ja")
    assert [(a.id, a.parent) for a in text.articles] == [("chap-1", None), ("art-1", "chap-1")]


def test_non_latin_headings_get_structural_ids_that_never_collide() -> None:
    text = ok("# 方針\n\n## 概要\n\n### 概要\n\n本文。\n\n## 概要\n\n本文。\n", "ja")
    assert [a.id for a in text.articles] == ["sec-1", "sec-1-1", "sec-2"]
    text = ok("# P\n\n## Data\n\nA.\n\n## Data\n\nB.\n")
    assert [a.id for a in text.articles] == ["data", "data-1"]


def test_links_are_text_and_their_target_is_hashed() -> None:
    one = ok("# P\n\n## Opt out\n\nUse [this form](https://example.com/a).\n")
    two = ok("# P\n\n## Opt out\n\nUse [this form](https://example.com/b).\n")
    (block,) = one.articles[0].paragraphs[0].blocks
    assert isinstance(block, Text)
    assert block.plain == "Use this form."
    assert [(block.plain[k.start : k.end], k.target) for k in block.links] == [
        ("this form", "https://example.com/a")
    ]
    assert "this form <https://example.com/a>" in canonical_text(one)
    assert one.sha256 != two.sha256


def test_http_links_are_accepted_with_a_warning_and_javascript_refused() -> None:
    _text, out = parse("# P\n\n## A\n\nSee [x](http://example.com).\n", "en")
    assert [(d.severity, d.code) for d in out.items] == [("warning", "http-link")]
    _, out = parse("# P\n\n## A\n\nSee [x](javascript:alert(1)).\n", "en")
    assert [(d.severity, d.code) for d in out.items] == [("error", "unsafe-link")]


def test_breaks_entities_comments_and_escaped_numbers() -> None:
    text = ok(
        "<!-- a note for editors -->\n# P\n\n## 1\\. Who’s Who\n\nA&nbsp;B<br>C\\\nD\n\n"
        "---\n\nAfter the break.\n"
    )
    article = text.articles[0]
    assert article.heading == "1. Who’s Who" and article.id == "1-whos-who"
    blocks = article.paragraphs[0].blocks
    assert isinstance(blocks[0], Text) and blocks[0].plain == "A\xa0B C D"
    assert type(blocks[1]).__name__ == "Break"


def test_ordered_lists_keep_their_labels_in_english_and_japanese() -> None:
    text = ok("# 方針\n\n## 第1条（総則）\n\n1. 当社は従う。\n2. 当社は変える。\n", "ja")
    paragraphs = text.articles[0].paragraphs
    assert [(p.id, p.label) for p in paragraphs] == [("art-1-para-1", "1."), ("art-1-para-2", "2.")]
    text = ok("# P\n\n## Uses\n\nWe use data to:\n\n1) serve you;\n2) bill you.\n")
    items = text.articles[0].paragraphs[0].items
    assert [(i.label, i.id) for i in items] == [
        ("1)", "uses-para-1-item-1"),
        ("2)", "uses-para-1-item-2"),
    ]


def test_a_list_nested_twenty_deep_keeps_the_rest_of_the_file() -> None:
    deep = "".join("  " * n + "- level\n" for n in range(20))
    text = ok(f"# P\n\n## A\n\n{deep}\n## B\n\nThe last article.\n")
    (bullets,) = text.articles[0].paragraphs[0].blocks
    assert isinstance(bullets, BulletList)
    assert bullets.depths == tuple(range(20))
    assert text.articles[-1].id == "b"
    assert "The last article." in canonical_text(text)


def test_raw_html_in_a_heading_is_refused_like_body_html() -> None:
    _, out = parse("# P\n\n## <span>Data</span>\n\nText.\n", "en")
    assert [(d.line, d.column, d.code) for d in out.errors] == [
        (3, 4, "raw-html"),
        (3, 14, "raw-html"),
    ]


def test_reference_definitions_resolve_and_unused_ones_are_reported() -> None:
    text = ok("# P\n\n## A\n\nSee [the form][f].\n\n[f]: https://example.com/form\n")
    (block,) = text.articles[0].paragraphs[0].blocks
    assert isinstance(block, Text)
    assert [k.target for k in block.links] == ["https://example.com/form"]
    text, out = parse("# P\n\n## A\n\nText.\n\n[unused]: https://example.com/x\n", "en")
    assert [(d.line, d.severity, d.message) for d in out.items] == [
        (7, "warning", "the link definition [unused] is not used by any link")
    ]
    assert to_markdown(text).endswith("[unused]: https://example.com/x\n")


def test_hints_are_in_the_files_language() -> None:
    _, out = parse("Text first.\n", "en")
    assert "'# Privacy Policy'" in out.items[0].hint
    _, out = parse("本文。\n", "ja")
    assert "'# プライバシーポリシー'" in out.items[0].hint

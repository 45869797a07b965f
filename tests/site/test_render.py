"""Inline Markdown rendering, cross-reference links, and the UI string catalogues."""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kaitei.catalogue import i18n_dir, load_catalogue
from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import CrossRef, Span, Text, all_texts
from kaitei.read.references import find_refs
from kaitei.read.text import read_fragment
from kaitei.site.render import InlineRenderer, theme_dir

from .conftest import ROOT

RENDER = InlineRenderer()


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _text(source: str, target: str = "art-1") -> Text:
    """A Text as the parser makes it, every reference pointing at `target`."""
    pending = read_fragment(source, "t.md", "ja")
    refs = tuple(CrossRef(r.start, r.end, r.label, target) for r in find_refs(pending.plain))
    return Text(source, pending.plain, Span("t.md", 1), refs)


def test_every_sample_text_renders_to_its_plain_text() -> None:
    site = load_site(ROOT, Collector())
    count = 0
    for document in site.documents:
        for version in document.versions:
            for lt in version.texts:
                for text in all_texts(lt):
                    rendered = RENDER.render(text)
                    assert _visible(rendered) == text.plain, text.span
                    linked = re.findall(r'<a href="#([^"]+)" class="xref">([^<]+)</a>', rendered)
                    expected = [(r.target, r.label) for r in text.refs if r.target]
                    assert linked == expected, text.span
                    count += 1
    assert count > 200


def test_cross_references_link_to_the_anchor_on_the_same_page() -> None:
    text = _text("**第4条第2項**に定める提携事業者及び前条の規定")
    rendered = RENDER.render(text)
    assert rendered == (
        '<strong><a href="#art-1" class="xref">第4条第2項</a></strong>'
        'に定める提携事業者及び<a href="#art-1" class="xref">前条</a>の規定'
    )
    assert 'href="#en-art-1"' in RENDER.render(text, "en-")


def test_emphasis_closes_next_to_japanese_brackets() -> None:
    assert RENDER.render(_text("**「利用者」**にとって")) == "<strong>「利用者」</strong>にとって"


def test_soft_breaks_join_japanese_without_a_space() -> None:
    assert RENDER.render(Text("当社は\n利用者", "当社は利用者", Span("t", 1))) == "当社は利用者"
    assert RENDER.render(Text("the\nCompany", "the Company", Span("t", 1))) == "the Company"
    assert RENDER.render(Text("当社 (the\n当社)", "", Span("t", 1))) == "当社 (the 当社)"


def test_raw_html_and_unsafe_links_are_not_rendered() -> None:
    rendered = RENDER.render(
        _text('<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">')
    )
    assert "<script" not in rendered and "<b " not in rendered
    assert 'href="javascript' not in rendered
    assert "&lt;script&gt;" in rendered


_PIECES = st.sampled_from(
    ["当社は", "利用者", "、", "。", "「", "」", "**", "*", "[", "]", "(https://example.com)",
     "第4条第2項", "前条", "次項", "Article 4(2)", " ", "the Company", "\\*", "`x`", "&", "<"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_rendering_keeps_the_text_and_links_every_reference(source: str) -> None:
    text = _text(source)
    rendered = RENDER.render(text)
    assert _visible(rendered) == text.plain.strip() or not text.plain
    labels = re.findall(r'class="xref">([^<]*)</a>', rendered)
    # A reference inside a link the editor wrote, or across markup, stays plain text.
    assert len(labels) <= len(text.refs)
    assert all(label in [r.label for r in text.refs] for label in labels)


def test_catalogues_have_the_same_keys_and_every_key_used_exists() -> None:
    ja = yaml.safe_load((i18n_dir() / "ja.yml").read_text(encoding="utf-8"))
    en = yaml.safe_load((i18n_dir() / "en.yml").read_text(encoding="utf-8"))
    assert set(ja) == set(en)
    used: set[str] = set()
    for template in Path(theme_dir()).rglob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'", template.read_text(encoding="utf-8")))
    for module in (ROOT / "kaitei" / "site").glob("*.py"):
        used |= set(re.findall(r'\bt\("([a-z_]+)"', module.read_text(encoding="utf-8")))
    assert used - {"status_", "change_"}, "the scan found nothing"
    assert not sorted(k for k in used if k not in ja and not k.endswith("_"))


def test_dates_in_each_language() -> None:
    import datetime as dt

    day = dt.date(2020, 10, 1)
    assert load_catalogue("ja").date(day) == "2020年10月1日"
    assert load_catalogue("en").date(day) == "1 October 2020"

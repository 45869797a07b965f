"""Golden files for the sample diff 2017-08-23 → 2020-10-01, every format, both languages.

Regenerate with KAITEI_REGEN_GOLDEN=1 and read the result before committing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from lxml import html as lxml_html

from kaitei.diff.changeset import ChangeSet, changeset
from kaitei.diffout.html import render_redline, render_table, table_context, version_date
from kaitei.diffout.json import render_json, schema
from kaitei.diffout.markdown import render_markdown
from kaitei.diffout.text import render_text
from kaitei.model import Document

GOLDEN = Path(__file__).parent / "golden"
OLD, NEW = "2017-08-23", "2020-10-01"

FORMATS: dict[str, Callable[[ChangeSet], str]] = {
    "txt": lambda c: render_text(c, color=False),
    "md": render_markdown,
    "json": render_json,
    "table.html": lambda c: render_table(c, "new-left"),
    "redline.html": render_redline,
}


@pytest.fixture(scope="module", params=["ja", "en"])
def sample_changes(request: pytest.FixtureRequest, sample: Document) -> ChangeSet:
    return changeset(sample, OLD, NEW, request.param)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(sample_changes: ChangeSet, fmt: str) -> None:
    actual = FORMATS[fmt](sample_changes)
    path = GOLDEN / f"privacy.{OLD}.{NEW}.{sample_changes.lang}.{fmt}"
    if os.environ.get("KAITEI_REGEN_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs"


def test_json_follows_the_published_schema(sample_changes: ChangeSet) -> None:
    data = json.loads(render_json(sample_changes))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)


def test_done_when_the_sample_shows_the_expected_changes(sample_changes: ChangeSet) -> None:
    """The issue's acceptance list, checked on the ChangeSet rather than on the golden text."""
    articles = {(p.old.number if p.old else None, p.new.number if p.new else None): p
                for p in sample_changes.pairs if p.level == "article"}  # fmt: skip
    assert articles[(None, "8")].kind == "added"
    for old in range(8, 13):
        pair = articles[(str(old), str(old + 1))]
        assert pair.number_changed and pair.kind in ("renumbered", "changed")
    assert articles[("8", "9")].kind == "renumbered"  # 統計データ: only the number moved
    assert articles[("10", "11")].kind == "renumbered"
    added = {p.new.id for p in sample_changes.walk() if p.kind == "added" and p.new}
    assert {"art-3-para-1-row-3", "art-4-para-2", "art-8"} <= added
    assert all(not p.unchanged_in for p in sample_changes.walk())


def test_html_fragments_are_safe_and_well_formed(sample_changes: ChangeSet) -> None:
    for fragment in (render_table(sample_changes), render_redline(sample_changes)):
        tree = lxml_html.fragment_fromstring(fragment)
        assert not tree.xpath("//script | //*[@style] | //*[starts-with(name(@*), 'on')]")
        assert tree.get("lang") == sample_changes.lang
        # Every mark says what it is to a screen reader.
        for mark in tree.xpath("//ins | //del"):
            assert mark.xpath("./span[@class='kt-vh']"), lxml_html.tostring(mark)


def test_unchanged_articles_fold_into_details(sample_changes: ChangeSet) -> None:
    tree = lxml_html.fragment_fromstring(render_table(sample_changes))
    summaries = [s.text_content() for s in tree.xpath("//details/summary")]
    omitted = "（略）" if sample_changes.lang == "ja" else "(omitted)"
    assert summaries and all(omitted in s for s in summaries)
    runs = [s.text_content() for s in tree.xpath("//tr[@class='kt-folded']//summary")]
    assert runs and all(s.startswith(omitted) for s in runs)
    # 第5条 and 第7条 did not change: folded, yet their text is in the page.
    folded = " ".join(d.text_content() for d in tree.xpath("//details"))
    assert ("個人情報の取扱いの委託" if sample_changes.lang == "ja" else "Entrustment") in folded


def test_unchanged_units_inside_changed_articles_read_ryaku(sample_changes: ChangeSet) -> None:
    """Japanese practice: 「１・２　（略）」 for the unchanged paragraphs of 第1条, only the
    changed 第3項 in full; the omitted text unfolds in place."""
    tree = lxml_html.fragment_fromstring(render_table(sample_changes))
    art1 = tree.xpath("//tbody[@id='t-art-1']")
    assert art1, "第1条 changed: its block has an id for the summary's index"
    rows = art1[0].xpath("./tr[contains(@class, 'kt-omitted')]")
    assert len(rows) == 1
    label = rows[0].xpath(".//summary/span")[0].text_content()
    expected = "１・２　（略）" if sample_changes.lang == "ja" else "1 and 2 (omitted)"
    assert label == expected
    folded = rows[0].xpath(".//details")[0].text_content()
    # The omitted paragraphs' text is there, folded: 第1条第2項 mentions 本ポリシー.
    assert ("本ポリシー" if sample_changes.lang == "ja" else "this Policy") in folded
    # Only the changed paragraph 3 is printed in full outside the fold.
    shown = [r for r in art1[0].xpath("./tr") if "kt-omitted" not in (r.get("class") or "")]
    assert len(shown) == 2  # the heading row and paragraph 3


def test_layout_puts_the_new_text_on_the_chosen_side(sample_changes: ChangeSet) -> None:
    for layout, first in (("new-left", NEW), ("old-left", OLD)):
        tree = lxml_html.fragment_fromstring(render_table(sample_changes, layout))  # type: ignore[arg-type]
        assert (
            version_date(first, sample_changes.lang)
            in tree.xpath("//thead/tr/th")[0].text_content()
        )


def test_redline_shows_a_renumbering_with_an_arrow(sample_changes: ChangeSet) -> None:
    """第~~8~~→9条, never 第89条; 第~~10~~→11条, never 第1~~0~~1条."""
    tree = lxml_html.fragment_fromstring(render_redline(sample_changes))
    headings = {h.get("id"): h for h in tree.xpath("//section[@id]")}
    art11 = headings["r-art-11"].xpath(".//h3")[0]
    for hidden in art11.xpath(".//span[@class='kt-vh']"):
        hidden.drop_tree()  # what a screen reader hears, not what a reader sees
    assert [d.text_content() for d in art11.xpath(".//del")] == ["10"]
    assert [i.text_content() for i in art11.xpath(".//ins")] == ["11"]
    assert art11.text_content().startswith(("第10→11条", "Article 10→11")), art11.text_content()


def test_column_heads_say_kaitei_for_a_policy_and_kaisei_for_a_statute(
    sample_changes: ChangeSet,
) -> None:
    """document.yml `style: statute` turns 改定後/改定前 into 改正後/改正前; dates in words."""
    ja = sample_changes.lang == "ja"
    policy = table_context(sample_changes, "new-left")["diff_headers"]
    statute = table_context(sample_changes, "new-left", None, statute=True)["diff_headers"]
    assert policy == (
        ("改定後（2020年10月1日施行）", "改定前（2017年8月23日施行）")
        if ja
        else ("Revised (effective 1 October 2020)", "Previous (effective 23 August 2017)")
    )
    assert statute[0].startswith("改正後" if ja else "Amended")
    assert statute[1].startswith("改正前" if ja else "Before amendment")

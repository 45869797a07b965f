"""Alignment on small documents: insertions, deletions, moves, renumbering, splits, merges."""

from __future__ import annotations

from pathlib import Path

from kaitei.diff.changeset import ChangeSet, Pair, changeset, changesets, diff_texts
from kaitei.diff.inline import apply_edits
from kaitei.diffout.html import render_redline, render_table
from kaitei.model import Document

from .conftest import TextPair, write_document

BASE = """\
# テスト

## 第1条（目的）

本規約は、当社サービスの利用条件を定めるものです。

## 第2条（定義）

1 「利用者」とは、当社サービスを利用する者をいいます。

2 「登録情報」とは、利用者が登録した情報をいいます。

## 第3条（禁止事項）

利用者は、以下の行為をしてはなりません。

(1) 法令に違反する行為
(2) 公序良俗に反する行為
(3) 当社のサーバに過度の負担をかける行為

## 第4条（免責）

当社は、第3条に違反した利用者に生じた損害について責任を負いません。

## 第5条（準拠法）

本規約は日本法に準拠します。
"""


def _diff(ja_pair: TextPair, old: str, new: str) -> ChangeSet:
    old_t, new_t = ja_pair(old, new)
    return diff_texts("test", old_t, new_t, "2020-01-01", "2021-01-01")


def _articles(changes: ChangeSet) -> list[tuple[str | None, str | None, str]]:
    return [
        (p.old.id if p.old else None, p.new.id if p.new else None, p.kind)
        for p in changes.pairs
        if p.level == "article"
    ]


def _find(changes: ChangeSet, new_id: str) -> Pair:
    return next(p for p in changes.walk() if p.new and p.new.id == new_id)


def test_identical_texts_have_no_change(ja_pair: TextPair) -> None:
    changes = _diff(ja_pair, BASE, BASE)
    assert not changes.changed
    assert all(p.kind == "unchanged" and not p.edits for p in changes.walk())


def test_inserted_article_renumbers_the_following_ones(ja_pair: TextPair) -> None:
    new = BASE.replace(
        "## 第3条（禁止事項）",
        "## 第3条（届出）\n\n利用者は、変更を届け出るものとします。\n\n## 第4条（禁止事項）",
    )
    new = new.replace("## 第4条（免責）", "## 第5条（免責）").replace("第3条に違反", "第4条に違反")
    new = new.replace("## 第5条（準拠法）", "## 第6条（準拠法）")
    changes = _diff(ja_pair, BASE, new)
    assert _articles(changes) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", "art-2", "unchanged"),
        (None, "art-3", "added"),
        ("art-3", "art-4", "renumbered"),
        ("art-4", "art-5", "renumbered"),
        ("art-5", "art-6", "renumbered"),
    ]
    # The reference 第3条 → 第4条 follows the renumbering: an edit, but not a wording change.
    immunity = _find(changes, "art-5-para-1")
    assert [(e.old_text, e.new_text, e.consequential) for e in immunity.edits] == [("3", "4", True)]
    assert immunity.kind == "renumbered" and not immunity.wording_changed


def test_a_reference_to_the_wrong_article_is_a_wording_change(ja_pair: TextPair) -> None:
    new = BASE.replace("第3条に違反", "第2条に違反")
    pair = _find(_diff(ja_pair, BASE, new), "art-4-para-1")
    assert pair.kind == "changed" and pair.wording_changed
    assert [e.consequential for e in pair.edits] == [False]


def test_deleted_article_renumbers_up(ja_pair: TextPair) -> None:
    start, end = BASE.index("## 第2条"), BASE.index("## 第3条")
    new = BASE[:start] + BASE[end:]
    for n in (3, 4, 5):
        new = new.replace(f"## 第{n}条", f"## 第{n - 1}条")
    new = new.replace("第3条に違反", "第2条に違反")
    changes = _diff(ja_pair, BASE, new)
    assert _articles(changes) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", None, "removed"),
        ("art-3", "art-2", "renumbered"),
        ("art-4", "art-3", "renumbered"),
        ("art-5", "art-4", "renumbered"),
    ]


def test_moved_items_pair_with_their_own_text(ja_pair: TextPair) -> None:
    new = BASE.replace(
        "(2) 公序良俗に反する行為\n(3) 当社のサーバに過度の負担をかける行為",
        "(2) 当社のサーバに過度の負担をかける行為\n(3) 公序良俗に反する行為",
    )
    changes = _diff(ja_pair, BASE, new)
    items = [p for p in changes.walk() if p.level == "item"]
    assert all(p.old and p.new and p.old.text == p.new.text for p in items)
    assert sorted(p.kind for p in items) == ["moved", "renumbered", "unchanged"]
    assert _find(changes, "art-3").kind == "changed"


def test_wording_change_is_marked_word_by_word(ja_pair: TextPair) -> None:
    new = BASE.replace("損害について責任を負いません", "損害について一切の責任を負いません")
    pair = _find(_diff(ja_pair, BASE, new), "art-4-para-1")
    assert pair.kind == "changed"
    assert [(e.old_text, e.new_text) for e in pair.edits] == [("", "一切の")]


USER = "「利用者」とは、当社サービスを利用する者をいいます。"
MEMBER = "「会員」とは、登録を済ませた利用者をいいます。"
DATA = "「登録情報」とは、利用者が登録した情報をいいます。"


def test_split_paragraph_keeps_the_first_part_paired(ja_pair: TextPair) -> None:
    old = BASE.replace(f"1 {USER}", f"1 {USER}{MEMBER}")
    new = BASE.replace(f"2 {DATA}", f"2 {MEMBER}\n\n3 {DATA}")
    changes = _diff(ja_pair, old, new)
    paragraphs = [(p.key, p.kind) for p in _find(changes, "art-2").children]
    assert paragraphs == [
        (("art-2-para-1", "art-2-para-1"), "changed"),
        (("", "art-2-para-2"), "added"),
        (("art-2-para-2", "art-2-para-3"), "renumbered"),
    ]
    first = _find(changes, "art-2-para-1")
    assert [(e.old_text, e.new_text) for e in first.edits] == [(MEMBER, "")]


def test_merged_paragraphs_keep_the_first_paired(ja_pair: TextPair) -> None:
    merged = USER.replace("いいます。", "いい、") + DATA
    new = BASE.replace(f"1 {USER}\n\n2 {DATA}", f"1 {merged}")
    changes = _diff(ja_pair, BASE, new)
    paragraphs = [(p.key, p.kind) for p in _find(changes, "art-2").children]
    assert paragraphs == [
        (("art-2-para-1", "art-2-para-1"), "changed"),
        (("art-2-para-2", ""), "removed"),
    ]


def test_branch_numbers_and_deleted_articles_pair_by_number(ja_pair: TextPair) -> None:
    new = BASE.replace(
        "## 第3条（禁止事項）",
        "## 第2条の2（届出）\n\n利用者は、変更を届け出るものとします。\n\n## 第3条（禁止事項）",
    )
    new = new[: new.index("## 第5条")] + "## 第5条　削除\n"
    changes = _diff(ja_pair, BASE, new)
    assert _articles(changes) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", "art-2", "unchanged"),
        (None, "art-2-2", "added"),
        ("art-3", "art-3", "unchanged"),
        ("art-4", "art-4", "unchanged"),
        ("art-5", "art-5", "changed"),
    ]


def test_a_change_made_in_one_language_only_is_flagged(tmp_path: Path) -> None:
    en = "# Test\n\n## Article 1 (Purpose)\n\nThese terms set out how the service is used.\n"
    ja_old = "# テスト\n\n## 第1条（目的）\n\n本規約は、当社サービスの利用条件を定めるものです。\n"
    ja_new = ja_old.replace("利用条件", "利用条件及び料金")
    document = write_document(
        tmp_path, {"2020-01-01": {"ja": ja_old, "en": en}, "2021-01-01": {"ja": ja_new, "en": en}}
    )
    ja = changeset(document, "2020-01-01", "2021-01-01", "ja")
    paragraph = _find(ja, "art-1-para-1")
    assert paragraph.kind == "changed" and paragraph.unchanged_in == ("en",)
    en_changes = changeset(document, "2020-01-01", "2021-01-01", "en")
    assert not en_changes.changed


def test_every_sample_version_against_itself_has_no_change(sample: Document) -> None:
    for version in sample.versions:
        for lang, changes in changesets(sample, version.id, version.id).items():
            assert not changes.changed, (version.id, lang)
            assert all(not p.edits and not p.heading_edits for p in changes.walk())


def test_inline_edits_of_every_sample_pair_rebuild_the_new_text(sample: Document) -> None:
    for lang, changes in changesets(sample, "2017-08-23", "2020-10-01").items():
        for pair in changes.walk():
            if pair.old and pair.new:
                assert apply_edits(pair.old.text, pair.edits) == pair.new.text, (lang, pair.id)
                assert apply_edits(pair.old.heading, pair.heading_edits) == pair.new.heading


def test_an_article_moved_elsewhere_is_moved(ja_pair: TextPair) -> None:
    start, end = BASE.index("## 第2条"), BASE.index("## 第3条")
    moved = BASE[start:end]
    new = BASE[:start] + BASE[end:] + "\n" + moved.rstrip("\n") + "\n"
    for old_n, new_n in ((3, 2), (4, 3), (5, 4)):
        new = new.replace(f"## 第{old_n}条", f"## 第{new_n}条")
    new = new.replace("## 第2条（定義）", "## 第5条（定義）").replace("第3条に違反", "第2条に違反")
    changes = _diff(ja_pair, BASE, new)
    kinds = {(o, n): k for o, n, k in _articles(changes)}
    assert kinds[("art-2", "art-5")] == "moved"
    assert kinds[("art-3", "art-2")] == "renumbered"
    assert [p.new.id for p in changes.pairs if p.level == "article" and p.new] == [
        "art-1", "art-2", "art-3", "art-4", "art-5",
    ]  # fmt: skip


def test_the_table_says_where_a_moved_article_came_from(ja_pair: TextPair) -> None:
    start, end = BASE.index("## 第2条"), BASE.index("## 第3条")
    new = BASE[:start] + BASE[end:] + "\n" + BASE[start:end].replace("第2条", "第5条")
    new = new.replace("## 第5条（準拠法）", "## 第4条（準拠法）").replace(
        "## 第4条（免責）", "## 第3条（免責）"
    )
    new = new.replace("## 第3条（禁止事項）", "## 第2条（禁止事項）").replace(
        "第3条に違反", "第2条に違反"
    )
    changes = _diff(ja_pair, BASE, new)
    assert "第2条から移動" in render_table(changes) and "第2条から移動" in render_redline(changes)


def test_a_moved_article_is_moved_while_its_neighbours_are_renumbered(ja_pair: TextPair) -> None:
    # The v1 第13条 → v2 第11条 while v1 第11・12条 became 第12・13条, in small.
    new = (
        BASE.replace("## 第3条（禁止事項）", "## 第X条（禁止事項）")
        .replace("## 第4条（免責）", "## 第5条（免責）")
        .replace("## 第5条（準拠法）\n\n本規約は日本法に準拠します。\n", "")
        .replace(
            "## 第X条（禁止事項）",
            "## 第3条（準拠法）\n\n本規約は日本法に準拠します。\n\n## 第4条（禁止事項）",
        )
        .replace("第3条に違反", "第4条に違反")
    )
    changes = _diff(ja_pair, BASE, new)
    assert _articles(changes) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", "art-2", "unchanged"),
        ("art-5", "art-3", "moved"),
        ("art-3", "art-4", "renumbered"),
        ("art-4", "art-5", "renumbered"),
    ]


def test_a_deleted_placeholder_counts_as_deleted(ja_pair: TextPair) -> None:
    new = BASE.replace(
        "## 第4条（免責）\n\n当社は、第3条に違反した利用者に生じた損害について責任を負いません。",
        "## 第4条　削除",
    )
    changes = _diff(ja_pair, BASE, new)
    article = _find(changes, "art-4")
    assert (article.old is not None, article.change) == (True, "deleted-placeholder")
    assert changes.change_counts()["deleted-placeholder"] == 1

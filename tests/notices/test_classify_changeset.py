"""From ChangeSet pairs to the rules' Changes, on constructed ChangeSets."""

from __future__ import annotations

from kaitei.classify import Change, changes_of, classify
from kaitei.diff.changeset import ChangeSet, Pair, Side
from kaitei.diff.inline import InlineEdit
from kaitei.model import Document, Span

NEW = "content/privacy/2020-10-01/ja.md"
OLD = "content/privacy/2017-08-23/ja.md"


def side(anchor: str, text: str = "", line: int = 10, path: str = NEW, heading: str = "") -> Side:
    return Side(anchor, "", "", heading, text, Span(path, line))


def insert(old: str, new: str) -> InlineEdit:
    return InlineEdit(0, len(old), 0, len(new), old, new)


def all_changes(changeset: ChangeSet) -> list[Change]:
    return [c for pair in changeset.pairs for c in changes_of(pair)]


def sample(*pairs: Pair) -> ChangeSet:
    return ChangeSet("privacy", "ja", "2017-08-23", "2020-10-01", pairs)


def test_added_article_is_one_change_with_its_contents() -> None:
    paragraph = Pair("paragraph", "added", None, side("art-8-para-1", "当社は…", 102))
    article = Pair(
        "article",
        "added",
        None,
        side("art-8", heading="第8条 (行動ターゲティング広告)", line=101),
        children=(paragraph,),
    )
    [change] = all_changes(sample(article))
    assert (change.unit, change.action, change.new_anchor, change.old_anchor) == (
        "article",
        "added",
        "art-8",
        None,
    )
    assert change.span == Span(NEW, 101)
    assert change.label == "article art-8 「第8条 (行動ターゲティング広告)」"


def test_removed_unit_points_at_the_old_file() -> None:
    removed = Pair("item", "removed", side("art-4-para-1-item-7", "合併…", 40, OLD), None)
    [change] = all_changes(sample(removed))
    assert (change.unit, change.action, change.span.path) == ("item", "removed", OLD)
    assert change.events == frozenset({"item-removed", "removed"})


def test_renumbered_article_is_no_change() -> None:
    pair = Pair(
        "article",
        "renumbered",
        side("art-8", line=50, path=OLD),
        side("art-9", line=120),
        number_changed=True,
    )
    assert all_changes(sample(pair)) == []


def test_edit_that_only_follows_a_renumbering_adds_no_words() -> None:
    consequential = InlineEdit(0, 3, 0, 3, "第8条", "第9条", consequential=True)
    pair = Pair(
        "paragraph",
        "renumbered",
        side("art-1-para-1", "第8条", path=OLD),
        side("art-1-para-1", "第9条"),
        edits=(consequential,),
    )
    assert all_changes(sample(pair)) == []


def test_wording_change_inside_a_changed_article() -> None:
    deleted = InlineEdit(0, 2, 0, 0, "及び", "")
    added = insert("", "、次項")
    first = Pair(
        "paragraph",
        "changed",
        side("art-4-para-1", "…", path=OLD),
        side("art-4-para-1", "…", 71),
        edits=(added,),
        wording_changed=True,
    )
    second = Pair(
        "paragraph",
        "changed",
        side("art-4-para-3", "…", path=OLD),
        side("art-4-para-3", "…", 90),
        edits=(deleted,),
        wording_changed=True,
    )
    article = Pair(
        "article",
        "changed",
        side("art-4", path=OLD),
        side("art-4", line=69),
        children=(first, second),
    )
    changes = all_changes(sample(article))
    assert [(c.new_anchor, c.action, c.words_added) for c in changes] == [
        ("art-4-para-1", "changed", True),
        ("art-4-para-3", "changed", False),
    ]
    assert changes[0].events == frozenset({"text-changed", "words-added"})
    assert changes[1].events == frozenset({"text-changed"})


def test_new_bullet_in_an_existing_row_and_a_new_row(privacy: Document) -> None:
    bullet = Pair(
        "bullet", "added", None, side("art-3-para-1-row-1-2-cell-3-b1", "一般消費者情報", 63)
    )
    cell = Pair(
        "cell",
        "changed",
        side("art-3-para-1-row-1-2-cell-3", path=OLD),
        side("art-3-para-1-row-1-2-cell-3"),
        children=(bullet,),
    )
    row = Pair(
        "row",
        "changed",
        side("art-3-para-1-row-1-2", path=OLD),
        side("art-3-para-1-row-1-2"),
        children=(cell,),
    )
    key = Pair("cell", "added", None, side("art-3-para-1-row-3-cell-1", "第三者提供", 65))
    new_row = Pair("row", "added", None, side("art-3-para-1-row-3", "", 65), children=(key,))
    para = Pair(
        "paragraph",
        "changed",
        side("art-3-para-1", path=OLD),
        side("art-3-para-1"),
        children=(row, new_row),
    )
    article = Pair("article", "changed", side("art-3", path=OLD), side("art-3"), children=(para,))
    changes = all_changes(sample(article))
    assert [(c.unit, c.action) for c in changes] == [("bullet", "added"), ("row", "added")]
    assert changes[1].label == "row art-3-para-1-row-3 「第三者提供」"  # named by its first cell
    version = privacy.version("2020-10-01")
    assert version is not None
    fired = [(t.rule.id, t.change.unit) for t in classify(privacy, version, changes).triggers]
    # A data item within the existing purposes is a notice; a new purpose row needs consent.
    assert fired == [("purpose-details", "bullet"), ("purpose-added", "row")]
    # The bullet carries its column and row; the new row its key as context.
    assert (changes[0].column, changes[0].new_text) == ("", "一般消費者情報")
    assert changes[1].new_text == "第三者提供"

"""Word-level inline edits: the goal example, token rules, and properties over random texts."""

from __future__ import annotations

import itertools

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kaitei.diff.inline import (
    apply_edits,
    diff_text,
    marked_chars,
    redline_segments,
    side_segments,
    tokenize,
)


def _pairs(old: str, new: str) -> list[tuple[str, str]]:
    return [(e.old_text, e.new_text) for e in diff_text(old, new)]


def test_a_kept_word_is_never_marked_on_both_sides() -> None:
    # 改善 is in both texts: marking it deleted and inserted says it changed, and it did not.
    assert _pairs("提供及び改善", "提供、改善及び新サービスの開発") == [
        ("及び", "、"),
        ("", "及び新サービスの開発"),
    ]
    assert _pairs("提供及び改善", "提供、改善及び広告配信") == [
        ("及び", "、"),
        ("", "及び広告配信"),
    ]


def test_a_number_is_marked_as_the_number_only() -> None:
    assert _pairs("30日間以内に", "90日間以内に") == [("30", "90")]
    assert _pairs("3か月", "12か月") == [("3", "12")]
    assert _pairs("利用者の情報", "利用者及びユーザーの情報") == [("", "及びユーザー")]
    assert _pairs("当社は適切に管理します", "当社は安全に管理します") == [("適切", "安全")]


def test_spacing_alone_is_a_quiet_edit() -> None:
    edits = diff_text("We  collect data.", "We collect data.")
    assert [(e.old_text, e.new_text, e.kind) for e in edits] == [("  ", " ", "whitespace")]
    assert [e.kind for e in diff_text("We collect data.", "We gather data.")] == ["wording"]


def test_each_kanji_is_its_own_token_and_kana_runs_stay_whole() -> None:
    text = "当社サイトのご利用"
    words = [text[a:b] for a, b in tokenize(text)]
    assert words == ["当", "社", "サイト", "のご", "利", "用"]
    old, new = "カスタマーサポート窓口", "クライアントサポート室"
    assert _pairs(old, new) == [(old, new)]


def test_a_changed_letter_marks_the_whole_english_word() -> None:
    assert _pairs("The Company appoints a person", "The Company appointed a person") == [
        ("appoints", "appointed")
    ]


def test_insertion_at_a_word_boundary_marks_only_the_insertion() -> None:
    assert _pairs("Cookie", "Cookie 及び匿名 ID") == [("", " 及び匿名 ID")]
    assert _pairs("必要な範囲", "必要範囲") == [("な", "")]


def test_separate_changes_stay_separate() -> None:
    old = "Tel : 03-5361-7260 Email : info@kimaroom.jp"
    new = "Tel : 03-5361-7261 Email : support@kimaroom.jp"
    assert _pairs(old, new) == [("7260", "7261"), ("info", "support")]


def test_segments_rebuild_both_sides() -> None:
    old, new = "当社サイトの提供等に必要な範囲", "提携サービスの提供等に必要範囲"
    edits = diff_text(old, new)
    assert "".join(t for _, t in side_segments(old, edits, "old")) == old
    assert "".join(t for _, t in side_segments(new, edits, "new")) == new
    red = redline_segments(old, edits)
    assert "".join(t for op, t in red if op != "insert") == old
    assert "".join(t for op, t in red if op != "delete") == new


# --- properties ---------------------------------------------------------------------------

_ALPHABET = "当社利用者情報提供改善及び又はのをにがサイトクッキーABCabc 012、。「」（）"
texts = st.text(alphabet=_ALPHABET, max_size=60)


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    """A text and a revision of it made of a few insertions, deletions and replacements."""
    old = draw(texts)
    new = old
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(new)))
        cut = draw(st.integers(0, min(5, len(new) - at)))
        new = new[:at] + draw(st.text(alphabet=_ALPHABET, max_size=6)) + new[at + cut :]
    return old, new


# Longer pieces (several sentences) go through the sentence and clause passes first.
sentences = st.lists(
    st.tuples(texts, st.sampled_from(["。", "、", ". ", "\n"])).map("".join),
    min_size=4,
    max_size=12,
).map("".join)


@st.composite
def long_edited(draw: st.DrawFn) -> tuple[str, str]:
    old = draw(sentences)
    new = old
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(new)))
        cut = draw(st.integers(0, min(30, len(new) - at)))
        new = new[:at] + draw(st.text(alphabet=_ALPHABET + "。、", max_size=20)) + new[at + cut :]
    return old, new


def _boundaries(text: str) -> set[int]:
    return {0, len(text)} | {start for start, _ in tokenize(text)}


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, sentences))
def test_a_text_against_itself_has_no_edits(text: str) -> None:
    assert diff_text(text, text) == ()


@settings(max_examples=300, deadline=None)
@given(st.one_of(edited(), long_edited(), st.tuples(texts, texts)))
@example(("提供及び改善", "提供、改善及び広告配信"))
def test_applying_the_edits_to_old_gives_new(pair: tuple[str, str]) -> None:
    old, new = pair
    assert apply_edits(old, diff_text(old, new)) == new


@settings(max_examples=300, deadline=None)
@given(st.one_of(edited(), long_edited(), st.tuples(texts, texts)))
def test_highlights_never_split_a_word(pair: tuple[str, str]) -> None:
    old, new = pair
    old_cuts, new_cuts = _boundaries(old), _boundaries(new)
    for edit in diff_text(old, new):
        assert edit.old_start in old_cuts and edit.old_end in old_cuts, edit
        assert edit.new_start in new_cuts and edit.new_end in new_cuts, edit
        assert edit.old_text or edit.new_text


@settings(max_examples=200, deadline=None)
@given(edited())
def test_edits_are_ordered_and_disjoint(pair: tuple[str, str]) -> None:
    old, new = pair
    edits = diff_text(old, new)
    for before, after in itertools.pairwise(edits):
        assert before.old_end < after.old_start or before.new_end < after.new_start
        assert before.old_end <= after.old_start and before.new_end <= after.new_start
    assert marked_chars(edits) <= len(old) + len(new)

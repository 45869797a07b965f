"""One small fixture per operation a reviser performs, with the pairs and kinds expected.

The fixtures are generic units (the interface alignment works on), so each operation is
stated in a few lines; tests/diff/test_align.py runs the same operations through the parser.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from kaitei.diff.align import align_groups, best_assignment
from kaitei.diff.changeset import ChangeSet, changesets, diff_texts, diff_units
from kaitei.diff.inline import apply_edits
from kaitei.diff.units import Unit
from kaitei.diffout.text import render_text
from kaitei.model import Link, Span

from .conftest import write_document

SPAN = Span("test.md", 1)

TEXTS = [
    "当社は、利用者情報を適切に管理し、漏えい、滅失又はき損の防止に努めます。",
    "利用者は、登録情報に変更があった場合、遅滞なく当社に届け出るものとします。",
    "当社は、法令に基づく場合を除き、本人の同意なく第三者に個人情報を提供しません。",
    "本ポリシーの内容は、利用者に通知することなく変更することができるものとします。",
    "本サービスに関するお問い合わせは、下記の窓口までお願いいたします。",
    "当社は、統計データを作成し、これを自由に利用することができるものとします。",
]
TITLES = ["管理", "届出", "第三者提供", "変更", "お問い合わせ", "統計データ"]


def para(uid: str, text: str, number: str = "1", links: tuple[Link, ...] = ()) -> Unit:
    return Unit("paragraph", uid, number, "", "", "", text, (), SPAN, (), links=links)


def article(
    number: str, title: str, *paragraphs: str, depth: int = 1, deleted: bool = False
) -> Unit:
    uid = "art-" + number.replace("_", "-")
    label = "第" + number.replace("_", "条の") + ("条" if "_" not in number else "")
    children = tuple(
        para(f"{uid}-para-{k}", text, str(k)) for k, text in enumerate(paragraphs, start=1)
    )
    return Unit(
        "article", uid, number, label, f"{label}（{title}）", title, "", (), SPAN, children,
        deleted=deleted, depth=depth,
    )  # fmt: skip


def base(count: int = 6) -> list[Unit]:
    return [article(str(k + 1), TITLES[k], TEXTS[k]) for k in range(count)]


def diff(old: list[Unit], new: list[Unit]) -> ChangeSet:
    matches = align_groups({"articles": tuple(old)}, {"articles": tuple(new)})
    return diff_units("test", "ja", matches, "2020-01-01", "2021-01-01")


def renumbered(units: list[Unit]) -> list[Unit]:
    """Articles numbered in order again, as an editor renumbers after a move or insertion."""
    result = []
    for k, unit in enumerate(units, start=1):
        fresh = article(str(k), unit.title, *(c.text for c in unit.children), depth=unit.depth)
        result.append(fresh)
    return result


def kinds(changes: ChangeSet) -> list[tuple[str | None, str | None, str]]:
    return [
        (p.old.id if p.old else None, p.new.id if p.new else None, p.change) for p in changes.pairs
    ]


def test_move_and_renumber_is_one_move_and_two_renumberings() -> None:
    # v1 第6条 moves to 第4条; v1 第4・5条 become 第5・6条 (the 13 → 11 case).
    old = base()
    new = renumbered([*old[:3], old[5], old[3], old[4]])
    assert kinds(diff(old, new)) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", "art-2", "unchanged"),
        ("art-3", "art-3", "unchanged"),
        ("art-6", "art-4", "moved"),
        ("art-4", "art-5", "renumbered"),
        ("art-5", "art-6", "renumbered"),
    ]


def test_insert_with_renumbering() -> None:
    old = base(4)
    fresh = article("0", "退会", "利用者は、いつでも退会することができます。")
    new = renumbered([*old[:2], fresh, *old[2:]])
    assert kinds(diff(old, new)) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", "art-2", "unchanged"),
        (None, "art-3", "added"),
        ("art-3", "art-4", "renumbered"),
        ("art-4", "art-5", "renumbered"),
    ]


def test_branch_insert_leaves_the_numbers_alone() -> None:
    old = base(4)
    fresh = article("2_2", "退会", "利用者は、いつでも退会することができます。")
    new = [*old[:2], fresh, *old[2:]]
    assert kinds(diff(old, new))[2] == (None, "art-2-2", "branch-inserted")
    assert {k for _, _, k in kinds(diff(old, new))} == {"unchanged", "branch-inserted"}


def test_deleted_placeholder_keeps_its_number() -> None:
    old = base(4)
    new = [*old[:2], article("3", "削除", deleted=True), old[3]]
    changes = diff(old, new)
    assert kinds(changes)[2] == ("art-3", "art-3", "deleted-placeholder")
    assert changes.change_counts()["deleted-placeholder"] == 1


def test_delete_with_renumbering() -> None:
    old = base(5)
    new = renumbered([*old[:1], *old[2:]])
    assert kinds(diff(old, new)) == [
        ("art-1", "art-1", "unchanged"),
        ("art-2", None, "removed"),
        ("art-3", "art-2", "renumbered"),
        ("art-4", "art-3", "renumbered"),
        ("art-5", "art-4", "renumbered"),
    ]


def test_split_names_its_source() -> None:
    old = [article("1", "管理", TEXTS[0] + TEXTS[1]), *base(4)[1:]]
    new = [article("1", "管理", TEXTS[0], TEXTS[1]), *base(4)[1:]]
    changes = diff(old, new)
    first = changes.pairs[0]
    assert first.change == "changed"
    halves = [(c.old.id if c.old else None, c.new.id if c.new else None, c.change, c.partner)
              for c in first.children]  # fmt: skip
    assert halves == [
        ("art-1-para-1", "art-1-para-1", "split", ""),
        (None, "art-1-para-2", "split", "art-1-para-1"),
    ]


def test_merge_names_its_target() -> None:
    old = [article("1", "管理", TEXTS[0], TEXTS[1]), *base(4)[1:]]
    new = [article("1", "管理", TEXTS[0] + TEXTS[1]), *base(4)[1:]]
    children = diff(old, new).pairs[0].children
    assert {(c.change, c.partner) for c in children} == {("merged", ""), ("merged", "art-1-para-1")}
    assert sum(c.old is not None and c.new is None for c in children) == 1


def test_a_paragraph_moved_to_another_article_is_re_parented() -> None:
    old = [article("1", "管理", TEXTS[0], TEXTS[1]), article("2", "変更", TEXTS[3])]
    new = [article("1", "管理", TEXTS[0]), article("2", "変更", TEXTS[3], TEXTS[1])]
    changes = diff(old, new)
    moved = [p for p in changes.walk() if p.change == "re-parented"]
    assert [(p.old.id, p.new.id) for p in moved if p.old and p.new] == [
        ("art-1-para-2", "art-2-para-2")
    ]
    assert not any(p.kind in ("added", "removed") for p in changes.walk())


def test_promoted_and_demoted_sections() -> None:
    old = [
        replace(article("1", "管理", TEXTS[0]), number="", id="a"),
        replace(article("2", "届出", TEXTS[1], depth=2), number="", id="b", parent="a"),
    ]
    new = [old[0], replace(old[1], depth=1, parent="")]
    assert kinds(diff(old, new))[1] == ("b", "b", "promoted")
    assert kinds(diff(new, old))[1] == ("b", "b", "demoted")


def test_a_reworded_phrase_is_marked_exactly() -> None:
    old = base(3)
    new = [old[0], article("2", "届出", TEXTS[1].replace("遅滞なく", "30日以内に")), old[2]]
    changes = diff(old, new)
    paragraph = changes.pairs[1].children[0]
    assert paragraph.change == "changed"
    assert [(e.old_text, e.new_text) for e in paragraph.edits] == [("遅滞なく", "30日以内に")]


def test_a_changed_number_is_marked_as_the_number() -> None:
    old = [article("1", "保存", "当社は、記録を30日間保存します。")]
    new = [article("1", "保存", "当社は、記録を90日間保存します。")]
    edits = diff(old, new).pairs[0].children[0].edits
    assert [(e.old_text, e.new_text) for e in edits] == [("30", "90")]


def test_a_changed_link_target_is_link_only() -> None:
    text = "Read our cookie policy for details."
    old = [replace(article("1", "x"), children=(para("p", text, links=(Link(9, 22, "/c1"),)),))]
    new = [replace(article("1", "x"), children=(para("p", text, links=(Link(9, 22, "/c2"),)),))]
    changes = diff(old, new)
    assert [p.change for p in changes.walk()] == ["link-only", "link-only"]
    edit = changes.pairs[0].children[0].edits[0]
    assert (edit.kind, edit.old_target, edit.new_target) == ("link", "/c1", "/c2")
    assert not changes.pairs[0].wording_changed


def test_whitespace_only_is_quiet() -> None:
    old = [article("1", "x", "We collect your email address.")]
    new = [article("1", "x", "We  collect your email address.")]
    changes = diff(old, new)
    assert [p.change for p in changes.walk()] == ["whitespace-only", "whitespace-only"]
    assert not any(p.wording_changed for p in changes.walk())


def test_swap_of_two_articles_is_one_move() -> None:
    old = base(4)
    new = renumbered([old[0], old[2], old[1], old[3]])
    found = kinds(diff(old, new))
    assert sum(k == "moved" for _, _, k in found) == 1
    assert {(a, b) for a, b, _ in found} == {
        ("art-1", "art-1"), ("art-2", "art-3"), ("art-3", "art-2"), ("art-4", "art-4"),
    }  # fmt: skip


def test_unrelated_rewrite_is_removed_and_added_not_a_false_pair() -> None:
    old = [article("1", "管理", TEXTS[0])]
    new = [article("1", "Cookie", "Cookies help us remember your language and settings.")]
    assert kinds(diff(old, new)) == [("art-1", None, "removed"), (None, "art-1", "added")]


def test_same_number_is_evidence_not_a_rule() -> None:
    # 第2条 kept its number but its text is now 第3条's: content decides.
    old = base(3)
    new = [old[0], article("2", TITLES[2], TEXTS[2]), article("3", TITLES[1], TEXTS[1])]
    pairs = {(a, b) for a, b, _ in kinds(diff(old, new))}
    assert ("art-2", "art-3") in pairs and ("art-3", "art-2") in pairs


def test_best_assignment_is_the_global_optimum() -> None:
    # Greedy takes (0, 0) = 0.9 and is left with (1, 1) = 0.1; the optimum is 0.8 + 0.8.
    assert sorted(best_assignment([[0.9, 0.8], [0.8, 0.1]], 0.0)) == [(0, 1), (1, 0)]
    assert best_assignment([[0.2, 0.3]], 0.5) == []


_matrices = st.integers(1, 9).flatmap(
    lambda m: st.lists(
        st.lists(st.one_of(st.just(-1.0), st.floats(0, 1)), min_size=m, max_size=m),
        min_size=1,
        max_size=9,
    )
)


@settings(max_examples=200, deadline=None)
@given(_matrices)
def test_best_assignment_matches_scipy_on_any_matrix(scores: list[list[float]]) -> None:
    # The small exact search and the fast path must find scipy's optimum total.
    matrix = np.array(scores)
    rows, cols = linear_sum_assignment(np.where(matrix < 0, 0.0, matrix), maximize=True)
    optimum = sum(matrix[r, c] for r, c in zip(rows, cols, strict=True) if matrix[r, c] >= 0)
    chosen = best_assignment(scores, 0.0)
    assert abs(sum(scores[r][c] for r, c in chosen) - optimum) < 1e-9
    assert len({r for r, _ in chosen}) == len({c for _, c in chosen}) == len(chosen)


# --- properties ----------------------------------------------------------------------------

_texts = st.lists(st.sampled_from(TEXTS), min_size=1, max_size=6, unique=True)


@settings(max_examples=40, deadline=None)
@given(_texts)
def test_a_text_diffed_with_itself_is_empty(texts: list[str]) -> None:
    units = [article(str(k + 1), TITLES[TEXTS.index(t)], t) for k, t in enumerate(texts)]
    changes = diff(units, units)
    assert all(p.kind == "unchanged" and p.change == "unchanged" for p in changes.walk())


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(6))))
def test_a_permutation_of_sections_is_found_as_moves(order: list[int]) -> None:
    old = base()
    new = [old[k] for k in order]
    changes = diff(old, new)
    assert {(p.old.id, p.new.id) for p in changes.pairs if p.old and p.new} == {
        (u.id, u.id) for u in old
    }
    stayed = 6 - sum(p.change == "moved" for p in changes.pairs)
    # What stays in place is a longest run in order: the fewest moves that explain it.
    longest = [1] * 6
    for j in range(6):
        for i in range(j):
            if order[i] < order[j]:
                longest[j] = max(longest[j], longest[i] + 1)
    assert stayed == max(longest)


_edited = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["適切に", "速やかに", "30日以内に", ""])),
    max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(_edited)
def test_applying_the_edits_to_old_gives_new(edits: list[tuple[int, str]]) -> None:
    old = base()
    texts = list(TEXTS)
    for index, phrase in edits:
        middle = len(texts[index]) // 2
        texts[index] = texts[index][:middle] + phrase + texts[index][middle + 1 :]
    new = [article(str(k + 1), TITLES[k], texts[k]) for k in range(6)]
    for pair in diff(old, new).walk():
        if pair.old is not None and pair.new is not None:
            assert apply_edits(pair.old.text, pair.edits) == pair.new.text


# --- one alignment per revision ------------------------------------------------------------

JA_OLD = """\
# テスト

## 第1条（目的）

本規約は、当社サービスの利用条件を定めるものです。

## 第2条（届出）

利用者は、登録情報に変更があった場合、遅滞なく当社に届け出るものとします。

## 第3条（準拠法）

本規約は日本法に準拠します。
"""
JA_NEW = """\
# テスト

## 第1条（準拠法）

本規約は日本法に準拠します。

## 第2条（目的）

本規約は、当社サービスの利用条件を定めるものです。

## 第3条（届出）

利用者は、登録情報に変更があった場合、遅滞なく当社に届け出るものとします。
"""
EN_OLD = """\
# Test

## Article 1 (Purpose)

These Terms set out the conditions of use of the Company's services.

## Article 2 (Notification)

Users shall notify the Company of any change to their registered information.

## Article 3 (Governing Law)

These Terms are governed by Japanese law.
"""
# The translator also polished the wording: on its own text, English pairs differently.
EN_NEW = """\
# Test

## Article 1 (Applicable Law)

Japanese statutes apply to every dispute.

## Article 2 (Purpose)

These Terms set out the conditions of use of the Company's services.

## Article 3 (Notification)

Users shall notify the Company of any change to their registered information.

## Article 4 (Translation)

This English text is a translation provided for convenience only.
"""


def test_translations_follow_the_authoritative_alignment(tmp_path: Path) -> None:
    document = write_document(
        tmp_path,
        {"2020-01-01": {"ja": JA_OLD, "en": EN_OLD}, "2021-01-01": {"ja": JA_NEW, "en": EN_NEW}},
    )
    tables = changesets(document, "2020-01-01", "2021-01-01")
    ja, en = tables["ja"], tables["en"]

    def pairs(changes: ChangeSet) -> set[tuple[str | None, str | None, str]]:
        return {(p.old.id if p.old else None, p.new.id if p.new else None, p.change)
                for p in changes.pairs if p.level == "article"}  # fmt: skip

    assert ("art-3", "art-1", "moved") in pairs(ja)
    # English agrees with Japanese about what moved, although its governing-law clause was
    # reworded beyond recognition; its extra article is aligned on its own, and said so.
    assert pairs(en) - {(None, "art-4", "added")} == pairs(ja)
    assert (en.aligned_by, en.fallback) == ("ja", ("art-4",))
    assert (ja.aligned_by, ja.fallback) == ("ja", ())
    assert "art-4" in render_text(en)
    # On its own text English would not have seen the move: the guide is what makes them agree.
    old_en, new_en = document.versions[0].text("en"), document.versions[1].text("en")
    assert old_en is not None and new_en is not None
    alone = diff_texts("test", old_en, new_en, "2020-01-01", "2021-01-01")
    assert pairs(alone) != pairs(en)

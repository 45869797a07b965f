"""The diff engine's shortcuts give what the long way gives, on random unit trees.

Each shortcut of the engine (a translation's unchanged subtree paired without aligning it,
a plainly unchanged pair named without weighing every kind, word weights worked out when
first needed, a diff fragment keyed by its Sides) is switched off here and the results
compared with it on.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import fields, replace
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaitei.diff import align, changeset
from kaitei.diff.align import Guide, Similarity, align_groups
from kaitei.diff.changeset import SIDE_CONTENT, DiffCache, Pair, Side, changesets, diff_units
from kaitei.diff.units import Unit
from kaitei.diffout.html import PAIR_FIELDS, pair_key
from kaitei.model import Document, Link, Span
from kaitei.site.render import Renderer, fingerprint

SPAN = Span("test.md", 1)
WORDS = [
    "当社は情報を管理します。",
    "利用者は届け出ます。",
    "Users may ask.",
    "the Company",
    "個人情報",
]
IDS = ["a", "b", "c", "d"]
LEVELS: tuple[align.Level, ...] = ("article", "paragraph", "item", "bullet")


@st.composite
def trees(draw: st.DrawFn, level: int = 0, prefix: str = "") -> Unit:
    """A unit with a few children; ids drawn from a small set, so that they repeat."""
    uid = prefix + draw(st.sampled_from(IDS))
    positional = level == 1 and draw(st.booleans())  # a row: its cells pair by position
    count = draw(st.integers(0, 3)) if level < 3 else 0
    children = tuple(draw(trees(level + 1, uid + "-")) for _ in range(count))
    return _unit(uid, level, draw(st.sampled_from(WORDS)), children, positional)


def _unit(
    uid: str, level: int, text: str, children: tuple[Unit, ...], positional: bool = False
) -> Unit:
    title = text[:4] if level == 0 else ""
    return Unit(
        LEVELS[level], uid, str(len(children)), uid, title, title, text, (), SPAN, children,
        positional=positional, parent="" if level == 0 else uid.rsplit("-", 1)[0],
        links=(Link(0, 1, "#" + uid),) if "d" in uid else (),
    )  # fmt: skip


@st.composite
def revised(draw: st.DrawFn, unit: Unit, level: int = 0) -> Unit:
    """The unit in a later version: mostly the same (a new but equal object), some edits."""
    children = [draw(revised(c, level + 1)) for c in unit.children]
    choice = draw(st.sampled_from(["same"] * 6 + ["text", "drop", "swap", "id", "add"]))
    text, uid = unit.text, unit.id
    if choice == "text":
        text = draw(st.sampled_from(WORDS))
    elif choice == "drop" and children:
        children.pop(draw(st.integers(0, len(children) - 1)))
    elif choice == "swap" and len(children) > 1:
        children.reverse()
    elif choice == "id":
        uid = uid[:-1] + draw(st.sampled_from(IDS))
    elif choice == "add" and level < 3:
        children.append(draw(trees(level + 1, uid + "-")))
    return _unit(uid, level, text, tuple(children), unit.positional)


def _walk(units: tuple[Unit, ...]) -> Iterator[Unit]:
    for unit in units:
        yield unit
        yield from _walk(unit.children)


@st.composite
def versions(draw: st.DrawFn) -> tuple[tuple[Unit, ...], tuple[Unit, ...], Guide]:
    """Two versions' articles and a guide: the ids they share, some dropped or misdirected."""
    old = tuple(draw(st.lists(trees(), min_size=1, max_size=3)))
    new = tuple(draw(revised(u)) for u in old)
    if draw(st.booleans()):
        new = (*new, draw(trees()))
    old_ids = {u.id for u in _walk(old)}
    new_ids = {u.id for u in _walk(new)}
    pairs = {i: i for i in old_ids & new_ids if draw(st.integers(0, 5))}
    for i in sorted(old_ids):
        if not draw(st.integers(0, 6)):
            pairs[i] = draw(st.sampled_from(sorted(new_ids)))
    known_old = frozenset(i for i in old_ids if draw(st.integers(0, 6)))
    return old, new, Guide(pairs, known_old, frozenset(new_ids))


def _copy(guide: Guide) -> Guide:
    return Guide(dict(guide.pairs), guide.old_ids, guide.new_ids)


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(versions())
def test_an_agreeing_guide_pairs_unchanged_children_as_aligning_them_does(
    case: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide],
) -> None:
    old, new, guide = case
    fast_guide, slow_guide = _copy(guide), _copy(guide)
    fast = align_groups({"articles": old}, {"articles": new}, fast_guide)
    with (
        patch.object(align, "_guide_agrees", lambda *args: False),
        patch.object(align, "_same", _same_node_by_node),
    ):
        slow = align_groups({"articles": old}, {"articles": new}, slow_guide)
    assert fast == slow
    assert fast_guide.fallback == slow_guide.fallback


def _same_node_by_node(old: tuple[Unit, ...], new: tuple[Unit, ...]) -> list[align._Node]:
    """Identical children as nodes at every depth, each frozen by the last pass."""
    return [
        align._Node(o, n, False, _same_node_by_node(o.children, n.children))
        for o, n in zip(old, new, strict=True)
    ]


@FAST
@given(versions(), st.booleans())
def test_unchanged_subtrees_made_at_once_are_those_made_node_by_node(
    case: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide], guided: bool
) -> None:
    old, new, guide = case
    fast_guide, slow_guide = _copy(guide), _copy(guide)
    fast = align_groups({"articles": old}, {"articles": new}, fast_guide if guided else None)
    with patch.object(align, "_same", _same_node_by_node):
        slow = align_groups({"articles": old}, {"articles": new}, slow_guide if guided else None)
    assert fast == slow
    assert fast_guide.fallback == slow_guide.fallback


@FAST
@given(versions(), st.booleans())
def test_a_plainly_unchanged_pair_is_the_pair_weighing_every_kind_gives(
    case: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide], guided: bool
) -> None:
    old, new, guide = case
    matches = align_groups({"articles": old}, {"articles": new}, guide if guided else None)
    fast = diff_units("doc", "ja", matches, "1", "2")
    with patch.object(changeset, "_unchanged", lambda *args: False):
        slow = diff_units("doc", "ja", matches, "1", "2")
    assert fast == slow


def _eager_weights(parts: tuple[tuple[Unit, ...], ...]) -> dict[str, float]:
    """Every word's weight at once, as Similarity worked them out before it did so lazily."""
    counts: Counter[str] = Counter()
    for part in parts:
        for unit in part:
            counts.update(Similarity.grams(unit))
    total = max(sum(map(len, parts)), 1)
    return {t: max(math.log((total + 1) / (n + 0.5)), 0.05) for t, n in counts.items()}


@FAST
@given(versions())
def test_weights_worked_out_when_needed_are_the_weights_of_every_word(
    case: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide],
) -> None:
    old, new, _ = case
    eager = _eager_weights((old, new))
    # Two parts (a diff's two versions), one, or more: the same corpus, the same weights.
    for sim in (
        Similarity(parts=(old, new), counts={}),
        Similarity([*old, *new]),
        Similarity(parts=(old[:1], old[1:], new)),
    ):
        _same_scores(sim, old, new, eager)


def _same_scores(
    sim: Similarity, old: tuple[Unit, ...], new: tuple[Unit, ...], eager: dict[str, float]
) -> None:
    unseen = math.log(len(old) + len(new) + 2)
    outsider = _unit("z", 3, "Zebra 未知の語", ())  # words no article has
    units = [*_walk((*old, *new)), outsider]
    for a in units:
        grams = Similarity.grams(a)
        assert sim.weight(grams) == sum(eager.get(t, unseen) for t in grams)
        for b in units:
            if Similarity.grams(a) and Similarity.grams(b):
                common = sum(eager.get(t, unseen) for t in grams & Similarity.grams(b))
                wa = sum(eager.get(t, unseen) for t in grams)
                wb = sum(eager.get(t, unseen) for t in Similarity.grams(b))
                assert sim(a, b) == (2 * common / (wa + wb) + common / min(wa, wb)) / 2


@FAST
@given(st.text(alphabet="当社は情報をテストcookieİΣσς. -_1２", max_size=40))
def test_the_words_of_a_text_kept_by_text_are_its_words(text: str) -> None:
    # Two units of the same text share one set of words, equal to the words worked out anew.
    first, second = _unit("a", 3, text, ()), _unit("a", 3, text, ())
    assert Similarity.grams(first) is Similarity.grams(second)
    assert Similarity.grams(first) == align._tokens.__wrapped__(align._full_text(second))


def _pairs(matches_of: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide]) -> list[Pair]:
    old, new, guide = matches_of
    result = diff_units("doc", "ja", align_groups({"articles": old}, {"articles": new}), "1", "2")
    guided = diff_units(
        "doc", "ja", align_groups({"articles": old}, {"articles": new}, guide), "1", "2"
    )
    found = [*result.walk(), *guided.walk()]
    # The same pairs with other spans and flags: keys must tell flags apart, not spans.
    moved = [
        replace(p, old=replace(p.old, span=Span("other.md", 9)) if p.old else None) for p in found
    ]
    return found + moved + [replace(p, unchanged_in=("en",)) for p in found[:3]]


def test_a_pair_key_covers_every_field_of_a_pair_and_of_its_sides() -> None:
    assert {f.name for f in fields(Pair)} == {*PAIR_FIELDS, "old", "new", "children"}
    assert {f.name for f in fields(Side)} == {*SIDE_CONTENT, "span"}


@FAST
@given(versions())
def test_pair_keys_are_equal_when_the_pickles_without_spans_are(
    case: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide],
) -> None:
    pairs = _pairs(case)
    prints = [fingerprint(p) for p in pairs]
    # The plain fingerprint of each Side, and the site's (a Side's fields but its span).
    for side_key in (fingerprint, Renderer().fingerprint):
        _same_partition([pair_key(p, side_key) for p in pairs], prints)


def _same_partition(keys: list[Hashable], prints: list[Hashable]) -> None:
    # Equal keys exactly where the pickles are equal: one print per key, one key per print.
    by_key: dict[Hashable, Hashable] = {}
    by_print: dict[Hashable, Hashable] = {}
    for key, print_ in zip(keys, prints, strict=True):
        assert by_key.setdefault(key, print_) == print_
        assert by_print.setdefault(print_, key) == key


def test_a_pair_named_unchanged_has_only_unchanged_pairs_below() -> None:
    # What _flag's shortcut relies on, checked on every pair of the random diffs below.
    pairs: list[Pair] = []

    @FAST
    @given(versions(), st.booleans())
    def collect(case: tuple[tuple[Unit, ...], tuple[Unit, ...], Guide], guided: bool) -> None:
        old, new, guide = case
        matches = align_groups({"articles": old}, {"articles": new}, guide if guided else None)
        with patch.object(changeset, "_unchanged", lambda *args: False):
            for pair in diff_units("doc", "ja", matches, "1", "2").walk():
                if pair.kinds == ("unchanged",):
                    assert all(p.kinds == ("unchanged",) for p in pair.walk())
                    assert not any(changeset._changed_here(p) for p in pair.walk())
                    pairs.append(pair)

    collect()
    assert pairs


@st.composite
def two_languages(draw: st.DrawFn) -> tuple[tuple[Unit, ...], tuple[Unit, ...], tuple[Unit, ...]]:
    """One version's articles and two revisions of them: the same revision in two languages,
    each reworded in its own places."""
    old = tuple(draw(st.lists(trees(), min_size=1, max_size=3)))
    return old, tuple(draw(revised(u)) for u in old), tuple(draw(revised(u)) for u in old)


@FAST
@given(two_languages())
def test_flags_skip_only_subtrees_with_nothing_to_flag(
    case: tuple[tuple[Unit, ...], tuple[Unit, ...], tuple[Unit, ...]],
) -> None:
    old, ja, en = case
    raw = {
        lang: diff_units("doc", lang, align_groups({"articles": old}, {"articles": new}), "1", "2")
        for lang, new in (("ja", ja), ("en", en))
    }
    tables = {lang: {p.key: p for p in result.walk()} for lang, result in raw.items()}
    for lang, result in raw.items():
        others = {other: table for other, table in tables.items() if other != lang}
        fast = [changeset._flag(p, others) for p in result.pairs]
        with patch.object(changeset, "_quiet", lambda *args: False):
            slow = [changeset._flag(p, others) for p in result.pairs]
        assert fast == slow


def test_the_sample_diffs_are_those_of_the_long_way(sample: Document) -> None:
    versions_ = [v.id for v in sample.versions]
    cache = DiffCache()
    for old in versions_:
        for new in versions_:
            fast = changesets(sample, old, new, cache)
            with (
                patch.object(align, "_guide_agrees", lambda *args: False),
                patch.object(align, "_same", _same_node_by_node),
                patch.object(changeset, "_unchanged", lambda *args: False),
                patch.object(changeset, "_quiet", lambda *args: False),
            ):
                slow = changesets(sample, old, new)
            assert fast == slow, (old, new)

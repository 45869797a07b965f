"""Walking a ChangeSet visits every pair once, in reading order (depth first)."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from kaitei.diff.changeset import ChangeSet, Pair


def _leaf(name: str) -> Pair:
    return Pair("item", "unchanged", None, None, partner=name)


def _node(name: str, children: list[Pair]) -> Pair:
    return Pair("article", "changed", None, None, children=tuple(children), partner=name)


trees = st.recursive(
    st.text("abc", max_size=2).map(_leaf),
    lambda below: st.builds(_node, st.text("abc", max_size=2), st.lists(below, max_size=4)),
    max_leaves=30,
)


def _recursive(pair: Pair) -> Iterator[Pair]:
    yield pair
    for child in pair.children:
        yield from _recursive(child)


@given(st.lists(trees, max_size=4))
def test_walk_is_the_depth_first_reading_order(pairs: list[Pair]) -> None:
    changes = ChangeSet("doc", "ja", "a", "b", tuple(pairs))
    expected = [p for top in pairs for p in _recursive(top)]
    assert [id(p) for p in changes.walk()] == [id(p) for p in expected]
    for top in pairs:
        assert [id(p) for p in top.walk()] == [id(p) for p in _recursive(top)]

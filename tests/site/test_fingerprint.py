"""The fingerprint (key of the rendered-HTML caches) tells content apart and ignores spans."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import fields, is_dataclass, replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kaitei.diff.changeset import changesets
from kaitei.model import (
    Article,
    ArticleNumber,
    BulletList,
    CrossRef,
    Document,
    Item,
    Link,
    Paragraph,
    Span,
    Text,
)
from kaitei.site.render import fingerprint


def reference(node: Any) -> Hashable:
    """What the fingerprint must tell apart: every field of every node except its spans."""
    if isinstance(node, tuple):
        return tuple(reference(i) for i in node)
    if is_dataclass(node):
        return (
            type(node).__name__,
            *[reference(getattr(node, f.name)) for f in fields(node) if f.name != "span"],
        )
    return node  # type: ignore[no-any-return]


# Few values, so that equal content (and equal content at other spans) comes up often.
words = st.sampled_from(["", "a", "第1条", "b c"])
spans = st.builds(Span, st.sampled_from(["x.md", "y.md"]), st.integers(1, 2), st.integers(1, 2))
texts = st.builds(
    Text,
    source=words,
    plain=words,
    span=spans,
    refs=st.lists(
        st.builds(CrossRef, st.integers(0, 1), st.integers(1, 2), words, st.none() | words),
        max_size=1,
    ).map(tuple),
    links=st.lists(st.builds(Link, st.integers(0, 1), st.integers(1, 2), words), max_size=1).map(
        tuple
    ),
    lead=words,
    trail=words,
)
blocks = texts | st.builds(
    BulletList,
    items=st.lists(texts, max_size=2).map(tuple),
    span=spans,
    depths=st.lists(st.integers(0, 1), max_size=2).map(tuple),
)
items = st.builds(
    Item,
    id=words,
    label=words,
    number=st.integers(1, 2),
    family=st.just("paren"),
    depth=st.integers(1, 2),
    blocks=st.lists(blocks, max_size=2).map(tuple),
    children=st.just(()),
    span=spans,
)
articles = st.builds(
    Article,
    id=words,
    number=st.none() | st.builds(ArticleNumber, st.integers(1, 2)),
    heading=words,
    title=words,
    deleted=st.booleans(),
    paragraphs=st.lists(
        st.builds(
            Paragraph,
            id=words,
            number=st.integers(1, 2),
            label=words,
            blocks=st.lists(blocks, max_size=2).map(tuple),
            items=st.lists(items, max_size=2).map(tuple),
            span=spans,
        ),
        max_size=2,
    ).map(tuple),
    span=spans,
    head=st.none() | texts,
)


@given(articles, articles)
def test_equal_fingerprints_are_equal_content_at_any_span(a: Article, b: Article) -> None:
    assert (fingerprint(a) == fingerprint(b)) == (reference(a) == reference(b))


def moved(node: Any) -> Any:
    """The node with every span elsewhere: the same content, written at other lines."""
    if isinstance(node, tuple):
        return tuple(moved(i) for i in node)
    if isinstance(node, Span):
        return Span("elsewhere.md", node.line + 10, node.column + 1, node.end_line + 10)
    if is_dataclass(node):
        return replace(node, **{f.name: moved(getattr(node, f.name)) for f in fields(node)})  # type: ignore[type-var]
    return node


@given(articles)
def test_an_article_elsewhere_has_the_same_fingerprint(article: Article) -> None:
    assert moved(article) != article  # the spans differ
    assert fingerprint(moved(article)) == fingerprint(article)


@given(articles)
def test_the_memo_gives_what_the_fingerprint_gives(article: Article) -> None:
    memo: dict[int, tuple[Any, Hashable]] = {}
    assert fingerprint(article, memo) == fingerprint(article)
    assert fingerprint(article, memo) == fingerprint(article)  # from the memo


def test_equal_pairs_of_two_diffs_have_equal_fingerprints(privacy: Document) -> None:
    # The sample's 2020 text against itself: every pair unchanged; against 2017: some not.
    old, new = "2017-08-23", "2020-10-01"
    one = changesets(privacy, old, new)["ja"].pairs
    two = changesets(privacy, new, new)["ja"].pairs
    keys = {reference(p) for p in (*one, *two)}
    assert len({fingerprint(p) for p in (*one, *two)}) == len(keys)

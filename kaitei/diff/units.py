"""The generic units alignment works on, built from the document model in one place.

Alignment and diffing never look at the model's classes: `units` flattens a language text
into `Unit`s (id, level, number, label, heading, text, children, depth, parent), so a change
of the model is a change of this adapter only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..model import (
    Article,
    Block,
    BulletList,
    Cell,
    CrossRef,
    Item,
    LanguageText,
    Link,
    Paragraph,
    Row,
    Span,
    Table,
    Text,
)

Level = Literal[
    "title", "preamble", "article", "paragraph", "item", "row", "cell", "bullet", "closing"
]


@dataclass(frozen=True, slots=True)
class Unit:
    """One node of either version, flattened to what alignment and display need."""

    level: Level
    id: str  # anchor id, language-independent (art-4-para-2), so languages can be compared
    number: str  # comparable number ("4_2", "2", "(3)"); "" when the unit has none
    label: str  # as displayed: "第4条", "2", "(3)", "ア"
    heading: str  # whole heading for articles ("第1条（総則）"), else ""
    title: str  # the article title without its number; else ""
    text: str  # the unit's own text (not its children's)
    refs: tuple[CrossRef, ...]  # offsets into `text`
    span: Span
    children: tuple[Unit, ...]
    deleted: bool = False  # 第5条 削除
    positional: bool = False  # children pair by position (cells of a row)
    depth: int = 1  # a section's heading level (## is 2); an item's nesting depth
    parent: str = ""  # the id of the enclosing section ("" at the top)
    links: tuple[Link, ...] = ()  # link targets inside `text` (references and URLs)
    # Everything a reader sees except the unit's own number: the identity used first.
    # Computed once (children first), as alignment compares it at every level.
    content: str = field(init=False, repr=False, compare=False)
    # The words alignment compares (align.Similarity), computed once per unit when needed.
    grams: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = [self.title, self.text, *[c.label + "\x1f" + c.content for c in self.children]]
        object.__setattr__(self, "content", "\x1e".join(parts))


# --- units from the model ------------------------------------------------------------------


def _links(text: Text, offset: int) -> list[Link]:
    """Where the text points: references (by anchor) and links (by target as written)."""
    if not (text.refs or text.links):
        return []  # most texts point nowhere
    found = [Link(r.start + offset, r.end + offset, r.target) for r in text.refs if r.target]
    found += [Link(k.start + offset, k.end + offset, k.target) for k in text.links]
    return sorted(found, key=lambda k: (k.start, k.end, k.target))


Joined = tuple[str, tuple[CrossRef, ...], tuple[Link, ...]]


def _join(texts: Sequence[Text]) -> Joined:
    """Several Text blocks as one string ("\n" between), with references and links re-based."""
    if len(texts) == 1:
        only = texts[0]
        return only.plain, only.refs, tuple(_links(only, 0))
    parts: list[str] = []
    refs: list[CrossRef] = []
    links: list[Link] = []
    offset = 0
    for text in texts:
        if parts:
            parts.append("\n")
            offset += 1
        parts.append(text.plain)
        refs += [CrossRef(r.start + offset, r.end + offset, r.label, r.target) for r in text.refs]
        links += _links(text, offset)
        offset += len(text.plain)
    return "".join(parts), tuple(refs), tuple(links)


def _block_children(blocks: Sequence[Block], owner: str, span: Span) -> list[Unit]:
    children: list[Unit] = []
    for b, block in enumerate(blocks):
        if isinstance(block, Table):
            head = Row(f"{block.id}-head", "", block.header, block.span)
            children += [_row_unit(head, ()), *(_row_unit(r, block.header) for r in block.rows)]
        elif isinstance(block, BulletList):
            children += [
                _leaf("bullet", f"{owner}-list-{b + 1}-{k + 1}", "・", text)
                for k, text in enumerate(block.items)
            ]
    return children


def _leaf(level: Level, uid: str, label: str, text: Text) -> Unit:
    links = tuple(_links(text, 0))
    return Unit(level, uid, "", label, "", "", text.plain, text.refs, text.span, (), links=links)


def _cell_unit(cell: Cell, uid: str, span: Span, label: str) -> Unit:
    if cell.bullets:
        own = [cell.lead] if cell.lead is not None else []
        text, refs, links = _join(own)
        bullets = tuple(
            _leaf("bullet", f"{uid}-b{k + 1}", "・", b) for k, b in enumerate(cell.bullets)
        )
        return Unit("cell", uid, "", label, "", "", text, refs, span, bullets, links=links)
    text, refs, links = _join([cell.text])
    return Unit("cell", uid, "", label, "", "", text, refs, span, (), links=links)


def _row_unit(row: Row, header: Sequence[Cell]) -> Unit:
    # Cells are named by their column heading (利用する情報), rows by their first cell.
    cells = tuple(
        _cell_unit(
            c,
            f"{row.id}-cell-{k + 1}",
            row.span,
            header[k].text.plain if k < len(header) else str(k + 1),
        )
        for k, c in enumerate(row.cells)
    )
    return Unit("row", row.id, "", row.key, "", "", "", (), row.span, cells, positional=True)


def _texts(blocks: Sequence[Block]) -> list[Text]:
    return [b for b in blocks if isinstance(b, Text)]


def _item_unit(item: Item) -> Unit:
    text, refs, links = _join(_texts(item.blocks))
    children = _block_children(item.blocks, item.id, item.span)
    children += [_item_unit(child) for child in item.children]
    return Unit(
        "item", item.id, item.label, item.label, "", "", text, refs, item.span, tuple(children),
        depth=item.depth, links=links,
    )  # fmt: skip


def _paragraph_unit(para: Paragraph) -> Unit:
    text, refs, links = _join(_texts(para.blocks))
    children = _block_children(para.blocks, para.id, para.span)
    children += [_item_unit(item) for item in para.items]
    return Unit(
        "paragraph", para.id, str(para.number), para.label, "", "", text, refs, para.span,
        tuple(children), links=links,
    )  # fmt: skip


def _article_label(article: Article) -> str:
    if article.number is None:
        return ""
    title_at = article.heading.rfind(article.title) if article.title else -1
    head = article.heading[:title_at] if title_at > 0 else article.heading
    return head.rstrip(" 　(（")


def _article_unit(article: Article) -> Unit:
    number = article.number.key if article.number is not None else ""
    return Unit(
        "article", article.id, number, _article_label(article), article.heading,
        article.title, "", (), article.span,
        tuple(_paragraph_unit(p) for p in article.paragraphs), deleted=article.deleted,
        depth=article.level, parent=article.parent or "",
    )  # fmt: skip


def units(lt: LanguageText) -> dict[str, tuple[Unit, ...]]:
    """A version's top-level units by group; groups are aligned separately, in this order."""
    preamble, refs, links = _join(_texts(lt.preamble))
    pre_span = lt.preamble[0].span if lt.preamble else lt.title.span
    return {
        "title": (_leaf("title", "title", "", lt.title),),
        "preamble": (
            Unit(
                "preamble", "preamble", "", "", "", "", preamble, refs, pre_span,
                tuple(_block_children(lt.preamble, "preamble", pre_span)), links=links,
            ),
        ) if lt.preamble else (),
        "articles": tuple(_article_unit(a) for a in lt.articles),
        "appendices": tuple(_article_unit(a) for a in lt.appendices),
        "closing": tuple(
            _leaf("closing", f"closing-{k + 1}", "", c.text) for k, c in enumerate(lt.closing)
        ),
    }  # fmt: skip


class UnitCache:
    """The units of each language text, for the diffs of one build or one check.

    A version is diffed against its predecessor, its successor and the version in force, and
    flattening a text into units was a third of a diff. Keyed by the text object, which the
    entry holds so that its id is not reused; the owner drops the cache after its run.
    """

    def __init__(self) -> None:
        self._units: dict[int, tuple[LanguageText, dict[str, tuple[Unit, ...]]]] = {}
        # The word counts of each text's articles (align.Similarity), by the articles' tuple.
        self.counts: dict[int, tuple[Sequence[Unit], Counter[str]]] = {}

    def __call__(self, lt: LanguageText) -> dict[str, tuple[Unit, ...]]:
        entry = self._units.get(id(lt))
        if entry is None or entry[0] is not lt:
            entry = self._units[id(lt)] = (lt, units(lt))
        return entry[1]

"""The document model: frozen dataclasses, each node with its source span.

Terms follow Japanese legislative drafting: 条 Article, 項 Paragraph, 号 Item, and the
sub-items below it (イロハ / アイウ / (i)). A `Version` is one revision of a document, named by
its effective date; it holds one `LanguageText` per language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

ChangeLevel = Literal["editorial", "notice", "consent"]
CHANGE_LEVELS: tuple[ChangeLevel, ...] = ("editorial", "notice", "consent")


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node starts in its source file (1-based line and column) and its last line."""

    path: str
    line: int
    column: int = 1
    end_line: int = 0


@dataclass(frozen=True, slots=True)
class CrossRef:
    """A reference such as 第4条第2項 or "Article 4(2)": offsets into `Text.plain`."""

    start: int
    end: int
    label: str
    target: str | None  # anchor id; None when the reference points at nothing


@dataclass(frozen=True, slots=True)
class Text:
    """A run of inline text: `source` is Markdown as written, `plain` has the markup removed."""

    source: str
    plain: str
    span: Span
    refs: tuple[CrossRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    text: Text  # the whole cell
    bullets: tuple[Text, ...] = ()  # a cell written as ・A ・B has its bullets here
    lead: Text | None = None  # text before the first bullet, if any


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    key: str  # the first cell's text; a continuation row carries the key of the row above
    cells: tuple[Cell, ...]
    span: Span
    continued: bool = False  # the first cell was empty: this row continues the one above


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[Text, ...]
    span: Span


Block = Text | Table | BulletList


@dataclass(frozen=True, slots=True)
class Item:
    """号 (depth 1) and its sub-items (depth 2 and deeper)."""

    id: str
    label: str  # as written: "(1)", "一", "ア", "(a)"
    number: int
    family: str  # numbering family: paren, kanji, aiueo, iroha, latin, roman
    depth: int
    blocks: tuple[Block, ...]
    children: tuple[Item, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Paragraph:
    """項: numbered ("2 当社は…") or the single unnumbered paragraph of an article."""

    id: str
    number: int
    label: str  # "" when unnumbered
    blocks: tuple[Block, ...]
    items: tuple[Item, ...]
    span: Span


@dataclass(frozen=True, slots=True, order=True)
class ArticleNumber:
    """第4条の2 is ArticleNumber(4, (2,)); its key "4_2" follows Lawtext's convention."""

    main: int
    branch: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return "_".join(str(n) for n in (self.main, *self.branch))

    @property
    def anchor(self) -> str:
        return "art-" + "-".join(str(n) for n in (self.main, *self.branch))


@dataclass(frozen=True, slots=True)
class Article:
    """条, or an unnumbered section (English-style policies: the heading is the article)."""

    id: str
    number: ArticleNumber | None
    heading: str  # the whole heading as written, e.g. "第1条（総則）"
    title: str  # the part in parentheses, or the whole heading when unnumbered
    deleted: bool
    paragraphs: tuple[Paragraph, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ClosingLine:
    """A line after the last article, e.g. "2017 年 8 月 23 日 制定"."""

    text: Text
    kind: Literal["enacted", "revised", "other"]
    date: dt.date | None


@dataclass(frozen=True, slots=True)
class Erratum:
    """A correction to a published text, recorded instead of a silent edit."""

    date: dt.date
    reason: str
    before: str
    after: str
    span: Span


@dataclass(frozen=True, slots=True)
class FrontMatter:
    effective: dt.date
    announced: dt.date | None
    change: ChangeLevel | None
    summary: str
    changes: tuple[str, ...]
    reconstruction: bool
    reconstruction_note: str
    acknowledge: tuple[tuple[str, str], ...]  # (rule id, reason), sorted
    errata: tuple[Erratum, ...]
    span: Span  # the opening '---' line
    key_lines: tuple[tuple[str, int], ...] = ()  # (key, line) so problems point at the key
    # Keys of other site generators (title, layout …), kept aside as written: (key, YAML).
    foreign: tuple[tuple[str, str], ...] = ()

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.span.line)


@dataclass(frozen=True, slots=True)
class LanguageText:
    """One version of a document in one language: the parsed `<lang>.md`."""

    lang: str
    path: str
    meta: FrontMatter
    title: Text
    preamble: tuple[Block, ...]
    articles: tuple[Article, ...]
    closing: tuple[ClosingLine, ...]
    source: str = field(repr=False)  # the file's text, BOM and CR removed

    @property
    def sha256(self) -> str:
        """Hash of the canonical text: what readers read, independent of Markdown layout."""
        return hashlib.sha256(canonical_text(self).encode("utf-8")).hexdigest()

    def article(self, anchor: str) -> Article | None:
        return next((a for a in self.articles if a.id == anchor), None)

    def article_containing(self, anchor: str) -> Article | None:
        """The article an anchor lies in (art-4-para-2 → 第4条)."""
        best = None
        for article in self.articles:
            if anchor == article.id or anchor.startswith(article.id + "-"):
                best = article
        return best


@dataclass(frozen=True, slots=True)
class Version:
    id: str  # the effective date, YYYY-MM-DD
    effective: dt.date
    texts: tuple[LanguageText, ...]  # authoritative language first
    path: str

    def text(self, lang: str) -> LanguageText | None:
        return next((t for t in self.texts if t.lang == lang), None)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(t.lang for t in self.texts)


@dataclass(frozen=True, slots=True)
class Rule:
    """A change-detection rule from document.yml (interpreted by classify)."""

    id: str
    level: ChangeLevel
    when: str
    articles: tuple[str, ...]
    description: str
    span: Span


@dataclass(frozen=True, slots=True)
class DocumentSettings:
    titles: tuple[tuple[str, str], ...]  # (lang, title)
    authoritative: str
    languages: tuple[str, ...]  # authoritative first
    timezone: str
    notice_period_days: int
    banner_days_after: int
    diff_layout: Literal["new-left", "old-left"]
    rules: tuple[Rule, ...]
    path: str

    def title(self, lang: str) -> str:
        return dict(self.titles).get(lang) or dict(self.titles)[self.authoritative]


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    settings: DocumentSettings
    versions: tuple[Version, ...]  # oldest first

    def version(self, version_id: str) -> Version | None:
        return next((v for v in self.versions if v.id == version_id), None)

    def in_force(self, as_of: dt.date) -> Version | None:
        """The latest version whose effective date is on or before `as_of`."""
        current = [v for v in self.versions if v.effective <= as_of]
        return current[-1] if current else None

    def upcoming(self, as_of: dt.date) -> tuple[Version, ...]:
        return tuple(v for v in self.versions if v.effective > as_of)

    def previous(self, version: Version) -> Version | None:
        index = self.versions.index(version)
        return self.versions[index - 1] if index > 0 else None


@dataclass(frozen=True, slots=True)
class Site:
    root: str
    documents: tuple[Document, ...]  # sorted by id

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)


# --- walking the tree -------------------------------------------------------------------


def walk_items(items: tuple[Item, ...]) -> Iterator[Item]:
    for item in items:
        yield item
        yield from walk_items(item.children)


def texts_of(blocks: tuple[Block, ...]) -> Iterator[Text]:
    for block in blocks:
        if isinstance(block, Text):
            yield block
        elif isinstance(block, BulletList):
            yield from block.items
        else:
            for cell in block.header:
                yield cell.text
            for row in block.rows:
                for cell in row.cells:
                    yield cell.text


def all_texts(lt: LanguageText) -> Iterator[Text]:
    """Every Text of a version in reading order (title, preamble, articles, closing)."""
    yield lt.title
    yield from texts_of(lt.preamble)
    for article in lt.articles:
        for para in article.paragraphs:
            yield from texts_of(para.blocks)
            for item in walk_items(para.items):
                yield from texts_of(item.blocks)
    for line in lt.closing:
        yield line.text


def anchors(lt: LanguageText) -> Iterator[tuple[str, Span]]:
    """Every anchor id a version defines, with where it is defined."""
    for article in lt.articles:
        yield article.id, article.span
        for para in article.paragraphs:
            yield para.id, para.span
            for block in para.blocks:
                if isinstance(block, Table):
                    yield block.id, block.span
                    for row in block.rows:
                        yield row.id, row.span
            for item in walk_items(para.items):
                yield item.id, item.span
                for block in item.blocks:
                    if isinstance(block, Table):
                        yield block.id, block.span
                        for row in block.rows:
                            yield row.id, row.span


# --- canonical text ---------------------------------------------------------------------


def _block_lines(block: Block, prefix: str = "") -> list[str]:
    if isinstance(block, Text):
        return [prefix + block.plain]
    if isinstance(block, BulletList):
        return [prefix + "・" + t.plain for t in block.items]
    lines = ["\t".join(c.text.plain for c in block.header)]
    lines += ["\t".join(c.text.plain for c in row.cells) for row in block.rows]
    return lines


def _with_label(label: str, blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for i, block in enumerate(blocks):
        prefix = label + " " if i == 0 and label else ""
        lines += _block_lines(block, prefix)
    if not blocks and label:
        lines.append(label)
    return lines


def _item_lines(item: Item) -> list[str]:
    lines = _with_label(item.label, item.blocks)
    for child in item.children:
        lines += _item_lines(child)
    return lines


def canonical_text(lt: LanguageText) -> str:
    """The text of a version as a reader sees it, one unit per line, Markdown removed.

    This is what is hashed and what the fidelity tests compare with the source.
    """
    lines = [lt.title.plain, ""]
    for block in lt.preamble:
        lines += [*_block_lines(block), ""]
    for article in lt.articles:
        lines += [article.heading, ""]
        for para in article.paragraphs:
            lines += _with_label(para.label, para.blocks)
            for item in para.items:
                lines += _item_lines(item)
            lines.append("")
    for closing in lt.closing:
        lines.append(closing.text.plain)
    return "\n".join(lines).rstrip("\n") + "\n"

"""The document model: frozen dataclasses, each node with its source span.

Terms follow Japanese legislative drafting: 条 Article, 項 Paragraph, 号 Item, and the
sub-items below it (イロハ / アイウ / (i)). A `Version` is one revision of a document, named by
its effective date; it holds one `LanguageText` per language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

# `enacted` (制定) is the level of a document's first version: there is nothing to compare it
# with, so it is neither a wording change nor a notice. The others grade a revision (改定).
ChangeLevel = Literal["enacted", "editorial", "notice", "consent"]
CHANGE_LEVELS: tuple[ChangeLevel, ...] = (
    "editorial",
    "notice",
    "consent",
)  # a revision's, lowest first
LEVELS: tuple[ChangeLevel, ...] = ("enacted", *CHANGE_LEVELS)  # what a version may declare


_Class = TypeVar("_Class", bound=type)


def pickled_by_fields(cls: _Class) -> _Class:
    """Pickle a frozen dataclass as a call of its constructor with its field values.

    The default for a frozen slots dataclass calls `fields()` on every node, in Python, both
    ways: reading the 400-file synthetic site's parse and diff cache (some 430,000 nodes)
    spent most of its time there. A constructor call is about half the cost, and the
    restricted unpickler of kaitei.cache still decides which classes may be called.
    """
    names = tuple(f.name for f in fields(cls))
    assert all(f.init for f in fields(cls)), f"{cls.__name__}: every field must be an argument"
    values: Callable[[Any], Any] = operator.attrgetter(*names)
    if len(names) == 1:

        def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
            return (cls, (values(self),))

    else:

        def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
            return (cls, values(self))

    setattr(cls, "__reduce__", reduce)  # noqa: B010 (mypy refuses assigning a method)
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Span:
    """Where a node starts in its source file (1-based line and column) and its last line."""

    path: str
    line: int
    column: int = 1
    end_line: int = 0


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CrossRef:
    """A reference such as 第4条第2項 or "Article 4(2)": offsets into `Text.plain`."""

    start: int
    end: int
    label: str
    target: str | None  # anchor id; None when the reference points at nothing


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """A link written in the text: offsets into `Text.plain` and the target as written."""

    start: int
    end: int
    target: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Text:
    """A run of inline text: `source` is Markdown as written, `plain` has the markup removed.

    `lead` and `trail` are the source around it that is layout, not text (blank lines, list
    markers, `## `, `{#id}`, the line end): with them the model gives back the file exactly
    (kaitei.read.roundtrip), tomlkit's trivia.
    """

    source: str
    plain: str
    span: Span
    refs: tuple[CrossRef, ...] = ()
    links: tuple[Link, ...] = ()
    lead: str = field(default="", compare=False)
    trail: str = field(default="", compare=False)

    @property
    def canonical(self) -> str:
        """`plain` with each link's target after it: a changed target changes the hash."""
        if not self.links:
            return self.plain
        parts, cut = [], 0
        for link in self.links:
            parts += [self.plain[cut : link.end], f" <{link.target}>"]
            cut = link.end
        return "".join(parts) + self.plain[cut:]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Cell:
    text: Text  # the whole cell
    bullets: tuple[Text, ...] = ()  # a cell written as ・A ・B has its bullets here
    lead: Text | None = None  # text before the first bullet, if any


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Row:
    id: str
    key: str  # the first cell's text; a continuation row carries the key of the row above
    cells: tuple[Cell, ...]
    span: Span
    continued: bool = False  # the first cell was empty: this row continues the one above


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Table:
    id: str
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    span: Span
    source: str = field(default="", compare=False)  # the rows as written, with their lead


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class BulletList:
    """A Markdown list kept as a list: bullets, or ordered entries inside other lists.

    Nested lists are flattened in reading order: `depths[i]` is the nesting (0 outermost) and
    `labels[i]` the marker as written ("-", "1.", "a)"; "" for a further paragraph of the
    entry above).
    """

    items: tuple[Text, ...]
    span: Span
    depths: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()  # an entry's explicit id ({: #id } under it), else ""

    def depth(self, index: int) -> int:
        return self.depths[index] if index < len(self.depths) else 0

    def label(self, index: int) -> str:
        return self.labels[index] if index < len(self.labels) else "-"

    def tree(self) -> tuple[ListEntry, ...]:
        """The entries nested again, for output that shows the nesting."""
        root: list[ListEntry] = []
        open_at: list[list[ListEntry]] = [root]
        for k, text in enumerate(self.items):
            depth = min(self.depth(k), len(open_at) - 1)
            label = self.label(k)
            siblings = open_at[depth]
            if label == "" and siblings:
                last = siblings[-1]
                siblings[-1] = ListEntry(last.number, last.id, (*last.texts, text), last.children)
                continue
            number = "" if label in ("-", "*", "+") else label
            entry_id = self.ids[k] if k < len(self.ids) else ""
            siblings.append(ListEntry(number, entry_id, (text,), []))
            del open_at[depth + 1 :]
            open_at.append(siblings[-1].children)
        return tuple(root)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of a list as a tree: its number as written ("" for a bullet), its texts."""

    number: str
    id: str
    texts: tuple[Text, ...]
    children: list[ListEntry]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Break:
    """A thematic break (`---`, `* * *`) between blocks."""

    span: Span
    source: str = field(default="", compare=False)  # the break line with its lead


Block = Text | Table | BulletList | Break


@pickled_by_fields
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


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    """項: numbered ("2 当社は…") or the single unnumbered paragraph of an article."""

    id: str
    number: int
    label: str  # "" when unnumbered
    blocks: tuple[Block, ...]
    items: tuple[Item, ...]
    span: Span


@pickled_by_fields
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


SectionKind = Literal["section", "appendix"]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """A headed unit: 条 / Article N, a section of any depth, or an appendix (別表, Schedule).

    `LanguageText.articles` lists every heading in reading order (the flat view); `level` and
    `parent` give the tree (`LanguageText.sections()`).
    """

    id: str
    number: ArticleNumber | None
    heading: str  # the whole heading as text, e.g. "第1条（総則）"
    title: str  # the part in parentheses, or the whole heading when unnumbered
    deleted: bool
    paragraphs: tuple[Paragraph, ...]
    span: Span
    level: int = 2  # the heading level, 1–6 (## is 2)
    parent: str | None = None  # id of the enclosing headed unit; None at the top
    kind: SectionKind = "section"
    head: Text | None = field(default=None, compare=False)  # the heading as a Text
    depth: int = 1  # 1 for a top section, 2 for the sections under it …


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ClosingLine:
    """A line after the last article, e.g. "2017 年 8 月 23 日 制定"."""

    text: Text
    kind: Literal["enacted", "revised", "other"]
    date: dt.date | None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Erratum:
    """A correction to a published text, recorded instead of a silent edit."""

    date: dt.date
    reason: str
    before: str
    after: str
    span: Span


@pickled_by_fields
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
    # A translation that lags: the effective date of the authoritative version it translates.
    translates: dt.date | None = None

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.span.line)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Section:
    """The tree view of the headed units: a unit and the units under it."""

    unit: Article
    children: tuple[Section, ...]


@pickled_by_fields
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
    appendices: tuple[Article, ...] = ()  # 別表, 附則, Schedule, Annex after the closing lines
    front: str = field(default="", repr=False, compare=False)  # the source before the body
    trail: str = field(default="", repr=False, compare=False)  # trivia after the last node
    # The hash of an outline (`outline`), whose body is gone; "" in a whole text.
    digest: str = field(default="", repr=False, compare=False)

    def sections(self) -> tuple[Section, ...]:
        """The headed units as a tree (articles, then appendices)."""
        children: dict[str | None, list[Article]] = {}
        for unit in (*self.articles, *self.appendices):
            children.setdefault(unit.parent, []).append(unit)

        def build(parent: str | None) -> tuple[Section, ...]:
            return tuple(Section(u, build(u.id)) for u in children.get(parent, ()))

        return build(None)

    @property
    def sha256(self) -> str:
        """Hash of the canonical text: what readers read, independent of Markdown layout."""
        if self.digest:
            return self.digest
        return hashlib.sha256(canonical_text(self).encode("utf-8")).hexdigest()

    def outline(self) -> LanguageText:
        """The text without its preamble, articles and appendices, its source cut to the
        front matter, its hash kept: what the parent process of a large site's build holds
        (kaitei.site.stream); the pages are made from the whole text, where they are made."""
        return replace(
            self, preamble=(), articles=(), appendices=(), source=self.front, digest=self.sha256
        )

    def article(self, anchor: str) -> Article | None:
        return next((a for a in (*self.articles, *self.appendices) if a.id == anchor), None)

    def article_containing(self, anchor: str) -> Article | None:
        """The article an anchor lies in (art-4-para-2 → 第4条)."""
        best = None
        for article in (*self.articles, *self.appendices):
            if anchor == article.id or anchor.startswith(article.id + "-"):
                best = article
        return best


@pickled_by_fields
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


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Rule:
    """A change-detection rule from document.yml (interpreted by classify)."""

    id: str
    level: ChangeLevel
    when: str
    articles: tuple[str, ...]
    description: str
    span: Span
    words: tuple[str, ...] = ()  # keyword sets: the change must add a word of one of them
    within: tuple[str, ...] = ()  # keyword sets the changed unit's text must each mention
    rows: tuple[str, ...] = ()  # table rows (first-cell keywords) the rule watches
    columns: tuple[str, ...] = ()  # table columns (header keywords) the rule watches
    law: tuple[tuple[dt.date, str], ...] = ()  # (in force from, citation), oldest first


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class KeywordSet:
    """Words that signal one kind of change (recipients, a foreign country…), per language."""

    name: str
    words: tuple[tuple[str, tuple[str, ...]], ...]  # (lang, words)
    span: Span

    def for_language(self, lang: str) -> tuple[str, ...]:
        return dict(self.words).get(lang, ())


# Readers compare the policy in force with its recent past; a document with 50 versions
# would otherwise make 49 diff pages against the current one in every language.
DEFAULT_DIFF_AGAINST_CURRENT = 10


@pickled_by_fields
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
    imported: dt.date | None = None  # adopted from git history on this date (kaitei import)
    # "statute": a text drafted as a statute; its 新旧対照表 says 改正後/改正前, not 改定後/改定前.
    style: Literal["policy", "statute"] = "policy"
    keywords: tuple[KeywordSet, ...] = ()
    # document.yml `diff_against_current`: which versions get a diff page against the one in
    # force, besides their predecessor's. None: every version ("all"); N: the N versions
    # nearest the one in force ("recent N"; 0 is "none").
    diff_against_current: int | None = 10  # = DEFAULT_DIFF_AGAINST_CURRENT

    def title(self, lang: str) -> str:
        return dict(self.titles).get(lang) or dict(self.titles)[self.authoritative]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Document:
    id: str
    settings: DocumentSettings
    versions: tuple[Version, ...]  # oldest first

    def version(self, version_id: str) -> Version | None:
        return next((v for v in self.versions if v.id == version_id), None)

    def outline(self) -> Document:
        """The document with every text an outline (LanguageText.outline)."""
        versions = tuple(
            replace(v, texts=tuple(t.outline() for t in v.texts)) for v in self.versions
        )
        return replace(self, versions=versions)

    def in_force(self, as_of: dt.date) -> Version | None:
        """The latest version whose effective date is on or before `as_of`."""
        current = [v for v in self.versions if v.effective <= as_of]
        return current[-1] if current else None

    def upcoming(self, as_of: dt.date) -> tuple[Version, ...]:
        return tuple(v for v in self.versions if v.effective > as_of)

    def previous(self, version: Version) -> Version | None:
        index = self.versions.index(version)
        return self.versions[index - 1] if index > 0 else None


@pickled_by_fields
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
        elif isinstance(block, Table):
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
        yield from article_texts(article)
    for line in lt.closing:
        yield line.text
    for appendix in lt.appendices:
        yield from article_texts(appendix)


def article_texts(article: Article) -> Iterator[Text]:
    """Every Text of an article's body in reading order (its heading is `article.head`)."""
    for para in article.paragraphs:
        yield from texts_of(para.blocks)
        for item in walk_items(para.items):
            yield from texts_of(item.blocks)


def anchors(lt: LanguageText) -> Iterator[tuple[str, Span]]:
    """Every anchor id a version defines, with where it is defined."""
    for article in (*lt.articles, *lt.appendices):
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
        return [prefix + block.canonical]
    if isinstance(block, BulletList):
        return [
            prefix + "\t" * block.depth(k) + _list_mark(block.label(k)) + t.canonical
            for k, t in enumerate(block.items)
        ]
    if isinstance(block, Break):
        return [prefix + "―――"] if prefix else ["―――"]
    lines = ["\t".join(c.text.canonical for c in block.header)]
    lines += ["\t".join(c.text.canonical for c in row.cells) for row in block.rows]
    return lines


def _list_mark(label: str) -> str:
    # Bullets read as ・ whatever character the editor typed; ordered entries keep their number.
    if label in ("-", "*", "+"):
        return "・"
    return label + " " if label else ""


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
    lines = [lt.title.canonical, ""]
    for block in lt.preamble:
        lines += [*_block_lines(block), ""]
    for article in lt.articles:
        lines += _article_lines(article)
    for closing in lt.closing:
        lines.append(closing.text.canonical)
    if lt.appendices:
        lines.append("")
    for appendix in lt.appendices:
        lines += _article_lines(appendix)
    return "\n".join(lines).rstrip("\n") + "\n"


def _article_lines(article: Article) -> list[str]:
    heading = article.head.canonical if article.head is not None else article.heading
    lines = [heading, ""]
    for para in article.paragraphs:
        lines += _with_label(para.label, para.blocks)
        for item in para.items:
            lines += _item_lines(item)
        lines.append("")
    return lines

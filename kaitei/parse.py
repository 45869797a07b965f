"""Markdown body → document model (articles, paragraphs, items, tables), with diagnostics.

markdown-it-py finds the blocks; numbering conventions (numbering.py) find the structure.
The parser never raises for a user's mistake: it records a diagnostic and carries on, so an
editor sees every problem of a file at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from markdown_it.token import Token

from .diagnostics import Collector
from .markdown import is_safe_link, join_lines, make_markdown
from .model import (
    Article,
    ArticleNumber,
    Block,
    BulletList,
    Cell,
    ClosingLine,
    CrossRef,
    FrontMatter,
    Item,
    LanguageText,
    Paragraph,
    Row,
    Span,
    Table,
    Text,
)
from .numbering import Marker, parse_article_heading, read_marker
from .refs import RawRef, RefContext, find_refs, resolve

_MD = make_markdown(detect=True)  # sees raw HTML and unsafe links, to refuse them
# Blocks only: every unit's inline text is parsed once, by `BodyParser.inline`, so the core
# "inline" pass over whole blocks would be wasted work (it was half the parse time).
_MD_BLOCKS = make_markdown(detect=True).disable("inline")
_PIN = re.compile(r"\s*\{#(?P<id>[A-Za-z][A-Za-z0-9_-]*)\}\s*$")
_BULLET = re.compile(r"(?:^|(?<=\s))[・•]\s*")
_JA_DATE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*(?P<kind>制定|改定|改正|施行)"
)
_EN_DATE = re.compile(
    r"^(?P<kind>Enacted|Revised|Amended|Effective)\s*:?\s*(?P<date>.+?)\.?$", re.I
)
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}  # fmt: skip


# --- mutable builders, frozen at the end once every anchor is known ----------------------


@dataclass
class _Pending:
    """A Text before its cross-references are resolved."""

    source: str
    plain: str
    span: Span
    raw_refs: list[RawRef]


_PendingBlock = _Pending | Table | BulletList


@dataclass
class _ItemB:
    marker: Marker
    depth: int
    span: Span
    pin: str | None
    blocks: list[_PendingBlock] = field(default_factory=list)
    children: list[_ItemB] = field(default_factory=list)
    id: str = ""


@dataclass
class _ParaB:
    number: int
    label: str
    span: Span
    pin: str | None
    blocks: list[_PendingBlock] = field(default_factory=list)
    items: list[_ItemB] = field(default_factory=list)
    id: str = ""


@dataclass
class _ArticleB:
    heading: str
    number: ArticleNumber | None
    title: str
    deleted: bool
    span: Span
    id: str
    paragraphs: list[_ParaB] = field(default_factory=list)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-")


class BodyParser:
    def __init__(self, path: str, out: Collector, lang: str) -> None:
        self.path = path
        self.out = out
        self.lang = lang
        self.title: _Pending | None = None
        self.preamble: list[_PendingBlock] = []
        self.articles: list[_ArticleB] = []
        self.closing: list[_Pending] = []
        self.in_closing = False
        self.item_stack: list[_ItemB] = []
        self.lines: list[str] = []
        self.first_line = 1

    # -- helpers ---------------------------------------------------------------------

    def fail(self, line: int, column: int, message: str, hint: str = "", *, code: str) -> None:
        self.out.add((self.path, line, column), message, hint, code=code)

    def column_of(self, line: int, fragment: str) -> int:
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        index = source.find(fragment) if fragment else -1
        if index < 0:
            index = len(source) - len(source.lstrip())
        return index + 1

    def inline(self, source: str, line: int, column: int) -> _Pending:
        """Parse inline Markdown: plain text, link checks, raw-HTML refusal, references."""
        env: dict[str, object] = {}
        tokens = _MD.parseInline(source, env)
        plain_parts: list[str] = []
        for token in tokens[0].children or [] if tokens else []:
            self._inline_token(token, plain_parts, line, source)
        plain, broken = "", False
        for part in plain_parts:
            if part == "\n":
                broken = True
            elif broken:
                plain, broken = join_lines(plain, part), False
            else:
                plain += part
        plain = plain.strip()
        return _Pending(source, plain, Span(self.path, line, column), find_refs(plain))

    def _inline_token(self, token: Token, parts: list[str], line: int, source: str) -> None:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append("\n")
        elif token.type == "hardbreak":
            parts.append(" ")
        elif token.type == "html_inline":
            self.fail(
                line,
                self.column_of(line, token.content),
                f"raw HTML is not allowed: {token.content}",
                "write plain text; use **bold** for emphasis and [text](https://…) for links",
                code="raw-html",
            )
        elif token.type == "image":
            self.fail(
                line,
                self.column_of(line, "!["),
                "images are not supported in policy text",
                "describe the content in words",
                code="image",
            )
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not is_safe_link(href):
                self.fail(
                    line,
                    self.column_of(line, href),
                    f"unsafe link: {href}",
                    "only https://, mailto: and relative links are allowed "
                    "(an http:// address can be written as plain text)",
                    code="unsafe-link",
                )
        elif token.type == "text_special":
            parts.append(token.content)
        # Markup tokens (em/strong open/close, link_close) carry no text of their own.

    # -- document structure ----------------------------------------------------------

    def parse(self, body: str, first_line: int) -> None:
        self.first_line = first_line
        self.lines = [""] * (first_line - 1) + body.split("\n")
        tokens = _MD_BLOCKS.parse(body)
        index = 0
        while index < len(tokens):
            index = self.block(tokens, index)
        if self.title is None:
            self.fail(
                first_line,
                1,
                "the text has no title",
                "start the text with the document's title on a line of its own: "
                "'# プライバシーポリシー'",
                code="no-title",
            )

    def line_of(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + self.first_line

    def block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        line = self.line_of(token)
        if token.type == "heading_open":
            inline = tokens[index + 1]
            self.heading(token.tag, inline.content, line)
            return index + 3
        if token.type == "paragraph_open":
            self.paragraph_lines(tokens[index + 1].content, line)
            return index + 3
        if token.type == "table_open":
            end = _closing(tokens, index, "table_close")
            self.add_block(self.table(tokens[index : end + 1], line), line)
            return end + 1
        if token.type == "bullet_list_open":
            end = _closing(tokens, index, "bullet_list_close")
            self.add_block(self.bullets(tokens[index : end + 1], line), line)
            return end + 1
        if token.type == "hr":
            if not self.articles:
                self.fail(
                    line, 1, "a closing line (* * *) before any article", code="early-closing"
                )
            self.in_closing = True
            self.item_stack = []
            return index + 1
        if token.type == "html_block":
            self.fail(
                line,
                1,
                f"raw HTML is not allowed: {token.content.strip().splitlines()[0]}",
                "write plain text; tables are written with | pipes |",
                code="raw-html",
            )
            return index + 1
        if token.type in ("code_block", "fence"):
            self.fail(
                line,
                1,
                "indented or fenced text becomes a code block",
                "remove the indentation (four spaces or a tab at the start of a line) "
                "or the ``` fence",
                code="code-block",
            )
            return index + 1
        if token.type == "ordered_list_open":
            self.fail(
                line,
                self.column_of(line, ""),
                "'1.' makes a Markdown list, not a numbered paragraph",
                "write the number and a space without the dot: '1 当社は…' / '1 The Company…'",
                code="ordered-list",
            )
            return _closing(tokens, index, "ordered_list_close") + 1
        if token.type == "blockquote_open":
            self.fail(line, 1, "quotations ('>') are not supported", "remove the '>'", code="quote")
            return _closing(tokens, index, "blockquote_close") + 1
        return index + 1

    def heading(self, tag: str, content: str, line: int) -> None:
        pin_match = _PIN.search(content)
        pin = pin_match["id"] if pin_match else None
        text = _PIN.sub("", content).strip()
        if tag == "h1":
            if self.title is not None:
                self.fail(line, 1, "a second title (#)", "use ## for articles", code="second-title")
                return
            if self.articles or self.preamble:
                self.fail(
                    line,
                    1,
                    "the title (#) must come first",
                    "move the '# …' line to the top, right after the front matter",
                    code="late-title",
                )
            self.title = self.inline(text, line, self.column_of(line, text))
            return
        if tag != "h2":
            self.fail(
                line,
                1,
                f"headings of level {tag[1]} are not part of the format",
                "use ## for an article heading; write other headings as plain text",
                code="heading-level",
            )
            return
        if self.in_closing:
            self.fail(line, 1, "an article after the closing lines (* * *)", code="late-article")
        self.item_stack = []
        parsed = parse_article_heading(text)
        if parsed.number is not None:
            anchor = pin or parsed.number.anchor
        else:
            anchor = pin or _slug(text) or f"sec-{len(self.articles) + 1}"
        self.articles.append(
            _ArticleB(
                heading=text,
                number=parsed.number,
                title=parsed.title,
                deleted=parsed.deleted,
                span=Span(self.path, line, self.column_of(line, text)),
                id=anchor,
            )
        )

    def paragraph_lines(self, content: str, first: int) -> None:
        """One Markdown paragraph may hold several numbered units, one per line."""
        unit: list[str] = []
        unit_line = first
        for offset, raw in enumerate(content.split("\n")):
            line = first + offset
            # Closing lines stand one per line; elsewhere a new number starts a new unit.
            if unit and (self.in_closing or read_marker(raw) is not None):
                self.unit(unit, unit_line)
                unit = []
            if not unit:
                unit_line = line
            unit.append(raw)
        if unit:
            self.unit(unit, unit_line)

    def unit(self, lines: list[str], line: int) -> None:
        # Keep the line breaks in the source: the inline parser turns them into soft breaks,
        # which join Japanese without a space (and the renderer does the same).
        source = "\n".join(lines)
        if self.in_closing:
            self.closing.append(self.inline(source, line, self.column_of(line, lines[0])))
            return
        if not self.articles:
            self.preamble.append(self.inline(source, line, self.column_of(line, lines[0])))
            return
        article = self.articles[-1]
        pin_match = _PIN.search(source)
        pin = pin_match["id"] if pin_match else None
        source = _PIN.sub("", source)
        marked = read_marker(source)
        if marked is not None and marked.kind == "paragraph":
            self.item_stack = []
            number = marked.readings[0].number
            self.check_paragraph_number(article, number, line)
            para = _ParaB(number, marked.readings[0].label, Span(self.path, line, 1), pin)
            para.blocks.append(
                self.inline(marked.rest, line, self.column_of(line, marked.rest[:8]))
            )
            article.paragraphs.append(para)
            return
        if marked is not None and marked.kind == "item":
            self.item(article, marked.readings, marked.rest, line, pin)
            return
        text = self.inline(source, line, self.column_of(line, lines[0]))
        self.add_pending(text, line)

    def current_paragraph(self, line: int) -> _ParaB:
        article = self.articles[-1]
        if not article.paragraphs:
            # The first text of an article without a number: its single unnumbered paragraph.
            article.paragraphs.append(_ParaB(1, "", Span(self.path, line, 1), None))
        return article.paragraphs[-1]

    def add_pending(self, block: _PendingBlock, line: int) -> None:
        if not self.articles or self.in_closing:
            if isinstance(block, _Pending):
                (self.closing if self.in_closing else self.preamble).append(block)
            else:
                self.preamble.append(block)
            return
        if self.item_stack:
            self.item_stack[-1].blocks.append(block)
        else:
            self.current_paragraph(line).blocks.append(block)

    def add_block(self, block: Table | BulletList, line: int) -> None:
        if self.in_closing:
            self.fail(line, 1, "a table or list among the closing lines", code="closing-block")
            return
        self.add_pending(block, line)

    def check_paragraph_number(self, article: _ArticleB, number: int, line: int) -> None:
        previous = article.paragraphs[-1].number if article.paragraphs else 0
        if article.paragraphs and not article.paragraphs[-1].label:
            previous = 1
        if number == previous + 1:
            return
        what = "repeats" if number == previous else ("skips" if number > previous else "goes back")
        self.fail(
            line,
            self.column_of(line, str(number)),
            f"paragraph {number} of {article.heading} {what} the numbering: "
            f"expected {previous + 1}",
            "number the paragraphs of each article 1, 2, 3 … in order; if this line is not a "
            "new paragraph, do not start it with a number and a space",
            code="paragraph-numbering",
        )

    def item(
        self,
        article: _ArticleB,
        readings: tuple[Marker, ...],
        rest: str,
        line: int,
        pin: str | None,
    ) -> None:
        paragraph = self.current_paragraph(line)
        stack = self.item_stack
        chosen: tuple[int, Marker] | None = None
        # A marker continues the open level whose sequence it continues …
        for depth in range(len(stack) - 1, -1, -1):
            for reading in readings:
                if reading.family == stack[depth].marker.family and (
                    reading.number == stack[depth].marker.number + 1
                ):
                    chosen = (depth, reading)
                    break
            if chosen:
                break
        # … or a first marker opens a deeper level.
        if chosen is None:
            families = {b.marker.family for b in stack}
            for reading in readings:
                if reading.number == 1 and reading.family not in families:
                    chosen = (len(stack), reading)
                    break
        if chosen is None:
            # Out of sequence: attach it to the level of its family and say so.
            depth, reading = next(
                (
                    (d, r)
                    for d in range(len(stack) - 1, -1, -1)
                    for r in readings
                    if r.family == stack[d].marker.family
                ),
                (len(stack), readings[0]),
            )
            expected = stack[depth].marker.number + 1 if depth < len(stack) else 1
            self.fail(
                line,
                self.column_of(line, reading.label),
                f"item {reading.label} is out of sequence in {article.heading}: "
                f"expected number {expected} of its series",
                "number items (1), (2), (3) … and sub-items ア, イ, ウ … in order, "
                "each series starting at its first number",
                code="item-numbering",
            )
            chosen = (depth, reading)
        depth, reading = chosen
        del stack[depth:]
        node = _ItemB(reading, depth + 1, Span(self.path, line, 1), pin)
        if rest.strip():
            node.blocks.append(self.inline(rest, line, self.column_of(line, rest[:8])))
        (stack[-1].children if stack else paragraph.items).append(node)
        stack.append(node)

    # -- tables and lists --------------------------------------------------------------

    def cell(self, source: str, line: int) -> Cell:
        text = self.freeze_plain(self.inline(source, line, self.column_of(line, source[:8])))
        parts = _BULLET.split(source)
        if len(parts) == 1:
            return Cell(text)
        # Text before the first ・ is the cell's lead-in, not a bullet.
        lead_source = parts[0].strip()
        lead = (
            self.freeze_plain(self.inline(lead_source, line, self.column_of(line, lead_source[:8])))
            if lead_source
            else None
        )
        bullets = tuple(
            self.freeze_plain(self.inline(p.strip(), line, self.column_of(line, p.strip()[:8])))
            for p in parts[1:]
            if p.strip()
        )
        return Cell(text, bullets, lead)

    def freeze_plain(self, pending: _Pending) -> Text:
        # References in cells and bullets are resolved when the whole text is frozen.
        return Text(pending.source, pending.plain, pending.span)

    def table(self, tokens: list[Token], line: int) -> Table:
        header: list[Cell] = []
        rows: list[Row] = []
        current: list[Cell] = []
        row_line = line
        in_head = False
        previous_key = ""
        for token in tokens:
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                current = []
                row_line = self.line_of(token)
            elif token.type == "inline":
                current.append(self.cell(token.content, row_line))
            elif token.type == "tr_close":
                if in_head:
                    header = current
                    continue
                continued = not current[0].text.plain if current else False
                key = previous_key if continued else (current[0].text.plain if current else "")
                if continued and not rows:
                    self.fail(
                        row_line,
                        1,
                        "the first row of a table has an empty first cell",
                        "only a row that continues the row above may leave the first cell empty",
                        code="table-empty-key",
                    )
                previous_key = key
                rows.append(Row("", key, tuple(current), Span(self.path, row_line, 1), continued))
        return Table("", tuple(header), tuple(rows), Span(self.path, line, 1))

    def bullets(self, tokens: list[Token], line: int) -> BulletList:
        items = []
        for token in tokens:
            if token.type == "inline":
                items.append(
                    self.freeze_plain(
                        self.inline(
                            token.content,
                            self.line_of(token),
                            self.column_of(self.line_of(token), token.content[:8]),
                        )
                    )
                )
            elif token.type in ("ordered_list_open", "table_open"):
                self.fail(self.line_of(token), 1, "lists inside lists are not supported",
                          code="nested-list")  # fmt: skip
        return BulletList(tuple(items), Span(self.path, line, 1))


def _closing(tokens: list[Token], index: int, close: str) -> int:
    level = tokens[index].level
    for end in range(index + 1, len(tokens)):
        if tokens[end].type == close and tokens[end].level == level:
            return end
    return len(tokens) - 1


# --- freezing: ids, cross-references, closing lines ---------------------------------------


class _Freezer:
    def __init__(self, parser: BodyParser) -> None:
        self.p = parser
        self.ids: dict[str, Span] = {}
        self.article_ids = [a.id for a in parser.articles]
        self.numbered: set[str] = set()  # ids derived from numbers, not pinned

    def claim(self, anchor: str, span: Span, *, numbered: bool = False) -> None:
        if anchor in self.ids:
            first = self.ids[anchor]
            if numbered and anchor in self.numbered:
                return  # a repeated number: the numbering check has reported it already
            self.p.fail(
                span.line,
                span.column,
                f"the anchor id '{anchor}' is already used on line {first.line}",
                "give each article, paragraph and item its own number or {#id}",
                code="duplicate-id",
            )
        else:
            self.ids[anchor] = span
            if numbered:
                self.numbered.add(anchor)

    def assign(self) -> None:
        for article in self.p.articles:
            self.claim(article.id, article.span, numbered=article.number is not None)
            for para in article.paragraphs:
                para.id = para.pin or f"{article.id}-para-{para.number}"
                self.claim(para.id, para.span, numbered=para.pin is None)
                self.assign_blocks(para.blocks, para.id)
                self.assign_items(para.items, para.id)

    def assign_items(self, items: list[_ItemB], parent: str) -> None:
        for item in items:
            kind = "item" if item.depth == 1 else "sub"
            item.id = item.pin or f"{parent}-{kind}-{item.marker.number}"
            self.claim(item.id, item.span, numbered=item.pin is None)
            self.assign_blocks(item.blocks, item.id)
            self.assign_items(item.children, item.id)

    def assign_blocks(self, blocks: list[_PendingBlock], parent: str) -> None:
        tables = [b for b in blocks if isinstance(b, Table)]
        for n, table in enumerate(tables, start=1):
            table_id = f"{parent}-table" + (f"-{n}" if n > 1 else "")
            row_prefix = f"{parent}-row" if n == 1 else f"{table_id}-row"
            rows, number, sub = [], 0, 1
            for row in table.rows:
                if row.continued and number:
                    sub += 1
                    row_id = f"{row_prefix}-{number}-{sub}"
                else:
                    number, sub = number + 1, 1
                    row_id = f"{row_prefix}-{number}"
                self.claim(row_id, row.span)
                rows.append(Row(row_id, row.key, row.cells, row.span, row.continued))
            blocks[blocks.index(table)] = Table(table_id, table.header, tuple(rows), table.span)

    def text(self, pending: _Pending, ctx: RefContext) -> Text:
        refs = []
        for raw in pending.raw_refs:
            target = resolve(raw, ctx)
            ok = target in self.ids
            refs.append(CrossRef(raw.start, raw.end, raw.label, target if ok else None))
            if not ok:
                column = self.p.column_of(pending.span.line, raw.label)
                self.p.fail(
                    pending.span.line,
                    column,
                    f"the cross-reference '{raw.label}' points at nothing"
                    + (f" (no {target})" if target != "?" else ""),
                    "check the article and paragraph numbers; after renumbering articles, "
                    "update every reference to them",
                    code="unresolved-ref",
                )
        return Text(pending.source, pending.plain, pending.span, tuple(refs))

    def blocks(self, blocks: list[_PendingBlock], ctx: RefContext) -> tuple[Block, ...]:
        return tuple(self.block(b, ctx) for b in blocks)

    def block(self, block: _PendingBlock, ctx: RefContext) -> Block:
        if isinstance(block, _Pending):
            return self.text(block, ctx)
        if isinstance(block, BulletList):
            return BulletList(tuple(self.again(t, ctx) for t in block.items), block.span)
        rows = tuple(
            Row(r.id, r.key, tuple(self.cell(c, ctx) for c in r.cells), r.span, r.continued)
            for r in block.rows
        )
        return Table(block.id, block.header, rows, block.span)

    def cell(self, cell: Cell, ctx: RefContext) -> Cell:
        lead = self.again(cell.lead, ctx) if cell.lead else None
        return Cell(
            self.again(cell.text, ctx), tuple(self.again(b, ctx) for b in cell.bullets), lead
        )

    def again(self, text: Text, ctx: RefContext) -> Text:
        return self.text(_Pending(text.source, text.plain, text.span, find_refs(text.plain)), ctx)

    def items(self, items: list[_ItemB], ctx: RefContext) -> tuple[Item, ...]:
        return tuple(
            Item(
                id=i.id,
                label=i.marker.label,
                number=i.marker.number,
                family=i.marker.family,
                depth=i.depth,
                blocks=self.blocks(i.blocks, ctx),
                children=self.items(i.children, ctx),
                span=i.span,
            )
            for i in items
        )

    def freeze(
        self,
    ) -> tuple[Text, tuple[Block, ...], tuple[Article, ...], tuple[ClosingLine, ...]]:
        self.assign()
        p = self.p
        outside = RefContext(self.article_ids, -1, None)
        title = self.text(p.title, outside) if p.title else Text("", "", Span(p.path, 1, 1))
        preamble = self.blocks(p.preamble, outside)
        articles = []
        for index, a in enumerate(p.articles):
            paragraphs = []
            for para in a.paragraphs:
                ctx = RefContext(self.article_ids, index, para.number)
                paragraphs.append(
                    Paragraph(
                        para.id,
                        para.number,
                        para.label,
                        self.blocks(para.blocks, ctx),
                        self.items(para.items, ctx),
                        para.span,
                    )
                )
            last = paragraphs[-1].span.line if paragraphs else a.span.line
            span = Span(a.span.path, a.span.line, a.span.column, last)
            articles.append(
                Article(a.id, a.number, a.heading, a.title, a.deleted, tuple(paragraphs), span)
            )
        closing = tuple(self.closing_line(self.text(c, outside)) for c in p.closing)
        return title, preamble, tuple(articles), closing

    def closing_line(self, text: Text) -> ClosingLine:
        match = _JA_DATE.search(text.plain)
        if match:
            kind: Literal["enacted", "revised"] = (
                "enacted" if match["kind"] == "制定" else "revised"
            )
            try:
                date = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                date = None
            return ClosingLine(text, kind, date)
        match = _EN_DATE.match(text.plain)
        if match:
            kind = "enacted" if match["kind"].lower() == "enacted" else "revised"
            return ClosingLine(text, kind, _english_date(match["date"]))
        return ClosingLine(text, "other", None)


def _english_date(text: str) -> dt.date | None:
    text = text.strip().rstrip(".")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    words = re.findall(r"[A-Za-z]+|\d+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    months = [_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS]
    if len(numbers) == 2 and len(months) == 1:
        day, year = sorted(numbers)
        try:
            return dt.date(year, months[0], day)
        except ValueError:
            return None
    return None


def parse_body(
    body: str, first_line: int, path: str, lang: str, meta: FrontMatter, source: str, out: Collector
) -> LanguageText:
    parser = BodyParser(path, out, lang)
    parser.parse(body, first_line)
    title, preamble, articles, closing = _Freezer(parser).freeze()
    flagged = {d.line for d in out.errors if d.path == path}
    for index, article in enumerate(articles):
        end = articles[index + 1].span.line if index + 1 < len(articles) else 1 << 30
        if any(article.span.line <= line < end for line in flagged):
            continue  # whatever emptied the article was reported; one problem, one message
        if not article.deleted and not any(p.blocks or p.items for p in article.paragraphs):
            out.add(
                article.span,
                f"the article '{article.heading}' is empty",
                "write its text below the heading, or mark it deleted: '## 第5条　削除'",
                code="empty-article",
            )
    return LanguageText(
        lang=lang,
        path=path,
        meta=meta,
        title=title,
        preamble=preamble,
        articles=articles,
        closing=closing,
        source=source,
    )

"""The document being read: mutable drafts, frozen at the end once every id is known.

Each stage (sections, units, lists) adds to one `Draft`; `freeze` turns it into the model.
Text is cut from the body here, in reading order, so each Text carries the layout before
and after it (`lead`, `trail`) and the model gives the file back exactly.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..diagnostics import Collector, Severity
from ..model import ArticleNumber, Break, BulletList, Span, Table
from .blocks import Blocks
from .hints import Hints
from .numbering import Marker
from .text import Pending, read_inline


@dataclass
class ListDraft:
    """A Markdown list being read: its entries in order, flattened with their depth."""

    entries: list[Pending] = field(default_factory=list)
    depths: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    span: Span | None = None


Content = Pending | Table | BulletList | ListDraft | Break


@dataclass
class ItemDraft:
    marker: Marker
    depth: int
    span: Span
    pin: str | None
    blocks: list[Content] = field(default_factory=list)
    children: list[ItemDraft] = field(default_factory=list)
    id: str = ""


@dataclass
class ParagraphDraft:
    number: int
    label: str
    span: Span
    pin: str | None
    blocks: list[Content] = field(default_factory=list)
    items: list[ItemDraft] = field(default_factory=list)
    id: str = ""


@dataclass
class SectionDraft:
    head: Pending
    heading: str
    number: ArticleNumber | None
    title: str
    deleted: bool
    level: int
    span: Span
    pin: str | None
    kind: str  # "section" or "appendix"
    fixed_id: str | None  # an id from its numbering: art-4, schedule-1
    parent: SectionDraft | None
    paragraphs: list[ParagraphDraft] = field(default_factory=list)
    id: str = ""
    after_closing: bool = False


@dataclass
class Draft:
    path: str
    lang: str
    hints: Hints
    out: Collector
    blocks: Blocks
    first_line: int  # the file line of the body's first line
    title: Pending | None = None
    preamble: list[Content] = field(default_factory=list)
    sections: list[SectionDraft] = field(default_factory=list)
    closing: list[Pending] = field(default_factory=list)
    in_closing: bool = False
    item_stack: list[ItemDraft] = field(default_factory=list)
    open_list: ListDraft | None = None
    unit_lists: dict[int, str] = field(default_factory=dict)  # list entry → "paragraph"/"item"
    pin: str | None = None  # an id written before the unit it names (<a id>, attribute line)
    cursor: int = 0  # how far the body has been placed into the model
    anchors: list[tuple[str, Span]] = field(default_factory=list)  # <a id> inside texts
    refused: set[int] = field(default_factory=set)  # file lines of blocks reported as refused

    @property
    def among_closing(self) -> bool:
        """Among the closing lines themselves: past their marker, and before any heading (an
        appendix) after them, whose text is its own."""
        return self.in_closing and not (self.sections and self.sections[-1].after_closing)

    # -- positions -------------------------------------------------------------------

    def file_line(self, body_line: int) -> int:
        return body_line + self.first_line

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of a body offset."""
        starts = self.blocks.line_starts
        low = max(0, bisect_right(starts, offset) - 1)
        return self.file_line(low), offset - starts[low] + 1

    def span_at(self, offset: int) -> Span:
        line, column = self.position(offset)
        return Span(self.path, line, column)

    def source_line(self, line: int) -> str:
        index = line - self.first_line
        if 0 <= index < len(self.blocks.line_starts):
            return self.blocks.line_text(index)
        return ""

    def column_of(self, line: int, fragment: str) -> int:
        source = self.source_line(line)
        index = source.find(fragment) if fragment else -1
        if index < 0:
            index = len(source) - len(source.lstrip())
        return index + 1

    # -- diagnostics -----------------------------------------------------------------

    def report(
        self,
        line: int,
        column: int,
        message: str,
        hint: str = "",
        *,
        code: str,
        severity: Severity = "error",
    ) -> None:
        self.out.add((self.path, line, column), message, hint, code=code, severity=severity)

    # -- text ------------------------------------------------------------------------

    def text(self, start: int, stop: int) -> Pending:
        """The body's text between two offsets as a Text, with the layout around it.

        `lead` is everything since the last placed text; `trail` is the rest of the last line
        (attributes such as {#id}, a heading's closing #s, the line end).
        """
        # span_at and line_end written out: this runs for every unit of every file.
        blocks = self.blocks
        body, cursor = blocks.body, self.cursor
        lead = body[cursor:start] if start >= cursor else ""
        end = blocks.scan.find("\n", stop)
        end = len(body) if end < 0 else end + 1
        trail = body[stop:end]
        if end > cursor:
            self.cursor = end
        starts = blocks.line_starts
        low = max(0, bisect_right(starts, start) - 1)
        span = Span(self.path, low + self.first_line, start - starts[low] + 1)
        pending = read_inline(
            body[start:stop], span, self.column_of, self.report, self.hints, blocks.references
        )
        if pending.anchors:
            self.anchors.extend((anchor, span) for anchor in pending.anchors)
        pending.lead, pending.trail, pending.start = lead, trail, start
        return pending

    def inline(self, source: str, span: Span) -> Pending:
        """Inline Markdown read in place (table cells), without moving the cursor."""
        pending = read_inline(
            source, span, self.column_of, self.report, self.hints, self.blocks.references
        )
        if pending.anchors:
            self.anchors.extend((anchor, pending.span) for anchor in pending.anchors)
        return pending

    def take_lines(self, start: int, stop: int) -> str:
        """Whole lines placed as written (a table's rows, a break), with the layout before."""
        lead = self.skip_to(start)
        end = self.blocks.line_end(stop)
        self.cursor = max(self.cursor, end)
        return lead + self.blocks.body[start:end]

    def skip_to(self, offset: int) -> str:
        """Layout up to `offset` that belongs to no text (a table's rows, a break)."""
        body = self.blocks.body
        lead = body[self.cursor : offset] if offset >= self.cursor else ""
        self.cursor = max(self.cursor, offset)
        return lead

"""Markdown blocks: markdown-it-py's block tokens → leaves in reading order, with offsets.

A leaf is the smallest block that holds text (a heading, a paragraph, a table, a break) or a
construct that is refused. Each leaf knows where its text starts and stops in the body, and
which list items enclose it, so that later stages can place every character (see roundtrip).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markdown_it.token import Token

from ..markdown import MAX_NESTING, make_markdown

LeafKind = Literal["heading", "paragraph", "table", "break", "html", "code", "quote"]

# Blocks only: every unit's inline text is parsed once, later, so the core "inline" pass over
# whole blocks would be wasted work (it was half the parse time).
_MD_BLOCKS = make_markdown(detect=True).disable("inline")


@dataclass(frozen=True, slots=True)
class ListLevel:
    """One enclosing list item: its list's kind, its marker as written, and which entry it is."""

    ordered: bool
    label: str  # "-", "*", "1.", "2)"
    entry: int  # a number unique to the entry in this body, so a new entry can be told apart
    number: int  # the ordered list's number (0 for bullets)
    list: int  # a number unique to the list the entry belongs to


@dataclass(frozen=True, slots=True)
class Leaf:
    kind: LeafKind
    line: int  # first line, 0-based within the body
    end: int  # line after the last, 0-based
    start: int  # offset in the body where the text starts
    stop: int  # offset where it stops (trailing blanks excluded)
    lists: tuple[ListLevel, ...] = ()  # enclosing list items, outermost first
    level: int = 0  # heading level
    setext: bool = False
    first_in_entry: bool = False  # the first leaf of its innermost list item
    tokens: tuple[Token, ...] = ()  # a table's or an HTML block's tokens


@dataclass(frozen=True, slots=True)
class Blocks:
    body: str
    scan: str  # the body as markdown-it reads it (CR as a line end), same length
    line_starts: tuple[int, ...]  # offset of each line of the body
    leaves: tuple[Leaf, ...]
    references: dict[str, dict[str, str]]  # [label]: url definitions, as markdown-it keeps them
    truncated_at: int | None  # a line the tokenizer stopped before (nesting limit)
    lines: tuple[str, ...]  # each line of `scan`, without its line end (one split, not a find
    # per question: every stage asks for lines)

    def line_text(self, line: int) -> str:
        return self.lines[line] if line < len(self.lines) else ""

    def line_end(self, offset: int) -> int:
        """The offset just after the line end at or after `offset` (or the body's end)."""
        end = self.scan.find("\n", offset)
        return len(self.scan) if end < 0 else end + 1


def _line_starts(body: str) -> tuple[int, ...]:
    starts = [0]
    index = body.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = body.find("\n", index + 1)
    return tuple(starts)


def read_blocks(body: str) -> Blocks:
    # markdown-it turns CR LF into one LF, which would shift every offset after it; a CR read
    # as a line end of its own keeps offsets equal (files are loaded without CR anyway).
    scan = body
    if "\r" in scan:
        scan = scan.replace("\r", "\n")
    if "\0" in scan:
        scan = scan.replace("\0", "\ufffd")
    env: dict[str, object] = {}
    tokens = _MD_BLOCKS.parse(scan, env)
    starts = _line_starts(scan)
    lines = tuple(scan.split("\n"))
    walker = _Walker(lines, starts)
    walker.walk(tokens)
    references = env.get("references", {})
    truncated = walker.too_deep
    return Blocks(
        body,
        scan,
        starts,
        tuple(walker.leaves),
        references if isinstance(references, dict) else {},
        truncated,
        lines,
    )


class _Walker:
    """Walks the token stream once; the list stack is the only state."""

    def __init__(self, lines: tuple[str, ...], starts: tuple[int, ...]) -> None:
        self.lines = lines
        self.starts = starts
        self.leaves: list[Leaf] = []
        self.lists: list[ListLevel] = []
        self.enclosing: tuple[ListLevel, ...] = ()  # `lists` as a tuple, shared by its leaves
        self.ordered: list[bool] = []
        self.list_ids: list[int] = []
        self.entries = 0
        self.fresh_entry = False
        self.too_deep: int | None = None  # the line where lists nest past what is read

    def text_range(self, first: int, last: int, content_first_line: str) -> tuple[int, int]:
        """Offsets of the text of lines first..last-1 whose first line ends with `content`."""
        raw = self.lines[first]
        column = max(0, len(raw.rstrip()) - len(content_first_line.rstrip()))
        start = self.starts[first] + column
        stop_raw = self.lines[last - 1]
        stop = self.starts[last - 1] + len(stop_raw.rstrip())
        return start, max(start, stop)

    def add(
        self,
        kind: LeafKind,
        token: Token,
        start: int,
        stop: int,
        level: int = 0,
        setext: bool = False,
        tokens: tuple[Token, ...] = (),
    ) -> None:
        assert token.map is not None
        first, end = token.map
        leaf = Leaf(
            kind, first, end, start, stop, self.enclosing, level, setext, self.fresh_entry, tokens
        )
        self.fresh_entry = False
        self.leaves.append(leaf)

    def whole_lines(self, token: Token) -> tuple[int, int]:
        assert token.map is not None
        first, last = token.map
        raw = self.lines[first]
        start = self.starts[first] + len(raw) - len(raw.lstrip())
        stop = self.starts[last - 1] + len(self.lines[last - 1].rstrip())
        return start, max(start, stop)

    def walk(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            index = self.token(tokens, index)

    def token(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind in ("heading_open", "paragraph_open"):
            inline = tokens[index + 1]
            assert token.map is not None
            first, last = token.map
            setext = kind == "heading_open" and not token.markup.startswith("#")
            content_last = last - 1 if setext else last
            if kind == "heading_open" and not setext:
                start, stop = self._atx_range(first, inline.content)
            else:
                first_line = inline.content.partition("\n")[0]
                start, stop = self.text_range(first, content_last, first_line)
            if kind == "heading_open":
                self.add("heading", token, start, stop, level=int(token.tag[1]), setext=setext)
            else:
                self.add("paragraph", token, start, stop)
            return index + 3
        if kind == "table_open":
            end = _closing(tokens, index, "table_close")
            start, stop = self.whole_lines(token)
            self.add("table", token, start, stop, tokens=tuple(tokens[index : end + 1]))
            return end + 1
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.ordered.append(kind == "ordered_list_open")
            self.entries += 1
            self.list_ids.append(self.entries)
            return index + 1
        if kind in ("bullet_list_close", "ordered_list_close"):
            self.ordered.pop()
            self.list_ids.pop()
            return index + 1
        if kind == "list_item_open":
            # markdown-it stops reading at its nesting limit and drops the rest of the file;
            # the entry that reaches it is where the reader says so.
            if token.level >= MAX_NESTING - 4 and self.too_deep is None and token.map:
                self.too_deep = token.map[0]
            self.entries += 1
            ordered = self.ordered[-1] if self.ordered else False
            label = (token.info + token.markup) if ordered else token.markup
            number = int(token.info) if ordered and token.info.isdigit() else 0
            self.lists.append(ListLevel(ordered, label, self.entries, number, self.list_ids[-1]))
            self.enclosing = tuple(self.lists)
            self.fresh_entry = True
            if tokens[index + 1].type == "list_item_close":
                # An empty entry ("-" alone): nothing to place but its marker.
                start, _ = self.whole_lines(token)
                self.add("paragraph", token, start, start)
            return index + 1
        if kind == "list_item_close":
            self.lists.pop()
            self.enclosing = tuple(self.lists)
            self.fresh_entry = False
            return index + 1
        if kind == "hr":
            start, stop = self.whole_lines(token)
            self.add("break", token, start, stop)
            return index + 1
        if kind == "html_block":
            start, stop = self.whole_lines(token)
            self.add("html", token, start, stop, tokens=(token,))
            return index + 1
        if kind in ("code_block", "fence"):
            start, stop = self.whole_lines(token)
            self.add("code", token, start, stop)
            return index + 1
        if kind == "blockquote_open":
            end = _closing(tokens, index, "blockquote_close")
            start, stop = self.whole_lines(token)
            self.add("quote", token, start, stop)
            return end + 1
        return index + 1

    def _atx_range(self, line: int, content: str) -> tuple[int, int]:
        raw = self.lines[line]
        hashes = raw.lstrip()
        offset = len(raw) - len(hashes)
        offset += len(hashes) - len(hashes.lstrip("#"))
        column = raw.find(content, offset) if content else -1
        if column < 0:
            column = len(raw.rstrip())
        start = self.starts[line] + column
        return start, start + len(content)


def _closing(tokens: list[Token], index: int, close: str) -> int:
    level = tokens[index].level
    for end in range(index + 1, len(tokens)):
        if tokens[end].type == close and tokens[end].level == level:
            return end
    return len(tokens) - 1

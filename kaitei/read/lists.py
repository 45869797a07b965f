"""Markdown lists, tables and thematic breaks inside the text.

An ordered list directly under a heading is a series of numbered units that keep their label
as written ("1.", "2)"): paragraphs (項) when it opens the section or follows numbered
paragraphs, else items (号) of the open paragraph. Every other list — bullets, lists nested to
any depth, ordered lists inside them — stays a list, flattened with each entry's depth.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from ..model import Break, Cell, Row, Span, Table, Text
from .blocks import Leaf
from .dialects import attribute_line
from .draft import Draft, ListDraft, ParagraphDraft
from .numbering import Marker
from .text import Pending
from .units import add_content, check_paragraph_number, current_paragraph, place_item

_BULLET = re.compile(r"(?:^|(?<=\s))[・•]\s*")


def _text_of(draft: Draft, leaf: Leaf) -> tuple[Pending, str | None]:
    """The entry's text; a last line `{: #id }` names the entry and is layout."""
    stop, pin = leaf.stop, None
    if leaf.end - leaf.line > 1:
        last = draft.blocks.line_text(leaf.end - 1)
        is_attribute, named = attribute_line(last)
        if is_attribute:
            previous = draft.blocks.line_text(leaf.end - 2)
            stop = draft.blocks.line_starts[leaf.end - 2] + len(previous.rstrip())
            pin = named
    return draft.text(leaf.start, max(leaf.start, stop)), pin


def read_list_leaf(draft: Draft, leaf: Leaf) -> None:
    outer = leaf.lists[0]
    in_section = bool(draft.sections) and not draft.among_closing
    mode = draft.unit_lists.get(outer.list)
    if mode is None:
        mode = _unit_mode(draft) if (outer.ordered and in_section) else "list"
        draft.unit_lists[outer.list] = mode
    if mode != "list" and len(leaf.lists) == 1:
        text, pin = _text_of(draft, leaf)
        pin = pin or draft.pin
        draft.pin = None
        if leaf.first_in_entry:
            draft.open_list = None
            _numbered_entry(draft, mode, outer.number, outer.label, text, pin)
        else:
            draft.open_list = None
            add_content(draft, text, text.span.line)  # a further paragraph of the entry
        return
    depth = len(leaf.lists) - (2 if mode != "list" else 1)
    text, pin = _text_of(draft, leaf)
    entries = draft.open_list
    if entries is None:
        entries = draft.open_list = ListDraft(span=Span(draft.path, text.span.line, 1))
        add_content(draft, entries, text.span.line)
    entries.entries.append(text)
    entries.depths.append(depth)
    entries.labels.append(leaf.lists[-1].label if leaf.first_in_entry else "")
    entries.ids.append(pin or "")


def _unit_mode(draft: Draft) -> str:
    section = draft.sections[-1]
    last = section.paragraphs[-1] if section.paragraphs else None
    if draft.item_stack or (last is not None and not last.label):
        return "item"
    return "paragraph"


def _numbered_entry(
    draft: Draft, mode: str, number: int, label: str, text: Pending, pin: str | None
) -> None:
    section = draft.sections[-1]
    line = text.span.line
    if mode == "paragraph":
        draft.item_stack = []
        check_paragraph_number(draft, section, number, line)
        para = ParagraphDraft(number, label, Span(draft.path, line, 1), pin, [text])
        section.paragraphs.append(para)
        return
    current_paragraph(draft, line)
    place_item(draft, section, (Marker(label, "ordered", number),), text, line, pin)


# --- tables -----------------------------------------------------------------------------


def read_table(draft: Draft, leaf: Leaf) -> None:
    draft.open_list = None
    source = draft.take_lines(leaf.start, leaf.stop)
    span = draft.span_at(leaf.start)
    header: list[Cell] = []
    rows: list[Row] = []
    current: list[Cell] = []
    row_line = span.line
    in_head = False
    previous_key = ""
    for token in leaf.tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
            row_line = _line(draft, token)
        elif token.type == "inline":
            current.append(_cell(draft, token.content, row_line))
        elif token.type == "tr_close":
            if in_head:
                header = current
                continue
            continued = not current[0].text.plain if current else False
            key = previous_key if continued else (current[0].text.plain if current else "")
            if continued and not rows:
                draft.report(
                    row_line,
                    1,
                    "the first row of a table has an empty first cell",
                    "only a row that continues the row above may leave the first cell empty",
                    code="table-empty-key",
                )
            previous_key = key
            rows.append(Row("", key, tuple(current), Span(draft.path, row_line, 1), continued))
    add_content(draft, Table("", tuple(header), tuple(rows), span, source), span.line)


def _line(draft: Draft, token: Token) -> int:
    return draft.file_line(token.map[0] if token.map else 0)


def _cell(draft: Draft, source: str, line: int) -> Cell:
    text = _frozen(draft, source, line)
    if "・" not in source and "•" not in source:
        return Cell(text)  # no bullet: nothing for the pattern to split at
    parts = _BULLET.split(source)
    if len(parts) == 1:
        return Cell(text)
    # Text before the first ・ is the cell's lead-in, not a bullet.
    lead_source = parts[0].strip()
    lead = _frozen(draft, lead_source, line) if lead_source else None
    bullets = tuple(_frozen(draft, p.strip(), line) for p in parts[1:] if p.strip())
    return Cell(text, bullets, lead)


def _frozen(draft: Draft, source: str, line: int) -> Text:
    # Cross-references in cells are found again when the whole text is frozen.
    pending = draft.inline(source, Span(draft.path, line, draft.column_of(line, source[:8])))
    return Text(pending.source, pending.plain, pending.span, links=pending.links)


# --- breaks -------------------------------------------------------------------------------


def read_break(draft: Draft, leaf: Leaf) -> None:
    draft.open_list = None
    source = draft.take_lines(leaf.start, leaf.stop)
    span = draft.span_at(leaf.start)
    add_content(draft, Break(span, source), span.line)

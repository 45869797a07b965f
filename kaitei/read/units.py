"""Inside a section: numbered paragraphs (項), items (号) and sub-items, and plain text.

One Markdown paragraph may hold several numbered units, one per line ("1 当社は…" then
"(1) …"). Which unit a number opens is decided by the numbering conventions (numbering.py):
a marker continues the open series it continues, or a first marker opens a deeper level.
"""

from __future__ import annotations

import re

from ..model import Span
from .blocks import Leaf
from .dialects import attribute_line, split_attributes
from .draft import Content, Draft, ItemDraft, ParagraphDraft, SectionDraft
from .numbering import Marker, read_marker
from .text import Pending

_ANCHOR_LINE = re.compile(
    r"""^\s*(?:<a\s+(?:id|name)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)\s*/?>\s*(?:</a\s*>)?\s*)+$""",
    re.I,
)
_ANCHOR_ID = re.compile(r"""(?:id|name)\s*=\s*(?:"(?P<q>[^"]*)"|'(?P<s>[^']*)'|(?P<b>[^\s>]+))""")


def anchor_line(line: str) -> str | None:
    """The id of a line that is nothing but `<a id="…"></a>` (it names what follows)."""
    if "<" not in line or not _ANCHOR_LINE.match(line):
        return None
    match = _ANCHOR_ID.search(line)
    return (match["q"] or match["s"] or match["b"]) if match else None


def read_paragraph(draft: Draft, leaf: Leaf) -> None:
    """A Markdown paragraph outside lists: one or more units, one per numbered line."""
    draft.open_list = None
    groups = _unit_lines(draft, leaf)
    for first, last, pin in groups:
        _unit(draft, first, last, pin)


def _unit_lines(draft: Draft, leaf: Leaf) -> list[tuple[int, int, str | None]]:
    """(first line, last line, id) of each unit; attribute and anchor lines name a unit."""
    groups: list[list[int | str | None]] = []
    lines = draft.blocks.lines
    for line in range(leaf.line, leaf.end):
        raw = lines[line]
        is_attribute, attribute_id = attribute_line(raw)
        anchor = None if is_attribute else anchor_line(raw)
        if is_attribute or anchor is not None:
            named = attribute_id or anchor
            if is_attribute and groups and groups[-1][2] is None:
                groups[-1][2] = named  # a block attribute line names the unit above it
            elif named:
                draft.pin = named  # an anchor names the unit below it
            continue
        # Closing lines stand one per line; elsewhere a new number starts a new unit.
        starts_unit = draft.among_closing or read_marker(raw.lstrip()) is not None
        if groups and not starts_unit and groups[-1][1] == line - 1 and groups[-1][2] is None:
            groups[-1][1] = line
        else:
            groups.append([line, line, None])
    return [
        (int(g[0] or 0), int(g[1] or 0), g[2] if isinstance(g[2], str) else None) for g in groups
    ]


def _unit(draft: Draft, first: int, last: int, pin: str | None) -> None:
    blocks = draft.blocks
    raw = blocks.lines[first]
    indent = len(raw) - len(raw.lstrip())
    start = blocks.line_starts[first] + indent
    stop = blocks.line_starts[last] + len(blocks.lines[last].rstrip())
    source, _attributes, written = split_attributes(blocks.body[start:stop])
    stop = start + len(source)
    pin = pin or written or draft.pin
    draft.pin = None
    if draft.among_closing:
        draft.closing.append(draft.text(start, stop))
        return
    if not draft.sections:
        draft.preamble.append(draft.text(start, stop))
        return
    section = draft.sections[-1]
    marked = read_marker(source)
    if marked is not None and not _numbered(section) and marked.kind == "paragraph":
        # "18 de diciembre de 2010: …": outside 第N条 / Article N, a line that starts with a
        # number is prose; numbered paragraphs belong to numbered articles.
        marked = None
    line = draft.file_line(first)
    if marked is not None and marked.kind == "paragraph":
        reading = marked.readings[0]
        _paragraph(draft, section, reading, draft.text(start + marked.offset, stop), line, pin)
        return
    if marked is not None and (_numbered(section) or fits(draft, marked.readings)):
        text = draft.text(start + marked.offset, stop) if marked.rest.strip() else None
        place_item(draft, section, marked.readings, text, line, pin)
        return
    text = draft.text(start, stop)
    if pin and not draft.item_stack:
        # A named block of plain text is a unit of its own, so that its id can be linked to.
        paragraphs = section.paragraphs
        number = paragraphs[-1].number + 1 if paragraphs else 1
        paragraphs.append(ParagraphDraft(number, "", Span(draft.path, line, 1), pin, [text]))
        return
    add_content(draft, text, line)


def _numbered(section: SectionDraft) -> bool:
    """Whether a section is a numbered article or lies inside one."""
    current: SectionDraft | None = section
    while current is not None:
        if current.number is not None:
            return True
        current = current.parent
    return False


def _paragraph(
    draft: Draft,
    section: SectionDraft,
    reading: Marker,
    text: Pending,
    line: int,
    pin: str | None,
) -> None:
    draft.item_stack = []
    check_paragraph_number(draft, section, reading.number, line)
    para = ParagraphDraft(reading.number, reading.label, Span(draft.path, line, 1), pin)
    para.blocks.append(text)
    section.paragraphs.append(para)


def current_paragraph(draft: Draft, line: int) -> ParagraphDraft:
    section = draft.sections[-1]
    if not section.paragraphs:
        # The first text of a section without a number: its single unnumbered paragraph.
        section.paragraphs.append(ParagraphDraft(1, "", Span(draft.path, line, 1), None))
    return section.paragraphs[-1]


def add_content(draft: Draft, block: Content, line: int) -> None:
    """Add a block to whatever is open: the preamble, the last unit, or the closing lines."""
    if draft.among_closing:
        if isinstance(block, Pending):
            draft.closing.append(block)
        else:
            hints = draft.hints.closing_block
            draft.report(line, 1, hints[0], hints[1], code="closing-block")
        return
    if not draft.sections:
        draft.preamble.append(block)
        return
    if draft.item_stack:
        draft.item_stack[-1].blocks.append(block)
    else:
        current_paragraph(draft, line).blocks.append(block)


def check_paragraph_number(draft: Draft, section: SectionDraft, number: int, line: int) -> None:
    if not _numbered(section):
        return  # an ordered list in a plain section numbers itself; nothing to cross-check
    previous = section.paragraphs[-1].number if section.paragraphs else 0
    if section.paragraphs and not section.paragraphs[-1].label:
        previous = 1
    if number == previous + 1:
        return
    what = "repeats" if number == previous else ("skips" if number > previous else "goes back")
    message, hint = draft.hints.paragraph_numbering
    draft.report(
        line,
        draft.column_of(line, str(number)),
        message.format(number=number, heading=section.heading, what=what, expected=previous + 1),
        hint,
        code="paragraph-numbering",
    )


def place_item(
    draft: Draft,
    section: SectionDraft,
    readings: tuple[Marker, ...],
    text: Pending | None,
    line: int,
    pin: str | None,
) -> ItemDraft:
    paragraph = current_paragraph(draft, line)
    stack = draft.item_stack
    depth, reading = _choose_level(draft, section, stack, readings, line)
    del stack[depth:]
    node = ItemDraft(reading, depth + 1, Span(draft.path, line, 1), pin)
    if text is not None:
        node.blocks.append(text)
    (stack[-1].children if stack else paragraph.items).append(node)
    stack.append(node)
    return node


def fits(draft: Draft, readings: tuple[Marker, ...]) -> bool:
    """Whether a marker continues or opens a series without a numbering problem."""
    stack = draft.item_stack
    families = {b.marker.family for b in stack}
    return any(
        (r.number == 1 and r.family not in families)
        or any(r.family == b.marker.family and r.number == b.marker.number + 1 for b in stack)
        for r in readings
    )


def _choose_level(
    draft: Draft,
    section: SectionDraft,
    stack: list[ItemDraft],
    readings: tuple[Marker, ...],
    line: int,
) -> tuple[int, Marker]:
    # A marker continues the open level whose sequence it continues …
    for depth in range(len(stack) - 1, -1, -1):
        for reading in readings:
            if reading.family == stack[depth].marker.family and (
                reading.number == stack[depth].marker.number + 1
            ):
                return depth, reading
    # … or a first marker opens a deeper level.
    families = {b.marker.family for b in stack}
    for reading in readings:
        if reading.number == 1 and reading.family not in families:
            return len(stack), reading
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
    if not _numbered(section):
        return depth, reading  # a list in a plain section numbers itself as it likes
    message, hint = draft.hints.item_numbering
    draft.report(
        line,
        draft.column_of(line, reading.label),
        message.format(label=reading.label, heading=section.heading, expected=expected),
        hint,
        code="item-numbering",
    )
    return depth, reading

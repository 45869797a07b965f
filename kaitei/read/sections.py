"""Headings → the title and a tree of sections of any depth (ATX and setext, # to ######).

The first heading, when no text comes before it, is the title, whatever its level. Every
other heading opens a section under the nearest heading of a smaller level before it.
Numbering (第4条の2, Article 4-2, 別表第1, Schedule 1) is recognised at any depth.
"""

from __future__ import annotations

from .blocks import Leaf
from .dialects import split_attributes
from .draft import Draft, SectionDraft
from .numbering import appendix_id, chapter_id, parse_article_heading


def read_heading(draft: Draft, leaf: Leaf) -> None:
    source = draft.blocks.body[leaf.start : leaf.stop]
    text_source, _attributes, pin = split_attributes(source)
    head = draft.text(leaf.start, leaf.start + len(text_source))
    if head.anchors:
        pin = pin or head.anchors[0]
    pin = pin or draft.pin
    draft.pin = None
    draft.open_list = None
    draft.item_stack = []
    if draft.title is None and not draft.sections and not draft.preamble and not draft.closing:
        draft.title = head
        return
    if draft.title is None and leaf.level == 1:
        draft.report(
            head.span.line, 1, draft.hints.late_title[0], draft.hints.late_title[1],
            code="late-title",
        )  # fmt: skip
    heading = head.plain
    parsed = parse_article_heading(heading)
    appendix = appendix_id(heading) if parsed.number is None else None
    if draft.in_closing and appendix is None and not _under_appendix(draft, leaf.level):
        draft.report(
            head.span.line, 1, draft.hints.late_article[0], draft.hints.late_article[1],
            code="late-article",
        )  # fmt: skip
    fixed = parsed.number.anchor if parsed.number is not None else appendix
    fixed = fixed or chapter_id(heading)
    parent = _parent(draft, leaf.level)
    draft.sections.append(
        SectionDraft(
            head=head,
            heading=heading,
            number=parsed.number,
            title=parsed.title,
            deleted=parsed.deleted,
            level=leaf.level,
            span=head.span,
            pin=pin,
            kind="appendix" if appendix or (parent and parent.kind == "appendix") else "section",
            fixed_id=fixed,
            parent=parent,
            after_closing=draft.in_closing,
        )
    )


def _parent(draft: Draft, level: int) -> SectionDraft | None:
    for section in reversed(draft.sections):
        if section.after_closing != draft.in_closing:
            break  # appendices after the closing lines are not inside the last article
        if section.level < level:
            return section
    return None


def _under_appendix(draft: Draft, level: int) -> bool:
    parent = _parent(draft, level)
    return parent is not None and parent.kind == "appendix"

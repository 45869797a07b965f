"""Markdown body → document model, as a table of named steps (markdown-it's habit).

blocks (markdown-it tokens) → leaves → sections, units, lists, tables → freeze (ids, cross-
references) → the no-loss guard (the model gives back the file; no words in layout).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.common.utils import normalizeReference

from ..diagnostics import Collector
from ..markdown import MAX_NESTING
from ..model import FrontMatter, LanguageText, Span, Text
from .blocks import Blocks, Leaf, read_blocks
from .characters import find_suspects
from .closing import closing_line, is_closing_line
from .draft import Draft
from .freeze import Freezer
from .hints import hints_for
from .html import is_picture
from .lists import read_break, read_list_leaf, read_table
from .numbering import appendix_id
from .references import RefContext
from .roundtrip import pieces, to_markdown, unplaced
from .sections import read_heading
from .units import read_paragraph


def _refused(draft: Draft, leaf: Leaf) -> None:
    line = draft.file_line(leaf.line)
    hints = draft.hints
    content = leaf.tokens[0].content.strip() if leaf.tokens else ""
    if leaf.kind == "html" and content.startswith("<!--") and content.endswith("-->"):
        return  # an HTML comment is the editor's note: layout, not text
    # Reported, so not lost: the no-loss guard leaves these lines to this message.
    draft.refused.update(range(line, draft.file_line(leaf.end)))
    if leaf.kind == "html":
        first = content.splitlines()[0] if content else ""
        if is_picture(content):
            message, hint = hints.picture
            draft.report(line, 1, message.format(html=first), hint, code="image",
                         severity="warning")  # fmt: skip
            return
        message, hint = hints.raw_html_block
        draft.report(line, 1, message.format(html=first), hint, code="raw-html")
    elif leaf.kind == "code":
        draft.report(line, 1, *hints.code_block, code="code-block")
    elif leaf.kind == "quote":
        draft.report(line, 1, *hints.quote, code="quote")


def _paragraph(draft: Draft, leaf: Leaf) -> None:
    if leaf.lists:
        read_list_leaf(draft, leaf)
    else:
        read_paragraph(draft, leaf)


STEPS: dict[str, Callable[[Draft, Leaf], None]] = {
    "heading": read_heading,
    "paragraph": _paragraph,
    "table": read_table,
    "break": read_break,
    "html": _refused,
    "code": _refused,
    "quote": _refused,
}


def _closing_follows(blocks: Blocks, index: int) -> bool:
    """Whether the break at `index` opens the closing lines: only dated lines follow it
    (before the end or an appendix)."""
    found = False
    for leaf in blocks.leaves[index + 1 :]:
        if leaf.kind == "heading":
            return found and appendix_id(blocks.body[leaf.start : leaf.stop]) is not None
        if leaf.kind == "html":
            continue
        if leaf.kind != "paragraph" or leaf.lists:
            return False
        lines = [blocks.line_text(n) for n in range(leaf.line, leaf.end)]
        if not all(is_closing_line(line) for line in lines if line.strip()):
            return False
        found = True
    return found


def read_body(draft: Draft) -> None:
    for suspect in find_suspects(draft.blocks.body):
        draft.report(
            draft.file_line(suspect.line), suspect.column, suspect.message, suspect.hint,
            code="suspect-character", severity=suspect.severity,
        )  # fmt: skip
    for index, leaf in enumerate(draft.blocks.leaves):
        if leaf.kind == "break" and not draft.in_closing and _closing_follows(draft.blocks, index):
            draft.in_closing = True
            draft.item_stack = []
            draft.open_list = None
            continue  # the closing marker is layout
        STEPS[leaf.kind](draft, leaf)
    if draft.blocks.truncated_at is not None:
        line = draft.file_line(draft.blocks.truncated_at)
        message, hint = draft.hints.nested_too_deep
        column = draft.column_of(line, draft.source_line(line).strip()[:1])
        draft.report(
            line, column, message.format(limit=MAX_NESTING // 2 - 2), hint, code="nested-too-deep"
        )
        # Everything from here on is in this one message, not one message per line.
        draft.refused.update(range(line, draft.file_line(len(draft.blocks.line_starts)) + 1))
    if draft.title is None:
        # The document's title (document.yml) still heads the page: a text that starts
        # straight into its content is unusual, not broken.
        draft.report(
            draft.first_line, 1, *draft.hints.no_title, code="no-title", severity="warning"
        )


def parse_body(
    body: str,
    first_line: int,
    path: str,
    lang: str,
    meta: FrontMatter,
    source: str,
    out: Collector,
    *,
    ids_of: LanguageText | None = None,
) -> LanguageText:
    """The body as a LanguageText; `ids_of` is the authoritative text of the same version,
    whose section ids a translation takes where its headings carry no number or written id."""
    draft = Draft(path, lang, hints_for(lang), out, read_blocks(body), first_line)
    read_body(draft)
    freezer = Freezer(draft, ids_of)
    freezer.assign()
    numbered = freezer.numbered_ids()
    outside = RefContext(numbered, -1, None)
    title = freezer.text(draft.title, outside) if draft.title else Text("", "", Span(path, 1, 1))
    preamble = freezer.blocks(draft.preamble, outside)
    sections = [freezer.section(s) for s in draft.sections]
    articles = tuple(
        a for a, s in zip(sections, draft.sections, strict=True) if not s.after_closing
    )
    appendices = tuple(a for a, s in zip(sections, draft.sections, strict=True) if s.after_closing)
    closing = tuple(closing_line(freezer.text(c, outside)) for c in draft.closing)
    front = source[: len(source) - len(body)] if source.endswith(body) else ""
    text = LanguageText(
        lang=lang,
        path=path,
        meta=meta,
        title=title,
        preamble=preamble,
        articles=articles,
        closing=closing,
        source=source,
        appendices=appendices,
        front=front,
        trail=body[draft.cursor :],
    )
    _check_empty(text, draft, out)
    _check_definitions(draft)
    check_nothing_lost(text, out, draft.refused)
    return text


_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]\n]+)\]:", re.M)


def _check_definitions(draft: Draft) -> None:
    """A link definition no link uses would vanish from every output: say so."""
    body = draft.blocks.scan
    if "]:" not in body:
        return  # no definition can be written without it: most files skip the scan
    for match in _DEFINITION.finditer(body):
        label = match["label"]
        if normalizeReference(label) not in draft.blocks.references:
            continue  # not a definition markdown-it accepted: it is text, and placed
        rest = body[: match.start()] + body[draft.blocks.line_end(match.start()) :]
        used = re.search(
            rf"\]\[\s*{re.escape(label)}\s*\]|\[{re.escape(label)}\](?!\()", rest, re.I
        )
        if not used:
            line, column = draft.position(match.start("label") - 1)
            message, hint = draft.hints.unused_definition
            draft.report(line, column, message.format(label=label), hint.format(label=label),
                         code="unused-definition", severity="warning")  # fmt: skip


def _check_empty(text: LanguageText, draft: Draft, out: Collector) -> None:
    flagged = {d.line for d in out.errors if d.path == text.path}
    units = (*text.articles, *text.appendices)
    parents = {a.parent for a in units}
    for index, article in enumerate(units):
        end = units[index + 1].span.line if index + 1 < len(units) else 1 << 30
        if any(article.span.line <= line < end for line in flagged):
            continue  # whatever emptied the article was reported; one problem, one message
        if article.id in parents or article.deleted:
            continue  # a heading that opens straight into its sub-sections is valid
        if not any(p.blocks or p.items for p in article.paragraphs):
            message, hint = draft.hints.empty_article
            out.add(article.span, message.format(heading=article.heading), hint,
                    code="empty-article")  # fmt: skip


def check_nothing_lost(text: LanguageText, out: Collector, excused: set[int] | None = None) -> None:
    """The published text accounts for every character of the source, or the editor is told.

    `excused`: lines already reported as refused (their text is in a message, not lost).
    """
    hints = hints_for(text.lang)
    walked = pieces(text)
    rebuilt = to_markdown(text, walked)
    flagged = {d.line for d in out.errors if d.path == text.path} | (excused or set())
    front_lines = text.front.count("\n")
    if rebuilt != text.source:
        common = next(
            (i for i, (a, b) in enumerate(zip(rebuilt, text.source, strict=False)) if a != b),
            min(len(rebuilt), len(text.source)),
        )
        while common < len(text.source) and text.source[common].isspace():
            common += 1  # point at the first missing word, not at a blank line before it
        line = text.source.count("\n", 0, common) + 1
        if line not in flagged:
            column = common - (text.source.rfind("\n", 0, common) + 1) + 1
            snippet = text.source[common : common + 40].split("\n")[0]
            message, hint = hints.lost_text
            out.add((text.path, line, column), message.format(text=snippet), hint,
                    code="lost-text")  # fmt: skip
        return
    offset = 0  # `layouts`, written out: most pieces are text or a bare line end
    # A file repeats its few layouts ("\n## ", "\n1 ", "* ") many times: each is read once.
    found: dict[str, list[tuple[int, str]]] = {}
    for kind, layout in walked:
        start, offset = offset, offset + len(layout)
        if kind != "layout" or not layout or layout.isspace():
            continue  # nothing `unplaced` could find
        words_at = found.get(layout)
        if words_at is None:
            words_at = found[layout] = unplaced(layout)
        for at, words in words_at:
            position = start + at
            line = text.source.count("\n", 0, position) + 1
            if line in flagged or line <= front_lines:
                continue
            column = position - (text.source.rfind("\n", 0, position) + 1) + 1
            message, hint = hints.lost_text
            out.add((text.path, line, column), message.format(text=words[:40]), hint,
                    code="lost-text")  # fmt: skip
            flagged.add(line)

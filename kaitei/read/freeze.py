"""Draft → frozen model: ids for every unit, then cross-references resolved against them."""

from __future__ import annotations

from ..model import (
    Article,
    Block,
    Break,
    BulletList,
    Cell,
    CrossRef,
    Item,
    LanguageText,
    Paragraph,
    Row,
    Span,
    Table,
    Text,
)
from .draft import Content, Draft, ItemDraft, ListDraft, SectionDraft
from .ids import IdRegistry, section_slug
from .references import RefContext, find_refs, resolve
from .text import Pending


class Freezer:
    def __init__(self, draft: Draft, ids_of: LanguageText | None = None) -> None:
        self.draft = draft
        self.given = _given_ids(draft.sections, ids_of)
        self.ids = IdRegistry()
        self.numbered: set[str] = set()  # ids derived from numbers, not written by the editor
        self.numbered_articles = [s for s in draft.sections if s.number is not None]
        self._numbered_ids: list[str] | None = None
        self._numbered_index: dict[str, int] = {}

    # -- ids -------------------------------------------------------------------------

    def claim(self, anchor: str, span: Span, *, numbered: bool = False) -> None:
        first = self.ids.claim(anchor, span.line)
        if first is None:
            if numbered:
                self.numbered.add(anchor)
            return
        if numbered and anchor in self.numbered:
            return  # a repeated number: the numbering check has reported it already
        message, hint = self.draft.hints.duplicate_id
        self.draft.report(
            span.line,
            span.column,
            message.format(id=anchor, line=first),
            hint,
            code="duplicate-id",
        )

    def assign(self) -> None:
        sections = self.draft.sections
        # Written ids and numbers first, so that a slug never takes an id written later.
        for section in sections:
            if section.pin:
                section.id = section.pin
                self.claim(section.id, section.span)
            elif section.number is not None and section.fixed_id:
                section.id = section.fixed_id
                self.claim(section.id, section.span, numbered=True)
        for anchor, span in self.draft.anchors:
            self.claim(anchor, span)
        paths = _tree_paths(sections)
        for index, section in enumerate(sections):
            if section.id:
                continue
            base = self.given[index] if self.given else None
            base = base or section.fixed_id or section_slug(section.heading)
            if base is None:
                base = "sec-" + "-".join(str(n) for n in paths[id(section)])
            section.id = self.ids.unique(base, section.span.line)
        for section in sections:
            for para in section.paragraphs:
                para.id = para.pin or f"{section.id}-para-{para.number}"
                self.claim(para.id, para.span, numbered=para.pin is None)
                self.assign_blocks(para.blocks, para.id)
                self.assign_items(para.items, para.id)

    def assign_items(self, items: list[ItemDraft], parent: str) -> None:
        for item in items:
            kind = "item" if item.depth == 1 else "sub"
            item.id = item.pin or f"{parent}-{kind}-{item.marker.number}"
            self.claim(item.id, item.span, numbered=item.pin is None)
            self.assign_blocks(item.blocks, item.id)
            self.assign_items(item.children, item.id)

    def assign_blocks(self, blocks: list[Content], parent: str) -> None:
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
            blocks[blocks.index(table)] = Table(
                table_id, table.header, tuple(rows), table.span, table.source
            )
        for block in blocks:
            if isinstance(block, ListDraft):
                for entry_id, entry in zip(block.ids, block.entries, strict=True):
                    if entry_id:
                        self.claim(entry_id, entry.span)

    # -- text ------------------------------------------------------------------------

    def text(self, pending: Pending, ctx: RefContext) -> Text:
        if not pending.raw_refs:  # most texts
            return Text(
                pending.source, pending.plain, pending.span, (), pending.links, pending.lead,
                pending.trail,
            )  # fmt: skip
        refs = []
        for raw in pending.raw_refs:
            if (
                raw.article is not None
                and raw.article[0] not in "+-"
                and not self.numbered_articles
            ):
                continue  # a text without numbered articles: "Article 6" names another law's
            target = resolve(raw, ctx)
            ok = target in self.ids
            if raw.direct is not None and not ok:
                continue  # "Schedule 1" of a text without one names another document's
            refs.append(CrossRef(raw.start, raw.end, raw.label, target if ok else None))
            if not ok:
                column = self.draft.column_of(pending.span.line, raw.label)
                message, hint = self.draft.hints.unresolved_ref
                self.draft.report(
                    pending.span.line,
                    column,
                    message.format(
                        label=raw.label, target=f" (no {target})" if target != "?" else ""
                    ),
                    hint,
                    code="unresolved-ref",
                )
        return Text(
            pending.source,
            pending.plain,
            pending.span,
            tuple(refs),
            pending.links,
            pending.lead,
            pending.trail,
        )

    def again(self, text: Text, ctx: RefContext) -> Text:
        raw_refs = find_refs(text.plain)
        if not (raw_refs or text.refs or text.lead or text.trail):
            return text  # what `self.text` would make of it: the same Text
        pending = Pending(text.source, text.plain, text.span, raw_refs, text.links)
        return self.text(pending, ctx)

    def blocks(self, blocks: list[Content], ctx: RefContext) -> tuple[Block, ...]:
        return tuple([self.block(b, ctx) for b in blocks])

    def block(self, block: Content, ctx: RefContext) -> Block:
        if isinstance(block, Pending):
            return self.text(block, ctx)
        if isinstance(block, ListDraft):
            return BulletList(
                tuple([self.text(t, ctx) for t in block.entries]),
                block.span or Span(self.draft.path, 1, 1),
                tuple(block.depths),
                tuple(block.labels),
                tuple(block.ids),
            )
        if isinstance(block, (BulletList, Break)):
            return block
        assert isinstance(block, Table)
        rows = tuple(
            Row(r.id, r.key, tuple(self.cell(c, ctx) for c in r.cells), r.span, r.continued)
            for r in block.rows
        )
        return Table(block.id, block.header, rows, block.span, block.source)

    def cell(self, cell: Cell, ctx: RefContext) -> Cell:
        lead = self.again(cell.lead, ctx) if cell.lead else None
        return Cell(
            self.again(cell.text, ctx), tuple(self.again(b, ctx) for b in cell.bullets), lead
        )

    def items(self, items: list[ItemDraft], ctx: RefContext) -> tuple[Item, ...]:
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

    def numbered_ids(self) -> list[str]:
        """The numbered articles' ids in order (once every id is assigned)."""
        if self._numbered_ids is None:
            self._numbered_ids = [s.id for s in self.numbered_articles]
            # The first place of each id, as list.index gives it (a repeated number repeats one).
            self._numbered_index = {}
            for index, anchor in enumerate(self._numbered_ids):
                self._numbered_index.setdefault(anchor, index)
        return self._numbered_ids

    def section(self, section: SectionDraft) -> Article:
        numbered = self.numbered_ids()
        index = self._numbered_index[section.id] if section.number is not None else -1
        # A heading names its unit; 第1条 in "第1条（総則）" is not a reference to itself.
        section.head.raw_refs = []
        head = self.text(section.head, RefContext(numbered, index, None, section.id))
        paragraphs = []
        for para in section.paragraphs:
            ctx = RefContext(numbered, index, para.number, section.id)
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
        last = paragraphs[-1].span.line if paragraphs else section.span.line
        span = Span(section.span.path, section.span.line, section.span.column, last)
        return Article(
            section.id,
            section.number,
            section.heading,
            section.title,
            section.deleted,
            tuple(paragraphs),
            span,
            level=section.level,
            parent=section.parent.id if section.parent else None,
            kind="appendix" if section.kind == "appendix" else "section",
            head=head,
            depth=_depth(section),
        )


def _given_ids(
    sections: list[SectionDraft], master: LanguageText | None
) -> tuple[str | None, ...] | None:
    """A translation's section ids from its authoritative text, when both have the same tree.

    "Who we are" and 「当社について」 must share an id so the bilingual view and the
    translation check can pair them; a tree of another shape keeps its own ids (and the
    translation check reports what does not pair).
    """
    if master is None:
        return None
    theirs = (*master.articles, *master.appendices)
    if [s.level for s in sections] != [a.level for a in theirs]:
        return None
    return tuple(a.id for a in theirs)


def _tree_paths(sections: list[SectionDraft]) -> dict[int, tuple[int, ...]]:
    """Each section's place in the tree: (3, 2) is the 2nd section of the 3rd top section."""
    counts: dict[int | None, int] = {}
    paths: dict[int, tuple[int, ...]] = {}
    for section in sections:
        key = id(section.parent) if section.parent else None
        counts[key] = counts.get(key, 0) + 1
        parent_path = paths[id(section.parent)] if section.parent else ()
        paths[id(section)] = (*parent_path, counts[key])
    return paths


def _depth(section: SectionDraft) -> int:
    depth, parent = 1, section.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth

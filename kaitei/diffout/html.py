"""The HTML of the 新旧対照表 (two columns) and of the redline (one column), as fragments.

The page layout belongs to the site; these functions return the fragments its "diff.html"
includes. The fragments' shell (caption, header, blocks, <details>) is a template in
kaitei/theme/partials/; the lines inside the blocks, which are most of a diff page, are
written here (`lines_html`, every text escaped): as Jinja macros they were most of the build.
The view model stays in dataclasses (lines of (marked?, text) segments).

The table follows the Japanese drafting custom: new text in the left column by default
(document.yml `diff_layout`), changed words underlined on both sides, （新設） opposite a new
provision and （削る） opposite a removed one, unchanged articles reduced to （略） — here with a
<details> toggle that shows them without any script.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..catalogue import load_catalogue
from ..diff.changeset import ChangeSet, Pair, Side
from ..diff.inline import InlineEdit, redline_segments, shown, side_segments
from . import pair_kind_word, quiet_note, side_name, strings

SideName = Literal["old", "new"]
Layout = Literal["new-left", "old-left"]


def words(lang: str) -> dict[str, str]:
    """The diff pages' words for `lang`, from its catalogue."""
    return dict(load_catalogue(lang).strings["diff_page"])


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    mark: Literal["", "ins", "del", "arrow"] = ""


@dataclass(frozen=True, slots=True)
class Line:
    """One displayed unit on one side: its number, its text, its depth."""

    level: str
    depth: int
    label: tuple[Segment, ...] = ()
    text: tuple[Segment, ...] = ()
    placeholder: str = ""  # （新設） / （削る）
    note: str = ""  # changed in this language only


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the table: the same provision on both sides.

    `omitted` names a unit that did not change inside a changed article ("2", "(3)", 「第三者
    提供」): the table prints it as 「２　（略）」 and unfolds its text in place.
    """

    left: tuple[Line, ...]
    right: tuple[Line, ...]
    heading: bool = False
    omitted: str = ""
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level provision (article, preamble…): shown rows, plus rows folded as （略）."""

    kind: str
    name: str
    rows: tuple[Row, ...] = ()
    folded: tuple[Row, ...] = ()
    folded_label: str = ""


@dataclass(frozen=True, slots=True)
class RedlineBlock:
    name: str
    heading: tuple[Segment, ...]
    lines: tuple[Line, ...]
    folded: bool = False
    folded_label: str = ""
    note: str = ""  # moved from …; unchanged in another language


# --- the two-column table ------------------------------------------------------------------


def _marks(text: str, edits: Sequence[InlineEdit], side: SideName) -> tuple[Segment, ...]:
    mark: Literal["ins", "del"] = "ins" if side == "new" else "del"
    return tuple(Segment(t, mark if m else "") for m, t in side_segments(text, edits, side))


def _label(pair: Pair, side: Side, which: SideName, lang: str) -> tuple[Segment, ...]:
    if pair.level in ("paragraph", "item") and side.label:
        relabelled = (
            pair.old is not None
            and pair.new is not None
            and (
                pair.old.label != pair.new.label  # e.g. a single paragraph gets its number 1
            )
        )
        changed = pair.number_changed or relabelled or pair.kind in ("added", "removed")
        mark: Literal["", "ins", "del"] = ("ins" if which == "new" else "del") if changed else ""
        return (Segment(side.label, mark),)
    if pair.level == "cell" and side.label:
        return (Segment(side.label + words(lang)["label_sep"]),)
    if pair.level == "bullet":
        return (Segment(strings(lang)["bullet"]),)
    return ()


def _own_line(
    pair: Pair, which: SideName, lang: str, depth: int, placeholder: bool = True
) -> tuple[Line, ...]:
    """The unit's own line on one side; （新設）/（削る） where the side lacks it."""
    side = pair.new if which == "new" else pair.old
    w = words(lang)
    if side is None:
        if not placeholder:
            return ()
        return (Line(pair.level, depth, placeholder=w["added" if which == "old" else "removed"]),)
    if pair.level == "cell" and not side.text and not pair.children:
        return ()  # the empty first cell of a continued row: nothing to show or compare
    text: tuple[Segment, ...]
    if pair.kind in ("added", "removed"):
        text = (Segment(side.text, "ins" if which == "new" else "del"),) if side.text else ()
    else:
        text = _marks(side.text, shown(pair.edits), which)
    note = _note(pair, lang) if which == "new" else ""
    return (
        Line(pair.level, depth, _label(pair, side, which, lang), _whole_numbers(text), note=note),
    )


def _note(pair: Pair, lang: str) -> str:
    """Where a moved unit came from; that another language did not change here."""
    w = words(lang)
    notes = []
    if pair.kind == "moved" and pair.old is not None:
        name = pair.old.label if pair.level == "article" and pair.old.label else None
        notes.append(w["moved_from"].format(name=name or side_name(pair.old, pair.level, lang)))
    if pair.change in _TOLD:  # kinds the marks alone do not say: 分割, 格上げ, …
        notes.append(pair_kind_word(pair, lang))
    if quiet := quiet_note(pair, lang):
        notes.append(quiet)
    if pair.unchanged_in:
        notes.append(w["unchanged_in"].format(langs=", ".join(pair.unchanged_in)))
    return " ".join(notes)


_TOLD = frozenset(
    {"branch-inserted", "deleted-placeholder", "split", "merged", "re-parented", "promoted",
     "demoted", "whitespace-only", "link-only"}
)  # fmt: skip


def _side_lines(
    pair: Pair, which: SideName, lang: str, depth: int, placeholder: bool = True
) -> Iterator[Line]:
    """A unit and everything inside it on one side, as consecutive lines."""
    if _hidden_header(pair):
        return
    yield from _own_line(pair, which, lang, depth, placeholder)
    if (pair.new if which == "new" else pair.old) is None:
        return
    for child in pair.children:
        yield from _side_lines(child, which, lang, depth + 1)


def _rows(
    pair: Pair, lang: str, layout: Layout, depth: int, top: bool = True, omit: bool = True
) -> Iterator[Row]:
    """One table row per paragraph, item and policy-table row, so both sides stay level.

    Only the top of an added or removed subtree gets （新設）/（削る） opposite it.
    """
    if _hidden_header(pair):
        return
    name = _omitted_name(pair, lang) if top and omit else ""
    if pair.level == "row" or (name and pair.kind == "unchanged"):
        # A row of a policy table is one line (its cells side by side); an unchanged unit
        # is one omitted row holding all of its text.
        new = tuple(_side_lines(pair, "new", lang, depth, top))
        old = tuple(_side_lines(pair, "old", lang, depth, top))
        yield _order(new, old, layout, name if pair.kind == "unchanged" else "", depth)
        return
    new_line = _own_line(pair, "new", lang, depth, top)
    old_line = _own_line(pair, "old", lang, depth, top)
    yield _order(new_line, old_line, layout, name, depth)
    below = top and pair.old is not None and pair.new is not None
    for child in pair.children:
        yield from _rows(child, lang, layout, depth + 1, below, omit)


def _omitted_name(pair: Pair, lang: str) -> str:
    """How the table names a unit whose own line did not change ("2", "(3)", 「…」); "" when
    the unit's own line changed (it is printed in full)."""
    if pair.old is None or pair.new is None or pair.level not in ("paragraph", "item", "row"):
        return ""
    own_same = (
        pair.old.text == pair.new.text
        and pair.old.label == pair.new.label
        and not pair.edits
        and not pair.number_changed
    )
    if not own_same or (pair.level == "row" and pair.kind != "unchanged"):
        return ""
    if pair.level == "row":
        return words(lang)["row_name"].format(key=pair.new.label)
    return pair.new.label or side_name(pair.new, pair.level, lang)


def _hidden_header(pair: Pair) -> bool:
    """An unchanged table header adds nothing: each cell line already names its column."""
    return pair.level == "row" and pair.kind == "unchanged" and pair.id.endswith("-head")


def _heading(pair: Pair, which: SideName) -> tuple[Segment, ...]:
    side = pair.new if which == "new" else pair.old
    if side is None:
        return ()
    if pair.kind in ("added", "removed"):
        return (Segment(side.heading, "ins" if which == "new" else "del"),)
    return _whole_numbers(_marks(side.heading, pair.heading_edits, which))


_DIGITS = "0123456789０１２３４５６７８９〇一二三四五六七八九十百千"


def _whole_numbers(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """A changed number marked whole: 第1[0]条 → 第[10]条 (a diff of 10 → 11 keeps the "1").

    Digits next to a marked run move into it, so a renumbering reads 第~~10~~→11条, never
    第1~~0~~1条. Runs are del/ins segments that follow one another.
    """
    if not any(s.mark for s in segments) or not any(c in _DIGITS for s in segments for c in s.text):
        return segments
    out = [Segment(s.text, s.mark) for s in segments]
    i = 0
    while i < len(out):
        if not out[i].mark:
            i += 1
            continue
        j = i
        while j < len(out) and out[j].mark:
            j += 1
        run = out[i:j]
        touches_digit = any(s.text[:1] in _DIGITS or s.text[-1:] in _DIGITS for s in run)
        if touches_digit:
            before = out[i - 1].text if i > 0 and not out[i - 1].mark else ""
            after = out[j].text if j < len(out) and not out[j].mark else ""
            head = len(before) - len(before.rstrip(_DIGITS))
            tail = len(after) - len(after.lstrip(_DIGITS))
            lead, trail = before[len(before) - head :], after[:tail]
            if head:
                out[i - 1] = Segment(before[: len(before) - head])
            if tail:
                out[j] = Segment(after[tail:])
            out[i:j] = [Segment(lead + s.text + trail, s.mark) for s in run]
        i = j
    return tuple(s for s in out if s.text)


def _arrows(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """A deletion followed by an insertion (a renumbering in a heading or label) with "→"
    between them: 第~~8~~→9条."""
    out: list[Segment] = []
    for segment in segments:
        if segment.mark == "ins" and out and out[-1].mark == "del":
            out.append(Segment("→", "arrow"))
        out.append(segment)
    return tuple(out)


def _order(
    new: Sequence[Line], old: Sequence[Line], layout: Layout, omitted: str = "", depth: int = 0
) -> Row:
    left, right = (new, old) if layout == "new-left" else (old, new)
    return Row(tuple(left), tuple(right), omitted=omitted, depth=depth)


def _block(pair: Pair, lang: str, layout: Layout) -> Block:
    name = side_name(pair.new or pair.old, pair.level, lang)  # type: ignore[arg-type]
    if pair.level != "article":
        lines = {w: tuple(_side_lines(pair, w, lang, 0)) for w in ("new", "old")}
        return Block(pair.kind, name, (_order(lines["new"], lines["old"], layout),))
    w = words(lang)
    head = {
        which: (
            (
                Line(
                    "article",
                    0,
                    text=_heading(pair, which),
                    note=_note(pair, lang) if which == "new" else "",
                ),
            )
            if (pair.new if which == "new" else pair.old) is not None
            else (Line("article", 0, placeholder=w["added" if which == "old" else "removed"]),)
        )
        for which in ("new", "old")
    }
    heading_row = _order(head["new"], head["old"], layout)
    heading_row = Row(heading_row.left, heading_row.right, heading=True)
    both = pair.new is not None and pair.old is not None
    # Inside a changed article, unchanged units are omitted as （略）; an article folded
    # whole (unchanged, or only renumbered) shows its text in full when unfolded.
    omit = pair.kind not in ("unchanged", "renumbered")
    body = tuple(
        row for child in pair.children for row in _rows(child, lang, layout, 0, both, omit)
    )
    if pair.kind == "renumbered":
        # Only the number moved: the heading is marked, the body folded as （略）.
        return Block(pair.kind, name, (heading_row,), body, w["omitted"])
    return Block(pair.kind, name, (heading_row, *body))


def _unchanged_run(run: Sequence[BlockHTML], lang: str) -> BlockHTML:
    w = words(lang)
    first, last = run[0].name, run[-1].name
    span = first if len(run) == 1 else w["articles"].format(first=first, last=last)
    rows = Markup("".join(b.rows for b in run))
    return BlockHTML("unchanged", span, Markup(), rows or None, f"{w['omitted']} {span}")


def table_blocks(changes: ChangeSet, blocks: Sequence[BlockHTML]) -> list[BlockHTML]:
    """The table: changed provisions in full, unchanged runs folded (`blocks`: one a pair)."""
    grouped: list[BlockHTML] = []
    run: list[BlockHTML] = []
    for pair, block in zip(changes.pairs, blocks, strict=True):
        if pair.kind == "unchanged" and pair.level in ("article", "title", "closing"):
            run.append(block)
            continue
        if run:
            grouped.append(_unchanged_run(run, changes.lang))
            run = []
        grouped.append(block)
    if run:
        grouped.append(_unchanged_run(run, changes.lang))
    return grouped


# --- the redline ---------------------------------------------------------------------------


def _redline_text(pair: Pair) -> tuple[Segment, ...]:
    side = pair.new or pair.old
    assert side is not None
    if pair.kind in ("added", "removed"):
        return (Segment(side.text, "ins" if pair.kind == "added" else "del"),) if side.text else ()
    assert pair.old is not None
    return tuple(
        Segment(t, "" if op == "equal" else "ins" if op == "insert" else "del")
        for op, t in redline_segments(pair.old.text, shown(pair.edits))
    )


def _redline_label(pair: Pair, lang: str) -> tuple[Segment, ...]:
    if (
        pair.old
        and pair.new
        and (pair.number_changed or pair.old.label != pair.new.label)
        and pair.level in ("paragraph", "item")
    ):
        marks = (Segment(pair.old.label, "del"), Segment(pair.new.label, "ins"))
        return _arrows(tuple(m for m in marks if m.text))
    side = pair.new or pair.old
    assert side is not None
    if pair.level == "cell" and side.label:
        return (Segment(side.label + words(lang)["label_sep"]),)
    mark: Literal["", "ins", "del"] = {"added": "ins", "removed": "del"}.get(pair.kind, "")  # type: ignore[assignment]
    if pair.level == "bullet":
        return (Segment(strings(lang)["bullet"], mark),)
    return (Segment(side.label, mark),) if side.label and pair.level != "row" else ()


def _redline_lines(pair: Pair, lang: str, depth: int) -> Iterator[Line]:
    note = _note(pair, lang)
    if _hidden_header(pair):
        return
    side = pair.new or pair.old
    if not (pair.level == "cell" and side is not None and not side.text and not pair.children):
        yield Line(pair.level, depth, _redline_label(pair, lang), _redline_text(pair), note=note)
    for child in pair.children:
        yield from _redline_lines(child, lang, depth + 1)


def _redline_heading(pair: Pair) -> tuple[Segment, ...]:
    side = pair.new or pair.old
    assert side is not None
    if pair.kind in ("added", "removed"):
        return (Segment(side.heading, "ins" if pair.kind == "added" else "del"),)
    assert pair.old is not None
    segments = tuple(
        Segment(t, "" if op == "equal" else "ins" if op == "insert" else "del")
        for op, t in redline_segments(pair.old.heading, pair.heading_edits)
    )
    return _arrows(_whole_numbers(segments))


def redline_block(pair: Pair, lang: str) -> RedlineBlock:
    """One top-level pair in the redline: articles folded when unchanged or only renumbered."""
    w = words(lang)
    name = side_name(pair.new or pair.old, pair.level, lang)  # type: ignore[arg-type]
    if pair.level == "article":
        lines = tuple(line for c in pair.children for line in _redline_lines(c, lang, 0))
        folded = pair.kind in ("unchanged", "renumbered")
        label = f"{w['omitted']} {name}" if pair.kind == "unchanged" else w["omitted"]
        heading = _redline_heading(pair)
        note = _note(pair, lang)
        return RedlineBlock(name, heading, lines, folded, label, note)
    lines = tuple(_redline_lines(pair, lang, 0))
    folded = pair.kind == "unchanged" and pair.level != "preamble"
    return RedlineBlock(name, (), lines, folded, f"{w['omitted']} {name}")


# --- HTML of the lines ---------------------------------------------------------------------


@cache
def _mark_tags(lang: str) -> tuple[str, str, str, str]:
    """Openings and closings of <ins> and <del>, with the words a screen reader announces."""
    w = {key: escape(value) for key, value in words(lang).items()}
    return (
        f'<ins class="kt-mark"><span class="kt-vh">[{w["ins_start"]}]</span>',
        f'<span class="kt-vh">[{w["ins_end"]}]</span></ins>',
        f'<del class="kt-mark"><span class="kt-vh">[{w["del_start"]}]</span>',
        f'<span class="kt-vh">[{w["del_end"]}]</span></del>',
    )


def segments_html(segments: Sequence[Segment], lang: str) -> str:
    """Marked segments as <ins>/<del>, the rest as plain (escaped) text."""
    ins_open, ins_close, del_open, del_close = _mark_tags(lang)
    out = []
    for s in segments:
        if s.mark == "ins":
            out.append(f"{ins_open}{escape(s.text)}{ins_close}")
        elif s.mark == "del":
            out.append(f"{del_open}{escape(s.text)}{del_close}")
        elif s.mark == "arrow":
            out.append(f'<span class="kt-arrow" aria-hidden="true">{escape(s.text)}</span>')
        else:
            out.append(escape(s.text))
    return "".join(out)


def lines_html(lines: Sequence[Line], lang: str) -> str:
    """Lines as <div>s: a cell of the table, or the body of a redline block."""
    out = []
    for line in lines:
        out.append(f'<div class="kt-line kt-{escape(line.level)} kt-depth-{min(line.depth, 6)}">')
        if line.placeholder:
            out.append(f'<span class="kt-placeholder">{escape(line.placeholder)}</span>')
        else:
            if line.label:
                out.append(f'<span class="kt-label">{segments_html(line.label, lang)}</span> ')
            out.append(f'<span class="kt-text">{segments_html(line.text, lang)}</span>')
            if line.note:
                mark = escape(words(lang)["note_mark"])
                out.append(f' <span class="kt-note">{mark} {escape(line.note)}</span>')
        out.append("</div>\n")
    return "".join(out)


def _cells(row: Row, lang: str, layout: Layout) -> str:
    sides = ("new", "old") if layout == "new-left" else ("old", "new")
    w = words(lang)
    return "".join(
        f'<td class="kt-{side}" data-side="{escape(w[side])}">{lines_html(lines, lang)}</td>'
        for side, lines in zip(sides, (row.left, row.right), strict=True)
    )


def _omitted_label(run: Sequence[Row], lang: str) -> str:
    """「２　（略）」, 「２・３　（略）」, 「(2)～(5)　（略）」: the shallowest units of a run."""
    w = words(lang)
    top = min(r.depth for r in run)
    names = [r.omitted for r in run if r.depth == top]
    if len(names) == 1:
        joined = names[0]
    elif len(names) == 2:
        joined = w["and"].format(first=names[0], last=names[1])
    else:
        joined = w["through"].format(first=names[0], last=names[-1])
    if lang == "ja":
        joined = joined.translate(_FULL_WIDTH)
    return w["omitted_unit"].format(names=joined)


# 「２　（略）」: numbers and brackets of generated Japanese text in full width.
_FULL_WIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def _omitted_html(run: Sequence[Row], lang: str, layout: Layout) -> str:
    # One row for the run, both columns saying （略）; the text unfolds in place (no script).
    label = escape(_omitted_label(run, lang))
    depth = min(min(r.depth for r in run), 6)
    inner = "".join(f"<tr>{_cells(r, lang, layout)}</tr>\n" for r in run)
    return (
        f'<tr class="kt-omitted"><td colspan="2"><details><summary>'
        f'<span class="kt-om kt-depth-{depth}">{label}</span>'
        f'<span class="kt-om kt-depth-{depth}" aria-hidden="true">{label}</span></summary>\n'
        f'<table class="kt-taisho kt-inner"><tbody>\n{inner}</tbody></table>'
        f"</details></td></tr>\n"
    )


def rows_html(rows: Sequence[Row], lang: str, layout: Layout = "new-left") -> Markup:
    """Table rows, one <tr> a line; runs of unchanged units as one （略） row."""
    out: list[str] = []
    run: list[Row] = []
    for row in (*rows, None):
        if row is not None and row.omitted:
            run.append(row)
            continue
        if run:
            out.append(_omitted_html(run, lang, layout))
            run = []
        if row is not None:
            opening = '<tr class="kt-heading-row">' if row.heading else "<tr>"
            out.append(f"{opening}{_cells(row, lang, layout)}</tr>\n")
    return Markup("".join(out))


@dataclass(frozen=True, slots=True)
class BlockHTML:
    """A block of the table as partials/diff_table.html shows it, its rows written out."""

    kind: str
    name: str
    rows: Markup
    folded: Markup | None = None  # rows behind （略）
    folded_label: str = ""
    id: str = ""  # the provision's id (the summary's index links to it)


@dataclass(frozen=True, slots=True)
class RedlineBlockHTML:
    """A block of the redline as partials/diff_redline.html shows it."""

    heading: Markup | None
    lines: Markup
    folded: bool
    folded_label: str
    note: str
    id: str = ""


@dataclass(frozen=True, slots=True)
class FragmentCache:
    """The HTML of top-level pairs by content, for the diff pages of one build.

    An article that did not change is folded into every diff page of its document, identical
    from one page to the next, and writing it out was most of a build: each top-level pair is
    written once per content, language and layout. `key` is a Side's content without its
    source span (the site gives `kaitei.site.render.fingerprint`, the key of its own
    per-build article cache, which remembers each Side it has seen); a pair's key is made of
    its Sides' keys and its other fields (`pair_key`). The owner keeps it for one build only.
    """

    key: Callable[[Side], Hashable]
    blocks: dict[Hashable, tuple[BlockHTML, RedlineBlockHTML]] = field(default_factory=dict)


def _block_html(pair: Pair, lang: str, layout: Layout) -> BlockHTML:
    b = _block(pair, lang, layout)
    folded = rows_html(b.folded, lang, layout) if b.folded else None
    return BlockHTML(
        b.kind, b.name, rows_html(b.rows, lang, layout), folded, b.folded_label, pair.id
    )


def _redline_block_html(pair: Pair, lang: str) -> RedlineBlockHTML:
    b = redline_block(pair, lang)
    heading = Markup(segments_html(b.heading, lang)) if b.heading else None
    lines = Markup(lines_html(b.lines, lang))
    return RedlineBlockHTML(heading, lines, b.folded, b.folded_label, b.note, pair.id)


# Every field of a Pair but its Sides and children, which `pair_key` keys on their own.
PAIR_FIELDS = (
    "level", "kind", "edits", "heading_edits", "number_changed", "wording_changed",
    "unchanged_in", "kinds", "partner",
)  # fmt: skip
_pair_fields = attrgetter(*PAIR_FIELDS)


def pair_key(pair: Pair, key: Callable[[Side], Hashable]) -> Hashable:
    """A pair's content without source spans, from `key` of its Sides (shared between the
    diffs of a document, so each is keyed once) and its other fields: a pickle of the whole
    pair per diff page was a tenth of making the diff pages."""
    return (
        _pair_fields(pair),
        None if pair.old is None else key(pair.old),
        None if pair.new is None else key(pair.new),
        tuple([pair_key(child, key) for child in pair.children]),
    )


def _fragments(
    pair: Pair, lang: str, layout: Layout, cache: FragmentCache
) -> tuple[BlockHTML, RedlineBlockHTML]:
    # One key for both fragments: the key is the costly part of a cache hit.
    key = (pair_key(pair, cache.key), lang, layout)
    found = cache.blocks.get(key)
    if found is None:
        found = cache.blocks[key] = (
            _block_html(pair, lang, layout),
            _redline_block_html(pair, lang),
        )
    return found


# --- rendering -----------------------------------------------------------------------------


def _theme() -> Path:
    return Path(str(resources.files("kaitei").joinpath("theme")))


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_theme())),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def version_date(version_id: str, lang: str) -> str:
    """A version id (its effective date) as the page's language writes a date."""
    try:
        return load_catalogue(lang).date(dt.date.fromisoformat(version_id))
    except ValueError:
        return version_id


def _headers(changes: ChangeSet, layout: Layout, statute: bool = False) -> tuple[str, str]:
    """改定後 / 改定前 (改正後 / 改正前 for a statute-style text), with the effective dates."""
    w = words(changes.lang)
    suffix = "_statute" if statute else ""
    new = w["header"].format(
        side=w["new" + suffix], date=version_date(changes.new_version, changes.lang)
    )
    old = w["header"].format(
        side=w["old" + suffix], date=version_date(changes.old_version, changes.lang)
    )
    return (new, old) if layout == "new-left" else (old, new)


def table_context(
    changes: ChangeSet,
    layout: Layout = "new-left",
    blocks: Sequence[BlockHTML] | None = None,
    statute: bool = False,
) -> dict[str, Any]:
    """What partials/diff_table.html needs (names prefixed: the page includes both partials)."""
    if blocks is None:
        blocks = [_block_html(pair, changes.lang, layout) for pair in changes.pairs]
    w = words(changes.lang)
    return {
        "diff_lang": changes.lang,
        "diff_words": w,
        "diff_caption": w["caption"].format(
            old=version_date(changes.old_version, changes.lang),
            new=version_date(changes.new_version, changes.lang),
        ),
        "diff_headers": _headers(changes, layout, statute),
        "diff_layout": layout,
        "diff_table_blocks": table_blocks(changes, blocks),
    }


def redline_context(
    changes: ChangeSet, blocks: Sequence[RedlineBlockHTML] | None = None
) -> dict[str, Any]:
    """What partials/diff_redline.html needs."""
    if blocks is None:
        blocks = [_redline_block_html(pair, changes.lang) for pair in changes.pairs]
    w = words(changes.lang)
    return {
        "diff_lang": changes.lang,
        "diff_words": w,
        "redline_intro": w["redline"].format(
            old=version_date(changes.old_version, changes.lang),
            new=version_date(changes.new_version, changes.lang),
        ),
        "diff_redline_blocks": list(blocks),
    }


def diff_context(
    changes: ChangeSet, layout: Layout, cache: FragmentCache | None = None, statute: bool = False
) -> dict[str, Any]:
    """What both partials need, each top-level pair written once per `cache`."""
    if cache is None:
        return {**table_context(changes, layout, None, statute), **redline_context(changes)}
    fragments = [_fragments(pair, changes.lang, layout, cache) for pair in changes.pairs]
    return {
        **table_context(changes, layout, [table for table, _ in fragments], statute),
        **redline_context(changes, [redline for _, redline in fragments]),
    }


def render_table(changes: ChangeSet, layout: Layout = "new-left") -> str:
    """The 新旧対照表 fragment (a <table> with caption, header row and folded runs)."""
    return _env().get_template("partials/diff_table.html").render(table_context(changes, layout))


def render_redline(changes: ChangeSet) -> str:
    """The redline fragment: one column, <ins>/<del> announced to screen readers."""
    return _env().get_template("partials/diff_redline.html").render(redline_context(changes))

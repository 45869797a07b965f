"""The model gives back the file: model → Markdown == source, and nothing else is layout.

Every Text keeps the layout around it (`lead`, `trail`), tables and breaks their lines, in
the spirit of tomlkit's trivia. `to_markdown` walks the *model*, not the file: a block the
reader failed to place is missing from its output, or shows up as words inside some layout,
and `unplaced` finds those words. Both are checked on every file that is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Article, Block, Break, BulletList, Item, LanguageText, Table, Text
from .numbering import read_marker

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LAYOUT_LINE = re.compile(
    r"""^[ \t]*(?:
        \#{1,6}[ \t]*                                   # ATX heading marks
      | (?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:[-*+]|\d{1,9}[.)]))*[ \t]*  # list markers
      | >[ \t>]*                                        # quote marks
      | (?:[=]+|[-]+)[ \t]*                             # setext underlines
      | (?:[-*_][ \t]*){3,}                             # thematic breaks
      | \{:?[^{}\n]*\}[ \t]*                            # attribute lists
      | (?:<a\s[^>]*>[ \t]*(?:</a\s*>)?[ \t]*)+         # anchors
      | \[[^\]\n]+\]:[ \t]*\S+                          # link definitions …
        (?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*  # … with a title
      | \\                                              # a lone hard-break backslash
    )?$""",
    re.X,
)
_TRAIL = re.compile(r"^[ \t]*(?:\#+)?[ \t]*(?:\{:?[^{}\n]*\})?[ \t]*\n?$")


Pieces = list[tuple[str, str]]  # (kind, piece): "front", "text" or "layout"


def to_markdown(lt: LanguageText, walked: Pieces | None = None) -> str:
    """The file rebuilt from the model alone (`walked`: its `pieces`, if already known)."""
    return "".join([piece for _, piece in (walked if walked is not None else pieces(lt))])


def layouts(lt: LanguageText, walked: Pieces | None = None) -> Iterator[tuple[str, int]]:
    """Every piece of layout with its offset in the rebuilt file (for `unplaced`)."""
    offset = 0
    for kind, piece in walked if walked is not None else pieces(lt):
        if kind == "layout":
            yield piece, offset
        offset += len(piece)


def pieces(lt: LanguageText) -> Pieces:
    """The model walked in file order, saying which piece is layout: a Text's lead and
    trail, the lead of a table or break (their own lines are rows and rules), the file's end."""
    # Appends rather than nested generators: every file read is walked, and the generator
    # frames cost more than the walk itself.
    out: Pieces = [("front", lt.front)]
    add = out.append

    def text(t: Text) -> None:
        add(("layout", t.lead))
        add(("text", t.source))
        add(("layout", t.trail))

    def block(b: Block) -> None:
        if isinstance(b, Text):
            text(b)
        elif isinstance(b, BulletList):
            for entry in b.items:
                text(entry)
        elif isinstance(b, Table | Break):
            add(("text", b.source))

    def item(i: Item) -> None:
        for b in i.blocks:
            block(b)
        for child in i.children:
            item(child)

    def article(a: Article) -> None:
        if a.head is not None:
            text(a.head)
        for para in a.paragraphs:
            for b in para.blocks:
                block(b)
            for i in para.items:
                item(i)

    text(lt.title)
    for b in lt.preamble:
        block(b)
    for a in lt.articles:
        article(a)
    for line in lt.closing:
        text(line.text)
    for a in lt.appendices:
        article(a)
    add(("layout", lt.trail))
    return out


def unplaced(layout: str) -> list[tuple[int, str]]:
    """Words inside a piece of layout: (offset in the piece, the words)."""
    found: list[tuple[int, str]] = []
    if not layout.strip():
        return found  # most layout is a line end or a blank line
    blanked = _COMMENT.sub(_blank, layout) if "<!--" in layout else layout
    offset = 0
    lines = blanked.split("\n")
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        if not line.strip():
            offset += len(line) + 1
            continue  # blank, or spaces of any kind (NBSP, U+3000)
        # The lead's last line may end in a unit's label: "1 ", "(2) ", "ア ", "1. ".
        layout_only = _LAYOUT_LINE.match(line) or _TRAIL.match(line) or (last and _is_label(line))
        if not layout_only:
            found.append((offset + len(line) - len(line.lstrip()), line.strip()))
        offset += len(line) + 1
    return found


def _blank(comment: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", comment.group())


def _is_label(line: str) -> bool:
    marked = read_marker(line.lstrip() + "x")
    return marked is not None and marked.rest == "x"

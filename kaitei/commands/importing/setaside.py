"""Site-generator markup that is not policy text, set aside with a diagnostic per removal.

Jekyll and its kind leave things in a policy file that readers never saw as words of the
policy: an HTML comment for the maintainers, a decorative `<figure>` whose image comes from a
Liquid tag, a line that is only a Liquid tag. These are set aside; nothing else is, so no word
of the policy is ever dropped. Each removal names its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LIQUID_LINE = re.compile(r"^\s*(?:\{%.*?%\}|\{\{.*?\}\})\s*$")
_FIGURE_OPEN = re.compile(r"^\s*<figure\b", re.I)
_COMMENT_OPEN = re.compile(r"^\s*<!--")


@dataclass(frozen=True, slots=True)
class SetAside:
    line: int  # 1-based, in the source file
    end_line: int
    what: str  # "an HTML comment", "a <figure> with a Liquid tag", "a Liquid tag"
    text: str  # the lines removed, as written


def set_aside(body: str, body_line: int) -> tuple[str, tuple[SetAside, ...]]:
    """The body without site-generator markup, and what was removed (with source lines)."""
    lines = body.split("\n")
    kept: list[str] = []
    removed: list[SetAside] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        end = None
        what = ""
        if _COMMENT_OPEN.match(line):
            end = _closing(lines, index, "-->")
            what = "an HTML comment"
        elif _FIGURE_OPEN.match(line):
            end = _closing(lines, index, "</figure>")
            block = "\n".join(lines[index : (end or index) + 1])
            # Only decoration: a figure with words of its own (a caption) stays.
            if end is None or "<figcaption" in block.lower() or not _decorative(block):
                end = None
            what = "a <figure> with a Liquid tag"
        elif _LIQUID_LINE.match(line):
            end = index
            what = "a Liquid tag"
        if end is None:
            kept.append(line)
            index += 1
            continue
        # The comment or figure must end its last line: text after it is policy text.
        tail = lines[end].split("-->" if what == "an HTML comment" else "</figure>", 1)[-1]
        if what != "a Liquid tag" and tail.strip():
            kept.append(line)
            index += 1
            continue
        removed.append(
            SetAside(body_line + index, body_line + end, what, "\n".join(lines[index : end + 1]))
        )
        index = end + 1
        # Keep one blank line where the block stood, not two.
        if kept and not kept[-1].strip() and index < len(lines) and not lines[index].strip():
            index += 1
    return "\n".join(kept), tuple(removed)


def _closing(lines: list[str], start: int, marker: str) -> int | None:
    for index in range(start, len(lines)):
        if marker in lines[index].lower():
            return index
    return None


def _decorative(block: str) -> bool:
    """A figure whose only content is an image sourced through a Liquid tag."""
    text = re.sub(r"<img\b[^>]*>", "", block, flags=re.I | re.S)
    text = re.sub(r"</?figure\b[^>]*>", "", text, flags=re.I)
    return not text.strip() and ("{%" in block or "{{" in block)

"""Inline Markdown → plain text and links, with raw HTML, images and unsafe links reported.

The parser never raises for a user's mistake: it reports and carries on, so an editor sees
every problem of a file at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markdown_it.token import Token

from ..markdown import join_lines, link_kind, make_markdown, read_html
from ..model import Link, Span
from .hints import Hints, hints_for
from .references import RawRef, find_refs

_MD = make_markdown(detect=True)  # sees raw HTML and unsafe links, to refuse them
Report = Callable[..., None]


@dataclass(slots=True)
class Pending:
    """A Text before its cross-references are resolved (ids are known only at the end)."""

    source: str
    plain: str
    span: Span
    raw_refs: list[RawRef]
    links: tuple[Link, ...] = ()
    anchors: tuple[str, ...] = ()  # <a id="…"> written inside the text
    lead: str = ""
    trail: str = ""
    start: int = 0  # offset in the body


class _Plain:
    """Plain text built part by part, joining wrapped lines the way the renderer does."""

    def __init__(self) -> None:
        self.text = ""
        self.broken = False

    def add(self, part: str) -> int:
        """Append a part; return where it starts in the text."""
        if self.broken:
            joined = join_lines(self.text, part)
            self.broken = False
            start = len(joined) - len(part.lstrip()) if part.strip() else len(joined)
            self.text = joined
            return start
        start = len(self.text)
        self.text += part
        return start


def read_inline(
    source: str,
    span: Span,
    column_of: Callable[[int, str], int],
    report: Report,
    hints: Hints,
    references: Mapping[str, object],
) -> Pending:
    """Parse one unit's inline Markdown: plain text, links, anchors, references."""
    if not has_markup(source):
        # Plain text and soft breaks (the tokens _plain_tokens stands for), read directly.
        if "\n" not in source:
            stripped = source.strip()  # one text token: most units are one line
            return Pending(source, stripped, span, find_refs(stripped))
        plain = _Plain()
        for index, part in enumerate(source.split("\n")):
            plain.broken = index > 0
            part = part.lstrip(" \t") if index else part  # as the line-break rule skips them
            if part:
                plain.add(part)
        stripped = plain.text.strip()
        return Pending(source, stripped, span, find_refs(stripped))
    children = _rule_tokens(source, references)
    plain = _Plain()
    links: list[Link] = []
    anchors: list[str] = []
    open_links: list[tuple[int | None, str]] = []
    line = span.line
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline", "text_special"):
            at = plain.add(token.content)
            if open_links and open_links[-1][0] is None:
                open_links[-1] = (at, open_links[-1][1])
        elif kind == "softbreak":
            plain.broken = True
            line += 1
        elif kind == "hardbreak":
            plain.add(" ")
            line += 1
        elif kind == "html_inline":
            tag, value = read_html(token.content)
            if tag == "link":  # <a href="…">: a link written in HTML
                _check_link(value, line, column_of, report, hints)
                open_links.append((None, value))
            elif tag == "close" and open_links:
                links.append(_closed(open_links.pop(), len(plain.text)))
            elif tag == "break":
                plain.add(" ")
            elif tag == "anchor":
                anchors.append(value)
            elif tag == "other":
                report(
                    line,
                    column_of(line, token.content),
                    hints.raw_html[0].format(html=token.content),
                    hints.raw_html[1],
                    code="raw-html",
                )
            # Comments are the editor's notes, not text; a lone </a> closes an anchor.
        elif kind == "image":
            report(line, column_of(line, "!["), hints.image[0], hints.image[1], code="image")
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            _check_link(href, line, column_of, report, hints)
            open_links.append((None, href))
        elif kind == "link_close" and open_links:
            links.append(_closed(open_links.pop(), len(plain.text)))
        # Emphasis open/close tokens carry no text of their own.
    text = plain.text
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    shifted = tuple(
        Link(
            min(max(0, k.start - lead), len(stripped)),
            min(max(0, k.end - lead), len(stripped)),
            k.target,
        )
        for k in links
    )
    return Pending(source, stripped, span, find_refs(stripped), shifted, tuple(anchors))


# Where one of the inline rules (escape, code span, emphasis, link, autolink, HTML, entity)
# can start, or where a line break may be more than a soft break (spaces before it): most
# units of a policy have none, and their tokens are known without running the rules. An
# image starts with `![`, so its `[` is enough: a `!` alone ("Room!") is text to every rule.
MARKUP = re.compile(r"[\\`*_\[\]<&]|[ \t]\n")
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]<&]")


def has_markup(source: str) -> bool:
    """Whether `MARKUP` is found in `source`: a character class and two substrings, which
    scan three times faster than the alternation (every unit of every file is asked)."""
    return _MARKUP_CHARS.search(source) is not None or " \n" in source or "\t\n" in source


def inline_tokens(source: str, references: Mapping[str, object]) -> list[Token]:
    """markdown-it's inline tokens of one unit, as `_MD.inline.parse` gives them."""
    if not has_markup(source):
        return _plain_tokens(source)
    return _rule_tokens(source, references)


def _rule_tokens(source: str, references: Mapping[str, object]) -> list[Token]:
    env: dict[str, object] = {"references": dict(references)} if references else {}
    # The inline rules alone, without parseInline's core pass over one-unit "documents"
    # (normalising, wrapping, joining text tokens): this is the reader's hottest call.
    children: list[Token] = []
    _MD.inline.parse(source, _MD, env, children)
    return children


def _plain_tokens(source: str) -> list[Token]:
    """Text and soft breaks: what the rules make of a source without markup."""
    tokens: list[Token] = []
    for index, line in enumerate(source.split("\n")):
        if index:
            tokens.append(Token("softbreak", "br", 0))
            # markdown-it's line-break rule skips the spaces and tabs that start the next
            # line: a wrapped list item's indented lines need no rules.
            line = line.lstrip(" \t")
        if line:
            token = Token("text", "", 0)
            token.content = line
            tokens.append(token)
    return tokens


def _closed(opened: tuple[int | None, str], end: int) -> Link:
    """A link whose text ran from where it opened (or is empty) to `end`."""
    start, href = opened
    return Link(end if start is None else start, end, href)


def _check_link(
    href: str, line: int, column_of: Callable[[int, str], int], report: Report, hints: Hints
) -> None:
    kind = link_kind(href)
    if kind == "unsafe":
        report(
            line,
            column_of(line, href),
            hints.unsafe_link[0].format(href=href),
            hints.unsafe_link[1],
            code="unsafe-link",
        )
    elif kind == "http":
        report(
            line,
            column_of(line, href),
            hints.http_link[0].format(href=href),
            hints.http_link[1].format(https="https" + href[4:]),
            code="http-link",
            severity="warning",
        )


def read_fragment(source: str, path: str = "", lang: str = "en") -> Pending:
    """One piece of inline Markdown on its own, problems ignored (tools and tests)."""
    return read_inline(
        source, Span(path, 1), lambda line, fragment: 1, _ignore, hints_for(lang), {}
    )


def _ignore(*args: object, **kwargs: object) -> None:
    return None

"""The one markdown-it-py configuration that both the parser and the renderer use."""

from __future__ import annotations

import html
import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

# Full-width punctuation (「」、。（）…) counts as punctuation in CommonMark's flanking rules,
# so `**「利用者」**に` would stay literal. Japanese writes no spaces around emphasis, so we
# treat CJK punctuation like letters when deciding whether a `*` run opens or closes.
_CJK_PUNCT_RANGES = ((0x3000, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40),
                     (0xFF5B, 0xFF65))  # fmt: skip
# A set, not a pattern: asked about both neighbours of every run of * or _.
_CJK_PUNCT = frozenset(chr(c) for first, last in _CJK_PUNCT_RANGES for c in range(first, last + 1))
_CJK = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u31f0-\u31ff]"
)


class _CJKStateInline(StateInline):
    def scanDelims(self, start: int, canSplitWord: bool) -> Any:
        saved = self.src
        before = saved[start - 1] if start > 0 else ""
        end = start
        while end < self.posMax and saved[end] == saved[start]:
            end += 1
        after = saved[end] if end < self.posMax else ""
        # Swap the CJK punctuation next to the run for a letter, ask CommonMark, restore.
        if before in _CJK_PUNCT or after in _CJK_PUNCT:
            chars = list(saved)
            if before in _CJK_PUNCT:
                chars[start - 1] = "a"
            if after in _CJK_PUNCT:
                chars[end] = "a"
            self.src = "".join(chars)
            try:
                return super().scanDelims(start, canSplitWord)
            finally:
                self.src = saved
        return super().scanDelims(start, canSplitWord)


class _CJKParserInline(ParserInline):
    def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
        state = _CJKStateInline(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def is_cjk(char: str) -> bool:
    return bool(char) and bool(_CJK.match(char))


def join_lines(left: str, right: str) -> str:
    """Join two wrapped lines: no space between Japanese characters, one space otherwise."""
    if not left:
        return right
    if not right:
        return left
    if is_cjk(left[-1]) and is_cjk(right[0]):
        return left + right
    return left.rstrip() + " " + right.lstrip()


SAFE_SCHEMES = ("https:", "mailto:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# A list nested this deep is a mistake, not a policy; markdown-it's own default (20 token
# levels, about ten lists) silently dropped the rest of the file, so the limit is ours to report.
MAX_NESTING = 60


def link_kind(url: str) -> str:
    """'safe' (https, mailto, relative), 'http' (accepted with a warning) or 'unsafe'."""
    url = url.strip()
    if url.startswith("//"):
        return "unsafe"
    if _SCHEME.match(url):
        lower = url.lower()
        if lower.startswith(SAFE_SCHEMES):
            return "safe"
        return "http" if lower.startswith("http:") else "unsafe"
    return "safe"


def is_safe_link(url: str) -> bool:
    """https, mailto, relative and (with a warning from the reader) http links pass.

    javascript:, data:, vbscript:, //host and every other scheme are refused.
    """
    return link_kind(url) != "unsafe"


# The few pieces of inline HTML real policies contain, read as the Markdown they stand for;
# everything else is refused by the reader and shown as text by the renderer.
_HTML_ANCHOR = re.compile(
    r"""^<a\s+(?:id|name)\s*=\s*(?:"(?P<q>[^"]*)"|'(?P<s>[^']*)'|(?P<b>[^\s>"']+))\s*/?>$""", re.I
)
_HTML_LINK = re.compile(
    r"""^<a\s+(?:[\w-]+\s*=\s*(?:"[^"]*"|'[^']*')\s+)*href\s*=\s*(?:"(?P<q>[^"]*)"|'(?P<s>[^']*)')"""
    r"""(?:\s+[\w-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>$""",
    re.I,
)
_HTML_CLOSE_A = re.compile(r"^</a\s*>$", re.I)
_HTML_BREAK = re.compile(r"^<br\s*/?>$", re.I)
_HTML_COMMENT = re.compile(r"^<!--.*-->$", re.S)


def read_html(content: str) -> tuple[str, str]:
    """(kind, value) of one inline HTML tag: ("link", href), ("close", ""), ("anchor", id),
    ("break", ""), ("comment", "") or ("other", the tag)."""
    content = content.strip()
    if _HTML_BREAK.match(content):
        return "break", ""
    if _HTML_COMMENT.match(content):
        return "comment", ""
    if _HTML_CLOSE_A.match(content):
        return "close", ""
    match = _HTML_ANCHOR.match(content)
    if match:
        return "anchor", match["q"] or match["s"] or match["b"] or ""
    match = _HTML_LINK.match(content)
    if match:
        return "link", html.unescape(match["q"] or match["s"] or "")
    return "other", content


def html_as_markdown(children: list[Token], id_prefix: str = "") -> list[Token]:
    """Inline HTML tokens → the tokens Markdown would give (link, break), anchors as empty
    spans with their id, anything else as text (escaped when rendered)."""
    result: list[Token] = []
    links = 0
    for token in children:
        if token.type != "html_inline":
            result.append(token)
            continue
        kind, value = read_html(token.content)
        if kind == "link" and is_safe_link(value):
            link = Token("link_open", "a", 1)
            link.attrs = {"href": value}
            result.append(link)
            links += 1
        elif kind == "close" and links:
            result.append(Token("link_close", "a", -1))
            links -= 1
        elif kind == "break":
            result.append(Token("hardbreak", "br", 0))
        elif kind == "anchor":
            anchor = Token("html_inline", "", 0)
            anchor.content = f'<span id="{html.escape(id_prefix + value)}"></span>'
            result.append(anchor)
        elif kind != "comment" and kind != "close":
            text = Token("text", "", 0)
            text.content = token.content
            result.append(text)
    return result


def make_markdown(*, html: bool = False, detect: bool = False) -> MarkdownIt:
    """CommonMark + tables, with CJK-friendly emphasis.

    With `detect`, the parser sees raw HTML and every link as tokens so it can *report*
    them; rendering never uses that mode, so unsafe markup cannot reach a page.
    """
    html = html or detect
    md = MarkdownIt("commonmark", {"html": html, "linkify": False, "typographer": False})
    md.enable("table")
    md.inline = _CJKParserInline()
    # Re-apply the preset's inline rule choice on the fresh inline parser.
    md.configure("commonmark", options_update={"html": html})
    md.enable("table")
    md.validateLink = (lambda url: True) if detect else is_safe_link  # type: ignore[method-assign]
    md.options["maxNesting"] = MAX_NESTING
    return md

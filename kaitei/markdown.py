"""The one markdown-it-py configuration that both the parser and the renderer use."""

from __future__ import annotations

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
_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
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
        if (before and _CJK_PUNCT.match(before)) or (after and _CJK_PUNCT.match(after)):
            chars = list(saved)
            if before and _CJK_PUNCT.match(before):
                chars[start - 1] = "a"
            if after and _CJK_PUNCT.match(after):
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


def is_safe_link(url: str) -> bool:
    """Only https, mailto and relative links pass (no http, javascript:, data:, //host)."""
    url = url.strip()
    if url.startswith("//"):
        return False
    if _SCHEME.match(url):
        return url.lower().startswith(SAFE_SCHEMES)
    return True


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
    return md

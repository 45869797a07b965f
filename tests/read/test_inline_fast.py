"""The reader's shortcut for units without markup gives markdown-it's own tokens."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it.token import Token

from kaitei.read import text as text_module
from kaitei.read.text import _MD, MARKUP, has_markup, inline_tokens, read_fragment

# Letters, CJK, spaces, tabs, line ends and every ASCII punctuation mark: the shortcut must
# know exactly which of them can start a rule.
_ALPHABET = st.sampled_from(list("ab 第1条、。\t\n") + [chr(c) for c in range(0x21, 0x7F)])


def _rules(source: str) -> list[Token]:
    tokens: list[Token] = []
    _MD.inline.parse(source, _MD, {}, tokens)
    return tokens


@given(st.text(_ALPHABET, max_size=30))
@example("第1条\n第2条")
@example("line one  \nline two")
@example("a\n  b")
@example("\na\n")
@example("1. not a list: 2 * 3")
@example("&amp; &#x41; &copy;")  # one example per character that starts a rule
@example("a `code` span")
@example("*emphasis* and _this_")
@example("[a link](https://example.com)")
@example("![an image](x.png)")
@example("<https://example.com> and <br>")
@example("escaped \\* star")
@example("キマ Room! シリーズ")  # a `!` without `[` starts nothing
@example("Room!\n![image](x.png)")
def test_same_tokens_as_the_rules(source: str) -> None:
    fast = [(t.type, t.content) for t in inline_tokens(source, {})]
    assert fast == [(t.type, t.content) for t in _rules(source)]


@given(st.text(_ALPHABET, max_size=30))
@example("第1条\n第2条に定める")
@example("a\n\nb\n")
@example("  one line, 第2条  ")  # one line: stripped, no join
@example("Room! ")
def test_same_text_as_through_the_tokens(source: str) -> None:
    fast = read_fragment(source)
    saved = text_module.has_markup
    text_module.has_markup = lambda source: True  # every unit takes the rules
    try:
        ruled = read_fragment(source)
    finally:
        text_module.has_markup = saved
    assert (fast.plain, fast.raw_refs, fast.links) == (ruled.plain, ruled.raw_refs, ruled.links)


@given(st.text(_ALPHABET, max_size=30))
@example("a \nb")
@example("a\t\nb")
@example("tab\tand space \t")
def test_has_markup_is_the_pattern(source: str) -> None:
    assert has_markup(source) == (MARKUP.search(source) is not None)

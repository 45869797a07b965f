"""The terminal view: every change, word-marked, git-word-diff style when not colored."""

from __future__ import annotations

from collections.abc import Iterator

from ..diff.changeset import ChangeSet, Pair
from ..diff.inline import InlineEdit, redline_segments, shown
from . import fallback_note, pair_kind_word, pair_name, quiet_note, strings, summary_counts

_SIGN = {
    "added": "+",
    "branch-inserted": "+",
    "split": "+",
    "removed": "-",
    "merged": "-",
    "deleted-placeholder": "-",
    "changed": "~",
    "whitespace-only": "~",
    "link-only": "~",
    "renumbered": "#",
    "moved": ">",
    "re-parented": ">",
    "promoted": "^",
    "demoted": "v",
    "unchanged": " ",
}
# Deleted text red and struck through, inserted text green and underlined.
_ANSI = {"delete": ("\x1b[31;9m", "\x1b[0m"), "insert": ("\x1b[32;4m", "\x1b[0m")}
_PLAIN = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
_BOLD = ("\x1b[1m", "\x1b[0m")


def _marked(old: str, edits: tuple[InlineEdit, ...], color: bool) -> str:
    marks = _ANSI if color else _PLAIN
    out = []
    for op, chunk in redline_segments(old, edits):
        if op == "equal":
            out.append(chunk)
        else:
            start, end = marks[op]
            out.append(start + chunk + end)
    return "".join(out)


def _whole(text: str, op: str, color: bool) -> str:
    start, end = (_ANSI if color else _PLAIN)[op]
    return start + text + end if text else ""


def _indent(text: str, depth: int) -> str:
    pad = "    " + "  " * depth
    return "\n".join(pad + line for line in text.split("\n"))


def _lines(pair: Pair, lang: str, color: bool, depth: int) -> Iterator[str]:
    if pair.kind == "unchanged":
        return
    s = strings(lang)
    head = f"{'  ' * depth}{_SIGN[pair.change]} {pair_name(pair, lang)}"
    tag = pair_kind_word(pair, lang)
    if quiet := quiet_note(pair, lang):
        tag += "; " + quiet
    if pair.unchanged_in:
        tag += "; " + s["unchanged_in"].format(langs=", ".join(pair.unchanged_in))
    yield f"{_BOLD[0]}{head}{_BOLD[1]}  ({tag})" if color else f"{head}  ({tag})"
    if pair.kind in ("added", "removed"):
        side = pair.new or pair.old
        assert side is not None
        op = "insert" if pair.kind == "added" else "delete"
        if side.text:
            yield _indent(_whole(side.text, op, color), depth)
        for child in pair.children:
            yield from _lines(child, lang, color, depth + 1)
        return
    assert pair.old is not None
    if pair.heading_edits and pair.level == "article":
        yield _indent(_marked(pair.old.heading, pair.heading_edits, color), depth)
    if edits := shown(pair.edits):
        yield _indent(_marked(pair.old.text, edits, color), depth)
    for child in pair.children:
        yield from _lines(child, lang, color, depth + 1)


def render_text(changes: ChangeSet, color: bool = False) -> str:
    """The whole diff for a terminal; ANSI colors only when asked (a tty or --color)."""
    lang = changes.lang
    title = f"{changes.doc}: {changes.old_version} → {changes.new_version} ({lang})"
    lines = [f"{_BOLD[0]}{title}{_BOLD[1]}" if color else title, summary_counts(changes, lang)]
    if changes.fallback:
        lines.append(fallback_note(changes))
    for pair in changes.pairs:
        block = list(_lines(pair, lang, color, 0))
        if block:
            lines += ["", *block]
    if not changes.changed:
        lines += ["", strings(lang)["unchanged"]]
    return "\n".join(lines) + "\n"

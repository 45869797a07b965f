"""The diff as a pull-request comment: a summary table, then each changed article folded.

GitHub renders `<ins>`/`<del>` and `<details>` in comments. Text from the policy is escaped
twice over: as HTML (it is inside tags) and as Markdown (so a `*` in a clause stays a `*`).
"""

from __future__ import annotations

import html
import re

from ..diff.changeset import ChangeSet, Pair
from ..diff.inline import InlineEdit, redline_segments, shown
from . import fallback_note, pair_kind_word, pair_name, quiet_note, strings, summary_counts

# Only what can start markup in the middle of a list item's line; `<`, `>` and `&` are
# HTML-escaped first.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# GitHub rejects comments over 65,536 characters; leave room for the bot's own wrapping.
MAX_COMMENT = 60_000


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", "<br>")


def _marked(old: str, edits: tuple[InlineEdit, ...]) -> str:
    out = []
    for op, chunk in redline_segments(old, edits):
        if op == "equal":
            out.append(_escape(chunk))
        elif op == "delete":
            out.append(f"<del>{_escape(chunk)}</del>")
        else:
            out.append(f"<ins>{_escape(chunk)}</ins>")
    return "".join(out)


def _bullets(pair: Pair, lang: str, depth: int) -> list[str]:
    if pair.kind == "unchanged":
        return []
    pad = "  " * depth
    name = _escape(pair_name(pair, lang))
    kind = pair_kind_word(pair, lang)
    flag = ""
    if quiet := quiet_note(pair, lang):
        flag += " — " + _escape(quiet)
    if pair.unchanged_in:
        langs = ", ".join(pair.unchanged_in)
        flag += " ⚠️ " + _escape(strings(lang)["unchanged_in"].format(langs=langs))
    lines = []
    if pair.kind in ("added", "removed"):
        side = pair.new or pair.old
        assert side is not None
        tag = "ins" if pair.kind == "added" else "del"
        body = f": <{tag}>{_escape(side.text)}</{tag}>" if side.text else ""
        lines.append(f"{pad}- **{name}** ({kind}){flag}{body}")
    else:
        assert pair.old is not None
        edits = shown(pair.edits)
        body = f": {_marked(pair.old.text, edits)}" if edits else ""
        lines.append(f"{pad}- **{name}** ({kind}){flag}{body}")
    for child in pair.children:
        lines += _bullets(child, lang, depth + 1)
    return lines


def _article_bullets(pair: Pair, lang: str) -> list[str]:
    """An article's changes start at its paragraphs: the summary already names the article."""
    if pair.level != "article" or pair.kind in ("added", "removed"):
        return _bullets(pair, lang, 0)
    lines = []
    if pair.heading_edits:
        assert pair.old is not None
        lines.append(f"- {_marked(pair.old.heading, pair.heading_edits)}")
    for child in pair.children:
        lines += _bullets(child, lang, 0)
    return lines


def render_markdown(changes: ChangeSet) -> str:
    """A comment-sized Markdown report (truncated with a note if a diff is huge)."""
    lang = changes.lang
    s = strings(lang)
    head = [
        f"### {_escape(changes.doc)}: {changes.old_version} → {changes.new_version} ({lang})",
        "",
        _escape(summary_counts(changes, lang)),
        "",
    ]
    if changes.fallback:
        head += [_escape(fallback_note(changes)), ""]
    rows = [p for p in changes.pairs if p.kind != "unchanged"]
    if not rows:
        return "\n".join([*head, s["unchanged"]]) + "\n"
    table = [f"| {s['provision']} | {s['change']} |", "|---|---|"]
    table += [f"| {_escape(pair_name(p, lang))} | {pair_kind_word(p, lang)} |" for p in rows]
    sections = []
    for pair in rows:
        summary = f"{_escape(pair_name(pair, lang))} ({pair_kind_word(pair, lang)})"
        body = "\n".join(_article_bullets(pair, lang))
        sections.append(f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>")
    text = "\n".join([*head, *table, ""]) + "\n" + "\n\n".join(sections) + "\n"
    if len(text) > MAX_COMMENT:
        # Cut after the last whole section that fits, so no <details> is left open.
        end = text.rfind("\n</details>", 0, MAX_COMMENT - 20)
        cut = end + len("\n</details>") if end >= 0 else text.rfind("\n", 0, MAX_COMMENT - 20)
        text = text[: max(cut, 0)] + "\n\n…\n"
    return text

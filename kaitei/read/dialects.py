"""Markdown dialects real policies are written in: kramdown / Python-Markdown attribute lists.

`{#id}`, `{: #id }` and `{: #id .class }` name the unit they follow: at the end of a heading
or a numbered line, or on a line of their own under a paragraph or list entry. Classes and
other attributes are presentation and are ignored (kept in the source, not in the text).
"""

from __future__ import annotations

import re

_ID = r"[A-Za-z][A-Za-z0-9_.:-]*"
_ATTRS = rf"\{{:?[ \t]*(?:(?:#(?P<id>{_ID})|\.[\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|\S+))[ \t]*)+\}}"
_TRAILING = re.compile(rf"[ \t]*{_ATTRS}[ \t]*$")
_LINE = re.compile(rf"^[ \t]*{_ATTRS}[ \t]*$")


def split_attributes(source: str) -> tuple[str, str, str | None]:
    """`text {: #id }` → ("text", " {: #id }", "id"); text without attributes is unchanged."""
    if not source.rstrip().endswith("}"):
        return source, "", None  # the common case, without a regular expression
    match = _TRAILING.search(source)
    if not match or match.start() == 0:
        return source, "", None
    return source[: match.start()], source[match.start() :], match["id"]


def attribute_line(line: str) -> tuple[bool, str | None]:
    """Whether a whole line is an attribute list, and the id it names (if any)."""
    if "{" not in line:
        return False, None  # every line of every paragraph comes here: no pattern for most
    match = _LINE.match(line)
    return (True, match["id"]) if match else (False, None)

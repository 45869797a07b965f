"""Anchor ids: explicit ids win, then numbering (art-4), then slugs or structural ids.

Ids never collide: a repeated slug gets -1, -2 … as GitHub does; a repeated explicit id is a
mistake the editor is told about.
"""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def github_slug(text: str) -> str:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    slug = _DROP.sub("", text.strip().lower()).replace(" ", "-")
    return slug.strip("-")[:80] if len(slug) > 80 else slug


def is_latin(text: str) -> bool:
    """Whether every letter is Latin (a slug of anything else is unreadable in a URL)."""
    if text.isascii():
        return any(c.isalnum() for c in text)  # the only ASCII letters are Latin ones
    for char in text:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return any(c.isalnum() for c in text)


def section_slug(heading: str) -> str | None:
    """A heading's slug, or None when it needs a structural id (non-Latin, or nothing left)."""
    if not is_latin(heading):
        return None
    slug = github_slug(unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode())
    return slug if re.search(r"[a-z]", slug) else None


class IdRegistry:
    """Every id of one text, with where it was first defined."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}

    def __contains__(self, anchor: str) -> bool:
        return anchor in self.lines

    def unique(self, base: str, line: int) -> str:
        """`base`, or `base-1`, `base-2` … when taken (GitHub's rule for repeated headings)."""
        anchor, n = base, 0
        while anchor in self.lines:
            n += 1
            anchor = f"{base}-{n}"
        self.lines[anchor] = line
        return anchor

    def claim(self, anchor: str, line: int) -> int | None:
        """Record `anchor`; return the line it was already used on, if it was."""
        if anchor in self.lines:
            return self.lines[anchor]
        self.lines[anchor] = line
        return None

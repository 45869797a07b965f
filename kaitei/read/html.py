"""HTML blocks that are pictures only (a figure around an image): left out with a warning.

Anything with text or other tags stays refused; only a block whose every tag is a picture
tag and which holds no text of its own is let through, as layout the reader reports.
"""

from __future__ import annotations

from html.parser import HTMLParser

_PICTURE_TAGS = frozenset({"figure", "img", "picture", "source"})


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def is_picture(block: str) -> bool:
    scan = _Scan()
    scan.feed(block)
    scan.close()
    return bool(scan.tags) and scan.tags <= _PICTURE_TAGS and not scan.text.strip()

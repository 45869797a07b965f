"""A strict well-formedness check for the HTML kaitei writes, and link/id extraction.

Browsers accept anything; this checker does not: every non-void element is closed, in order,
attributes are not repeated and ids are unique. Our templates close every element, so any
imbalance is a template bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class PageFacts:
    errors: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str, dict[str, str | None]]] = field(default_factory=list)  # tag, url
    html_lang: str | None = None
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self.stack: list[tuple[str, tuple[int, int]]] = []

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html":
            self.facts.errors.append(f"unexpected declaration {decl!r}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.facts.errors.append(f"{self.getpos()}: repeated attribute in <{tag}>")
        values = dict(attrs)
        self.facts.tags.append((tag, values))
        if "id" in values and values["id"] is not None:
            self.facts.ids.append(values["id"])
        for attr in ("href", "src"):
            if values.get(attr) is not None:
                self.facts.links.append((tag, str(values[attr]), values))
        if tag == "html":
            self.facts.html_lang = values.get("lang")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.facts.errors.append(f"{self.getpos()}: self-closing non-void <{tag}/>")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.facts.errors.append(f"{self.getpos()}: end tag for void <{tag}>")
            return
        if not self.stack or self.stack[-1][0] != tag:
            open_tag = self.stack[-1] if self.stack else None
            self.facts.errors.append(f"{self.getpos()}: </{tag}> closes {open_tag}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.facts.text.append(data)


def check_html(source: str) -> PageFacts:
    checker = _Checker()
    checker.feed(source)
    checker.close()
    facts = checker.facts
    if checker.stack:
        facts.errors.append(f"unclosed elements at the end: {checker.stack}")
    if not source.lstrip().lower().startswith("<!doctype html>"):
        facts.errors.append("no <!DOCTYPE html>")
    duplicates = sorted({i for i in facts.ids if facts.ids.count(i) > 1})
    if duplicates:
        facts.errors.append(f"duplicate ids: {duplicates}")
    return facts

"""Relative links to another document of the site: which page of the site they point at.

Policies link to their sibling policies the way their repository or their old website did:
`[Terms](../terms/)`, `[cookie policy](cookies.md)`, `../../cookies/2024-01-01/en.md`,
`../cookies/en.md#art-3`, `recruitment/index.md`, `/about/policies/security`. A relative path
is read against the file's own folder (content/<doc>/<version>/); a path from the root (`/…`)
is an address of the old website. Either way the document is the last segment that names a
document of the site, and only a version folder (YYYY-MM-DD) and a `<lang>.md` may follow it:
`index.md`, `.md` and `.html` are the old site's way of naming a page and are dropped.

The link stays as written in the model and in the canonical text that is hashed: what it
resolves to depends on the other documents and on the build date (the version in force), and
a published version's hash must depend on its own file alone.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from ..diagnostics import Collector
from ..markdown import link_kind
from ..model import (
    BulletList,
    Document,
    LanguageText,
    Site,
    Text,
    all_texts,
    anchors,
    walk_items,
)
from .hints import hints_for

CONTENT = "content"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PAGE_SUFFIXES = (".md", ".html", ".htm")
_INDEX = frozenset({"index", "README"})
# <a id="…"> / <a name="…"> / {#…} written in a text: ids a fragment may name.
_WRITTEN_ID = re.compile(r"""<a\s[^>]*(?:id|name)\s*=\s*["']([^"']+)["']|\{:?\s*#([^\s}]+)""")


@dataclass(frozen=True, slots=True)
class SiteTarget:
    """The page a link resolves to."""

    doc: str
    version: str | None  # the dated version the link names; None: the version in force
    lang: str  # the page's language: the linking file's, when the document has it
    fragment: str  # as written after '#' (percent-encoded as the parser left it), or ""


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A relative link that points at no page: why, and the name it gave."""

    kind: Literal["outside", "document", "version"]
    name: str  # the path outside content/, the document's name, or the version's


def is_site_link(target: str) -> bool:
    """A relative path: not a page anchor (#…), not an address with a scheme or a host."""
    target = target.strip()
    if not target or target.startswith(("#", "?", "//")) or _SCHEME.match(target):
        return False
    return link_kind(target) == "safe"


def locate(
    target: str, from_path: str, lang: str, documents: Mapping[str, Document]
) -> SiteTarget | Unresolved | None:
    """Where a link written in content file `from_path` points; None when it is no site link."""
    if not is_site_link(target):
        return None
    path, _, fragment = target.strip().partition("#")
    path = unquote(path.partition("?")[0])
    if path.startswith("/"):
        parts = posixpath.normpath(path).split("/")
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path))
        if joined != CONTENT and not joined.startswith(CONTENT + "/"):
            return Unresolved("outside", joined)
        parts = joined.split("/")[1:]
    parts = [p for p in parts if p not in ("", ".", "..")]
    if parts:
        stem, suffix = posixpath.splitext(parts[-1])
        if suffix.lower() in _PAGE_SUFFIXES:
            parts[-1] = stem
        if parts[-1] in _INDEX:
            parts.pop()
    # The document is the segment nearest the end that names one and is followed only by
    # what a document's folder holds: its version folders and its <lang>.md files.
    for k in range(1, min(3, len(parts)) + 1):
        document = documents.get(parts[-k])
        if document is None:
            continue
        found = _after_document(document, parts[len(parts) - k + 1 :], lang, fragment)
        if found is not None:
            return found
    return Unresolved("document", _missing_name(parts))


def _after_document(
    document: Document, rest: list[str], lang: str, fragment: str
) -> SiteTarget | Unresolved | None:
    languages = document.settings.languages
    version: str | None = None
    named_lang: str | None = None
    if rest and _DATE.match(rest[0]):
        version = rest.pop(0)
    if rest and rest[0] in languages:
        named_lang = rest.pop(0)
    if rest:
        return None  # something else follows: not this document's folder
    if version is not None and document.version(version) is None:
        return Unresolved("version", version)
    # Links from a translation go to the page in its language: translators keep the links
    # of the authoritative text as they are.
    page_lang = lang if lang in languages else named_lang or document.settings.authoritative
    return SiteTarget(document.id, version, page_lang, fragment)


def _missing_name(parts: list[str]) -> str:
    names = [p for p in parts if not _DATE.match(p)]
    return names[-1] if names else ""


# --- the check ------------------------------------------------------------------------------


def check_site_links(
    site: Site, out: Collector, as_of: dt.date, sources: Sequence[Document] | None = None
) -> None:
    """Every relative link of every text (of `sources`, by default every document) points
    at a document, version and id of the site."""
    documents = {d.id: d for d in site.documents}
    ids: dict[tuple[str, str | None, str], frozenset[str]] = {}
    for document in site.documents if sources is None else sources:
        for version in document.versions:
            for lt in version.texts:
                for text in _texts(lt):
                    for link in text.links:
                        found = locate(link.target, lt.path, lt.lang, documents)
                        if found is None:
                            continue
                        if isinstance(found, Unresolved):
                            _report(out, lt, text, link.target, found, documents)
                        elif found.fragment:
                            key = (found.doc, found.version, found.lang)
                            if key not in ids:
                                ids[key] = _ids_of(documents[found.doc], found, as_of)
                            if unquote(found.fragment) not in ids[key]:
                                _report_fragment(out, lt, text, link.target, found)


def links_to_site(document: Document) -> bool:
    """Whether any text of the document links to a page of the site (another document's):
    its pages then depend on the other documents too."""
    return any(
        is_site_link(link.target)
        for version in document.versions
        for lt in version.texts
        for text in _texts(lt)
        for link in text.links
    )


def linked_documents(document: Document, documents: Mapping[str, Document]) -> frozenset[str]:
    """The other documents that the texts of `document` link to (kaitei.site.stream loads
    them whole where the document's pages are made: the links resolve against them)."""
    found = set()
    for version in document.versions:
        for lt in version.texts:
            for text in _texts(lt):
                for link in text.links:
                    target = locate(link.target, lt.path, lt.lang, documents)
                    if isinstance(target, SiteTarget) and target.doc != document.id:
                        found.add(target.doc)
    return frozenset(found)


def _texts(lt: LanguageText) -> Iterator[Text]:
    yield from all_texts(lt)
    for article in (*lt.articles, *lt.appendices):
        if article.head is not None:
            yield article.head


def _ids_of(document: Document, found: SiteTarget, as_of: dt.date) -> frozenset[str]:
    version = (
        document.version(found.version)
        if found.version
        else document.in_force(as_of) or document.versions[-1]
    )
    if version is None:
        return frozenset()
    lt = version.text(found.lang) or version.text(document.settings.authoritative)
    if lt is None:
        return frozenset()
    found_ids = {anchor for anchor, _ in anchors(lt)}
    blocks = list(lt.preamble)
    for article in (*lt.articles, *lt.appendices):
        for para in article.paragraphs:
            blocks += [*para.blocks, *(b for item in walk_items(para.items) for b in item.blocks)]
    for block in blocks:
        if isinstance(block, BulletList):
            found_ids.update(i for i in block.ids if i)
    found_ids.update(a or b for a, b in _WRITTEN_ID.findall(lt.source))
    return frozenset(found_ids)


def _position(out: Collector, text: Text, target: str) -> tuple[int, int]:
    """The line and column of the link target in the file (the text's start if not found)."""
    last = max(text.span.end_line, text.span.line + text.source.count("\n"))
    for written in (target, unquote(target)):
        for line in range(text.span.line, last + 1):
            column = out.source_line(text.span.path, line).find(written)
            if column >= 0:
                return line, column + 1
    return text.span.line, text.span.column


def _report(
    out: Collector,
    lt: LanguageText,
    text: Text,
    target: str,
    found: Unresolved,
    documents: Mapping[str, Document],
) -> None:
    hints = hints_for(lt.lang)
    line, column = _position(out, text, target)
    known = ", ".join(sorted(documents)) or "none"
    if found.kind == "outside":
        message, hint = hints.link_outside_content
        out.add(
            (lt.path, line, column),
            message.format(href=target, path=found.name),
            hint,
            code="link-outside-content",
        )
    elif found.kind == "version":
        message, hint = hints.link_unknown_version
        doc = _document_named(target, lt, documents)
        versions = ", ".join(v.id for v in doc.versions) if doc else ""
        out.add(
            (lt.path, line, column),
            message.format(href=target, version=found.name, doc=doc.id if doc else ""),
            hint.format(versions=versions, doc=doc.id if doc else ""),
            code="link-unknown-version",
            severity="warning",
        )
    else:
        message, hint = hints.link_unknown_document
        out.add(
            (lt.path, line, column),
            message.format(href=target, name=found.name),
            hint.format(documents=known),
            code="link-unknown-document",
            # A policy may link to a sibling published elsewhere (or not yet moved to
            # kaitei): the page keeps the link as written, and --strict refuses it.
            severity="warning",
        )


def _document_named(
    target: str, lt: LanguageText, documents: Mapping[str, Document]
) -> Document | None:
    path = unquote(target.partition("#")[0].partition("?")[0])
    segments = posixpath.normpath(posixpath.join(posixpath.dirname(lt.path), path)).split("/")
    return next((documents[s] for s in reversed(segments) if s in documents), None)


def _report_fragment(
    out: Collector, lt: LanguageText, text: Text, target: str, found: SiteTarget
) -> None:
    hints = hints_for(lt.lang)
    line, column = _position(out, text, target)
    message, hint = hints.link_unknown_fragment
    fragment = unquote(found.fragment)
    out.add(
        (lt.path, line, column),
        message.format(href=target, fragment=fragment, doc=found.doc),
        hint.format(fragment=fragment, doc=found.doc),
        code="link-unknown-fragment",
        severity="warning",
    )

"""`{lang}/feed.xml`: an Atom feed (RFC 4287) of every published version, with its level.

One entry per version of every document that has been announced (or has taken effect) by the
build's as-of date, newest first. Each entry carries the change level as a category
(enacted / editorial / notice / consent; a reconstructed text also
carries the category `reconstruction`) and the SHA-256 of the version's text in the feed's language,
so a subscriber can tell later that the text they were notified of is the text published.
Every date comes from the content; the wall clock is never read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from ..catalogue import load_catalogue
from ..clock import midnight
from ..model import ChangeLevel, Document, Site, Version
from . import urls
from .languages import site_languages
from .notices import diff_url, is_notice, level, long_date, meta, shown_from, strings
from .output import BuildContext, OutputFile, generator
from .reconstruction import is_reconstruction

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
# Our extension element for the text's hash. A URN names the namespace without pointing at
# a host (nothing is fetched from it; RFC 4287 §6 allows foreign elements in entries).
KAITEI = "urn:kaitei:atom:1"
LEVEL_SCHEME = "urn:kaitei:change-level"
TEXT_SCHEME = "urn:kaitei:text"  # term "reconstruction": the text is rebuilt, not the original


@dataclass(frozen=True, slots=True)
class Entry:
    document: Document
    version: Version
    level: ChangeLevel
    published: dt.datetime
    updated: dt.datetime


def tag_authority(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def entry_id(authority: str, document: Document, version: Version, lang: str) -> str:
    """A tag: URI (RFC 4151) that never changes for this version in this language.

    Feed readers deduplicate by id: an id that changed would announce the same change twice,
    and one that was reused would hide a new change. So the id is built only from what never
    changes for a published version — the site's host, the version's effective date (also
    the tag's date: the host was ours on the day the version took effect), the document id
    and the language — and never from titles, URLs' paths, the build date or file contents.
    """
    return f"tag:{authority},{version.id}:{document.id}/{version.id}/{lang}"


def feed_id(authority: str, site: Site, lang: str) -> str:
    """The feed's tag: URI, dated by the site's first version (fixed once it is published)."""
    first = min((v.id for d in site.documents for v in d.versions), default="2000-01-01")
    return f"tag:{authority},{first}:feed/{lang}"


def entries(site: Site, lang: str, as_of: dt.date) -> tuple[Entry, ...]:
    """Published versions of documents in `lang`, the most recently updated first."""
    found = []
    for document in site.documents:
        if lang not in document.settings.languages:
            continue
        zone = document.settings.timezone
        for version in document.versions:
            published = shown_from(document, version)
            if published > as_of:
                continue  # not announced yet: not news
            text = version.text(lang) or version.text(document.settings.authoritative)
            assert text is not None
            # An erratum changes what the entry describes: it updates the entry, on its date.
            corrected = [e.date for e in text.meta.errata if e.date <= as_of]
            updated = max([published, *corrected])
            found.append(
                Entry(
                    document,
                    version,
                    level(document, version),
                    midnight(published, zone),
                    midnight(updated, zone),
                )
            )
    return tuple(
        sorted(found, key=lambda e: (e.updated, e.document.id, e.version.id), reverse=True)
    )


# Characters XML 1.0 cannot carry at all (a YAML "\v" escape can put one in a summary).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f" {name}={quoteattr(_clean(value))}" for name, value in attrs.items())


def _el(tag: str, text: str | None = None, indent: int = 1, **attrs: str) -> str:
    """One element on its own line; `text` is escaped (an element without text is empty)."""
    pad = "  " * indent
    if text is None:
        return f"{pad}<{tag}{_attrs(attrs)}/>"
    return f"{pad}<{tag}{_attrs(attrs)}>{escape(_clean(text))}</{tag}>"


def feed_xml(ctx: BuildContext, lang: str) -> bytes:
    """The feed as bytes: built line by line so that its layout, too, is stable."""
    s = strings(lang)
    authority = tag_authority(ctx.base_url)
    feed_url = urls.feed(lang)

    def link(url: str) -> str:
        return urls.encoded(ctx.base_url + url if ctx.base_url else urls.relative(feed_url, url))

    items = entries(ctx.site, lang, ctx.as_of)
    # With no entries the data says nothing newer than the as-of date.
    newest = items[0].updated if items else midnight(ctx.as_of, "UTC")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xmlns:kaitei="{KAITEI}" xml:lang={quoteattr(lang)}>',
        _el("id", feed_id(authority, ctx.site, lang)),
        _el("title", s("feed_title")),
        _el("subtitle", s("feed_subtitle")),
        _el("updated", newest.isoformat()),
        _el("link", rel="self", type="application/atom+xml", href=link(feed_url)),
        _el("link", rel="alternate", type="text/html", href=link(urls.notices(lang))),
        f"  <author><name>{escape(load_catalogue(lang)('site_name'))}</name></author>",
        _el("generator", "kaitei"),
    ]
    for item in items:
        lines += _entry(item, lang, authority, link)
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry(item: Entry, lang: str, authority: str, link: Callable[[str], str]) -> list[str]:
    s = strings(lang)
    document, version = item.document, item.version
    front, shown_lang = meta(document, version, lang)
    text = version.text(lang) or version.text(document.settings.authoritative)
    assert text is not None
    # A summary borrowed from the authoritative text says so with its own xml:lang.
    other_lang = {} if shown_lang == lang else {"xml:lang": shown_lang}
    title = s(
        "feed_entry_title",
        title=document.settings.title(lang),
        date=long_date(version.effective, lang),
        level=s(f"level_{item.level}"),
    )
    reconstructed = is_reconstruction(document, version)
    if reconstructed:
        title = s("feed_reconstruction_title", title=title)
    previous = document.previous(version)
    compares_with_reconstruction = previous is not None and is_reconstruction(document, previous)
    page = (
        urls.notice(lang, document.id, version.id)
        if is_notice(document, version)
        else urls.version(lang, document.id, version.id)
    )
    lines = [
        "  <entry>",
        _el("id", entry_id(authority, document, version, lang), 2),
        _el("title", title, 2),
        _el("published", item.published.isoformat(), 2),
        _el("updated", item.updated.isoformat(), 2),
        _el("link", None, 2, rel="alternate", type="text/html", href=link(page)),
    ]
    diff = diff_url(document, version, lang)
    if diff:
        lines.append(
            _el(
                "link",
                None,
                2,
                rel="related",
                type="text/html",
                href=link(diff),
                title=s("feed_diff"),
            )
        )
    lines.append(
        _el(
            "category",
            None,
            2,
            term=item.level,
            scheme=LEVEL_SCHEME,
            label=s(f"level_{item.level}"),
        )
    )
    if reconstructed:
        lines.append(
            _el("category", None, 2, term="reconstruction", scheme=TEXT_SCHEME,
                label=s("feed_reconstruction"))
        )  # fmt: skip
    if front.summary:
        lines.append(_el("summary", front.summary, 2, **other_lang))
    lines.append(f'    <content type="xhtml"{_attrs(other_lang)}>')
    lines.append(f'      <div xmlns="{XHTML}">')
    if reconstructed:
        lines.append(
            _el("p", s("feed_reconstruction"), 4, **{"xml:lang": lang} if other_lang else {})
        )
    if front.summary:
        lines.append(_el("p", front.summary, 4))
    if front.changes:
        lines.append("        <ul>")
        lines += [_el("li", change, 5) for change in front.changes]
        lines.append("        </ul>")
    if compares_with_reconstruction and previous is not None:
        note = s("feed_reconstruction_diff", date=long_date(previous.effective, lang))
        lines.append(_el("p", note, 4, **{"xml:lang": lang} if other_lang else {}))
    label = s("feed_sha256", language=load_catalogue(lang).language(text.lang))
    lines.append(f"        <p>{escape(label)}<code>{text.sha256}</code></p>")
    lines += ["      </div>", "    </content>"]
    lines.append(_el("kaitei:sha256", text.sha256, 2, lang=text.lang))
    lines.append("  </entry>")
    return lines


@generator("feed")
def feed(ctx: BuildContext) -> Iterator[OutputFile]:
    for lang in site_languages(ctx.site):
        yield OutputFile(urls.feed(lang), feed_xml(ctx, lang), lang, in_sitemap=False)

"""The reading pages of the site: chooser, document lists, versions, bilingual view, history.

Each page is a pure function of the model and the build's as-of date. Pages for a language a
version lacks are "not available in <language>" pages, never the other language's text under
the wrong `lang`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import load_catalogue
from ..classify import declared_level
from ..integrity import version_record
from ..model import Document, LanguageText, Version
from . import urls
from .anchors import anchor_names
from .languages import native_name, site_languages
from .notices import banner
from .output import BuildContext, OutputFile, generator
from .reconstruction import is_reconstruction, reconstruction
from .render import (
    FAVICON,
    SCRIPT,
    STYLESHEET,
    LanguageLink,
    logo_url,
    theme_dirs,
    theme_file,
)
from .theme import SiteTheme

Alternates = tuple[tuple[str, str], ...]
UrlOf = Callable[[str], str]  # a language → the same page's URL in that language


def status_of(document: Document, version: Version, as_of: dt.date) -> str:
    current = document.in_force(as_of)
    if version.effective > as_of:
        return "upcoming"
    return "current" if version is current else "superseded"


def diff_pairs(document: Document, as_of: dt.date) -> tuple[tuple[str, str], ...]:
    """Every (old, new) pair the pages link to: each version with its predecessor, and each
    version of `compared_with_current` with the one in force. The diff pages must exist for
    exactly these."""
    pairs: set[tuple[str, str]] = set()
    current = document.in_force(as_of)
    compared = compared_with_current(document, as_of)
    for version in document.versions:
        previous = document.previous(version)
        if previous is not None:
            pairs.add((previous.id, version.id))
        if current is not None and version.id in compared:
            old, new = sorted((version, current), key=lambda v: v.effective)
            pairs.add((old.id, new.id))
    return tuple(sorted(pairs))


def compared_with_current(document: Document, as_of: dt.date) -> frozenset[str]:
    """The versions with a diff page against the one in force (document.yml
    `diff_against_current`): all, none, or the N nearest it in either direction. Each is a
    whole-document diff of two versions that may be far apart (many changes to align), in
    every language: `all` doubles a long history's diff pages, for comparisons few read."""
    current = document.in_force(as_of)
    if current is None:
        return frozenset()
    limit = document.settings.diff_against_current
    position = document.versions.index(current)
    return frozenset(
        version.id
        for index, version in enumerate(document.versions)
        if version is not current and (limit is None or abs(index - position) <= limit)
    )


@dataclass(frozen=True, slots=True)
class Upcoming:
    """The next version, for the banner on the pages of the version in force."""

    effective: dt.date
    url: str
    diff_url: str | None
    version: str = ""  # its id (the notice banner about it merges with this one)


def _upcoming(ctx: BuildContext, document: Document, lang: str) -> Upcoming | None:
    later = document.upcoming(ctx.as_of)
    if not later:
        return None
    nxt = later[0]
    current = document.in_force(ctx.as_of)
    diff_url = urls.diff(lang, document.id, current.id, nxt.id) if current else None
    return Upcoming(nxt.effective, urls.version(lang, document.id, nxt.id), diff_url, nxt.id)


def _alternates(document: Document, version: Version | None, url_of: UrlOf) -> Alternates:
    """hreflang alternates: only languages that have the text, plus x-default."""
    langs = [
        lang
        for lang in document.settings.languages
        if version is None or version.text(lang) is not None
    ]
    pairs = [(lang, url_of(lang)) for lang in langs]
    return (*pairs, ("x-default", url_of(document.settings.authoritative)))


def _switcher(
    document: Document, version: Version | None, lang: str, url_of: UrlOf
) -> tuple[LanguageLink, ...]:
    return tuple(
        LanguageLink(
            other,
            native_name(other),
            url_of(other),
            other == lang,
            version is None or version.text(other) is not None,
        )
        for other in document.settings.languages
    )


def _doc_links(
    document: Document, lang: str, version: Version, bilingual: bool
) -> list[tuple[str, str]]:
    """(catalogue key, URL) of the document's other pages, for the version header."""
    links = [("current_version", urls.document(lang, document.id))]
    links.append(("permalink", urls.version(lang, document.id, version.id)))
    if bilingual:
        links.append(("bilingual", urls.bilingual(lang, document.id, version.id)))
    links.append(("history", urls.history(lang, document.id)))
    return links


@dataclass(frozen=True, slots=True)
class Revision:
    """What a version changed, for the line under its title."""

    first: bool  # the first version (制定)
    summary: str
    lang: str  # the summary's language (the authoritative one when untranslated)
    previous: dt.date | None
    diff_url: str | None


def _revision(document: Document, version: Version, lang: str) -> Revision:
    previous = document.previous(version)
    own = version.text(lang)
    master = version.text(document.settings.authoritative)
    source = own if own is not None and own.meta.summary else master
    summary = source.meta.summary if source is not None else ""
    return Revision(
        first=previous is None,
        summary=summary,
        lang=source.lang if source is not None else lang,
        previous=previous.effective if previous else None,
        diff_url=urls.diff(lang, document.id, previous.id, version.id) if previous else None,
    )


def valid_until(document: Document, version: Version) -> dt.date | None:
    """The last day a version was in force: the day before the next one took effect."""
    index = document.versions.index(version)
    if index + 1 >= len(document.versions):
        return None
    return document.versions[index + 1].effective - dt.timedelta(days=1)


def toc_entries(text: LanguageText) -> tuple[tuple[str, str, int], ...]:
    """(id, heading, depth) of every headed unit, appendices last: the 目次."""
    return tuple((a.id, a.heading, a.depth) for a in (*text.articles, *text.appendices))


def _change_level(document: Document, version: Version) -> str | None:
    master = version.text(document.settings.authoritative)
    if document.previous(version) is None:
        return "first"
    return master.meta.change if master is not None else None


def pdf_url(ctx: BuildContext, document: Document, version: Version, lang: str) -> str | None:
    """The version's PDF, when this build makes PDFs (see kaitei.site.pdf)."""
    if not ctx.cache.get("pdf_enabled"):
        return None
    return urls.version_pdf(lang, document.id, version.id)


@dataclass(frozen=True, slots=True)
class Link:
    lang: str
    url: str


def _notice_banner(ctx: BuildContext, document: Document, lang: str) -> Any:
    """The notice banner of a document's pages (issue: notices), or None."""
    return banner(document, lang, ctx.as_of)


def _page(
    ctx: BuildContext,
    template: str,
    url: str,
    lang: str,
    alternates: Alternates,
    *,
    in_sitemap: bool = True,
    **context: Any,
) -> OutputFile:
    content = ctx.renderer.page(
        template, url, lang, alternates=alternates, site=ctx.site, **context
    )
    return OutputFile(url, content, lang, alternates, in_sitemap)


def _bilingual_partner(document: Document, lang: str) -> str | None:
    """The second language of the bilingual view shown under `lang`."""
    languages = document.settings.languages
    if len(languages) < 2:
        return None
    return languages[1] if lang == document.settings.authoritative else lang


@dataclass(frozen=True, slots=True)
class StaleTranslation:
    """A translation that translates an older authoritative version than the one beside it."""

    translates: dt.date
    url: str  # that version in the authoritative language


def stale_translation(
    document: Document, version: Version, text: LanguageText | None
) -> StaleTranslation | None:
    wanted = text.meta.translates if text is not None else None
    if wanted is None or wanted == version.effective:
        return None
    authoritative = document.settings.authoritative
    return StaleTranslation(wanted, urls.version(authoritative, document.id, wanted.isoformat()))


def version_page(
    ctx: BuildContext, document: Document, version: Version, lang: str, url: str
) -> OutputFile:
    """A version in one language at `url` (the current page or the permalink)."""
    text = version.text(lang)
    is_current_url = url == urls.document(lang, document.id)

    def url_of(other: str) -> str:
        if is_current_url:
            return urls.document(other, document.id)
        return urls.version(other, document.id, version.id)

    if text is None:
        return unavailable_page(ctx, document, version, lang, url, url_of)
    status = status_of(document, version, ctx.as_of)
    has_partner = _bilingual_partner(document, lang) is not None
    authoritative = document.settings.authoritative
    master = version.text(authoritative)
    assert master is not None  # load refuses versions without the authoritative text
    return _page(
        ctx,
        "version.html",
        url,
        lang,
        _alternates(document, version, url_of),
        title=(text.title.plain or document.settings.title(lang))
        if is_current_url
        else f"{text.title.plain or document.settings.title(lang)} "
        f"({load_catalogue(lang).date(version.effective)})",
        switcher=_switcher(document, version, lang, url_of),
        document=document,
        version=version,
        text=text,
        meta=master.meta,
        reconstruction=reconstruction(document, version, lang),
        names=anchor_names(text, load_catalogue(lang)),
        record=version_record(ctx, document, version, text),
        toc=toc_entries(text),
        valid_until=valid_until(document, version),
        revision=_revision(document, version, lang),
        change_level=_change_level(document, version),
        pdf_url=pdf_url(ctx, document, version, lang),
        status=status,
        current=document.in_force(ctx.as_of),
        upcoming=_upcoming(ctx, document, lang) if status == "current" else None,
        notice_banner=_notice_banner(ctx, document, lang),
        doc_links=_doc_links(document, lang, version, has_partner),
        authoritative_link=None
        if lang == authoritative
        else Link(authoritative, url_of(authoritative)),
        stale=stale_translation(document, version, text),
    )


def unavailable_page(
    ctx: BuildContext,
    document: Document,
    version: Version,
    lang: str,
    url: str,
    url_of: UrlOf,
    missing: str | None = None,
) -> OutputFile:
    """The page a reader finds where a translation is missing: says so, links to the others."""
    available = [Link(t.lang, url_of(t.lang)) for t in version.texts]
    return _page(
        ctx,
        "unavailable.html",
        url,
        lang,
        (),
        in_sitemap=False,
        title=load_catalogue(lang)(
            "unavailable_title", language=load_catalogue(lang).language(missing or lang)
        ),
        robots="noindex",
        switcher=_switcher(document, version, lang, url_of),
        document=document,
        version=version,
        missing=missing or lang,
        available=available,
        doc_title=document.settings.title(lang),
        # A title not translated into `lang` is shown in the language it is written in.
        doc_title_lang=(
            lang if lang in dict(document.settings.titles) else document.settings.authoritative
        ),
    )


def bilingual_page(
    ctx: BuildContext, document: Document, version: Version, lang: str
) -> OutputFile | None:
    partner = _bilingual_partner(document, lang)
    if partner is None:
        return None
    url = urls.bilingual(lang, document.id, version.id)

    def url_of(other: str) -> str:
        return urls.bilingual(other, document.id, version.id)

    authoritative = document.settings.authoritative
    left = version.text(authoritative)
    right = version.text(partner)
    assert left is not None
    if right is None:
        return unavailable_page(ctx, document, version, lang, url, url_of, missing=partner)
    status = status_of(document, version, ctx.as_of)
    # The page's own language keeps the model's ids; the other column is prefixed.
    prefixes = {t.lang: ("" if t.lang == lang else f"{t.lang}-") for t in (left, right)}
    columns = [
        {"text": t, "prefix": prefixes[t.lang], "names": anchor_names(t, load_catalogue(t.lang))}
        for t in (left, right)
    ]
    t = load_catalogue(lang)
    return _page(
        ctx,
        "bilingual.html",
        url,
        lang,
        _alternates(document, version, url_of),
        title=t("bilingual_heading", title=document.settings.title(lang)),
        switcher=_switcher(document, version, lang, url_of),
        document=document,
        version=version,
        meta=left.meta,
        reconstruction=reconstruction(document, version, lang),
        columns=columns,
        rows=align_articles(left, right),
        toc=toc_entries(version.text(lang) or left),
        valid_until=valid_until(document, version),
        revision=_revision(document, version, lang),
        pdf_url=None,
        status=status,
        current=document.in_force(ctx.as_of),
        upcoming=_upcoming(ctx, document, lang) if status == "current" else None,
        notice_banner=_notice_banner(ctx, document, lang),
        doc_links=_doc_links(document, lang, version, True),
        authoritative_link=None,
        stale=stale_translation(document, version, right),
    )


def align_articles(left: LanguageText, right: LanguageText) -> list[tuple[Any, Any]]:
    """Article pairs by id, in the authoritative order; unmatched ones stand alone."""
    left_units = (*left.articles, *left.appendices)
    right_units = (*right.articles, *right.appendices)
    theirs = {a.id: a for a in right_units}
    ours = {a.id for a in left_units}
    rows: list[tuple[Any, Any]] = [(a, theirs.get(a.id)) for a in left_units]
    rows += [(None, a) for a in right_units if a.id not in ours]
    return rows


def history_page(ctx: BuildContext, document: Document, lang: str) -> OutputFile:
    url = urls.history(lang, document.id)
    authoritative = document.settings.authoritative
    current = document.in_force(ctx.as_of)
    compared = compared_with_current(document, ctx.as_of)
    entries = []
    for version in reversed(document.versions):
        master = version.text(authoritative)
        assert master is not None
        own = version.text(lang)
        previous = document.previous(version)
        diffs = []
        if previous is not None:
            diffs.append(
                (
                    "history_diff_previous",
                    previous,
                    urls.diff(lang, document.id, previous.id, version.id),
                )
            )
        if current is not None and version.id in compared and current is not previous:
            old, new = sorted((version, current), key=lambda v: v.effective)
            if document.previous(new) is not old or new is not version:
                diffs.append(
                    ("history_diff_current", current, urls.diff(lang, document.id, old.id, new.id))
                )
        entries.append(
            {
                "version": version,
                "meta": master.meta,
                "text": own or master,
                "fallback": own is None,
                "status": status_of(document, version, ctx.as_of),
                "first": previous is None,
                "level": declared_level(document, version),
                "reconstruction": is_reconstruction(document, version),
                "url": urls.version(lang, document.id, version.id),
                "diffs": diffs,
                "record": version_record(ctx, document, version, own or master),
            }
        )

    def url_of(other: str) -> str:
        return urls.history(other, document.id)

    t = load_catalogue(lang)
    return _page(
        ctx,
        "history.html",
        url,
        lang,
        _alternates(document, None, url_of),
        title=t("history_heading", title=document.settings.title(lang)),
        switcher=_switcher(document, None, lang, url_of),
        document=document,
        entries=entries,
        authoritative=authoritative,
        notice_banner=_notice_banner(ctx, document, lang),
    )


def documents_page(ctx: BuildContext, lang: str, languages: tuple[str, ...]) -> OutputFile:
    url = urls.language_home(lang)
    rows = []
    for document in ctx.site.documents:
        current = document.in_force(ctx.as_of)
        has_lang = lang in document.settings.languages
        shown = lang if has_lang else document.settings.authoritative
        rows.append(
            {
                "document": document,
                "title": document.settings.title(shown),
                "title_lang": shown,
                "current": current,
                "url": urls.document(shown, document.id),
                "history_url": urls.history(shown, document.id),
                "only_in": None if has_lang else shown,
            }
        )
    alternates = (*((other, urls.language_home(other)) for other in languages), ("x-default", ""))
    t = load_catalogue(lang)
    return _page(
        ctx,
        "documents.html",
        url,
        lang,
        alternates,
        title=t("documents_heading"),
        switcher=tuple(
            LanguageLink(
                other,
                native_name(other),
                urls.language_home(other),
                other == lang,
                True,
            )
            for other in languages
        ),
        rows=rows,
    )


def chooser_page(ctx: BuildContext, languages: tuple[str, ...]) -> OutputFile:
    # The chooser speaks every language; its own lang is the first site language.
    lang = languages[0] if languages else "en"
    choices = [
        {
            "lang": other,
            "t": load_catalogue(other),
            "name": native_name(other),
            "url": urls.language_home(other),
        }
        for other in languages
    ]
    alternates = (*((other, urls.language_home(other)) for other in languages), ("x-default", ""))
    return _page(
        ctx,
        "chooser.html",
        urls.home(),
        lang,
        alternates,
        title=" / ".join(load_catalogue(other)("chooser_heading") for other in languages)
        or "kaitei",
        choices=choices,
    )


def document_pages(ctx: BuildContext, document: Document) -> Iterator[OutputFile]:
    current = document.in_force(ctx.as_of)
    for lang in document.settings.languages:
        if current is not None:
            yield version_page(ctx, document, current, lang, urls.document(lang, document.id))
        else:
            yield not_in_force_page(ctx, document, lang)
        for version in document.versions:
            yield version_page(
                ctx, document, version, lang, urls.version(lang, document.id, version.id)
            )
            page = bilingual_page(ctx, document, version, lang)
            if page is not None:
                yield page
        yield history_page(ctx, document, lang)


def not_in_force_page(ctx: BuildContext, document: Document, lang: str) -> OutputFile:
    """The current page of a document whose first version is still to come."""
    url = urls.document(lang, document.id)

    def url_of(other: str) -> str:
        return urls.document(other, document.id)

    t = load_catalogue(lang)
    return _page(
        ctx,
        "not_in_force.html",
        url,
        lang,
        _alternates(document, None, url_of),
        title=document.settings.title(lang),
        switcher=_switcher(document, None, lang, url_of),
        document=document,
        message=t("no_version_in_force"),
        upcoming=_upcoming(ctx, document, lang),
        status="none",  # no version of its own: only the upcoming banner applies
        notice_banner=_notice_banner(ctx, document, lang),
    )


@generator("pages", split=True)
def pages(ctx: BuildContext) -> Iterator[OutputFile]:
    # Job 0 is the site's own pages, job 1 + i the pages of document i (see Portion).
    if 0 in ctx.portion:
        languages = site_languages(ctx.site)
        yield chooser_page(ctx, languages)
        for lang in languages:
            yield documents_page(ctx, lang, languages)
    for number, document in enumerate(ctx.site.documents, 1):
        if number in ctx.portion:
            yield from document_pages(ctx, document)
            ctx.renderer.forget()  # bounded memory: the next document shares no article


def stylesheet(site_theme: SiteTheme) -> str:
    """The one stylesheet: theme/css/*.css, site.css first, the site's theme/ replacing a
    built-in file of the same name and adding its own, its colours last."""
    sheets: dict[str, Path] = {}
    for folder in reversed(theme_dirs(site_theme)):
        for path in sorted((folder / "css").glob("*.css")):
            sheets[path.name] = path  # the site's file replaces the built-in one
    order = sorted(sheets, key=lambda name: (name != "site.css", name))
    css = "\n".join(f"/* {n} */\n" + sheets[n].read_text(encoding="utf-8") for n in order)
    return css + site_theme.css()


@generator("assets")
def assets(ctx: BuildContext) -> Iterator[OutputFile]:
    """The stylesheet, the one small script, the favicon and the site's logo."""
    site_theme = ctx.renderer.site_theme
    yield OutputFile(STYLESHEET, stylesheet(site_theme).encode("utf-8"), in_sitemap=False)
    script = theme_file(site_theme, "js/site.js").read_bytes()
    yield OutputFile(SCRIPT, script, in_sitemap=False)
    favicon = theme_file(site_theme, "favicon.svg").read_bytes()
    yield OutputFile(FAVICON, favicon, in_sitemap=False)
    logo = site_theme.logo_file()
    if logo is not None:
        yield OutputFile(logo_url(site_theme), logo.read_bytes(), in_sitemap=False)

"""Notices of material changes (the policy's Article 12): notice pages, the list, the banner.

A version whose declared level is `notice` or `consent` gets a notice page in every language
of its document. The banner on the document's pages runs from the announced date until
`banner_days_after` days after the effective date. Everything here is a pure function of the
model and the build's as-of date; feed.py and api.py share the facts computed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from ..catalogue import Catalogue, load_catalogue
from ..classify import declared_level, is_notice_level
from ..clock import midnight
from ..model import ChangeLevel, Document, FrontMatter, Site, Version
from . import urls
from .languages import native_name, site_languages
from .output import BuildContext, OutputFile, generator
from .reconstruction import is_reconstruction
from .render import LanguageLink

Phase = Literal["upcoming", "in-effect"]


@cache
def strings(lang: str) -> Catalogue:
    """The notices' UI strings: the `notice_strings:` section of the language's one catalogue."""
    return Catalogue(lang, load_catalogue(lang).strings["notice_strings"])


def long_date(day: dt.date, lang: str) -> str:
    return load_catalogue(lang).date(day)


# --- facts about versions -------------------------------------------------------------------


def level(document: Document, version: Version) -> ChangeLevel:
    return declared_level(document, version)


def is_notice(document: Document, version: Version) -> bool:
    """Announced versions: notice and consent (not an enactment, not an editorial change)."""
    return is_notice_level(level(document, version))


def notice_versions(document: Document) -> tuple[Version, ...]:
    return tuple(v for v in document.versions if is_notice(document, v))


def effective_at(document: Document, version: Version) -> dt.datetime:
    """The instant the version takes effect: midnight of its date in the document's zone."""
    return midnight(version.effective, document.settings.timezone)


def meta(document: Document, version: Version, lang: str) -> tuple[FrontMatter, str]:
    """The front matter to show in `lang` and the language it is really in (a fallback)."""
    text = version.text(lang)
    if text is not None and text.meta.summary:
        return text.meta, lang
    authoritative = version.text(document.settings.authoritative)
    assert authoritative is not None  # load refuses versions without it
    return authoritative.meta, document.settings.authoritative


def announced(document: Document, version: Version) -> dt.date | None:
    text = version.text(document.settings.authoritative)
    return text.meta.announced if text is not None else None


def shown_from(document: Document, version: Version) -> dt.date:
    """When a version becomes public news: its announcement, else its effective date."""
    return announced(document, version) or version.effective


def phase(version: Version, as_of: dt.date) -> Phase:
    return "upcoming" if version.effective > as_of else "in-effect"


def diff_url(document: Document, version: Version, lang: str) -> str | None:
    previous = document.previous(version)
    return urls.diff(lang, document.id, previous.id, version.id) if previous else None


# --- the banner -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Banner:
    """What the banner on a document's pages says; URLs are site-relative (use `rel`)."""

    document: str
    version: str
    level: ChangeLevel
    phase: Phase
    effective: dt.date
    announced: dt.date
    until: dt.date  # the last day it is shown
    label: str  # the banner's accessible name
    message: str
    notice_url: str
    notice_label: str
    diff_url: str | None
    diff_label: str


def banner(document: Document, lang: str, as_of: dt.date) -> Banner | None:
    """The banner for the document's pages in `lang` on `as_of`, if a notice is running.

    Shown from the announced date until `banner_days_after` days after the effective date;
    when two notices overlap, the one taking effect last wins (it is the one still to act on).
    """
    after = dt.timedelta(days=document.settings.banner_days_after)
    running = [
        v
        for v in notice_versions(document)
        if shown_from(document, v) <= as_of <= v.effective + after
    ]
    if not running:
        return None
    version = running[-1]
    kind = level(document, version)
    now = phase(version, as_of)
    s = strings(lang)
    key = f"banner_{'upcoming' if now == 'upcoming' else 'in_effect'}_{kind}"
    return Banner(
        document=document.id,
        version=version.id,
        level=kind,
        phase=now,
        effective=version.effective,
        announced=shown_from(document, version),
        until=version.effective + after,
        label=s("banner_label"),
        message=s(
            key, title=document.settings.title(lang), date=long_date(version.effective, lang)
        ),
        notice_url=urls.notice(lang, document.id, version.id),
        notice_label=s("banner_read"),
        diff_url=diff_url(document, version, lang),
        diff_label=s("banner_diff"),
    )


# --- pages ----------------------------------------------------------------------------------


def _switcher(languages: tuple[str, ...], lang: str, url_of: Any) -> tuple[LanguageLink, ...]:
    return tuple(
        LanguageLink(other, native_name(other), url_of(other), other == lang, True)
        for other in languages
    )


def _alternates(
    languages: tuple[str, ...], default: str, url_of: Any
) -> tuple[tuple[str, str], ...]:
    return (*((other, url_of(other)) for other in languages), ("x-default", url_of(default)))


def notice_page(ctx: BuildContext, document: Document, version: Version, lang: str) -> OutputFile:
    url = urls.notice(lang, document.id, version.id)
    languages = document.settings.languages

    def url_of(other: str) -> str:
        return urls.notice(other, document.id, version.id)

    s = strings(lang)
    front, shown_lang = meta(document, version, lang)
    previous = document.previous(version)
    title = document.settings.title(lang)
    alternates = _alternates(languages, document.settings.authoritative, url_of)
    content = ctx.renderer.page(
        "notice.html",
        url,
        lang,
        title=s("notice_title", title=title),
        alternates=alternates,
        switcher=_switcher(languages, lang, url_of),
        nt=s,
        document=document,
        doc_title=title,
        version=version,
        level=level(document, version),
        phase=phase(version, ctx.as_of),
        announced=shown_from(document, version),
        summary=front.summary,
        changes=front.changes,
        summary_lang=shown_lang,
        fallback_language=(
            load_catalogue(lang).language(shown_lang) if shown_lang != lang else None
        ),
        translated_from=(
            load_catalogue(lang).language(document.settings.authoritative)
            if shown_lang != document.settings.authoritative
            else None
        ),
        previous=previous,
        previous_reconstruction=previous is not None and is_reconstruction(document, previous),
        diff_url=diff_url(document, version, lang),
        text_url=urls.version(lang, document.id, version.id),
        history_url=urls.history(lang, document.id),
    )
    return OutputFile(url, content, lang, alternates)


@dataclass(frozen=True, slots=True)
class IndexRow:
    document: str
    title: str
    version: str
    level: ChangeLevel
    phase: Phase
    announced: dt.date
    effective: dt.date
    url: str


def index_rows(site: Site, lang: str, as_of: dt.date) -> tuple[IndexRow, ...]:
    """Every notice-level version, newest effective date first."""
    rows = [
        IndexRow(
            document.id,
            document.settings.title(lang),
            version.id,
            level(document, version),
            phase(version, as_of),
            shown_from(document, version),
            version.effective,
            urls.notice(lang, document.id, version.id),
        )
        for document in site.documents
        if lang in document.settings.languages
        for version in notice_versions(document)
    ]
    return tuple(sorted(rows, key=lambda r: (r.effective, r.document), reverse=True))


def notices_index(ctx: BuildContext, lang: str) -> OutputFile:
    languages = site_languages(ctx.site)
    url = urls.notices(lang)
    alternates = _alternates(languages, languages[0], urls.notices)
    s = strings(lang)
    content = ctx.renderer.page(
        "notices.html",
        url,
        lang,
        title=s("index_title"),
        alternates=alternates,
        switcher=_switcher(languages, lang, urls.notices),
        nt=s,
        rows=index_rows(ctx.site, lang, ctx.as_of),
        feed_url=urls.feed(lang),
    )
    return OutputFile(url, content, lang, alternates)


@generator("notices")
def notices(ctx: BuildContext) -> Iterator[OutputFile]:
    for lang in site_languages(ctx.site):
        yield notices_index(ctx, lang)
    for document in ctx.site.documents:
        for version in notice_versions(document):
            for lang in document.settings.languages:
                yield notice_page(ctx, document, version, lang)

"""The diff pages: 新旧対照表 and redline at {lang}/{doc}/diff/{old}/{new}/.

One page per pair of `pages.diff_pairs` (each version against its predecessor and against the
version in force: the pairs the history page and the banners link to) in every language of
the document. Each ChangeSet is kept in `ctx.cache["changesets"]` so that later stages
(notices, classification) reuse it instead of diffing again; what the diffs share (a text's
units and Sides) in `ctx.cache["diff_cache"]`; the HTML of each top-level pair in
`ctx.cache["diff_fragments"]`, as most articles are the same on every page of a document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..catalogue import Catalogue, load_catalogue
from ..check import Changes
from ..classify import declared_level
from ..diff.changeset import ChangeSet, DiffCache
from ..diff.changeset import changesets as changeset_all
from ..diffout import pair_kind_word, pair_name, strings
from ..diffout.html import FragmentCache, diff_context
from ..model import Document, Site, Version
from . import urls
from .languages import native_name
from .output import BuildContext, OutputFile, Portion, generator
from .pages import diff_pairs, unavailable_page
from .reconstruction import Reconstruction, reconstructed_sides
from .render import LanguageLink

CACHE_KEY = "changesets"
FRAGMENTS_KEY = "diff_fragments"
DIFFS_KEY = "diff_cache"
OWNER_KEY = "diff_cache_document"  # the document whose diffs the three caches above hold


def changesets(ctx: BuildContext) -> dict[tuple[str, str, str], Mapping[str, ChangeSet]]:
    """The build's ChangeSets by (doc, old, new), each a mapping by language, created on
    first use."""
    cache: dict[tuple[str, str, str], Mapping[str, ChangeSet]]
    cache = ctx.cache.setdefault(CACHE_KEY, {})
    return cache


def pair_changesets(
    ctx: BuildContext, document: Document, old: str, new: str
) -> Mapping[str, ChangeSet]:
    """The ChangeSets of two versions in every language both have, made once per build."""
    key = (document.id, old, new)
    table = changesets(ctx)
    if key not in table:
        # Every language at once: the cross-language flags need them all anyway.
        diffs: DiffCache = ctx.cache.setdefault(DIFFS_KEY, DiffCache())
        table[key] = changeset_all(document, old, new, diffs)
    return table[key]


def cached_changeset(
    ctx: BuildContext, document: Document, old: str, new: str, lang: str
) -> ChangeSet:
    return pair_changesets(ctx, document, old, new)[lang]


def document_changes(ctx: BuildContext) -> Changes:
    """The ChangeSets of this build's diff pages, for the document checks (kaitei.check):
    the checks of a document run where its diff pages are made, and diff each pair once."""

    def changes(document: Document, old: Version, new: Version) -> Mapping[str, ChangeSet]:
        _start_document(ctx, document)
        return pair_changesets(ctx, document, old.id, new.id)

    return changes


def fragments(ctx: BuildContext) -> FragmentCache:
    """The build's rendered diff fragments, keyed like the renderer's article cache."""
    cache: FragmentCache = ctx.cache.setdefault(
        FRAGMENTS_KEY, FragmentCache(ctx.renderer.fingerprint)
    )
    return cache


def _both(document: Document, old: str, new: str, lang: str) -> bool:
    old_v, new_v = document.version(old), document.version(new)
    return bool(old_v and new_v and old_v.text(lang) and new_v.text(lang))


def diff_page(ctx: BuildContext, document: Document, old: str, new: str, lang: str) -> OutputFile:
    url = urls.diff(lang, document.id, old, new)
    old_v, new_v = document.version(old), document.version(new)
    assert old_v is not None and new_v is not None

    def url_of(other: str) -> str:
        return urls.diff(other, document.id, old, new)

    languages = document.settings.languages
    if not _both(document, old, new, lang):
        return unavailable_page(ctx, document, new_v, lang, url, url_of)
    present = [other for other in languages if _both(document, old, new, other)]
    alternates = (
        *((other, url_of(other)) for other in present),
        ("x-default", url_of(document.settings.authoritative)),
    )
    switcher = tuple(
        LanguageLink(
            other,
            native_name(other),
            url_of(other),
            other == lang,
            other in present,
        )
        for other in languages
    )
    changes = cached_changeset(ctx, document, old, new, lang)
    t = load_catalogue(lang)
    statute = document.settings.style == "statute"
    context = diff_context(changes, document.settings.diff_layout, fragments(ctx), statute)
    reconstructions = reconstructed_sides(document, old_v, new_v, lang)
    if reconstructions:
        context["diff_headers"] = _labelled_headers(
            context["diff_headers"], document.settings.diff_layout, reconstructions, old, t
        )
    content = ctx.renderer.page(
        "diff.html",
        url,
        lang,
        alternates=alternates,
        switcher=switcher,
        title=t("diff_heading", title=document.settings.title(lang)),
        document=document,
        old=old_v,
        new=new_v,
        changeset=changes,
        summary=diff_summary(ctx, document, old_v, new_v, changes),
        pdf_url=urls.diff_pdf(lang, document.id, old, new)
        if ctx.cache.get("pdf_enabled")
        else None,
        reconstructions=reconstructions,
        **context,
    )
    return OutputFile(url, content, lang, alternates)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A changed provision in the summary's index: its name, how it changed, where it is."""

    name: str
    kind: str
    kind_word: str
    anchor: str  # the id of its block in the table


@dataclass(frozen=True, slots=True)
class DiffSummary:
    """The top of a diff page: counts, the change level, the notice, the changed provisions."""

    counts: tuple[tuple[str, str, int], ...]  # (kind, word, number of articles)
    level: str | None  # enacted / editorial / notice / consent, when `new` follows `old`
    notice_url: str | None
    index: tuple[IndexEntry, ...]


def diff_summary(
    ctx: BuildContext, document: Document, old: Version, new: Version, changes: ChangeSet
) -> DiffSummary:
    lang = changes.lang
    counts = changes.counts()
    # The usual kinds first; kinds the aligner adds later (split, merged …) after them.
    order = ("changed", "added", "removed", "moved", "renumbered")
    labels = strings(lang)
    shown = tuple((k, labels.get(k, k), counts[k]) for k in order if counts.get(k))
    shown += tuple(
        (k, labels.get(k, k), n)
        for k, n in sorted(counts.items())
        if n and k not in order and k != "unchanged"
    )
    consecutive = document.previous(new) is old
    level = declared_level(document, new) if consecutive else None
    notices_on = bool(ctx.renderer.features.get("notices"))
    notice_url = (
        urls.notice(lang, document.id, new.id)
        if consecutive and notices_on and level in ("notice", "consent")
        else None
    )
    index = tuple(
        IndexEntry(pair_name(p, lang), p.kind, pair_kind_word(p, lang), f"t-{p.id}")
        for p in changes.pairs
        if p.kind != "unchanged"
    )
    return DiffSummary(shown, level, notice_url, index)


def _labelled_headers(
    headers: Any, layout: str, found: tuple[Reconstruction, ...], old: str, t: Catalogue
) -> tuple[str, str]:
    """The column headers, the reconstructed side's marked as such."""
    old_index = 1 if layout == "new-left" else 0
    marked = list(headers)
    for r in found:
        index = old_index if r.version == old else 1 - old_index
        marked[index] = t("diff_header_reconstruction", header=marked[index])
    return (marked[0], marked[1])


def diff_jobs(site: Site, as_of: dt.date, portion: Portion) -> Iterator[tuple[Document, str, str]]:
    """The (document, old, new) pairs whose pages `portion` makes, in the site's order.

    A pair is never split: its changesets are made for all its languages at once (the
    cross-language flags need them all). A job is a run of consecutive pairs, one run per
    portion: the pairs of a document share their texts' units and Sides and the HTML of
    their unchanged articles (the caches of `_start_document`), which a process reuses only
    for the pairs it makes itself. One job per pair dealt every document's pairs round-robin
    to every portion, and each portion wrote the same articles again. A portion of more
    jobs than there are pairs (kaitei.site.incremental's) numbers one job per pair.
    """
    everything = [
        (document, old, new)
        for document in site.documents
        for old, new in diff_pairs(document, as_of)
    ]
    run = max(1, -(-len(everything) // portion.of))  # pairs per job, rounded up
    for number, job in enumerate(everything):
        if number // run in portion:
            yield job


@generator("diff", split=True)
def diff_pages(ctx: BuildContext) -> Iterator[OutputFile]:
    for document, old, new in diff_jobs(ctx.site, ctx.as_of, ctx.portion):
        _start_document(ctx, document)  # a no-op for the document's second pair on
        for lang in document.settings.languages:
            yield diff_page(ctx, document, old, new, lang)


def _start_document(ctx: BuildContext, document: Document) -> None:
    """Drop the previous document's diff work: another document shares none of its texts,
    and keeping every document's would hold the whole site's diffs in memory."""
    if ctx.cache.get(OWNER_KEY) != document.id:
        forget_diffs(ctx)
        ctx.renderer.forget()
        ctx.cache[OWNER_KEY] = document.id


def forget_diffs(ctx: BuildContext) -> None:
    """Drop the diff work kept for the last document (its ChangeSets, units, HTML)."""
    for key in (CACHE_KEY, FRAGMENTS_KEY, DIFFS_KEY, OWNER_KEY):
        ctx.cache.pop(key, None)

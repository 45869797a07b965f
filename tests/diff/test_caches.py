"""The per-build caches of the diff pages: a cached result is the uncached one, byte for byte."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

from kaitei.diff.align import Similarity, _part_counts
from kaitei.diff.changeset import DiffCache, changeset, changesets
from kaitei.diff.units import UnitCache
from kaitei.diffout.html import FragmentCache, diff_context
from kaitei.model import Document, Site
from kaitei.site.diffpages import DIFFS_KEY, FRAGMENTS_KEY, diff_pages
from kaitei.site.output import BuildContext
from kaitei.site.pages import bilingual_page
from kaitei.site.render import Renderer, fingerprint

from .conftest import write_document

OLD, NEW = "2017-08-23", "2020-10-01"


def _context(site: Site) -> BuildContext:
    as_of = dt.date(2026, 1, 1)
    return BuildContext(site, as_of, "", "", Renderer("", as_of, {"notices": False}))


def test_cached_fragments_give_the_uncached_context(sample: Document) -> None:
    cache = FragmentCache(fingerprint)
    for lang in ("ja", "en"):
        changes = changeset(sample, OLD, NEW, lang)
        for layout in ("new-left", "old-left"):
            uncached = diff_context(changes, layout)
            assert diff_context(changes, layout, cache) == uncached  # filled
            assert diff_context(changes, layout, cache) == uncached  # every pair a hit


def test_diff_pages_from_a_full_cache_are_the_same_bytes(sample_site: Site) -> None:
    ctx = _context(sample_site)
    first = [(f.url, f.content) for f in diff_pages(ctx)]
    assert ctx.cache[FRAGMENTS_KEY].blocks and ctx.cache[DIFFS_KEY]
    assert [(f.url, f.content) for f in diff_pages(ctx)] == first
    assert [(f.url, f.content) for f in diff_pages(_context(sample_site))] == first


def test_an_unchanged_article_is_written_once_for_all_pages(tmp_path: Path) -> None:
    article = "## 第1条（目的）\n\n変わらない条文。\n\n"
    document = write_document(
        tmp_path,
        {
            "2020-01-01": {"ja": "# 規程\n\n" + article + "## 第2条（定義）\n\n一つ目。\n"},
            "2021-01-01": {"ja": "# 規程\n\n" + article + "## 第2条（定義）\n\n二つ目。\n"},
            "2022-01-01": {"ja": "# 規程\n\n" + article + "## 第2条（定義）\n\n三つ目。\n"},
        },
    )
    cache = FragmentCache(fingerprint)
    versions = [v.id for v in document.versions]
    for old, new in pairwise(versions):
        diff_context(changeset(document, old, new, "ja"), "new-left", cache)
    # The title and 第1条 are the same pairs in both diffs; 第2条 differs each time.
    assert len(cache.blocks) == 4


def test_units_and_sides_from_the_cache_give_the_same_changesets(sample: Document) -> None:
    diffs = DiffCache()
    expected = changesets(sample, OLD, NEW)
    assert changesets(sample, OLD, NEW, diffs) == expected
    assert changesets(sample, OLD, NEW, diffs) == expected  # units and sides reused
    assert changesets(sample, NEW, NEW, diffs) == changesets(sample, NEW, NEW)


def test_word_counts_shared_between_pairs_give_the_same_scores(sample: Document) -> None:
    cache = UnitCache()
    olds = [cache(v.text("ja")) for v in sample.versions]  # type: ignore[arg-type]
    a, b = olds[0]["articles"], olds[1]["articles"]
    shared = Similarity(parts=(a, b))
    fresh = Similarity([*a, *b])
    for x in (*a, *b):
        for y in (*a, *b):
            assert shared(x, y) == fresh(x, y)
    # A version's counts are kept for its next pair (the same sequence, not a copy).
    assert _part_counts(b) is _part_counts(b)
    assert _part_counts(tuple(b)) is _part_counts(b)
    assert _part_counts(list(b)) is not _part_counts(b)


def test_bilingual_pages_from_a_warm_renderer_are_those_of_a_fresh_one(sample_site: Site) -> None:
    # One renderer writes every article pair once (Renderer.bilingual_section); a fresh one
    # per page writes each again: the pages must not tell them apart.
    warm = _context(sample_site)
    pages = 0
    for document in sample_site.documents:
        for version in document.versions:
            for lang in document.settings.languages:
                page = bilingual_page(warm, document, version, lang)
                fresh = bilingual_page(_context(sample_site), document, version, lang)
                assert page is not None and fresh is not None
                assert page.content == fresh.content, (document.id, version.id, lang)
                pages += 1
    assert pages >= 4 and warm.renderer._sections  # the warm renderer did keep sections

"""The diff pages generator: one page per linked pair and language, ChangeSets cached."""

from __future__ import annotations

import datetime as dt

from lxml import html as lxml_html

from kaitei.model import Site
from kaitei.site import urls
from kaitei.site.diffpages import CACHE_KEY, diff_pages
from kaitei.site.output import GENERATORS, BuildContext
from kaitei.site.render import Renderer


def _context(site: Site) -> BuildContext:
    as_of = dt.date(2026, 1, 1)
    # The layout links optional parts (notices) only when they exist; none are needed here.
    renderer = Renderer("", as_of, {"notices": False})
    return BuildContext(site, as_of, "", "", renderer)


def test_pages_for_every_pair_and_language(sample_site: Site) -> None:
    assert GENERATORS["diff"] is diff_pages
    ctx = _context(sample_site)
    files = list(diff_pages(ctx))
    assert [(f.url, f.lang) for f in files] == [
        (urls.diff("ja", "privacy", "2017-08-23", "2020-10-01"), "ja"),
        (urls.diff("en", "privacy", "2017-08-23", "2020-10-01"), "en"),
    ]
    table = ctx.cache[CACHE_KEY]
    assert sorted(table) == [("privacy", "2017-08-23", "2020-10-01")]
    assert sorted(table["privacy", "2017-08-23", "2020-10-01"]) == ["en", "ja"]
    for file in files:
        tree = lxml_html.document_fromstring(file.content)
        assert tree.get("lang") == file.lang
        assert not tree.xpath("//script[not(@src)] | //*[@style] | //style")
        assert len(tree.xpath("//table[contains(@class, 'kt-taisho')]")) >= 1
        assert tree.xpath("//div[contains(@class, 'kt-redline')]//ins")
        assert ("x-default", urls.diff("ja", "privacy", "2017-08-23", "2020-10-01")) in (
            file.alternates
        )


def test_pages_are_deterministic(sample_site: Site) -> None:
    first = [f.content for f in diff_pages(_context(sample_site))]
    second = [f.content for f in diff_pages(_context(sample_site))]
    assert first == second

"""Published pages carry a strict Content-Security-Policy; `mkdocs serve` previews do not."""

from __future__ import annotations

from kaitei.model import Site
from kaitei.site.build import collect

from .conftest import AFTER, BASE_URL, ROOT

CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'self\';'


def _pages(site: Site, *, preview: bool) -> dict[str, str]:
    return {
        o.url: o.content.decode("utf-8")
        for o in collect(site, AFTER, ROOT, BASE_URL, preview=preview)
        if o.url.endswith("/")
    }


def test_every_published_page_has_the_policy(sample_site: Site) -> None:
    pages = _pages(sample_site, preview=False)
    assert len(pages) >= 20
    assert [url for url, page in pages.items() if CSP not in page] == []


def test_preview_pages_leave_room_for_live_reload(sample_site: Site) -> None:
    # MkDocs' live-reload script is inline; a policy would block it under `kaitei serve`.
    pages = _pages(sample_site, preview=True)
    assert [url for url, page in pages.items() if CSP in page] == []

"""Golden HTML of every page type of the sample site at fixed as-of dates.

Regenerate with KAITEI_REGEN_GOLDEN=1 and read the diff like code before committing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.site import urls
from kaitei.site.build import collect

from .conftest import AFTER, BASE_URL, BEFORE, ROOT, Built, html

GOLDEN = Path(__file__).parent / "golden"
NEVER = dt.date(2017, 1, 1)  # before the first version: nothing in force yet

# name → (as-of, URL, whole page?) The whole page once, to cover the layout's <head>.
CASES: dict[str, tuple[dt.date, str, bool]] = {
    "chooser": (AFTER, "", True),
    "documents-ja": (AFTER, "ja/", False),
    "current-en": (AFTER, "en/privacy/", False),
    "current-ja-upcoming": (BEFORE, "ja/privacy/", True),
    "permalink-en-superseded": (AFTER, "en/privacy/2017-08-23/", False),
    "permalink-en-upcoming": (BEFORE, "en/privacy/2020-10-01/", False),
    "bilingual-ja": (AFTER, "ja/privacy/2020-10-01/bilingual/", False),
    "history-en": (BEFORE, "en/privacy/history/", False),
    "history-ja": (AFTER, "ja/privacy/history/", False),
    "not-in-force-ja": (NEVER, "ja/privacy/", False),
}


def _main(page: str) -> str:
    found = re.search(r"<main\b.*?</main>\n", page, re.S)
    assert found is not None
    return found.group()


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / f"{name}.html"
    if os.environ.get("KAITEI_REGEN_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path.name}: run with KAITEI_REGEN_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_page_matches_golden(build_at: Callable[[dt.date], Built], name: str) -> None:
    as_of, url, whole = CASES[name]
    if as_of == NEVER:
        # The sample's checks do not mind the date; build without them.
        out = Collector()
        site = load_site(ROOT, out)
        built = {o.url: o for o in collect(site, as_of, ROOT, BASE_URL, only=["kaitei.site.pages"])}
    else:
        built = build_at(as_of)
    page = html(built, url)
    _compare(name, page if whole else _main(page))


def test_missing_translation_page_matches_golden(tmp_path: Path) -> None:
    """A version without en.md: the English URL says so, in English, and links to Japanese."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content/privacy/2017-08-23/en.md").unlink()
    out = Collector()
    site = load_site(tmp_path, out)
    assert [(d.code, d.severity) for d in out.items] == [("missing-translation", "warning")]
    built = {o.url: o for o in collect(site, AFTER, tmp_path, BASE_URL, only=["kaitei.site.pages"])}
    page = html(built, urls.version("en", "privacy", "2017-08-23"))
    assert '<html lang="en">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert not built[urls.version("en", "privacy", "2017-08-23")].in_sitemap
    # The Japanese page does not claim an English alternate it does not have.
    ja = html(built, urls.version("ja", "privacy", "2017-08-23"))
    assert 'hreflang="en" href=' not in ja
    _compare("unavailable-en", _main(page))

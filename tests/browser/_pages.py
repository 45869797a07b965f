"""Every page type of the DESIGN.md URL table, as a reader reaches it in the sample site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

OLD, NEW = "2017-08-23", "2020-10-01"  # the sample privacy policy's two versions
# The one outside link the linked_site fixture adds to the sample (the APPI on e-Gov).
LAW_URL = "https://elaws.e-gov.go.jp/document?lawid=415AC0000000057"

# Page types other issues have not delivered yet. While one is listed here its tests are
# expected to fail (strict: once the page exists they XPASS and fail, so the entry must go).
MISSING: dict[str, str] = {}

# What part of a URL names a page type, to tell a link to a missing page from a broken one.
URL_MARKS = {"feed": "/feed.xml", "diff": "/diff/", "notices": "/notices/"}


def missing_feature(url: str) -> str | None:
    """The MISSING entry a URL belongs to, if any."""
    return next((name for name, mark in URL_MARKS.items() if mark in url and name in MISSING), None)


@dataclass(frozen=True)
class PageType:
    name: str
    path: str  # below the site root, as in kaitei/site/urls.py
    site: str = "site"  # the conftest fixture serving it: site (as of 2026-11-25), early_site, …

    def param(self) -> Any:
        marks = []
        if self.name.split("-")[0] in MISSING:
            marks.append(pytest.mark.xfail(strict=True, reason=MISSING[self.name.split("-")[0]]))
        return pytest.param(self, id=self.name, marks=marks)


def _both(name: str, path: str, site: str = "site") -> list[PageType]:
    return [PageType(f"{name}-{lang}", path.format(lang=lang), site) for lang in ("ja", "en")]


PAGE_TYPES: list[PageType] = [
    PageType("chooser", ""),
    *_both("documents", "{lang}/"),
    *_both("current", "{lang}/privacy/"),
    *_both("permalink", "{lang}/privacy/" + OLD + "/"),
    *_both("bilingual", "{lang}/privacy/" + NEW + "/bilingual/"),
    *_both("history", "{lang}/privacy/history/"),
    *_both("diff", f"{{lang}}/privacy/diff/{OLD}/{NEW}/"),
    *_both("notices", "{lang}/notices/"),
    *_both("notice", f"{{lang}}/notices/privacy/{NEW}/"),
    # As of 2020-09-15 the 2020 version is upcoming: the current page carries the banner.
    *_both("upcoming", "{lang}/privacy/", "early_site"),
    # Before the first version takes effect the document has no text in force.
    *_both("not-in-force", "{lang}/privacy/", "before_site"),
    # A version whose English translation is missing gets an explicit page, in English.
    PageType("unavailable-en", "en/privacy/" + OLD + "/", "partial_site"),
]

PARAMS = [page.param() for page in PAGE_TYPES]

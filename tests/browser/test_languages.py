"""The ten-language sample in Chromium: axe on the Arabic, Traditional Chinese and chooser pages
at phone and desktop widths, and the right-to-left layout mirrored (TOC, 新旧対照表, anchors).

The site is the one tests/site/test_languages.py builds: ten languages declared, the policy
text in ja and en only, and an Arabic-only document in two versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.test_languages import TEN, TERMS_DIFF, build_site, make_site

from ._browser import ARTIFACTS, Reader, Server, save_json
from .test_page_types import NARROWEST, SCREENSHOT_WIDTHS, Open, _format_violations


@pytest.fixture(scope="session")
def ten_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = make_site(tmp_path_factory.mktemp("ten") / "site", TEN, arabic_terms=True)
    site, _ = build_site(root)
    server = Server(site).start()
    yield server
    server.stop()


PAGES = {
    "chooser": "",
    "ar-documents": "ar/",
    "ar-unavailable": "ar/privacy/",
    "ar-version": "ar/terms/",
    "ar-history": "ar/terms/history/",
    "ar-diff": TERMS_DIFF.removesuffix("index.html"),
    "ar-notices": "ar/notices/",
    "zh-Hant-documents": "zh-Hant/",
    "zh-Hant-unavailable": "zh-Hant/privacy/",
    "zh-Hant-history": "zh-Hant/privacy/history/",
}


@pytest.mark.parametrize("width", SCREENSHOT_WIDTHS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_reports_no_violations(
    reader_for: Open, axe_source: str, name: str, width: int
) -> None:
    reader = reader_for("ten_site", width=width)
    reader.open(PAGES[name])
    violations = reader.axe(axe_source)
    save_json(f"axe-languages-{name}-{width}.json", violations)
    assert not violations, f"/{PAGES[name]}:\n{_format_violations(violations)}"
    reader.assert_clean()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_sideways_scroll(reader_for: Open, name: str) -> None:
    """Screenshots at 390 and 1280 px (tests/artifacts/languages-*); none scrolls at 320."""
    reader = reader_for("ten_site", width=NARROWEST)
    page = reader.open(PAGES[name])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (NARROWEST, *SCREENSHOT_WIDTHS):
        page.set_viewport_size({"width": width, "height": 900})
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"/{PAGES[name]} scrolls sideways at {width}px"
        if width in SCREENSHOT_WIDTHS:
            page.screenshot(path=str(ARTIFACTS / f"languages-{name}-{width}.png"), full_page=True)
    reader.assert_clean()


def _box(page: Any, selector: str) -> dict[str, float]:
    box: dict[str, float] | None = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _centre(box: dict[str, float]) -> float:
    return box["x"] + box["width"] / 2


def test_the_arabic_page_is_mirrored(reader_for: Open) -> None:
    reader: Reader = reader_for("ten_site", width=1280)
    page = reader.open("ar/terms/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    # The table of contents stands on the right of the text, as it stands on the left in ltr.
    toc, text = _box(page, ".toc-side"), _box(page, "section.article")
    assert toc["x"] >= text["x"] + text["width"], (toc, text)
    # An article's § anchor sits at the start of its heading: the right.
    anchor, heading = _box(page, "section.article h2 .anchor"), _box(page, "section.article h2")
    assert _centre(anchor) > _centre(heading)
    # The header runs from the right: the site's name first, the language switcher last.
    assert _centre(_box(page, ".site-name")) > _centre(_box(page, ".lang-switcher"))
    # The company's name, in English, keeps its own direction: "Sample Co., Ltd." and not
    # ".Sample Co., Ltd".
    company = page.locator(".site-header .company")
    assert company.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # On the list of documents (all ten languages), the switcher's Latin names are isolated
    # left to right.
    page = reader.open("ar/")
    english = page.locator('.lang-switcher a[lang="en"]')
    assert english.evaluate("a => getComputedStyle(a).direction") == "ltr"
    assert page.locator(".lang-switcher a").count() == len(TEN)
    reader.assert_clean()


def test_the_arabic_comparison_table_is_mirrored(reader_for: Open) -> None:
    reader: Reader = reader_for("ten_site", width=1280)
    page = reader.open(TERMS_DIFF.removesuffix("index.html"))
    # "new-left" means new text first: in Arabic, first is the right-hand column.
    heads = page.locator("table.kt-taisho thead th")
    new, old = heads.nth(0), heads.nth(1)
    assert "النص المُعدَّل" in new.inner_text() and "النص السابق" in old.inner_text()
    new_box, old_box = new.bounding_box(), old.bounding_box()
    assert new_box is not None and old_box is not None
    assert new_box["x"] > old_box["x"]
    cell = page.locator("table.kt-taisho td").first
    assert cell.evaluate("td => getComputedStyle(td).textAlign") in ("start", "right")
    reader.assert_clean()


def test_the_chooser_marks_arabic_right_to_left(reader_for: Open) -> None:
    reader: Reader = reader_for("ten_site", width=390)
    page = reader.open("")
    arabic = page.locator('.chooser li[lang="ar"]')
    assert arabic.evaluate("li => getComputedStyle(li).direction") == "rtl"
    assert page.locator(".chooser a").all_inner_texts() == [
        "日本語",
        "English",
        "简体中文",
        "繁體中文",
        "한국어",
        "Français",
        "Deutsch",
        "Español",
        "Português (Brasil)",
        "العربية",
    ]
    reader.assert_clean()

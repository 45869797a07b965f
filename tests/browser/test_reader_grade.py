"""What a demanding reader sees (issue 15): the 新旧対照表 as printed in Japan, the table of
contents, one banner, quiet anchors, the company's theme — and the measured figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ._browser import ARTIFACTS, Reader, Server, save_json
from ._pages import NEW, OLD
from .conftest import AS_OF, build_site

Open = Callable[..., Reader]
DIFF = f"ja/privacy/diff/{OLD}/{NEW}/"

# Issue 15's targets for the sample ja 新旧対照表 (13 pages and 18,522 px before it).
MAX_PRINTED_PAGES = 6
MAX_PHONE_HEIGHT = 8000


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_diff_prints_on_at_most_six_pages_and_fits_a_phone(reader_for: Open) -> None:
    """Chromium's print-to-PDF at its defaults, and the page's height at 390 px."""
    reader = reader_for("site")
    page = reader.open(DIFF)
    pdf = page.pdf()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "diff-ja-print.pdf").write_bytes(pdf)
    pages = _pdf_pages(pdf)
    page.set_viewport_size({"width": 390, "height": 900})
    height = page.evaluate("document.documentElement.scrollHeight")
    save_json("diff-ja-figures.json", {"printed_pages": pages, "height_at_390": height})
    assert 0 < pages <= MAX_PRINTED_PAGES, f"the sample ja diff prints on {pages} pages"
    assert height <= MAX_PHONE_HEIGHT, f"the sample ja diff is {height}px tall at 390 px"
    reader.assert_clean()


@pytest.mark.parametrize(("lang", "ryaku"), [("ja", "１・２　（略）"), ("en", "1 and 2 (omitted)")])
def test_unchanged_units_read_ryaku_and_unfold_in_place(
    reader_for: Open, lang: str, ryaku: str
) -> None:
    reader = reader_for("site")
    page = reader.open(f"{lang}/privacy/diff/{OLD}/{NEW}/")
    article = page.locator("#t-art-1")
    omitted = article.locator("tr.kt-omitted summary")
    expect(omitted).to_have_count(1)
    expect(omitted.locator("span").first).to_have_text(ryaku)
    body = article.locator("tr.kt-omitted details .kt-text").first
    expect(body).to_be_hidden()
    omitted.click()
    expect(body).to_be_visible()  # in place: the row itself unfolds, no navigation
    assert page.url.endswith(f"/{lang}/privacy/diff/{OLD}/{NEW}/")
    reader.assert_clean()


def test_diff_summary_indexes_changes_and_switches_to_the_redline(reader_for: Open) -> None:
    reader = reader_for("site")
    page = reader.open(DIFF)
    summary = page.locator(".diff-summary")
    expect(summary.locator(".level-consent")).to_have_text("同意が必要な変更")
    expect(summary.locator('a[href$="notices/privacy/2020-10-01/"]')).to_be_visible()
    expect(summary).to_contain_text("新設 1か条")
    index = summary.locator(".diff-index a")
    targets = [index.nth(i).get_attribute("href") for i in range(index.count())]
    assert "#t-art-8" in targets and "#t-art-1" in targets
    for href in targets:
        expect(page.locator(str(href))).to_have_count(1)
    redline = page.locator("#redline")
    expect(redline).to_be_hidden()
    page.locator(".diff-switch a", has_text="見え消し").click()
    expect(redline).to_be_visible()
    expect(page.locator("#table")).to_be_hidden()
    # The renumbering reads 第~~8~~→9条.
    heading = page.locator("#r-art-9 h3")
    expect(heading.locator("del")).to_contain_text("8")
    expect(heading.locator("ins")).to_contain_text("9")
    expect(heading.locator(".kt-arrow")).to_have_text("→")
    page.locator(".diff-switch a", has_text="新旧対照表").click()
    expect(page.locator("#table")).to_be_visible()
    reader.assert_clean()


def test_phone_diff_shows_changes_only_new_over_old(reader_for: Open) -> None:
    reader = reader_for("site", width=390)
    page = reader.open(DIFF)
    expect(page.locator("tr.kt-omitted").first).to_be_hidden()
    row = page.locator("#t-art-1 > tr:not(.kt-omitted):not(.kt-heading-row)").first
    new, old = row.locator("td.kt-new"), row.locator("td.kt-old")
    assert new.bounding_box()["y"] < old.bounding_box()["y"]  # type: ignore[index]
    assert new.evaluate("e => getComputedStyle(e, '::before').content") == '"改定後"'
    reader.assert_clean()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_table_of_contents_links_to_every_article(reader_for: Open, lang: str) -> None:
    reader = reader_for("site")
    page = reader.open(f"{lang}/privacy/")
    articles = page.evaluate("[...document.querySelectorAll('section.article')].map(s => s.id)")
    side = page.locator(".toc-side")
    expect(side).to_be_visible()
    links = side.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        f"#{a}" for a in articles
    ]
    assert len(articles) == 13
    links.nth(7).click()
    expect(page.locator(f"#{articles[7]}")).to_be_in_viewport()
    # On a phone the same contents fold above the text.
    page.set_viewport_size({"width": 390, "height": 800})
    expect(side).to_be_hidden()
    fold = page.locator(".toc-fold")
    expect(fold).to_be_visible()
    fold.locator("summary").click()
    expect(fold.locator("a")).to_have_count(13)
    reader.assert_clean()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_one_banner_as_of_2020_09_15(reader_for: Open, lang: str) -> None:
    reader = reader_for("early_site")
    page = reader.open(f"{lang}/privacy/")
    banners = page.locator(".banner, .notice-banner, .notice-area")
    visible = [i for i in range(banners.count()) if banners.nth(i).is_visible()]
    assert len(visible) == 1, [banners.nth(i).inner_text() for i in visible]
    text = banners.nth(visible[0]).inner_text()
    # Upcoming and consent-required in one banner, in the future tense.
    assert ("改定します" in text and "同意" in text) if lang == "ja" else "will change" in text
    assert "しました" not in text and "changed on" not in text
    reader.assert_clean()


def test_anchor_marks_are_hidden_until_focus(reader_for: Open) -> None:
    reader = reader_for("site")
    page = reader.open("ja/privacy/")
    mark = page.locator("#art-2-para-1 > a.anchor")
    opacity = "e => getComputedStyle(e).opacity"
    assert mark.evaluate(opacity) == "0"
    page.locator("#art-1-para-3 a.xref").last.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#art-2", focused  # the next stop is the next article's mark
    assert page.locator("#art-2 h2 a.anchor").evaluate(opacity) == "1"
    # Never inside a table cell.
    expect(page.locator("table a.anchor")).to_have_count(0)
    expect(page.locator("#art-3-para-1-row-1")).to_have_count(1)  # the row's deep link stays
    reader.assert_clean()


def test_purpose_table_is_cards_on_a_phone(reader_for: Open) -> None:
    reader = reader_for("site", width=390)
    page = reader.open("ja/privacy/")
    cell = page.locator("#art-3-para-1-row-1 td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"利用目的詳細"', label
    header = page.locator("#art-3-para-1-row-1 th")
    assert header.bounding_box()["width"] > 300  # type: ignore[index]
    reader.assert_clean()


def _themed(root: Path) -> None:
    css = root / "theme" / "css"
    css.mkdir(parents=True, exist_ok=True)
    (css / "brand.css").write_text(".company { color: rgb(1, 2, 3); }\n", "utf-8")
    partials = root / "theme" / "partials"
    partials.mkdir(parents=True, exist_ok=True)
    (partials / "record.html").write_text(
        '<p class="own-record">{{ t("record") }}: {{ record.sha256[:12] }}</p>\n', "utf-8"
    )


@pytest.fixture(scope="session")
def themed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(build_site(tmp_path_factory.mktemp("themed"), AS_OF, _themed)).start()
    yield server
    server.stop()


def test_theme_overrides_take_effect(reader_for: Open, themed_site: Any) -> None:
    reader = reader_for("themed_site")
    page = reader.open("ja/privacy/")
    company = page.locator(".site-header .company")
    expect(company).to_have_text("株式会社セールポート")
    assert company.evaluate("e => getComputedStyle(e).color") == "rgb(1, 2, 3)"
    expect(page.locator(".own-record")).to_contain_text("記録: ")
    expect(page.locator("details.record")).to_have_count(0)
    expect(page.locator(".site-footer")).to_contain_text("support@kimaroom.jp")
    reader.assert_clean()

"""A reader's paths through the sample site: current text, language switch, links, banner."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ._browser import FOCUS_STATE, Reader

OTHER = {"ja": "en", "en": "ja"}


def _path_and_fragment(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.fragment


@pytest.mark.parametrize(
    ("lang", "title", "only_in_2020"),
    [
        ("ja", "プライバシーポリシー", "キマ Room! Sign"),
        ("en", "Privacy Policy", "Kima Room! Sign"),
    ],
)
def test_current_page_shows_the_version_in_force(
    reader: Reader, lang: str, title: str, only_in_2020: str
) -> None:
    page = reader.open(f"{lang}/privacy/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("h1").first).to_contain_text(title)
    # As of 2026-11-25 the 2020-10-01 text is in force: its preamble and its new Article 13.
    expect(page.locator("main").first).to_contain_text(only_in_2020)
    expect(page.locator("#art-13")).to_be_visible()
    expect(page.locator(".banner-upcoming")).to_have_count(0)
    reader.assert_clean()


@pytest.mark.parametrize(
    ("start", "fragment"),
    [
        ("ja/privacy/", "art-4-para-2"),
        ("en/privacy/", "art-8"),
        ("ja/privacy/2017-08-23/", "art-3-para-1"),
    ],
)
def test_language_switch_lands_on_the_same_article(
    reader: Reader, start: str, fragment: str
) -> None:
    lang = start.split("/")[0]
    target = OTHER[lang]
    page = reader.open(f"{start}#{fragment}")
    # The language switcher: a navigation link to the other language's version.
    switch = page.locator(f'nav a[hreflang="{target}"]').first
    expect(switch).to_be_visible()
    with page.expect_navigation():
        switch.click()
    path, landed = _path_and_fragment(page.url)
    assert path == "/" + start.replace(lang, target, 1), page.url
    assert landed == fragment, f"switching from #{fragment} landed on {page.url}"
    assert page.locator("html").get_attribute("lang") == target
    expect(page.locator(f"#{fragment}")).to_be_in_viewport()
    reader.assert_clean()


@pytest.mark.parametrize(
    ("lang", "source", "label"),
    [("ja", "art-1-para-3", "第4条第2項"), ("en", "art-1-para-3", "4(2)")],
)
def test_cross_reference_is_a_link_to_the_clause(
    reader: Reader, lang: str, source: str, label: str
) -> None:
    page = reader.open(f"{lang}/privacy/")
    link = page.locator(f"#{source} a", has_text=label).first
    expect(link).to_be_visible()
    href = link.get_attribute("href") or ""
    assert href.endswith("#art-4-para-2"), href
    link.click()
    expect(page).to_have_url(re.compile(r"#art-4-para-2$"))
    expect(page.locator("#art-4-para-2")).to_be_in_viewport()
    assert _path_and_fragment(page.url)[0] == f"/{lang}/privacy/"
    reader.assert_clean()


@pytest.mark.parametrize("anchor", ["art-2", "art-3-para-2", "art-2-para-1-item-2"])
def test_anchor_link_is_visible_and_leads_to_its_clause(reader: Reader, anchor: str) -> None:
    page = reader.open("ja/privacy/")
    clause = page.locator(f"#{anchor}")
    expect(clause).to_have_count(1)
    link = page.locator(f'#{anchor} a[href$="#{anchor}"]').first
    clause.hover()  # a theme may show the anchor on hover only; it must show then at least
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(f"#{anchor}$"))
    expect(clause).to_be_in_viewport()
    reader.assert_clean()


@pytest.mark.parametrize(
    ("lang", "date"),
    [("ja", r"2020\s*年\s*10\s*月\s*1\s*日|2020-10-01"), ("en", r"1 October 2020|2020-10-01")],
)
def test_upcoming_version_has_a_banner_but_is_not_current(
    early_reader: Reader, lang: str, date: str
) -> None:
    page = early_reader.open(f"{lang}/privacy/")
    banner = page.locator(".banner-upcoming")
    expect(banner).to_be_visible()
    assert re.search(date, banner.inner_text()), banner.inner_text()
    # As of 2020-09-15 the 2017 text is in force: it has no Article 13.
    expect(page.locator("#art-12")).to_be_visible()
    expect(page.locator("#art-13")).to_have_count(0)
    # One banner: the notice's link, the revised text's and the diff's; follow the text's.
    link = banner.locator('a[href$="/privacy/2020-10-01/"]:not([href*="/notices/"])').first
    with page.expect_navigation():
        link.click()
    assert _path_and_fragment(page.url)[0] == f"/{lang}/privacy/2020-10-01/"
    expect(page.locator("#art-13")).to_be_visible()
    early_reader.assert_clean()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bilingual_view_aligns_each_article_with_its_translation(reader: Reader, lang: str) -> None:
    page = reader.open(f"{lang}/privacy/2020-10-01/bilingual/")
    # Each pair row holds one article in both languages; their headings share one line.
    tops = page.evaluate(
        """() => [...document.querySelectorAll('.bi-pair')].map(pair =>
             [...pair.querySelectorAll(':scope > .bi-col')].map(col => {
               const heading = col.querySelector('h2');
               return heading ? [heading.textContent.trim(), heading.getBoundingClientRect().top]
                              : null;
             }))"""
    )
    articles = [row for row in tops if len(row) == 2 and all(row)]
    assert len(articles) >= 13, f"expected the 13 articles side by side, found {len(articles)}"
    skewed = [(a[0], b[0], round(b[1] - a[1])) for a, b in articles if abs(a[1] - b[1]) > 2]
    assert not skewed, f"headings not side by side (px apart): {skewed}"
    langs = page.evaluate(
        "[...document.querySelectorAll('.bi-col')].slice(0, 2).map(c => c.closest('[lang]').lang)"
    )
    assert sorted(langs) == ["en", "ja"], f"the two columns declare lang {langs}"
    reader.assert_clean()


def test_translation_says_the_original_prevails_and_links_to_it(reader: Reader) -> None:
    page = reader.open("en/privacy/2017-08-23/")
    note = page.locator(".notice-authoritative")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Japanese")
    with page.expect_navigation():
        note.locator('a[hreflang="ja"]').first.click()
    assert _path_and_fragment(page.url)[0] == "/ja/privacy/2017-08-23/"
    assert page.locator("html").get_attribute("lang") == "ja"
    # The authoritative text itself carries no such note.
    expect(page.locator(".notice-authoritative")).to_have_count(0)
    reader.assert_clean()


def test_keyboard_reader_can_skip_to_the_text(reader: Reader) -> None:
    page = reader.open("ja/privacy/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_visible()  # a skip link may hide until focused, not while focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate("document.activeElement.id") == "main"
    reader.assert_clean()


def test_keyboard_language_switch_keeps_the_article(reader: Reader) -> None:
    page = reader.open("en/privacy/#art-4-para-2")
    page.locator('nav a[hreflang="ja"]').first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _path_and_fragment(page.url) == ("/ja/privacy/", "art-4-para-2"), page.url
    expect(page.locator("#art-4-para-2")).to_be_in_viewport()
    reader.assert_clean()


@pytest.mark.parametrize("path", ["ja/privacy/", "en/privacy/2017-08-23/"])
def test_every_clause_has_its_own_anchor_link(reader: Reader, path: str) -> None:
    page = reader.open(path)
    # Clause ids as docs/format.md names them: art-4, art-4-2, art-4-para-2, …-item-3, …-row-3.
    # Table rows keep their ids (deep links stay) but carry no mark: a ¶ in a cell reads
    # as part of the text.
    clause_ids = page.evaluate(
        """() => [...document.querySelectorAll('main [id^="art-"]')].map(el => el.id)
             .filter(id => /^art-\\d+(-\\d+)?(-(para|item|sub)-\\d+)*$/.test(id))"""
    )
    missing = page.evaluate(
        "ids => ids.filter(id => !document.getElementById(id)"
        ".querySelector(`a[href='#${CSS.escape(id)}']`))",
        clause_ids,
    )
    assert len(clause_ids) >= 40, f"only {len(clause_ids)} clauses with ids on /{path}"
    assert not missing, f"clauses without an anchor link to themselves: {missing[:20]}"
    reader.assert_clean()


def test_missing_translation_says_so_in_english_and_links_to_the_original(
    reader_for: Callable[..., Reader],
) -> None:
    reader = reader_for("partial_site")
    page = reader.open("en/privacy/2017-08-23/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1").first).to_contain_text("Not available in English")
    # Never the Japanese text under lang="en".
    assert "第1条" not in page.locator("main").first.inner_text()
    with page.expect_navigation():
        page.locator('main a[hreflang="ja"]').first.click()
    assert _path_and_fragment(page.url)[0] == "/ja/privacy/2017-08-23/"
    expect(page.locator("#art-1")).to_be_visible()
    reader.assert_clean()


@pytest.mark.parametrize("width", [390, 1280])
def test_keyboard_focus_is_visible_and_not_obscured(
    reader_for: Callable[..., Reader], width: int
) -> None:
    reader = reader_for("site", width=width)
    page = reader.open("ja/privacy/#art-3")
    problems = []
    for _ in range(25):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if not (state["indicator"] and state["onScreen"]) or state["covered"]:
            problems.append(state)
    assert not problems, "focused elements a keyboard user cannot see:\n" + "\n".join(
        map(str, problems)
    )
    reader.assert_clean()

"""Every generated page: well-formed, links and anchors resolve, languages and ids right."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kaitei.model import anchors
from kaitei.site import urls
from kaitei.site.build import collect, load_checked

from .conftest import AFTER, BASE_URL, BEFORE, ROOT, Built, html
from .htmlcheck import check_html

BuildAt = Callable[[dt.date], Built]


def _with_class(page: str, name: str) -> int:
    """How many elements have the class `name` (a whole class token)."""
    return len(re.findall(rf'class="(?:[^"]* )?{re.escape(name)}(?: [^"]*)?"', page))


def _pages(built: Built) -> list[str]:
    return [url for url in built if url == "" or url.endswith("/")]


def _resolve(page_url: str, href: str) -> tuple[str, str]:
    """The site URL and fragment a relative href on `page_url` points at."""
    parts = urlsplit(href)
    if not parts.path:
        return page_url, parts.fragment
    joined = posixpath.normpath(posixpath.join(posixpath.dirname("/" + page_url + "x"), parts.path))
    target = joined.lstrip("/")
    if parts.path.endswith("/") and target:
        target += "/"
    if target == ".":
        target = ""
    return target, parts.fragment


@pytest.mark.parametrize("as_of", [BEFORE, AFTER], ids=["before", "after"])
def test_every_page_is_well_formed_and_every_link_resolves(
    build_at: BuildAt, as_of: dt.date
) -> None:
    built = build_at(as_of)
    ids = {url: set(check_html(html(built, url)).ids) for url in _pages(built)}
    problems: list[str] = []
    checked = 0
    for url in _pages(built):
        facts = check_html(html(built, url))
        problems += [f"{url}: {error}" for error in facts.errors]
        for tag, href, _ in facts.links:
            scheme = urlsplit(href).scheme
            if scheme in ("https", "mailto"):
                # Absolute URLs only in links (hreflang alternates point into the site).
                assert tag == "a" or href.startswith(BASE_URL), f"{url}: <{tag}> loads {href}"
                continue
            assert not scheme and not href.startswith("//"), f"{url}: odd link {href}"
            target, fragment = _resolve(url, href)
            checked += 1
            if target not in built:
                problems.append(f"{url}: {href} -> {target!r} is not in the site")
            elif fragment and fragment not in ids.get(target, set()):
                problems.append(f"{url}: {href} -> no id {fragment!r} on {target!r}")
    assert not problems, "\n".join(problems[:40])
    assert checked > 500  # the check did look at links


def test_pages_of_the_url_table_exist(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    expected = [urls.home(), urls.sitemap()]
    for lang in ("ja", "en"):
        expected += [
            urls.language_home(lang),
            urls.document(lang, "privacy"),
            urls.history(lang, "privacy"),
        ]
        for version in ("2017-08-23", "2020-10-01"):
            expected += [
                urls.version(lang, "privacy", version),
                urls.bilingual(lang, "privacy", version),
            ]
    missing = [url for url in expected if url not in built]
    assert not missing


def test_html_lang_is_the_language_of_the_url(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    for url in _pages(built):
        lang = url.split("/")[0] if "/" in url else None
        if lang in ("ja", "en"):
            assert check_html(html(built, url)).html_lang == lang, url


def test_model_ids_are_on_the_version_pages_in_every_language(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    site, _ = load_checked(ROOT, AFTER)
    document = site.documents[0]
    for version in document.versions:
        ids_by_lang = {}
        for text in version.texts:
            page_ids = set(
                check_html(html(built, urls.version(text.lang, "privacy", version.id))).ids
            )
            model_ids = {anchor for anchor, _ in anchors(text)}
            assert model_ids <= page_ids, sorted(model_ids - page_ids)[:5]
            ids_by_lang[text.lang] = model_ids
        # Same ids in both languages: the switcher keeps the fragment.
        assert ids_by_lang["ja"] == ids_by_lang["en"]


def test_every_article_paragraph_and_item_has_an_anchor_link_with_a_name(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    source = html(built, "ja/privacy/2020-10-01/")
    facts = check_html(source)
    anchor_links = [
        values for tag, _, values in facts.links if tag == "a" and values.get("class") == "anchor"
    ]
    hrefs = {str(values["href"]) for values in anchor_links}
    site, _ = load_checked(ROOT, AFTER)
    text = site.documents[0].versions[-1].text("ja")
    assert text is not None
    for anchor, _ in anchors(text):
        if "-table" in anchor or "-row-" in anchor:
            # A table is reached through its rows; rows keep their ids (deep links stay)
            # but carry no anchor mark: a lone ¶ in a cell reads as part of the text.
            assert f'id="{anchor}"' in source, anchor
            continue
        assert f"#{anchor}" in hrefs, anchor
    for table in re.findall(r"<table\b.*?</table>", source, re.S):
        assert 'class="anchor"' not in table
    assert all(values.get("aria-label") for values in anchor_links)
    assert 'aria-label="第4条第2項へのリンク"' in source


def test_hreflang_alternates_are_reciprocal_with_x_default(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    for url in _pages(built):
        tags = check_html(html(built, url)).tags
        alternates = {
            str(v["hreflang"]): str(v["href"])
            for tag, v in tags
            if tag == "link" and v.get("rel") == "alternate" and "hreflang" in v
        }
        if not built[url].in_sitemap:
            continue
        assert "x-default" in alternates, url
        own = check_html(html(built, url)).html_lang
        if url:
            assert alternates.get(str(own)) == BASE_URL + url, url
        for hreflang, href in alternates.items():
            other = href.removeprefix(BASE_URL)
            assert other in built, (url, href)
            if hreflang != "x-default":
                back = {
                    str(v["hreflang"]): str(v["href"])
                    for tag, v in check_html(html(built, other)).tags
                    if tag == "link" and v.get("rel") == "alternate" and "hreflang" in v
                }
                assert back.get(str(own)) == BASE_URL + url or not url, (url, other)


def test_language_switcher_keeps_document_and_version(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    source = html(built, "ja/privacy/2017-08-23/")
    switcher = re.search(r'<nav class="lang-switcher" id="lang-switcher".*?</nav>', source, re.S)
    assert switcher is not None
    assert 'href="../../../en/privacy/2017-08-23/" hreflang="en" lang="en" rel="alternate"' in (
        switcher.group()
    )
    assert 'hreflang="ja" lang="ja" aria-current="page"' in switcher.group()


def test_translated_pages_say_the_authoritative_text_prevails(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    en = html(built, "en/privacy/")
    assert 'class="notice-authoritative"' in en
    assert '<a href="../../ja/privacy/" hreflang="ja">The Japanese original</a>' in en
    assert "notice-authoritative" not in html(built, "ja/privacy/")


def test_current_page_follows_the_as_of_date(build_at: BuildAt) -> None:
    before = html(build_at(BEFORE), "ja/privacy/")
    after = html(build_at(AFTER), "ja/privacy/")
    assert '<time datetime="2017-08-23">' in before
    assert '<time datetime="2020-10-01">' in after
    # 第8条（行動ターゲティング広告） exists only from 2020-10-01 on.
    assert "行動ターゲティング広告" not in before
    assert "行動ターゲティング広告" in after
    assert _with_class(before, "banner-upcoming") == 1
    assert 'href="../../ja/privacy/2020-10-01/">改定後の全文</a>' in before
    assert _with_class(after, "banner-upcoming") == 0


def test_upcoming_version_is_never_shown_as_current(build_at: BuildAt) -> None:
    built = build_at(BEFORE)
    page = html(built, "en/privacy/2020-10-01/")
    assert "banner-not-yet" in page
    assert "This version takes effect on 1 October 2020." in page
    assert 'class="status status-upcoming"' in page
    history = html(built, "en/privacy/history/")
    assert history.index('id="v-2020-10-01"') < history.index('id="v-2017-08-23"')
    assert 'class="timeline-entry status-upcoming" id="v-2020-10-01"' in history
    assert 'class="timeline-entry status-current" id="v-2017-08-23"' in history


def test_bilingual_view_aligns_articles_and_keeps_ids_unique(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    page = html(built, "en/privacy/2020-10-01/bilingual/")
    facts = check_html(page)
    assert not facts.errors
    # The page's language keeps the model's ids; the other column is prefixed.
    assert 'id="art-8"' in page and 'id="ja-art-8"' in page
    # One grid row per unit: each heading, paragraph and item beside its counterpart.
    rows = re.findall(r'<div class="bi-pair">\s*<div class="bi-col" lang="ja">\s*'
                      r'<(?:h2|div) class="[^"]*" id="ja-([^"]+)">.*?'
                      r'<div class="bi-col" lang="en">\s*<(?:h2|div) class="[^"]*" id="([^"]+)">',
                      page, re.S)  # fmt: skip
    assert sum(1 for left, _ in rows if re.fullmatch(r"art-\d+", left)) == 13
    # Paragraphs and items too, not only articles.
    assert any("-para-" in left for left, _ in rows) and any("-item-" in left for left, _ in rows)
    assert all(left == right for left, right in rows)


def test_sitemap_lists_pages_with_alternates(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    tree = ET.fromstring(built["sitemap.xml"].content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [loc.text or "" for loc in tree.findall("s:url/s:loc", ns)]
    assert BASE_URL + "ja/privacy/" in locs
    assert all(loc.removeprefix(BASE_URL) in built for loc in locs)
    entry = next(
        u for u in tree.findall("s:url", ns) if u.findtext("s:loc", "", ns).endswith("en/privacy/")
    )
    alternates = {a.get("hreflang"): a.get("href") for a in entry.findall("x:link", ns)}
    assert alternates == {
        "ja": BASE_URL + "ja/privacy/",
        "en": BASE_URL + "en/privacy/",
        "x-default": BASE_URL + "ja/privacy/",
    }


def test_no_inline_script_or_style_and_nothing_from_other_hosts(build_at: BuildAt) -> None:
    built = build_at(AFTER)
    for url in _pages(built):
        source = html(built, url)
        for tag, values in check_html(source).tags:
            assert "style" not in values, (url, tag)
            assert not any(name.startswith("on") for name in values), (url, tag)
            if tag == "script":
                assert values.get("src"), url
            assert tag != "style", url
            if tag in ("script", "img") or values.get("rel") == "stylesheet":
                assert not urlsplit(str(values.get("src") or values.get("href"))).scheme, url
    css = built["assets/site.css"].content.decode()
    assert "@import" not in css and "url(http" not in css


def test_links_resolve_with_three_versions_and_one_upcoming(tmp_path: Path) -> None:
    """History and banners link to diffs of older versions against the one in force."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    for lang in ("ja", "en"):
        source = (tmp_path / f"content/privacy/2020-10-01/{lang}.md").read_text(encoding="utf-8")
        newer = tmp_path / "content/privacy/2022-04-01"
        newer.mkdir(exist_ok=True)
        text = source.replace("effective: 2020-10-01", "effective: 2022-04-01")
        text = text.replace("announced: 2020-08-31", "announced: 2022-02-01")
        text = text.replace("change: consent", "change: editorial")
        (newer / f"{lang}.md").write_text(text, encoding="utf-8")
    for as_of in (dt.date(2021, 6, 1), dt.date(2022, 6, 1)):
        site, diagnostics = load_checked(tmp_path, as_of)
        assert not [d for d in diagnostics if d.severity == "error"]
        built = {o.url: o for o in collect(site, as_of, tmp_path, BASE_URL)}
        history = html(built, "en/privacy/history/")
        assert "en/privacy/diff/2017-08-23/2020-10-01/" in history
        assert "en/privacy/diff/2020-10-01/2022-04-01/" in history
        upcoming = as_of < dt.date(2022, 4, 1)
        assert _with_class(html(built, "ja/privacy/"), "banner-upcoming") == int(upcoming)
        # Once 2022 is in force, 2017 is compared with it directly too.
        assert ("en/privacy/diff/2017-08-23/2022-04-01/" in history) is not upcoming
        for url in _pages(built):
            for _, href, _ in check_html(html(built, url)).links:
                if urlsplit(href).scheme:
                    continue
                target, _ = _resolve(url, href)
                assert target in built, (url, href)

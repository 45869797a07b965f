"""Follow every link of the served site from the chooser, as a crawler or a curious reader would."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from ._browser import REPO, Server
from ._pages import missing_feature

# Which element attributes point at something the reader's browser fetches or follows.
_LINKS = (
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
)


def site_url() -> str:
    """mkdocs.yml's site_url: absolute links (hreflang alternates, feeds) start with it."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^site_url:\s*(\S+)", config, re.MULTILINE)
    return found.group(1).rstrip("/") + "/" if found else "\0"


@dataclass
class Crawl:
    pages: dict[str, set[str]] = field(default_factory=dict)  # page URL -> its ids
    langs: dict[str, str | None] = field(default_factory=dict)  # page URL -> <html lang>
    links: list[tuple[str, str]] = field(default_factory=list)  # (from page, to URL)
    broken: list[str] = field(default_factory=list)


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def crawl(server: Server) -> Crawl:
    result = Crawl()
    queue, seen = [server.base], {server.base}
    while queue:
        url = queue.pop()
        status, kind, body = _fetch(url)
        if status != 200:
            # A link to a page type another issue has yet to deliver is not a broken link.
            if missing_feature(url) is None:
                result.broken.append(f"{url}: HTTP {status}")
            continue
        if kind != "text/html":
            continue
        tree = lxml_html.fromstring(body)
        result.pages[url] = set(tree.xpath("//@id"))
        result.langs[url] = tree.get("lang")
        for tag, attribute in _LINKS:
            for element in tree.iter(tag):
                value = element.get(attribute)
                if not value or value.startswith(("mailto:", "tel:")):
                    continue
                # The published address of a page is followed to its copy on the test server.
                target = urljoin(url, value).replace(site_url(), server.base, 1)
                if urlsplit(target).netloc != urlsplit(server.base).netloc:
                    continue  # outside links are the reader's to follow; tests never leave
                result.links.append((url, target))
                page = urldefrag(target)[0]
                if page not in seen:
                    seen.add(page)
                    queue.append(page)
    return result


@pytest.fixture(scope="module")
def crawled(site: Server) -> Crawl:
    return crawl(site)


def test_every_link_resolves_to_a_page_and_its_fragment(crawled: Crawl, site: Server) -> None:
    assert len(crawled.pages) >= 10, f"the crawl found only {sorted(crawled.pages)}"
    missing = []
    for source, target in crawled.links:
        page, fragment = urldefrag(target)
        if fragment and page in crawled.pages and fragment not in crawled.pages[page]:
            missing.append(f"{source} -> {target}: no id {fragment!r} there")
    assert not crawled.broken, "broken links:\n" + "\n".join(sorted(set(crawled.broken)))
    assert not missing, "links to missing fragments:\n" + "\n".join(sorted(set(missing)))


def test_every_page_has_hreflang_alternates_that_resolve(crawled: Crawl, site: Server) -> None:
    problems = []
    for url in sorted(crawled.pages):
        path = urlsplit(url).path.strip("/")
        if path.split("/")[0] not in ("ja", "en"):
            continue
        tree = lxml_html.fromstring(_fetch(url)[2])
        hreflangs = {link.get("hreflang") for link in tree.xpath("//head/link[@rel='alternate']")}
        if not {"ja", "en", "x-default"} <= hreflangs:
            problems.append(f"{url}: hreflang alternates {sorted(hreflangs)}")
    assert not problems, "\n".join(problems)


def test_every_page_declares_the_language_of_its_tree(crawled: Crawl, site: Server) -> None:
    wrong = []
    for url, lang in sorted(crawled.langs.items()):
        path = urlsplit(url).path.strip("/")
        expected = path.split("/")[0] if path else None
        if expected in ("ja", "en") and lang != expected:
            wrong.append(f"{url}: <html lang={lang!r}>, expected {expected!r}")
        if not lang:
            wrong.append(f"{url}: <html> has no lang")
    assert not wrong, "\n".join(wrong)

"""Every output path of the site (the fixed URL table of DESIGN.md), in one place.

Paths are relative to build/site/ and end in "/" for pages (served as <path>index.html).
"""

from __future__ import annotations

from urllib.parse import quote


def home() -> str:
    return ""


def language_home(lang: str) -> str:
    return f"{lang}/"


def document(lang: str, doc: str) -> str:
    """The version in force on the build's as-of date."""
    return f"{lang}/{doc}/"


def version(lang: str, doc: str, version_id: str) -> str:
    return f"{lang}/{doc}/{version_id}/"


def version_pdf(lang: str, doc: str, version_id: str) -> str:
    return f"{lang}/{doc}/{version_id}/{doc}-{version_id}-{lang}.pdf"


def diff_pdf(lang: str, doc: str, old: str, new: str) -> str:
    return f"{lang}/{doc}/diff/{old}/{new}/{doc}-{old}-{new}-{lang}.pdf"


def bilingual(lang: str, doc: str, version_id: str) -> str:
    return f"{lang}/{doc}/{version_id}/bilingual/"


def history(lang: str, doc: str) -> str:
    return f"{lang}/{doc}/history/"


def diff(lang: str, doc: str, old: str, new: str) -> str:
    return f"{lang}/{doc}/diff/{old}/{new}/"


def notices(lang: str) -> str:
    return f"{lang}/notices/"


def notice(lang: str, doc: str, version_id: str) -> str:
    return f"{lang}/notices/{doc}/{version_id}/"


def feed(lang: str) -> str:
    return f"{lang}/feed.xml"


def api(doc: str) -> str:
    return f"api/v1/{doc}.json"


def manifest() -> str:
    return "api/v1/manifest.json"


def sitemap() -> str:
    return "sitemap.xml"


def content_link(lang: str, doc: str, version_id: str | None, fragment: str) -> str:
    """A link of the policy text to another document: its version in force or a dated one."""
    page = version(lang, doc, version_id) if version_id else document(lang, doc)
    return page + (f"#{fragment}" if fragment else "")


# Text rendered once serves pages at several depths (kaitei.site.render caches it), so a link
# to another page of the site is written from the root behind this mark, and each page makes
# it relative to itself. The reader refuses this scheme in content, so only we write it.
_FROM_ROOT = "kaitei-root:"


def from_root(url: str) -> str:
    """A site path (as the functions above give) to be made relative by `rebase`."""
    return _FROM_ROOT + url


def rebase(html: str, page_url: str) -> str:
    """Every `from_root` link of a page's HTML made relative to the page."""
    if _FROM_ROOT not in html:
        return html
    up = "../" * page_url.count("/")
    return html.replace(f'href="{_FROM_ROOT}', f'href="{up}')


def encoded(url: str) -> str:
    """A URL with anything outside URL syntax percent-encoded (existing escapes kept)."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def file_path(url: str) -> str:
    """Where a URL's content is written: pages get index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative(from_url: str, to_url: str) -> str:
    """A relative link from one page to another, so the site works under any base path."""
    # "ja/privacy/" and "ja/feed.xml" both sit below "ja/": count the folders above the file.
    depth = from_url.count("/")
    return ("../" * depth + to_url) or "./"

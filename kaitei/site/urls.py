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

"""Links of the policy text to another document of the site, end to end through `kaitei build`.

A two-document site (privacy links to cookies in the ways real policy repositories write
such links); the built pages' hrefs are read back and followed to the files they name.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.site import urls
from kaitei.site.output import BuildContext
from kaitei.site.pages import version_page
from kaitei.site.render import Renderer

AS_OF = "2024-06-01"
LINKS = (
    "[current](../../cookies/2024-01-01/{lang}.md) "
    "[sibling](../cookies/en.md#art-2) "
    "[page](cookies.md) "
    "[dated](../../cookies/2023-01-01/) "
    "[site](/about/policies/cookies) "
    '<a href="../cookies/">html</a> '
    "[external](https://example.com/x) "
    "[here](#art-1)"
)
COOKIES = """---
effective: {version}
change: {change}
summary: s
---

# Cookies

## Article 1 (General)

We use cookies.

## Article 2 (Choices)

You may refuse them.
"""
PRIVACY = """---
effective: 2024-01-01
change: enacted
summary: s
---

# Privacy

## Article 1 (General)

See {links}.
"""


def _write(root: Path) -> None:
    (root / "mkdocs.yml").write_text("site_name: T\nplugins: [kaitei]\n", encoding="utf-8")
    for doc, title in (("privacy", "Privacy"), ("cookies", "Cookies")):
        folder = root / "content" / doc
        folder.mkdir(parents=True)
        (folder / "document.yml").write_text(
            f"titles: {{en: {title}, ja: {title}}}\nauthoritative: en\nlanguages: [en, ja]\n",
            encoding="utf-8",
        )
    for version, change in (("2023-01-01", "enacted"), ("2024-01-01", "editorial")):
        folder = root / "content" / "cookies" / version
        folder.mkdir()
        for lang in ("en", "ja"):
            (folder / f"{lang}.md").write_text(
                COOKIES.format(version=version, change=change), encoding="utf-8"
            )
    folder = root / "content" / "privacy" / "2024-01-01"
    folder.mkdir()
    for lang in ("en", "ja"):
        (folder / f"{lang}.md").write_text(
            PRIVACY.format(links=LINKS.format(lang=lang)), encoding="utf-8"
        )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("links")
    _write(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["build", "--as-of", AS_OF]) == 0
    return root / "build" / "site"


NAMES = ("current", "sibling", "page", "dated", "site", "html", "external", "here")


def _hrefs(page: Path) -> list[tuple[str, str]]:
    """The policy text's links in a page, (text, href)."""
    found = re.findall(r'<a href="([^"]*)">([^<]*)</a>', page.read_text(encoding="utf-8"))
    return [(text, href) for href, text in found if text in NAMES]


@pytest.mark.parametrize(
    ("page", "lang", "up"),
    [
        ("en/privacy/index.html", "en", "../../"),
        ("ja/privacy/index.html", "ja", "../../"),
        ("en/privacy/2024-01-01/index.html", "en", "../../../"),
    ],
)
def test_links_go_to_the_other_documents_page_in_the_same_language(
    site: Path, page: str, lang: str, up: str
) -> None:
    hrefs = dict(_hrefs(site / page))
    assert sorted(hrefs) == sorted(NAMES)
    assert hrefs["current"] == f"{up}{lang}/cookies/2024-01-01/"
    # The English file's link from the Japanese translation goes to the Japanese page.
    assert hrefs["sibling"] == f"{up}{lang}/cookies/#art-2"
    assert hrefs["page"] == f"{up}{lang}/cookies/"
    assert hrefs["dated"] == f"{up}{lang}/cookies/2023-01-01/"
    assert hrefs["site"] == f"{up}{lang}/cookies/"
    assert hrefs["html"] == f"{up}{lang}/cookies/"
    assert hrefs["external"] == "https://example.com/x"
    assert hrefs["here"] == "#art-1"


def test_every_link_of_the_text_lands_on_a_page_and_an_id(site: Path) -> None:
    followed = 0
    for page in sorted(site.rglob("privacy/**/index.html")):
        url = page.relative_to(site).as_posix()
        for _, href in _hrefs(page):
            if href.startswith("https:"):
                continue
            path, fragment = urldefrag(urljoin(url, href))
            target = site / unquote(path)
            target = target / "index.html" if path.endswith("/") or not path else target
            assert target.is_file(), (url, href)
            if fragment:
                ids = re.findall(r' id="([^"]*)"', target.read_text(encoding="utf-8"))
                assert fragment in ids, (url, href)
            followed += 1
    # current, permalink and bilingual pages, in both languages (bilingual: both columns).
    assert followed >= 7 * 4


def test_the_canonical_text_keeps_the_link_as_written(site: Path) -> None:
    text = (site / "en" / "privacy" / "2024-01-01" / "text.txt").read_text(encoding="utf-8")
    assert "<../../cookies/2024-01-01/en.md>" in text
    assert "<../cookies/en.md#art-2>" in text
    assert "cookies/2024-01-01/\n" not in text


SAME_WORDS = """---
effective: {version}
change: {change}
summary: s
---

# {title}

## Article 1 (History)

The [previous version](../2023-01-01/) remains available.
"""


def test_the_same_words_in_two_documents_link_to_their_own_document(tmp_path: Path) -> None:
    # Articles are rendered once per content, spans left out; a relative link resolves from
    # its file, so identical words in two documents must not share their HTML. The page
    # generators forget between documents, the PDFs do not: one renderer makes both here.
    for doc in ("alpha", "beta"):
        folder = tmp_path / "content" / doc
        folder.mkdir(parents=True)
        (folder / "document.yml").write_text(
            f"titles: {{en: {doc}}}\nauthoritative: en\nlanguages: [en]\n", encoding="utf-8"
        )
        for version, change in (("2023-01-01", "enacted"), ("2024-01-01", "editorial")):
            (folder / version).mkdir()
            (folder / version / "en.md").write_text(
                SAME_WORDS.format(version=version, change=change, title=doc), encoding="utf-8"
            )
    as_of = dt.date.fromisoformat(AS_OF)
    site, diagnostics = check_site(tmp_path, as_of)
    assert not [d for d in diagnostics if d.fails(False)]
    ctx = BuildContext(site, as_of, str(tmp_path), "", Renderer("", as_of, {"notices": False}))
    for document in site.documents:
        version = document.version("2024-01-01")
        assert version is not None
        url = urls.version("en", document.id, version.id)
        page = version_page(ctx, document, version, "en", url).content.decode("utf-8")
        hrefs = re.findall(r'<a href="([^"]*)">previous version</a>', page)
        assert hrefs == [f"../../../en/{document.id}/2023-01-01/"], document.id

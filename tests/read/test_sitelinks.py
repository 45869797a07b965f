"""Relative links to another document: the page they resolve to, or why they point nowhere."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaitei.model import Document, DocumentSettings, Version
from kaitei.read.sitelinks import SiteTarget, Unresolved, is_site_link, locate

FROM = "content/privacy/2024-01-01/en.md"


def _document(doc: str, languages: tuple[str, ...], versions: tuple[str, ...]) -> Document:
    settings = DocumentSettings(
        titles=tuple((lang, doc) for lang in languages),
        authoritative=languages[0],
        languages=languages,
        timezone="UTC",
        notice_period_days=30,
        banner_days_after=30,
        diff_layout="new-left",
        rules=(),
        path=f"content/{doc}/document.yml",
    )
    return Document(
        doc,
        settings,
        tuple(Version(v, dt.date.fromisoformat(v), (), f"content/{doc}/{v}") for v in versions),
    )


DOCUMENTS = {
    d.id: d
    for d in (
        _document("privacy", ("en", "ja"), ("2023-01-01", "2024-01-01")),
        _document("cookies", ("en", "ja"), ("2023-01-01", "2024-01-01")),
        _document("dpa", ("en",), ("2024-01-01",)),  # three letters, like a language tag
        _document("ja", ("ja",), ("2024-01-01",)),  # a document named like a language
    )
}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("../terms/", Unresolved("document", "terms")),
        ("../cookies/", SiteTarget("cookies", None, "en", "")),
        ("cookies.md", SiteTarget("cookies", None, "en", "")),
        ("cookies.html", SiteTarget("cookies", None, "en", "")),
        ("cookies/index.md", SiteTarget("cookies", None, "en", "")),
        ("../../cookies/2024-01-01/en.md", SiteTarget("cookies", "2024-01-01", "en", "")),
        ("../../cookies/2023-01-01/", SiteTarget("cookies", "2023-01-01", "en", "")),
        ("../cookies/en.md#art-3", SiteTarget("cookies", None, "en", "art-3")),
        ("../cookies/?utm=x#art-3", SiteTarget("cookies", None, "en", "art-3")),
        ("/about/policies/cookies", SiteTarget("cookies", None, "en", "")),
        ("../dpa.md", SiteTarget("dpa", None, "en", "")),
        ("../../ja/", SiteTarget("ja", None, "ja", "")),  # the document, not the language
        ("../2023-01-01/en.md", SiteTarget("privacy", "2023-01-01", "en", "")),
        ("../../cookies/2022-01-01/en.md", Unresolved("version", "2022-01-01")),
        ("recruitment/index.md", Unresolved("document", "recruitment")),
        ("../cookies/faq.md", Unresolved("document", "faq")),
        ("../../../README.md", Unresolved("outside", "README.md")),
        ("../../../../etc/passwd", Unresolved("outside", "../etc/passwd")),
        ("#art-1", None),
        ("https://example.com/cookies", None),
        ("http://example.com/cookies", None),
        ("mailto:privacy@example.com", None),
        ("//example.com/cookies", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_locate(target: str, expected: SiteTarget | Unresolved | None) -> None:
    assert locate(target, FROM, "en", DOCUMENTS) == expected


def test_a_translation_links_to_the_page_in_its_language() -> None:
    # Translators keep the authoritative text's links: en.md named, the ja page meant.
    found = locate(
        "../../cookies/2024-01-01/en.md", FROM.replace("en.md", "ja.md"), "ja", DOCUMENTS
    )
    assert found == SiteTarget("cookies", "2024-01-01", "ja", "")


def test_a_document_without_the_language_gets_the_one_named_or_its_authoritative() -> None:
    assert locate("../dpa/", FROM, "ja", DOCUMENTS) == SiteTarget("dpa", None, "en", "")


_SEGMENT = st.sampled_from(
    ["..", ".", "", "cookies", "privacy", "dpa", "ja", "en.md", "2024-01-01", "index.md", "x"]
)


@given(
    st.lists(_SEGMENT, max_size=7).map("/".join),
    st.sampled_from(["", "#art-1", "?q=1", "#"]),
    st.booleans(),
)
def test_locate_never_escapes_and_names_a_real_page(path: str, tail: str, rooted: bool) -> None:
    target = ("/" if rooted else "") + path + tail
    found = locate(target, FROM, "en", DOCUMENTS)
    if found is None:
        assert not is_site_link(target)
    elif isinstance(found, SiteTarget):
        document = DOCUMENTS[found.doc]
        assert found.lang in document.settings.languages
        assert found.version is None or document.version(found.version) is not None
    else:
        assert found.kind in ("outside", "document", "version")


@given(st.text(max_size=40))
def test_locate_takes_any_text(target: str) -> None:
    locate(target, FROM, "en", DOCUMENTS)

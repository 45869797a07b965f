"""PDFs of versions and of 新旧対照表 (WeasyPrint), and a build without the engine."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from pathlib import Path

import pytest

from kaitei.cache import Cache, session
from kaitei.site import pdf
from kaitei.site.build import collect, generate_into, load_checked
from kaitei.site.pages import stylesheet
from kaitei.site.theme import load_site_theme

from .conftest import BASE_URL, ROOT

AS_OF = dt.date(2026, 11, 25)
EXPECTED = {
    "ja/privacy/2017-08-23/privacy-2017-08-23-ja.pdf",
    "en/privacy/2017-08-23/privacy-2017-08-23-en.pdf",
    "ja/privacy/2020-10-01/privacy-2020-10-01-ja.pdf",
    "en/privacy/2020-10-01/privacy-2020-10-01-en.pdf",
    "ja/privacy/diff/2017-08-23/2020-10-01/privacy-2017-08-23-2020-10-01-ja.pdf",
    "en/privacy/diff/2017-08-23/2020-10-01/privacy-2017-08-23-2020-10-01-en.pdf",
}


def _build(monkeypatch: pytest.MonkeyPatch, rendered: list[str]) -> dict[str, bytes]:
    """The sample built with PDFs on; each PDF's HTML recorded, not rendered (seconds each)."""
    monkeypatch.setenv(pdf.PDF_ENV, "1")

    def fake(html: str, css: str, when: str) -> bytes:
        rendered.append(html)
        return b"%PDF-1.7 " + when.encode()

    monkeypatch.setattr(pdf, "render_pdf", fake)
    site, _ = load_checked(ROOT, AS_OF)
    return {o.url: o.content for o in collect(site, AS_OF, ROOT, BASE_URL)}


def test_a_pdf_per_version_language_and_diff_linked_from_its_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if pdf.engine() is None:
        pytest.skip("WeasyPrint is not installed")
    rendered: list[str] = []
    built = _build(monkeypatch, rendered)
    assert {url for url in built if url.endswith(".pdf")} == EXPECTED
    page = built["ja/privacy/2017-08-23/"].decode()
    assert re.search(r'<a class="pdf-link" href="[^"]*/privacy-2017-08-23-ja\.pdf"', page)
    diff = built["ja/privacy/diff/2017-08-23/2020-10-01/"].decode()
    assert re.search(r'href="[^"]*/privacy-2017-08-23-2020-10-01-ja\.pdf"', diff)
    # Dated by the version, not the build: the next day's rebuild is the same file.
    assert built["ja/privacy/2017-08-23/privacy-2017-08-23-ja.pdf"].endswith(b"2017-08-23")
    # Nothing for the engine to fetch: no stylesheet, script or icon links; the logo inline.
    for html in rendered:
        assert not re.search(r'<link rel="(stylesheet|icon)"|<script ', html)
        assert 'src="data:image/svg+xml;base64,' in html


def test_a_missing_engine_is_a_warning_not_a_failed_build(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pdf, "engine", lambda: None)
    with caplog.at_level(logging.WARNING, logger="kaitei"):
        built = _build(monkeypatch, [])
    assert not [url for url in built if url.endswith(".pdf")]
    assert "pdf-link" not in built["ja/privacy/"].decode()
    assert [r.getMessage() for r in caplog.records] == [f"kaitei: {pdf.MISSING}"]


@pytest.mark.slow
def test_the_engine_renders_a_page_as_printed_byte_identically(tmp_path: Path) -> None:
    """One real rendering (the short English 2017 text is still several seconds)."""
    if pdf.engine() is None:
        pytest.skip("WeasyPrint is not installed")
    site, _ = load_checked(ROOT, AS_OF)
    outputs = {o.url: o.content for o in collect(site, AS_OF, ROOT, BASE_URL)}
    theme = load_site_theme(ROOT)
    html = pdf._printable(outputs["en/notices/"].decode(), theme)
    css = stylesheet(theme)
    with session(Cache(tmp_path)):
        one = pdf.render_pdf(html, css, "2020-10-01")
        assert one.startswith(b"%PDF-")
        (cached,) = (tmp_path / pdf.CACHE_KIND).glob("??/*")  # kept in the cache between builds
    with session(Cache(tmp_path)):
        assert pdf.render_pdf(html, css, "2020-10-01") == one  # read back from the cache
        cached.unlink()
        assert pdf.render_pdf(html, css, "2020-10-01") == one  # rendered again, same bytes
    assert pdf.render_pdf(html, css, "2017-08-23") != one  # dated by the version given


def test_the_pool_shares_the_pdfs_between_processes_and_writes_the_serial_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(pdf.PDF_ENV, "1")
    monkeypatch.setattr(pdf, "engine", lambda: object())  # no real rendering: seconds each
    makers = tmp_path / "makers"

    def fake(html: str, css: str, when: str) -> bytes:
        with makers.open("a", encoding="utf-8") as log:  # workers are other processes
            log.write(f"{os.getpid()}\n")
        return b"%PDF-1.7 " + hashlib.sha256((when + html).encode()).hexdigest().encode()

    monkeypatch.setattr(pdf, "render_pdf", fake)
    site, _ = load_checked(ROOT, AS_OF)
    trees = {}
    for workers in (1, 2):
        staging = tmp_path / f"workers-{workers}"
        staging.mkdir()
        generate_into(staging, site, AS_OF, ROOT, BASE_URL, workers=workers)
        trees[workers] = {
            p.relative_to(staging).as_posix(): p.read_bytes()
            for p in sorted(staging.rglob("*.pdf"))
        }
    assert set(trees[1]) == EXPECTED and trees[2] == trees[1]
    makers_of = makers.read_text(encoding="utf-8").split()
    assert len(makers_of) == 2 * len(EXPECTED)  # each PDF once per build, none made twice
    assert set(makers_of) - {str(os.getpid())}  # the pool's workers made some of them

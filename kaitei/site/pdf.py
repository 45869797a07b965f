"""A PDF of every version in every language, and of every 新旧対照表, from the print stylesheet.

`{lang}/{doc}/{version}/{doc}-{version}-{lang}.pdf` and
`{lang}/{doc}/diff/{old}/{new}/{doc}-{old}-{new}-{lang}.pdf`, rendered by WeasyPrint (the `pdf`
extra: `pip install 'kaitei[pdf]'`; it needs Pango, which Debian ships). Without the engine the
build goes on without PDFs and says so once: a missing engine is never a failed build.

The PDF is the page as printed: the same HTML and the same stylesheet under `@media print` (A4,
no navigation), with nothing fetched — the stylesheet is handed over, the logo inlined, every
other URL left as a link. Its dates are the version's effective date, not the build's, so a
rebuild the next day is byte-identical. WeasyPrint takes seconds a page, so finished PDFs are
kept in the cache between builds (kaitei.cache, `.kaitei-cache/pdf/`, checked like every
entry and restored by the publish workflow) under the hash of what they are made from, and
the documents' PDFs are made side by side by the build's worker processes.
"""

from __future__ import annotations

import base64
import logging
import os
import re
from collections.abc import Iterator, Mapping
from importlib import metadata
from typing import Any

from .. import cache as between_builds
from . import urls
from .output import BuildContext, OutputFile, generator
from .pages import diff_pairs, stylesheet, version_page
from .render import logo_url
from .theme import SiteTheme, logo_type

log = logging.getLogger("kaitei")

CACHE_KIND = "pdf"  # the PDFs' folder of the cache between builds
ENABLED_KEY = "pdf_enabled"  # ctx.cache: whether this build makes PDFs (pages link to them)
PDF_ENV = "KAITEI_PDF"  # "0" turns PDFs off (the test suite's quick builds)
MISSING = (
    "no PDFs: the PDF engine (WeasyPrint) is not installed; install it with "
    "pip install 'kaitei[pdf]' (it needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)

# What a PDF must not try to fetch: the page's stylesheet, script and icon links (the
# stylesheet is given to the engine directly).
_FETCHED = re.compile(r'<link rel="(?:stylesheet|icon)"[^>]*>\n?|<script [^>]*></script>\n?')


def engine() -> Any | None:
    """The weasyprint module, or None when it (or the Pango it loads) is missing."""
    try:
        import weasyprint  # an optional dependency
    except (ImportError, OSError):
        return None
    return weasyprint


def enabled(site_theme: SiteTheme, environ: Mapping[str, str] | None = None) -> bool:
    """Whether this build makes PDFs; warns once when it would but cannot."""
    env = os.environ if environ is None else environ
    if not site_theme.pdf or env.get(PDF_ENV, "1").strip() == "0":
        return False
    if engine() is None:
        log.warning("kaitei: %s", MISSING)
        return False
    return True


def _printable(html: str, site_theme: SiteTheme) -> str:
    html = _FETCHED.sub("", html)
    logo = site_theme.logo_file()
    if logo is not None:
        data = base64.b64encode(logo.read_bytes()).decode("ascii")
        name = logo_url(site_theme).rsplit("/", 1)[-1]
        html = re.sub(
            rf'src="[^"]*{re.escape(name)}"', f'src="data:{logo_type(name)};base64,{data}"', html
        )
    return html


def render_pdf(html: str, css: str, when: str) -> bytes:
    """The PDF of a page: its HTML under the print stylesheet, dated `when` (YYYY-MM-DD)."""
    weasyprint = engine()
    assert weasyprint is not None
    store = between_builds.current()
    key = ""
    if store is not None:
        key = store.key(CACHE_KIND, metadata.version("weasyprint"), when, css, html)
        found = store.get(CACHE_KIND, key, bytes, remember=False)
        if found is not None:
            return found
    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(string=css)], presentational_hints=False
    )
    document.metadata.created = when
    document.metadata.modified = when
    data: bytes = document.write_pdf()
    if store is not None:
        store.put(CACHE_KIND, key, data, remember=False)
    return data


@generator("pdf", split=True)
def pdfs(ctx: BuildContext) -> Iterator[OutputFile]:
    # The slowest generator: its jobs are shared by every core.
    if not ctx.cache.get(ENABLED_KEY):
        return
    # Imported here: the diff pages import the pages module too, and only PDFs need both.
    from .diffpages import diff_page

    site_theme = ctx.renderer.site_theme
    css = stylesheet(site_theme)
    job = 0  # each version's PDFs and each pair's are one job (see Portion)
    for document in ctx.site.documents:
        for version in document.versions:
            job += 1
            if job not in ctx.portion:
                continue
            for lang in document.settings.languages:
                if version.text(lang) is None:
                    continue
                page = version_page(
                    ctx, document, version, lang, urls.version(lang, document.id, version.id)
                )
                html = _printable(page.content.decode("utf-8"), site_theme)
                data = render_pdf(html, css, version.effective.isoformat())
                yield OutputFile(
                    urls.version_pdf(lang, document.id, version.id), data, in_sitemap=False
                )
        for old, new in diff_pairs(document, ctx.as_of):
            job += 1
            if job not in ctx.portion:
                continue
            new_v = document.version(new)
            assert new_v is not None
            for lang in document.settings.languages:
                page = diff_page(ctx, document, old, new, lang)
                if b'class="diff-page"' not in page.content:
                    continue  # a language without both texts: no table to print
                html = _printable(page.content.decode("utf-8"), site_theme)
                data = render_pdf(html, css, new_v.effective.isoformat())
                yield OutputFile(urls.diff_pdf(lang, document.id, old, new), data, in_sitemap=False)
        ctx.renderer.forget()  # bounded memory: the next document shares no article

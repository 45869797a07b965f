"""A PDF of every version in every language, and of every 新旧対照表, from the print stylesheet.

`{lang}/{doc}/{version}/{doc}-{version}-{lang}.pdf` and
`{lang}/{doc}/diff/{old}/{new}/{doc}-{old}-{new}-{lang}.pdf`, rendered by WeasyPrint (the `pdf`
extra: `pip install 'kaitei[pdf]'`; it needs Pango, which Debian ships). Without the engine the
build goes on without PDFs and says so once: a missing engine is never a failed build.

The PDF is the page as printed: the same HTML and the same stylesheet under `@media print` (A4,
no navigation), with nothing fetched — the stylesheet is handed over, the logo inlined, every
other URL left as a link. Its dates are the version's effective date, not the build's, so a
rebuild the next day is byte-identical. WeasyPrint takes seconds a page, so finished PDFs are
kept in `build/.cache/pdf/` under the hash of what they are made from.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from . import urls
from .output import BuildContext, OutputFile, generator
from .pages import diff_pairs, stylesheet, version_page
from .render import logo_url
from .theme import SiteTheme, logo_type

log = logging.getLogger("kaitei")

ENABLED_KEY = "pdf_enabled"  # ctx.cache: whether this build makes PDFs (pages link to them)
PDF_ENV = "KAITEI_PDF"  # "0" turns PDFs off (the test suite's quick builds)
CACHE_DIR = Path("build") / ".cache" / "pdf"
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


def render_pdf(html: str, css: str, when: str, cache: Path | None = None) -> bytes:
    """The PDF of a page: its HTML under the print stylesheet, dated `when` (YYYY-MM-DD)."""
    weasyprint = engine()
    assert weasyprint is not None
    version = metadata.version("weasyprint")
    key = hashlib.sha256("\0".join((version, when, css, html)).encode("utf-8")).hexdigest()
    cached = cache / f"{key}.pdf" if cache is not None else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(string=css)], presentational_hints=False
    )
    document.metadata.created = when
    document.metadata.modified = when
    data: bytes = document.write_pdf()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        partial.write_bytes(data)
        partial.replace(cached)
    return data


@generator("pdf")
def pdfs(ctx: BuildContext) -> Iterator[OutputFile]:
    if not ctx.cache.get(ENABLED_KEY):
        return
    # Imported here: the diff pages import the pages module too, and only PDFs need both.
    from .diffpages import diff_page

    site_theme = ctx.renderer.site_theme
    css = stylesheet(site_theme)
    cache = Path(ctx.root) / CACHE_DIR if ctx.root else None
    for document in ctx.site.documents:
        for version in document.versions:
            for lang in document.settings.languages:
                if version.text(lang) is None:
                    continue
                page = version_page(
                    ctx, document, version, lang, urls.version(lang, document.id, version.id)
                )
                html = _printable(page.content.decode("utf-8"), site_theme)
                data = render_pdf(html, css, version.effective.isoformat(), cache)
                yield OutputFile(
                    urls.version_pdf(lang, document.id, version.id), data, in_sitemap=False
                )
        for old, new in diff_pairs(document, ctx.as_of):
            new_v = document.version(new)
            assert new_v is not None
            for lang in document.settings.languages:
                page = diff_page(ctx, document, old, new, lang)
                if b'class="diff-page"' not in page.content:
                    continue  # a language without both texts: no table to print
                html = _printable(page.content.decode("utf-8"), site_theme)
                data = render_pdf(html, css, new_v.effective.isoformat(), cache)
                yield OutputFile(urls.diff_pdf(lang, document.id, old, new), data, in_sitemap=False)

"""mkdocs.yml's `site_url`: the address every page, the feed and the sitemap link to.

It lands in every page's `<link>`, in the feed and in the sitemap, so only web addresses are
accepted: `https://`, and `http://` with a warning (links from an https page to it are
downgraded, and readers' browsers flag it).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic
from ..safeyaml import shown

CONFIG = "mkdocs.yml"
_KEY = re.compile(r"^site_url\s*:")


def _line(root: Path) -> int:
    path = root / CONFIG
    if not path.is_file():
        return 1
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    return next((n for n, line in enumerate(lines, 1) if _KEY.match(line)), 1)


def site_url_problems(root: Path, url: str) -> list[Diagnostic]:
    """Errors for a site_url that is not a web address; a warning for http://."""
    if not url:
        return []
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    where = (CONFIG, _line(root), 1)
    if parts is None or parts.scheme.lower() not in ("https", "http") or not host:
        return [
            Diagnostic(
                *where,
                f"site_url {shown(url)} is not a web address",
                "write the address the site is published at, e.g. "
                "site_url: https://example.com/legal/",
                code="site-url-bad",
            )
        ]
    if url != url.strip() or any(not c.isprintable() or c in "\"'<>`\\" for c in url):
        # Spaces and other letters are percent-encoded; these cannot be meant.
        return [
            Diagnostic(
                *where,
                f"site_url {shown(url)} holds quotes, brackets or invisible characters",
                "write the address as a browser shows it, e.g. https://example.com/legal/",
                code="site-url-bad",
            )
        ]
    if parts.scheme.lower() == "http":
        return [
            Diagnostic(
                *where,
                f"site_url {shown(url)} is http://: pages, feed and sitemap will link to an "
                "unencrypted address",
                "publish the site over https and write site_url: https://…",
                severity="warning",
                code="site-url-http",
            )
        ]
    return []

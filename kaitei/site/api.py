"""`api/v1/{doc}.json`: the current and upcoming versions and whether users must consent.

Apps poll this file and may cache it. Every version carries its effective instant with the
document's UTC offset, its level and the `requires_consent_since` that holds while it is in
force, so an app that cached the file switches to an upcoming version at the right moment
without waiting for a rebuild: the version in force at time T is the last entry of
`versions` whose `effective` ≤ T. The shape is published in kaitei/schemas/api.schema.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model import Document, Version
from . import urls
from .notices import announced, diff_url, effective_at, is_notice, level, meta
from .output import BuildContext, OutputFile, generator
from .reconstruction import is_reconstruction

API_VERSION = 1
# The schema is published next to the JSON, so "$schema" points at our own site.
SCHEMA_URL = "api/v1/schema.json"
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "api.schema.json"


def _link(ctx: BuildContext, url: str) -> str:
    """Absolute when the site URL is known; else relative to the JSON file (api/v1/)."""
    return ctx.base_url + url if ctx.base_url else urls.relative(urls.api("x"), url)


def _consent_since(document: Document, version: Version) -> str | None:
    """While `version` is in force: the effective instant of the latest consent version."""
    since = None
    for earlier in document.versions[: document.versions.index(version) + 1]:
        if level(document, earlier) == "consent":
            since = effective_at(document, earlier).isoformat()
    return since


def version_entry(ctx: BuildContext, document: Document, version: Version) -> dict[str, Any]:
    languages = [lang for lang in document.settings.languages if version.text(lang) is not None]
    date = announced(document, version)
    entry_urls = {}
    for lang in languages:
        diff = diff_url(document, version, lang)
        entry_urls[lang] = {
            "text": _link(ctx, urls.version(lang, document.id, version.id)),
            "notice": (
                _link(ctx, urls.notice(lang, document.id, version.id))
                if is_notice(document, version)
                else None
            ),
            "diff": _link(ctx, diff) if diff else None,
        }
    return {
        "version": version.id,
        "effective": effective_at(document, version).isoformat(),
        "announced": date.isoformat() if date else None,
        "change": level(document, version),
        "reconstruction": is_reconstruction(document, version),
        "requires_consent_since": _consent_since(document, version),
        "summary": {lang: meta(document, version, lang)[0].summary for lang in languages},
        "urls": entry_urls,
        "sha256": {lang: text.sha256 for lang in languages if (text := version.text(lang))},
    }


def document_json(ctx: BuildContext, document: Document) -> dict[str, Any]:
    current = document.in_force(ctx.as_of)
    entries = {v.id: version_entry(ctx, document, v) for v in document.versions}
    return {
        "$schema": _link(ctx, SCHEMA_URL),
        "api_version": API_VERSION,
        "document": document.id,
        "titles": dict(document.settings.titles),
        "authoritative_language": document.settings.authoritative,
        "languages": list(document.settings.languages),
        "timezone": document.settings.timezone,
        "as_of": ctx.as_of.isoformat(),
        "current": entries[current.id] if current else None,
        "upcoming": [entries[v.id] for v in document.upcoming(ctx.as_of)],
        "requires_consent_since": _consent_since(document, current) if current else None,
        "versions": list(entries.values()),
    }


def render(data: dict[str, Any]) -> bytes:
    # Key order as built (readable), non-ASCII kept (Japanese summaries), a final newline.
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@generator("api")
def api(ctx: BuildContext) -> Iterator[OutputFile]:
    for document in ctx.site.documents:
        yield OutputFile(urls.api(document.id), render(document_json(ctx, document)))
    if ctx.site.documents:
        yield OutputFile(SCHEMA_URL, SCHEMA_FILE.read_bytes())

"""Integrity: SHA-256 of every version's canonical text, and a chained manifest of them all.

The manifest (`api/v1/manifest.json`) lists every document, version and language with the hash
of its canonical text, the URL of that text as published (`text.txt` beside the version's
page) and, when given, the SHA-256 of the previous build's manifest. Each deployed manifest
thus names the one before it: keeping them (or fetching the live one before each deploy, as
the shipped workflow does) gives a chain in which any rewrite of a published text shows as a
hash that changed without an erratum.

Where the previous manifest comes from is explicit, never implicit: `KAITEI_PREVIOUS_MANIFEST`
names a file. Reading whatever sits in build/site/ would make two identical builds differ.

Alongside the manifest, `manifest.json.sha256` holds its own hash in `sha256sum` format, so
`sha256sum -c` works and `kaitei verify` notices a manifest edited by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .classify.rules import declared_level
from .diagnostics import Diagnostic, KaiteiError
from .immutability import publication
from .model import Document, Erratum, LanguageText, Site, Version
from .provenance import Commit, for_build
from .site import urls

if TYPE_CHECKING:
    from .site.output import BuildContext

MANIFEST_FORMAT = "kaitei-manifest/2"
# A previous link may be of the first format, which listed texts only and counted errata.
PREVIOUS_FORMATS = ("kaitei-manifest/1", MANIFEST_FORMAT)
PREVIOUS_ENV = "KAITEI_PREVIOUS_MANIFEST"
SIGNATURE_URL = urls.manifest() + ".minisig"
PUBLIC_KEY_URL = "api/v1/manifest.pub"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_url(lang: str, doc: str, version_id: str) -> str:
    """Where a version's canonical text is published, next to its page."""
    return urls.version(lang, doc, version_id) + "text.txt"


def build_manifest(site: Site, as_of: dt.date, previous_sha256: str | None) -> dict[str, Any]:
    """The manifest as data: a pure function of the model, the clock and the previous hash."""
    documents = []
    for document in site.documents:
        versions = []
        for version in document.versions:
            when = publication(document, version)
            authoritative = version.text(document.settings.authoritative)
            meta = authoritative.meta if authoritative else version.texts[0].meta
            versions.append(
                {
                    "id": version.id,
                    "effective": version.effective.isoformat(),
                    "announced": meta.announced.isoformat() if meta.announced else None,
                    # The level the site publishes (the API JSON's): a first version is enacted.
                    "change": declared_level(document, version),
                    "reconstruction": any(t.meta.reconstruction for t in version.texts),
                    "published": when.date <= as_of,
                    "texts": [
                        {
                            "lang": text.lang,
                            "sha256": text.sha256,
                            "text": text_url(text.lang, document.id, version.id),
                            "page": urls.version(text.lang, document.id, version.id),
                            "errata": [_erratum(e) for e in _in_order(text.meta.errata)],
                        }
                        for text in version.texts
                    ],
                }
            )
        documents.append(
            {
                "id": document.id,
                "authoritative": document.settings.authoritative,
                "languages": list(document.settings.languages),
                "versions": versions,
            }
        )
    return {
        "format": MANIFEST_FORMAT,
        "as_of": as_of.isoformat(),
        "algorithm": "sha256",
        "previous_manifest_sha256": previous_sha256,
        "documents": documents,
        "files": {},  # every published file and its hash, filled in by the site's finisher
    }


def _in_order(errata: tuple[Erratum, ...]) -> tuple[Erratum, ...]:
    """Errata in the order they are applied (and listed on the pages)."""
    return tuple(sorted(errata, key=lambda e: (e.date, e.span.line)))


def _erratum(erratum: Erratum) -> dict[str, str]:
    # The content itself: a later manifest is matched against it, never against a count.
    return {
        "date": erratum.date.isoformat(),
        "before": erratum.before,
        "after": erratum.after,
        "reason": erratum.reason,
    }


def with_files(manifest: dict[str, Any], hashes: dict[str, str]) -> dict[str, Any]:
    """The manifest listing every published file (site-relative path → its SHA-256 hex).

    Hashes, not contents: the build hashes each file as it writes it and keeps no bytes."""
    return {**manifest, "files": dict(sorted(hashes.items()))}


def dump_manifest(manifest: dict[str, Any]) -> bytes:
    """Stable bytes: sorted keys, fixed separators, a final newline."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def checksum_line(manifest_bytes: bytes) -> bytes:
    return f"{sha256_hex(manifest_bytes)}  manifest.json\n".encode("ascii")


def previous_manifest_hash(environ: dict[str, str] | None = None) -> str | None:
    """SHA-256 of the file named by KAITEI_PREVIOUS_MANIFEST, or None when unset."""
    env = os.environ if environ is None else environ
    name = env.get(PREVIOUS_ENV, "").strip()
    if not name:
        return None
    path = Path(name)
    if not path.is_file():
        raise KaiteiError(
            [
                Diagnostic(
                    name,
                    1,
                    1,
                    f"{PREVIOUS_ENV} names {name}, which is not a file",
                    "point it at the manifest.json of the previous build, or unset it for "
                    "the first build of a site",
                    code="previous-manifest-missing",
                )
            ]
        )
    data = path.read_bytes()
    try:
        previous = json.loads(data)
    except ValueError:
        previous = None
    if not isinstance(previous, dict) or previous.get("format") not in PREVIOUS_FORMATS:
        raise KaiteiError(
            [
                Diagnostic(
                    name,
                    1,
                    1,
                    f"{name} is not a kaitei manifest ({MANIFEST_FORMAT})",
                    f"{PREVIOUS_ENV} must name the api/v1/manifest.json of an earlier build",
                    code="previous-manifest-bad",
                )
            ]
        )
    return sha256_hex(data)


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """What a version's page shows about its record (the legal dates come from front matter).

    Authors' e-mail addresses are deliberately left out: pages are public.
    """

    sha256: str
    text_url: str  # site-relative URL of the canonical text the hash is of
    errata: tuple[Erratum, ...]  # oldest first
    published: bool
    first_commit: Commit | None  # None without git history
    published_by: Commit | None  # the commit whose text was published
    last_edited: Commit | None


def version_record(
    ctx: BuildContext, document: Document, version: Version, text: LanguageText
) -> VersionRecord:
    """The context hook for the version and history pages."""
    history = for_build(ctx)
    file = history.file(text.path) if history is not None else None
    when = publication(document, version)
    return VersionRecord(
        sha256=text.sha256,
        text_url=text_url(text.lang, document.id, version.id),
        errata=_in_order(text.meta.errata),
        published=when.date <= ctx.as_of,
        first_commit=file.first if file else None,
        published_by=file.published_by(when.at).commit if file else None,
        last_edited=file.last if file else None,
    )

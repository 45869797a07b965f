"""The "manifest" generator: api/v1/manifest.json, its checksum, and every version's text.txt.

text.txt is the canonical text byte for byte, so anyone can recompute a hash from the
published site (`kaitei verify`, or `sha256sum`) without running kaitei's parser.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..integrity import (
    build_manifest,
    checksum_line,
    dump_manifest,
    previous_manifest_hash,
    text_url,
)
from ..model import canonical_text
from . import urls
from .output import BuildContext, OutputFile, generator

CACHE_KEY = "kaitei.site.manifest"  # BuildContext.cache: the manifest dict, for other pages


@generator("manifest")
def manifest_files(context: BuildContext) -> Iterator[OutputFile]:
    site = context.site
    for document in site.documents:
        for version in document.versions:
            for text in version.texts:
                yield OutputFile(
                    text_url(text.lang, document.id, version.id),
                    canonical_text(text).encode("utf-8"),
                    lang=text.lang,
                    in_sitemap=False,
                )
    manifest = build_manifest(site, context.as_of, previous_manifest_hash())
    context.cache[CACHE_KEY] = manifest
    data = dump_manifest(manifest)
    yield OutputFile(urls.manifest(), data, in_sitemap=False)
    yield OutputFile(urls.manifest() + ".sha256", checksum_line(data), in_sitemap=False)

"""The "manifest" generator: api/v1/manifest.json, its checksum, its signature, every text.txt.

text.txt is the canonical text byte for byte, so anyone can recompute a hash from the
published site (`kaitei verify`, or `sha256sum`) without running kaitei's parser. The
manifest itself is written last, by a finisher: it lists every other file of the site with
its hash, so a page, an API file or a feed edited after the build is caught too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..integrity import (
    PUBLIC_KEY_URL,
    SIGNATURE_URL,
    build_manifest,
    checksum_line,
    dump_manifest,
    previous_manifest_hash,
    text_url,
    with_files,
)
from ..model import canonical_text
from ..signing import Signer, signer_from_env
from . import urls
from .output import BuildContext, FileRecord, OutputFile, finisher, generator

CACHE_KEY = "kaitei.site.manifest"  # BuildContext.cache: (the manifest without files, signer)


@generator("texts", split=True)
def text_files(context: BuildContext) -> Iterator[OutputFile]:
    """Each text's canonical text, the bytes its hash is of. Job i: document i's texts."""
    for number, document in enumerate(context.site.documents):
        if number not in context.portion:
            continue
        for version in document.versions:
            for text in version.texts:
                yield OutputFile(
                    text_url(text.lang, document.id, version.id),
                    canonical_text(text).encode("utf-8"),
                    lang=text.lang,
                    in_sitemap=False,
                )


@generator("manifest")
def manifest_files(context: BuildContext) -> Iterator[OutputFile]:
    site = context.site
    signer = signer_from_env()
    if signer is not None:
        # Published so anyone can check the signature; listed in the manifest like any file.
        yield OutputFile(PUBLIC_KEY_URL, signer.public.text(), in_sitemap=False)
    context.cache[CACHE_KEY] = (
        build_manifest(site, context.as_of, previous_manifest_hash()),
        signer,
    )


@finisher("manifest")
def seal(context: BuildContext, records: Sequence[FileRecord]) -> Iterator[OutputFile]:
    """The manifest with every file's hash, then its checksum and (with a key) signature."""
    manifest, signer = context.cache[CACHE_KEY]
    assert signer is None or isinstance(signer, Signer)
    files = {urls.file_path(r.url): r.sha256 for r in records}
    data = dump_manifest(with_files(manifest, files))
    yield OutputFile(urls.manifest(), data, in_sitemap=False)
    yield OutputFile(urls.manifest() + ".sha256", checksum_line(data), in_sitemap=False)
    if signer is not None:
        name = urls.manifest().rsplit("/", 1)[-1]
        yield OutputFile(SIGNATURE_URL, signer.sign(data, context.as_of, name), in_sitemap=False)

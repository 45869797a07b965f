"""A large site's build in bounded memory: the parent holds outlines, each task its document.

`kaitei build` of a small site loads the whole model once and its pool's workers inherit it
through fork. At scale that model is most of the memory, held by the parent and, page by
page as the workers touch it, copied into every worker: 50 documents x 50 versions x 10
languages took 9.3 GB. A large site is built streaming instead:

- loading keeps each document's outline (kaitei.model.LanguageText.outline: front matter,
  title, closing lines, source and hash, no body) once its whole text is parsed and stored
  in the cache between builds (kaitei.cache);
- the site's own pages, notices, feeds, API and manifest, and the checks across documents,
  are made from the outlines: they read no body;
- each pool task (kaitei.site.parallel) loads its document whole again, from the cache, and
  the documents its links point at, and makes that document's checks and files from it;
  another document's outline is enough to resolve a link to it.

The files are the same bytes either way (tests/site/test_stream.py builds both). Streaming
needs the cache, which makes the second load a read (about a third of a parse); without it
(`--no-cache`) the whole model is loaded as before.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .. import cache as between_builds
from ..diagnostics import Collector
from ..load import content_dir, load_document
from ..model import Document, Site
from ..read.sitelinks import linked_documents

# From this many version files on, a site is built streaming (measured: at 5,000 files the
# whole model in every process took 2.0 GB, at 25,000 9.3 GB).
MIN_FILES = 4000


def wanted(root: Path, workers: int) -> bool:
    """Whether `kaitei build` streams: a pool, the cache, and a large site."""
    if workers < 2 or between_builds.current() is None:
        return False
    content = content_dir(root)
    return content.is_dir() and sum(1 for _ in content.glob("*/*/*.md")) >= MIN_FILES


def whole_site(site: Site, index: int) -> Site:
    """`site` of outlines with its document `index`, and the documents its links point at,
    loaded whole: what that document's checks and files are made from."""
    root = Path(site.root)
    document = _whole(root, site.documents[index])
    outlines = {d.id: d for d in site.documents}
    wholes = {document.id: document}
    for name in sorted(linked_documents(document, outlines)):
        wholes[name] = _whole(root, outlines[name])
    return replace(site, documents=tuple(wholes.get(d.id, d) for d in site.documents))


def _whole(root: Path, outline: Document) -> Document:
    # Its problems were reported when the outline was loaded: the same file, the same parse.
    document = load_document(content_dir(root) / outline.id, root, Collector())
    if document is None or document.outline() != outline:
        raise RuntimeError(f"content/{outline.id} changed while the site was built")
    return document

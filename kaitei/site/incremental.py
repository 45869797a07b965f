"""Rebuilds under `kaitei serve`: after an edit, only the pages it can change are made again.

`collect` makes every file of the site; under `serve` an edit usually touches one document,
and the pages of the others come out the same. `Rebuilder.collect` makes the same files (byte
for byte, which tests/site/test_serve_rebuild.py checks after sequences of edits) and keeps
the previous build's pages of a document when nothing they are made from has changed.

What is kept, and when. The splittable generators (kaitei.site.output.Portion) promise that
each of their jobs makes the same files whatever other jobs run, which is what lets the pool
of kaitei.site.parallel split them; here the jobs of one document are one group: the
document's own pages (job 1 + i of `pages`) and its diff pages (its pairs in `diff`, numbered
through the documents in order, see `diff_pairs`). A group's files are kept when

- everything besides the documents that a page is made from is as it was: the repository,
  the as-of date, the site URL, the generators that take part, the site's theme settings,
  the bytes of every theme file (built-in, the site's theme/, the UI strings) and the git
  history the pages show;
- the documents are the same ones in the same order (a document added, removed or renamed
  rebuilds everything);
- the document's model is equal to the previous one (a text's model holds its file's whole
  source, so any edit of its files changes it; document.yml is its settings);
- and no other document changed, unless this one links to none: a link to another document
  resolves against that document (kaitei.read.sitelinks).

Everything else runs every time: the site's own pages (job 0 of `pages`: they list every
document), the generators that are not splittable (notices, feeds, API, manifest, assets),
the sitemap and the finishers. Any doubt means a full build: a group whose files are not all
below its document's folders disables keeping for the session.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache

from ..catalogue import i18n_dir
from ..model import Document, Site
from ..provenance import for_build
from ..read.sitelinks import links_to_site
from .build import finish_site, prepare_context
from .jobs import DIFF, PAGES, SITE_GROUP, portion
from .jobs import groups as job_groups
from .output import GENERATORS, SPLITTABLE, BuildContext, FileRecord, OutputFile
from .render import theme_dirs

# Generators whose jobs are kept by document (see the module's docstring). Any other
# generator runs whole (PDFs are not made under serve).
KEPT = (PAGES, DIFF)


@dataclass(frozen=True)
class _Setting:
    """Everything besides the documents that a document's pages are made from."""

    root: str
    as_of: dt.date
    base_url: str
    names: tuple[str, ...]
    features: tuple[tuple[str, bool], ...]
    site_theme: Any  # SiteTheme: a frozen dataclass, compared by value
    theme_files: str  # a digest of every theme file's path and bytes
    history: Any  # the git history (one object per HEAD, kaitei.provenance), or None


@dataclass(frozen=True)
class _Group:
    outputs: tuple[OutputFile, ...]
    records: tuple[FileRecord, ...]


@dataclass(frozen=True)
class _Previous:
    setting: _Setting
    documents: tuple[Document, ...]
    links_out: tuple[bool, ...]  # per document: links to another document of the site
    groups: dict[tuple[str, int], _Group]  # (generator, document index or SITE_GROUP)


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """Whose pages a rebuild made again (the site's own pages and files always are)."""

    documents: tuple[str, ...]  # by id
    of: int  # documents in the site

    def describe(self) -> str:
        return f"the pages of {len(self.documents)} of {self.of} documents"


class Rebuilder:
    """`collect(..., preview=True)` for one `serve` session, keeping what an edit left alone."""

    def __init__(self, templates: BytecodeCache | None = None) -> None:
        self.templates = templates
        self._previous: _Previous | None = None
        self.keeping = True  # False after a group broke the rule above: full builds only
        self.last: Rebuilt | None = None  # what the last rebuild made again

    def collect(
        self, site: Site, as_of: dt.date, root: Path, base_url: str
    ) -> tuple[list[OutputFile], Rebuilt]:
        outputs: dict[str, OutputFile] = {}

        def keep(output: OutputFile) -> FileRecord:
            outputs[output.url] = output
            return FileRecord.of(output)

        with _frozen():
            ctx, modules, names = prepare_context(
                site, as_of, root, base_url, None, True, self.templates
            )
            setting = _setting(ctx, names)
            documents = site.documents
            previous = self._previous
            dirty = self._dirty(previous, setting, documents)
            links_out = tuple(
                previous.links_out[i]
                if previous is not None and i not in dirty
                else links_to_site(d)
                for i, d in enumerate(documents)
            )
            groups: dict[tuple[str, int], _Group] = {}
            produced: list[tuple[str, Sequence[FileRecord]]] = []
            for name in names:
                if name not in KEPT or name not in SPLITTABLE:
                    produced.append((name, [keep(o) for o in GENERATORS[name](ctx)]))
                    continue
                records: list[FileRecord] = []
                for group, jobs in job_groups(name, ctx):
                    found = previous.groups.get((name, group)) if previous else None
                    if found is None or group == SITE_GROUP or group in dirty:
                        found = self._run(ctx, name, group, jobs)
                    for output in found.outputs:
                        outputs[output.url] = output
                    records += found.records
                    groups[name, group] = found
                produced.append((name, records))
            finish_site(ctx, modules, produced, keep)
        self._previous = _Previous(setting, documents, links_out, groups) if self.keeping else None
        rebuilt = self.last = Rebuilt(tuple(documents[i].id for i in sorted(dirty)), len(documents))
        return [outputs[url] for url in sorted(outputs)], rebuilt

    def _dirty(
        self, previous: _Previous | None, setting: _Setting, documents: Sequence[Document]
    ) -> set[int]:
        """The documents whose pages are made again."""
        everything = set(range(len(documents)))
        if (
            previous is None
            or previous.setting != setting
            or [d.id for d in previous.documents] != [d.id for d in documents]
        ):
            return everything
        changed = {i for i, d in enumerate(documents) if d != previous.documents[i]}
        if not changed:
            return set()
        return changed | {i for i in everything if previous.links_out[i]}

    def _run(self, ctx: BuildContext, name: str, group: int, jobs: frozenset[int]) -> _Group:
        if not jobs:
            return _Group((), ())
        outputs = tuple(GENERATORS[name](replace(ctx, portion=portion(jobs))))
        if group != SITE_GROUP:
            own = ctx.site.documents[group].id
            if any(o.url.split("/")[1:2] != [own] for o in outputs):
                self.keeping = False  # jobs are not numbered as this module believes
        return _Group(outputs, tuple(FileRecord.of(o) for o in outputs))


@contextmanager
def _frozen() -> Iterator[None]:
    # kaitei.site.build.frozen_model without its full collection first: under `serve` the
    # heap holds MkDocs and the kept pages besides the model, and that collection was 15-25 ms
    # of the sample's 110 ms rebuild. Garbage frozen with the model is freed by a later
    # collection after the unfreeze, as any other.
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _setting(ctx: BuildContext, names: Sequence[str]) -> _Setting:
    renderer: Any = ctx.renderer
    return _Setting(
        ctx.root,
        ctx.as_of,
        ctx.base_url,
        tuple(names),
        tuple(sorted(renderer.features.items())),
        renderer.site_theme,
        _theme_digest(theme_dirs(renderer.site_theme)),
        for_build(ctx),  # read once per build: the generators use the same one
    )


def _theme_digest(folders: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for folder in (*folders, i18n_dir()):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()

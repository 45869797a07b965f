"""The site build: check the content, run every generator, swap the result into place.

Both shells use it: `kaitei build` streams every file into a staging folder next to
build/site as it is made (`generate_into`, on every core for a large site, see
kaitei.site.parallel), then swaps it in, so a failed build leaves the previous site intact;
the MkDocs plugin hands `collect`'s files, held in memory, to MkDocs. Either way the bytes
are the same.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import pkgutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml
from jinja2 import BytecodeCache

from .. import cache as between_builds
from ..check import Changes, CheckOptions, Finish, check_site, start_check
from ..clock import as_of as clock_as_of
from ..clock import parse_date
from ..diagnostics import Collector, Diagnostic, KaiteiError
from ..load import content_dir, load_settings
from ..model import Document, Site
from . import parallel, pdf, stream, uptodate, urls
from .output import FINISHERS, GENERATORS, BuildContext, FileRecord, OutputFile
from .render import Renderer
from .siteurl import site_url_problems
from .theme import load_site_theme
from .write import remove_tree_later, staged_site, write_output, write_site

# write_site lives in .write since the lock
__all__ = ["build", "collect", "generate_into", "write_site"]

AS_OF_ENV = "KAITEI_AS_OF"  # how `mkdocs build` / `mkdocs serve` get an as-of date
DEFAULT_SITE_DIR = "build/site"


def load_generators() -> tuple[str, ...]:
    """Import every module of kaitei.site, so each registers its generators; return their names.

    Features arrive as modules (diffpages, notices, feed, api, manifest …): a new one is part
    of the build as soon as it exists, with no list here to keep in step.
    """
    package = importlib.import_module("kaitei.site")
    names = sorted(
        f"kaitei.site.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    )
    for name in names:
        importlib.import_module(name)
    return tuple(names)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What the build needs from mkdocs.yml, read without MkDocs."""

    root: Path
    site_dir: Path
    base_url: str
    as_of: str | None = None  # the kaitei plugin's `as_of` option
    # `extra: {kaitei: …}`: theme keys given in mkdocs.yml (see kaitei.site.theme)
    theme_keys: Mapping[str, Any] = field(default_factory=dict)


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags like !ENV or !!python/name: read them as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_TolerantLoader.add_multi_constructor("", _any_tag)


def read_config(root: Path) -> SiteConfig:
    path = root / "mkdocs.yml"
    data: Mapping[str, Any] = {}
    if path.is_file():
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
        data = loaded if isinstance(loaded, dict) else {}
    site_dir = Path(str(data.get("site_dir") or DEFAULT_SITE_DIR))
    base_url = str(data.get("site_url") or "")
    options = _plugin_options(data.get("plugins"))
    as_of = str(options["as_of"]) if options.get("as_of") else None
    extra = data.get("extra")
    keys = extra.get("kaitei") if isinstance(extra, dict) else None
    return SiteConfig(
        root,
        site_dir if site_dir.is_absolute() else root / site_dir,
        base_url,
        as_of,
        keys if isinstance(keys, dict) else {},
    )


def _plugin_options(plugins: Any) -> Mapping[str, Any]:
    """The options of `kaitei` in mkdocs.yml's `plugins` (a list, or a mapping)."""
    entries: list[tuple[Any, Any]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        entries = [next(iter(e.items())) for e in plugins if isinstance(e, dict) and e]
    for name, options in entries:
        if name == "kaitei" and isinstance(options, dict):
            return options
    return {}


def document_timezone(root: Path) -> str:
    """The time zone of the first document: the build's clock runs in it."""
    content = content_dir(root)
    if not content.is_dir():
        return "UTC"
    for doc_dir in sorted(p for p in content.iterdir() if p.is_dir()):
        settings = load_settings(doc_dir, doc_dir.name, Collector())
        if settings is not None:
            return settings.timezone
    return "UTC"


def resolve_as_of(
    root: Path,
    arg: str | None = None,
    environ: Mapping[str, str] | None = None,
    configured: str | None = None,
) -> dt.date:
    """--as-of, else $KAITEI_AS_OF, else the plugin's `as_of` option, else SOURCE_DATE_EPOCH
    or today in the document's time zone."""
    env = os.environ if environ is None else environ
    if arg:
        return parse_date(arg)
    if env.get(AS_OF_ENV, "").strip():
        return parse_date(env[AS_OF_ENV].strip())
    if configured:
        return parse_date(configured)
    return clock_as_of(None, document_timezone(root), dict(env))


def load_checked(root: Path, as_of: dt.date, strict: bool = False) -> tuple[Site, list[Diagnostic]]:
    """The site, or KaiteiError with every error (and with warnings too under --strict)."""
    site, diagnostics = check_site(root, as_of, strict)
    failing = [d for d in diagnostics if d.fails(strict)]
    if failing:
        raise KaiteiError(diagnostics)
    return site, diagnostics


def collect(
    site: Site,
    as_of: dt.date,
    root: Path,
    base_url: str,
    only: Sequence[str] | None = None,
    *,
    preview: bool = False,
    templates: BytecodeCache | None = None,
) -> list[OutputFile]:
    """Every file of the site in memory, sorted by URL, the sitemap included (the MkDocs
    plugin and tests; `kaitei build` streams the same files to disk with `generate_into`).

    `only` restricts the build to the generators of some modules (tests of one part).
    `preview` is for `mkdocs serve`, whose live-reload script is inline: those pages carry
    no Content-Security-Policy (published pages always do). `templates` keeps the compiled
    theme templates from one build to the next (`serve`: compiling them was half a rebuild).
    """
    outputs: dict[str, OutputFile] = {}

    def keep(output: OutputFile) -> FileRecord:
        outputs[output.url] = output
        return FileRecord.of(output)

    with frozen_model():
        ctx, modules, names = prepare_context(site, as_of, root, base_url, only, preview, templates)
        produced = [(name, [keep(o) for o in GENERATORS[name](ctx)]) for name in names]
        finish_site(ctx, modules, produced, keep)
    return [outputs[url] for url in sorted(outputs)]


def generate_into(
    staging: Path,
    site: Site,
    as_of: dt.date,
    root: Path,
    base_url: str,
    only: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    checks: parallel.Checks | None = None,
) -> list[FileRecord]:
    """Write every file of the site into `staging`; return their records, sorted by URL.

    Files go to disk as they are made, so memory holds the model and one page at a time, not
    the site. `workers` > 1 runs the splittable generators in a pool of that many processes
    (None: the machine's cores when the site is large enough); the files are the same bytes
    whatever it is. `checks` (the content check, which raises to stop the build) run before
    any file is written, or, with a pool, while the workers start on the pages, and in the
    workers beside each document's diff pages (kaitei.site.parallel).
    """
    if workers is None:
        versions = sum(len(d.versions) for d in site.documents)
        workers = parallel.available_workers() if parallel.usable(versions) else 1

    def write(output: OutputFile) -> FileRecord:
        return write_output(staging, output)

    with frozen_model():
        ctx, modules, names = prepare_context(site, as_of, root, base_url, only, preview=False)
        if workers > 1:
            produced = parallel.generate(ctx, names, staging, workers, checks)
        else:
            if checks is not None:
                checks.site(documents=True)
            produced = [(name, [write(o) for o in GENERATORS[name](ctx)]) for name in names]
        return finish_site(ctx, modules, produced, write)


def streamed_into(
    staging: Path, root: Path, as_of: dt.date, base_url: str, strict: bool, workers: int
) -> tuple[list[FileRecord], Checking] | None:
    """A large site's files, written into `staging` document by document (kaitei.site.stream);
    their records, sorted by URL, and the check that passed; raises KaiteiError as `build`.
    None when the site does not load cleanly: the whole build reports every problem (and
    writes the same files over the ones written here)."""
    ctx, modules, names = prepare_context(Site(str(root), ()), as_of, root, base_url, None, False)
    loaded = stream.load_and_make_all(ctx, names, staging, as_of, strict, workers)
    if not loaded.cleanly:
        return None
    checks = Checking(Finish(loaded.site, loaded.out, CheckOptions(root, as_of, strict)), strict)
    ctx = replace(ctx, site=loaded.site)
    with frozen_model():
        produced = parallel.generate(
            ctx, names, staging, workers, checks, outlined=True, only=loaded.waiting
        )
        records = finish_site(ctx, modules, [*loaded.produced, *produced], _writer(staging))
    return records, checks


def _writer(staging: Path) -> Callable[[OutputFile], FileRecord]:
    def write(output: OutputFile) -> FileRecord:
        return write_output(staging, output)

    return write


@contextmanager
def frozen_model() -> Iterator[None]:
    # The model is millions of long-lived objects; without this the cyclic garbage collector
    # walks all of them again and again while the pages are generated (0.6-1 s of a large
    # build). Frozen objects are skipped by the collector (and forked workers inherit the
    # freeze, so they do not touch the model's pages either); unfreezing afterwards keeps a
    # long-running `kaitei serve` from holding on to old builds.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def prepare_context(
    site: Site,
    as_of: dt.date,
    root: Path,
    base_url: str,
    only: Sequence[str] | None,
    preview: bool,
    templates: BytecodeCache | None = None,
) -> tuple[BuildContext, tuple[str, ...], list[str]]:
    """The build's context, the generator modules that take part, their generators' names."""
    modules = load_generators()
    if only is not None:
        modules = tuple(m for m in modules if m in only)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    # Every page, feed and sitemap link starts with it: encoded once, here.
    base_url = urls.encoded(base_url)
    features = {
        "notices": "kaitei.site.notices" in modules,  # the layout links to them
        "csp": not preview,
    }
    site_theme = load_site_theme(root, read_config(root).theme_keys)
    renderer = Renderer(base_url, as_of, features, site_theme)
    # Jinja reads it on every template load; an entry is used only for the same source bytes.
    renderer.env.bytecode_cache = templates
    ctx = BuildContext(site, as_of, str(root), base_url, renderer)
    # PDFs take seconds each: not under `serve`, and only with the engine installed.
    ctx.cache[pdf.ENABLED_KEY] = (
        not preview and "kaitei.site.pdf" in modules and pdf.enabled(site_theme)
    )
    names = [name for name in sorted(GENERATORS) if GENERATORS[name].__module__ in modules]
    return ctx, modules, names


def finish_site(
    ctx: BuildContext,
    modules: Sequence[str],
    produced: Sequence[tuple[str, Sequence[FileRecord]]],
    put: Callable[[OutputFile], FileRecord],
) -> list[FileRecord]:
    """The sitemap and the finishers' files after the generators' (`produced`), all stored
    with `put`; every file's record, sorted by URL."""
    records: dict[str, FileRecord] = {}
    for name, files in produced:
        for record in files:
            if record.url in records:
                raise RuntimeError(
                    f"generator {name!r} writes {record.url!r} twice or over another"
                )
            records[record.url] = record
    sitemap = OutputFile(urls.sitemap(), sitemap_xml(list(records.values()), ctx.base_url))
    records[sitemap.url] = put(sitemap)
    # Finishers see every file's record (the manifest lists them all with their hashes).
    for name in sorted(FINISHERS):
        if FINISHERS[name].__module__ in modules:
            for output in FINISHERS[name](ctx, [records[url] for url in sorted(records)]):
                records[output.url] = put(output)
    return [records[url] for url in sorted(records)]


def sitemap_xml(outputs: Sequence[OutputFile | FileRecord], base_url: str) -> bytes:
    """sitemap.xml with hreflang alternates (x-default included) for every listed page."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for output in sorted(outputs, key=lambda o: o.url):
        if not output.in_sitemap or not (output.url == "" or output.url.endswith("/")):
            continue
        lines.append(f"<url><loc>{escape(urls.encoded(base_url + output.url))}</loc>")
        for hreflang, href in output.alternates:
            lines.append(
                f'<xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} '
                f"href={quoteattr(urls.encoded(base_url + href))}/>"
            )
        lines.append("</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Checking:
    """`kaitei build`'s content check (kaitei.site.parallel.Checks): it stops the build on
    a failing diagnostic, and keeps the others to report."""

    finish: Finish
    strict: bool
    found: list[Diagnostic] = field(default_factory=list)

    def site(self, documents: bool) -> None:
        self.found = self.finish(documents)
        self._stop()

    def document(
        self,
        document: Document,
        changes: Changes,
        site: Site | None = None,
        sources: Collector | None = None,
    ) -> list[Diagnostic]:
        return self.finish.document(document, changes, site, sources)

    def done(self, found: list[Diagnostic]) -> None:
        self.found = self.finish.result(found)
        self._stop()

    def _stop(self) -> None:
        if any(d.fails(self.strict) for d in self.found):
            raise KaiteiError(self.found)


@dataclass(frozen=True, slots=True)
class BuildResult:
    site_dir: Path
    as_of: dt.date
    files: int
    diagnostics: tuple[Diagnostic, ...]  # warnings that did not stop the build
    up_to_date: bool = False  # nothing changed since the last build: nothing was written


def build(
    root: Path,
    as_of_arg: str | None = None,
    strict: bool = False,
    site_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> BuildResult:
    """`kaitei build`: check, generate, write atomically; nothing to do when the inputs are
    those of the build that made the site folder (kaitei.site.uptodate)."""
    env = os.environ if environ is None else environ
    config = read_config(root)
    url_problems = site_url_problems(root, config.base_url)
    if any(d.fails(strict) for d in url_problems):
        raise KaiteiError(url_problems)
    as_of = resolve_as_of(root, as_of_arg, env, config.as_of)
    target = site_dir or config.site_dir
    store = between_builds.current()
    key = None
    if store is not None:
        # Before anything is read: an input edited during the build changes the next key.
        with suppress(uptodate.Unknowable):
            key = uptodate.input_key(root, target, as_of, strict, env)
    if store is not None and key is not None:
        record = uptodate.lookup(store, key, target)
        if record is not None:
            store.sweep = False
            return BuildResult(target, as_of, len(record.files), record.diagnostics, True)
    workers = parallel.available_workers()
    with staged_site(target, discard=remove_tree_later) as staging:
        streamed = None
        if stream.wanted(root, workers):  # a large site: document by document (stream.py)
            streamed = streamed_into(staging, root, as_of, config.base_url, strict, workers)
        if streamed is not None:
            records, checks = streamed
        else:
            site, loaded_cleanly, finish = start_check(root, as_of, strict)
            checks = Checking(finish, strict)
            if not loaded_cleanly:  # a broken model is refused (load errors fail) first
                checks.site(documents=True)
            # The check needs the model and nothing else: on several cores the pages are
            # made while it runs, and thrown away with the staging folder if it fails.
            records = generate_into(staging, site, as_of, root, config.base_url, checks=checks)
    diagnostics = tuple(sorted([*checks.found, *url_problems]))
    if store is not None and key is not None:
        uptodate.remember(store, key, target, diagnostics)
    return BuildResult(target, as_of, len(records), diagnostics)

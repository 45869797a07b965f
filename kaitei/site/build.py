"""The site build: check the content, run every generator, swap the result into place.

Both shells use it: `kaitei build` writes with `write_site` (a temporary folder next to
build/site, then a swap, so a failed build leaves the previous site intact); the MkDocs
plugin hands `collect`'s files to MkDocs. Either way the bytes are the same.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import pickle
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

from ..check import check_site
from ..clock import as_of as clock_as_of
from ..clock import parse_date
from ..diagnostics import Collector, Diagnostic, KaiteiError
from ..load import content_dir, load_settings
from ..model import Site
from . import pdf, urls
from .output import FINISHERS, GENERATORS, BuildContext, OutputFile, Portion
from .render import Renderer
from .siteurl import site_url_problems
from .theme import load_site_theme
from .write import write_site

__all__ = ["build", "collect", "write_site"]  # write_site lives in .write since the lock

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
) -> list[OutputFile]:
    """Every file of the site, sorted by URL, the sitemap included.

    `only` restricts the build to the generators of some modules (tests of one part).
    `preview` is for `mkdocs serve`, whose live-reload script is inline: those pages carry
    no Content-Security-Policy (published pages always do).
    """
    # The model is millions of long-lived objects; without this the cyclic garbage collector
    # walks all of them again and again while the pages are generated (0.6-1 s of a large
    # build). Frozen objects are skipped by the collector; unfreezing afterwards keeps a
    # long-running `kaitei serve` from holding on to old builds.
    gc.collect()
    gc.freeze()
    try:
        return _collect(site, as_of, root, base_url, only, preview)
    finally:
        gc.unfreeze()


def _collect(
    site: Site,
    as_of: dt.date,
    root: Path,
    base_url: str,
    only: Sequence[str] | None,
    preview: bool,
) -> list[OutputFile]:
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
    ctx = BuildContext(site, as_of, str(root), base_url, renderer)
    # PDFs take seconds each: not under `serve`, and only with the engine installed.
    ctx.cache[pdf.ENABLED_KEY] = (
        not preview and "kaitei.site.pdf" in modules and pdf.enabled(site_theme)
    )
    names = [name for name in sorted(GENERATORS) if GENERATORS[name].__module__ in modules]
    aside = [name for name in names if name in OFFLOADED] if _offload(site, preview) else []
    worker = _Worker(aside, replace(ctx, portion=CHILD_PORTION)) if aside else None
    produced = [(name, _run([name], ctx)) for name in names if name not in aside]
    if worker is not None:
        produced += [(name, _run([name], replace(ctx, portion=PARENT_PORTION))) for name in aside]
        produced += [(", ".join(aside), worker.join())]
    outputs: dict[str, OutputFile] = {}
    for name, files in produced:
        for output in files:
            if output.url in outputs:
                raise RuntimeError(
                    f"generator {name!r} writes {output.url!r} twice or over another"
                )
            outputs[output.url] = output
    sitemap = OutputFile(urls.sitemap(), sitemap_xml(list(outputs.values()), base_url))
    outputs[sitemap.url] = sitemap
    # Finishers see every file (the manifest lists them all with their hashes).
    for name in sorted(FINISHERS):
        if FINISHERS[name].__module__ in modules:
            for output in FINISHERS[name](ctx, [outputs[url] for url in sorted(outputs)]):
                outputs[output.url] = output
    return [outputs[url] for url in sorted(outputs)]


# --- two cores: the diff pages are generated in a forked process beside the others -------

# Generators that share no per-build cache with the others and honour ctx.portion, so their
# pages can be split between the two processes.
OFFLOADED = ("diff",)
# The child's share of their jobs. The parent also writes every other page, and the child
# pays for copy-on-write pages, so the parent takes a tenth (measured: 9/10 beat 4/5 and 3/5).
CHILD_PORTION = Portion(frozenset(range(1, 10)), 10)
PARENT_PORTION = Portion(frozenset({0}), 10)
# Below this many versions in all, forking costs more than it saves.
OFFLOAD_MIN_VERSIONS = 20


def _offload(site: Site, preview: bool) -> bool:
    # Not under `serve`: its server threads make fork unsafe, and its rebuilds are small.
    return (
        not preview
        and hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and sum(len(d.versions) for d in site.documents) >= OFFLOAD_MIN_VERSIONS
    )


def _run(names: Sequence[str], ctx: BuildContext) -> list[OutputFile]:
    return [output for name in names for output in GENERATORS[name](ctx)]


class _Worker:
    """Runs some generators in a forked child, which inherits the loaded model for free.

    The child sends back the finished files (pickled bytes); if it fails in any way, the
    parent runs the same generators itself, so an error surfaces with its real traceback
    and the output never depends on whether the fork worked.
    """

    def __init__(self, names: Sequence[str], ctx: BuildContext) -> None:
        self.names, self.ctx = tuple(names), ctx
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: generate, send, and leave without cleanup handlers
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as pipe:
                    pickle.dump(_run(self.names, ctx), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.read = read

    def join(self) -> list[OutputFile]:
        # Read everything before waiting: a child blocked on a full pipe never exits.
        with os.fdopen(self.read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if status == 0:
            try:
                files: list[OutputFile] = pickle.loads(data)
                return files
            except (pickle.UnpicklingError, EOFError):
                pass
        return _run(self.names, self.ctx)


def sitemap_xml(outputs: Sequence[OutputFile], base_url: str) -> bytes:
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


@dataclass(frozen=True, slots=True)
class BuildResult:
    site_dir: Path
    as_of: dt.date
    files: int
    diagnostics: tuple[Diagnostic, ...]  # warnings that did not stop the build


def build(
    root: Path,
    as_of_arg: str | None = None,
    strict: bool = False,
    site_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> BuildResult:
    """`kaitei build`: check, generate, write atomically."""
    config = read_config(root)
    url_problems = site_url_problems(root, config.base_url)
    if any(d.fails(strict) for d in url_problems):
        raise KaiteiError(url_problems)
    as_of = resolve_as_of(root, as_of_arg, environ, config.as_of)
    site, diagnostics = load_checked(root, as_of, strict)
    diagnostics = sorted([*diagnostics, *url_problems])
    outputs = collect(site, as_of, root, config.base_url)
    target = site_dir or config.site_dir
    write_site(outputs, target)
    return BuildResult(target, as_of, len(outputs), tuple(diagnostics))

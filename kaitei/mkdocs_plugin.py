"""The thin MkDocs plugin (`plugins: [kaitei]`): MkDocs is the shell, kaitei makes the site.

The plugin checks and generates the whole site before MkDocs cleans `site_dir` (so content
errors leave the previous build alone), replaces MkDocs' files with kaitei's outputs (already
rendered by kaitei's renderer, written byte for byte), turns off the theme's own pages
(404.html, sitemap.xml) and, under `mkdocs serve`, watches content/ so an edit rebuilds and
reloads the browser. This is the only module of kaitei that imports MkDocs.

As-of date: $KAITEI_AS_OF, else the plugin option `as_of`, else SOURCE_DATE_EPOCH, else today
in the document's time zone (kaitei.clock).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .cache import Cache, cache_dir, open_cache, session
from .catalogue import i18n_dir
from .clock import ClockError
from .diagnostics import KaiteiError
from .load import content_dir
from .site import urls
from .site.build import collect, load_checked, resolve_as_of
from .site.incremental import Rebuilder
from .site.output import OutputFile
from .site.render import theme_dir
from .site.siteurl import site_url_problems
from .site.theme import THEME_DIR

log = logging.getLogger("mkdocs.plugins.kaitei")


class KaiteiPluginConfig(Config):  # type: ignore[no-untyped-call]
    # YYYY-MM-DD (YAML reads an unquoted date as a date); $KAITEI_AS_OF wins.
    as_of = c.Optional(c.Type((str, dt.date)))
    strict = c.Type(bool, default=False)  # warnings from `kaitei check` fail the build
    cache = c.Type(bool, default=True)  # .kaitei-cache/ between builds (kaitei.cache)


class TemplateMemory(BytecodeCache):
    """The theme's templates compiled once for the life of `serve`, not on every rebuild.

    Jinja compiles every template a build uses afresh in each new Environment (one per build):
    that was half of an edit's rebuild (0.1 s of CPU on the sample site). An entry is found by
    the template's name and file and by the options that shape the compiled code, and Jinja
    uses it only when the checksum of the template's source matches: an edited template (the
    site's theme/ is watched) is compiled again.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = repr((name, filename, _compile_options(environment)))
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


def _compile_options(env: Environment) -> tuple[object, ...]:
    """What the compiled code of a template depends on besides its source (what Jinja keys
    its own lexer cache on, plus the code generator's switches)."""
    return (
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        tuple(sorted(env.extensions)),
        tuple(sorted(env.filters)),
        tuple(sorted(env.tests)),
    )


class ServedFolder:
    """The folder `kaitei serve` serves, brought up to date in place after a rebuild.

    MkDocs empties it and writes every file again on each rebuild: on this machine's disk,
    under load, emptying the sample site's 30 folders alone took 0.1-0.27 s of the budget.
    Instead the files whose bytes changed are written and those the site no longer has are
    removed, so the folder holds exactly the new build's files. What is on disk is known from
    the last build that finished writing; after one that failed while writing, or in a new
    folder, every file is written and every other file in the folder removed.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._on_disk: dict[str, OutputFile] | None = None  # by URL, as last written
        self._pending: dict[str, OutputFile] | None = None  # being written now

    def update(self, folder: Path, outputs: list[OutputFile]) -> list[OutputFile]:
        """Remove the stale files; return the outputs that MkDocs must write."""
        new = {o.url: o for o in outputs}
        old = self._on_disk if self._folder == folder else None
        if old is None:
            wanted = {urls.file_path(url) for url in new}
            stale = [p for p in folder.rglob("*") if p.is_file()]
            stale = [p for p in stale if p.relative_to(folder).as_posix() not in wanted]
            changed = outputs
        else:
            stale = [folder / urls.file_path(url) for url in old if url not in new]
            changed = [o for o in outputs if not _same(old.get(o.url), o)]
        for path in stale:
            path.unlink()
            for parent in path.parents:  # a full build has no empty folder either
                if parent == folder or any(parent.iterdir()):
                    break
                parent.rmdir()
        self._folder, self._on_disk, self._pending = folder, None, new
        return changed

    def written(self) -> None:
        self._on_disk, self._pending = self._pending, None

    def failed(self) -> None:
        # A failure before `update` (the content check) leaves the folder as it was.
        if self._pending is not None:
            self._folder = self._on_disk = self._pending = None


def _same(old: OutputFile | None, new: OutputFile) -> bool:
    # A kept page is the same object (kaitei.site.incremental): no need to compare its bytes.
    return old is not None and (old is new or old.content == new.content)


class KaiteiPlugin(BasePlugin[KaiteiPluginConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self._outputs: list[OutputFile] = []
        self._serving = False
        # One cache for the plugin's life: under `serve` its memory layer keeps the previous
        # build's parsed files and diffs, so a rebuild re-reads only what an edit changed.
        self._cache: Cache | None = None
        # Under `serve`: the compiled templates and the previous build's pages (what an edit
        # leaves alone is kept, see kaitei.site.incremental).
        self._rebuilder = Rebuilder(TemplateMemory())
        self._folder = ServedFolder()
        self._in_place = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving = command == "serve"
        # `kaitei serve` builds "dirty": MkDocs neither empties the served folder nor writes
        # a file we do not give it, so we give it the changed files and remove the stale ones
        # (see ServedFolder). Plain `mkdocs serve` empties it and gets every file.
        self._in_place = self._serving and dirty
        self._folder = ServedFolder()

    @staticmethod
    def _root(config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or "mkdocs.yml").resolve().parent

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # The theme's own static pages would overwrite ours (sitemap.xml) or add pages we
        # do not have (404.html): kaitei owns every file of the site.
        config.theme.static_templates.clear()
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        root = self._root(config)
        if self.config.cache and (self._cache is None or self._cache.root != cache_dir(root)):
            self._cache = open_cache(root)
        with session(self._cache if self.config.cache else None, prune=not self._serving):
            self._build(root, config)

    def _build(self, root: Path, config: MkDocsConfig) -> None:
        try:
            configured = str(self.config.as_of) if self.config.as_of else None
            as_of = resolve_as_of(root, None, os.environ, configured)
            strict = self.config.strict or config.strict
            url_problems = site_url_problems(root, config.site_url or "")
            if any(d.fails(strict) for d in url_problems):
                raise KaiteiError(url_problems)
            site, diagnostics = load_checked(root, as_of, strict)
            diagnostics = sorted([*diagnostics, *url_problems])
        except KaiteiError as error:
            raise PluginError("kaitei check found problems:\n\n" + str(error)) from None
        except ClockError as error:
            raise PluginError(f"kaitei: {error}") from None
        for diagnostic in diagnostics:
            # A note never fails a run, and `mkdocs build --strict` fails on any warning.
            (log.info if diagnostic.severity == "note" else log.warning)(diagnostic.format())
        base_url = config.site_url or ""
        if not self._serving:
            self._outputs = collect(site, as_of, root, base_url)
            return
        self._outputs, rebuilt = self._rebuilder.collect(site, as_of, root, base_url)
        log.info("kaitei: made %s again", rebuilt.describe())

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        # Only kaitei's files: docs_dir and theme assets are not part of the site.
        outputs = self._outputs
        if self._in_place:
            outputs = self._folder.update(Path(config.site_dir), outputs)
        return Files(
            [
                File.generated(config, urls.file_path(output.url), content=output.content)
                for output in outputs
            ]
        )

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._in_place:
            self._folder.written()

    def on_build_error(self, *, error: Exception) -> None:
        self._folder.failed()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        root = self._root(config)
        # The site's own theme/ too: its settings and overrides are part of every page.
        for path in (content_dir(root), root / THEME_DIR, theme_dir(), i18n_dir()):
            if path.is_dir():
                server.watch(str(path))
        return server

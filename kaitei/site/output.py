"""The contract between the site builder and the modules that contribute output.

Every feature (pages, diffs, notices, feeds, JSON, manifest) is a *generator*: a pure function
of a `BuildContext` that yields `OutputFile`s. The builder runs every registered generator,
writes each file into a staging folder as soon as it is made (keeping only a `FileRecord`)
and swaps the folder in; the MkDocs plugin keeps the files and hands them to MkDocs.
Generators never write files themselves and never read the clock: `as_of` is the only "now".
*Finishers* run last and see a record of every file, not its bytes (the whole site is never
held in memory by `kaitei build`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..model import Site
from .theme import SiteTheme


@dataclass(frozen=True, slots=True)
class OutputFile:
    url: str  # relative URL, see urls.py; pages end in "/"
    content: bytes
    lang: str | None = None  # the page's language (for the sitemap); None for language-free files
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, url) incl. x-default, for the sitemap
    in_sitemap: bool = True


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the sitemap and the finishers need of a file once it is written: no content."""

    url: str
    sha256: str  # hex digest of the content
    size: int
    lang: str | None = None
    alternates: tuple[tuple[str, str], ...] = ()
    in_sitemap: bool = True

    @classmethod
    def of(cls, output: OutputFile) -> FileRecord:
        return cls(
            output.url,
            hashlib.sha256(output.content).hexdigest(),
            len(output.content),
            output.lang,
            output.alternates,
            output.in_sitemap,
        )


class Renderer(Protocol):
    """Renders a theme template inside the site layout (implemented by kaitei.site.render)."""

    features: Mapping[str, bool]  # optional parts of the site that are built (notices, …)
    site_theme: SiteTheme  # the site repository's theme/ settings

    def page(self, template: str, url: str, lang: str, **context: Any) -> bytes: ...

    def text(self, template: str, **context: Any) -> str: ...

    def fingerprint(self, node: Any) -> Hashable:
        """A model node's content without source spans, memoized for the build."""
        ...

    def forget(self) -> None:
        """Drop the caches (between documents): the output never depends on them."""
        ...


@dataclass(frozen=True, slots=True)
class Portion:
    """Job number i (in a generator's own stable order) is done here when i % of is in take.

    A *splittable* generator (registered with `split=True`) numbers its jobs the same way in
    every process and does only those of `ctx.portion`: the pool in kaitei.site.parallel runs
    its portions side by side, and their files together are exactly the serial build's.
    """

    take: frozenset[int]
    of: int

    def __contains__(self, job: int) -> bool:
        return job % self.of in self.take


WHOLE = Portion(frozenset({0}), 1)


@dataclass(frozen=True)
class BuildContext:
    site: Site
    as_of: dt.date
    root: str  # the site repository
    base_url: str  # absolute site URL from mkdocs.yml `site_url`, ending in "/"
    renderer: Renderer
    # Results of one stage other stages reuse (e.g. ChangeSets), keyed by the producing module.
    cache: dict[str, Any] = field(default_factory=dict, compare=False)
    # The share of a splittable generator's jobs this process does (see kaitei.site.build).
    portion: Portion = WHOLE


Generator = Callable[[BuildContext], Iterable[OutputFile]]
# Run after every generator, with a record of each of their files (sorted by URL, the sitemap
# included): what needs the whole site, e.g. the manifest of every file's hash.
Finisher = Callable[[BuildContext, Sequence[FileRecord]], Iterable[OutputFile]]

GENERATORS: dict[str, Generator] = {}
FINISHERS: dict[str, Finisher] = {}
# Generators that honour ctx.portion and share no ctx.cache entry with other generators or
# finishers: the pool may split their jobs between processes.
SPLITTABLE: set[str] = set()

F = TypeVar("F", Generator, Finisher)


def _registrar(table: dict[str, F], name: str) -> Callable[[F], F]:
    def register(fn: F) -> F:
        table[name] = fn
        return fn

    return register


def generator(name: str, *, split: bool = False) -> Callable[[Generator], Generator]:
    """Register a generator under a stable name; the builder runs them in name order.

    `split=True` promises that it does only the jobs of `ctx.portion` (see Portion)."""
    if split:
        SPLITTABLE.add(name)
    return _registrar(GENERATORS, name)


def finisher(name: str) -> Callable[[Finisher], Finisher]:
    """Register a finisher under a stable name; the builder runs them in name order."""
    return _registrar(FINISHERS, name)

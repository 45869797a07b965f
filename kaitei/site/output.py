"""The contract between the site builder and the modules that contribute output.

Every feature (pages, diffs, notices, feeds, JSON, manifest) is a *generator*: a pure function
of a `BuildContext` that yields `OutputFile`s. The builder runs every registered generator,
writes the files into a temporary folder and swaps it in; the MkDocs plugin does the same
through MkDocs. Generators never write files themselves and never read the clock: `as_of` is
the only "now".
"""

from __future__ import annotations

import datetime as dt
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


class Renderer(Protocol):
    """Renders a theme template inside the site layout (implemented by kaitei.site.render)."""

    features: Mapping[str, bool]  # optional parts of the site that are built (notices, …)
    site_theme: SiteTheme  # the site repository's theme/ settings

    def page(self, template: str, url: str, lang: str, **context: Any) -> bytes: ...

    def text(self, template: str, **context: Any) -> str: ...

    def fingerprint(self, node: Any) -> Hashable:
        """A model node's content without source spans, memoized for the build."""
        ...


@dataclass(frozen=True, slots=True)
class Portion:
    """Job number i (in a generator's own stable order) is done here when i % of is in take."""

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
# Run after every generator, with all their files (sorted by URL): what needs the whole site.
Finisher = Callable[[BuildContext, Sequence[OutputFile]], Iterable[OutputFile]]

GENERATORS: dict[str, Generator] = {}
FINISHERS: dict[str, Finisher] = {}

F = TypeVar("F", Generator, Finisher)


def _registrar(table: dict[str, F], name: str) -> Callable[[F], F]:
    def register(fn: F) -> F:
        table[name] = fn
        return fn

    return register


def generator(name: str) -> Callable[[Generator], Generator]:
    """Register a generator under a stable name; the builder runs them in name order."""
    return _registrar(GENERATORS, name)


def finisher(name: str) -> Callable[[Finisher], Finisher]:
    """Register a finisher under a stable name; the builder runs them in name order."""
    return _registrar(FINISHERS, name)

"""What every forked worker of a build tells its parent: the cache entries it used.

The parent prunes the cache between builds of every entry the build did not use
(kaitei.cache), and knows only what it is told the workers used: each pool
(kaitei.site.parallel, kaitei.site.stream) reports it with each task's result.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .. import cache as between_builds

# In a worker: the cache entries already reported to the parent.
_REPORTED: set[Path] = set()


def start_worker() -> None:
    """A forked worker's start: what the parent's cache had used is known to it already."""
    store = between_builds.current()
    _REPORTED.clear()
    _REPORTED.update(store.used if store is not None else ())  # the parent's, at the fork


def newly_used() -> list[Path]:
    """The cache entries this worker used since it last said (the parent prunes the rest)."""
    store = between_builds.current()
    used = sorted(store.used - _REPORTED) if store is not None else []
    _REPORTED.update(used)
    return used


def took_used(used: Collection[Path]) -> None:
    """In the parent: a worker used these cache entries."""
    store = between_builds.current()
    if store is not None:
        store.used.update(used)

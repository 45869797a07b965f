"""The splittable generators' jobs, grouped by document.

A splittable generator numbers its jobs in a stable order of its own (output.Portion). The
pool of kaitei.site.parallel and the serve rebuilder of kaitei.site.incremental both work a
document at a time: this module is the one place that knows which of each generator's jobs
make which document's files, so the two cannot disagree with the generators.
"""

from __future__ import annotations

from collections.abc import Iterator

from .output import BuildContext, Portion
from .pages import diff_pairs

PAGES, DIFF, PDF, TEXTS = "pages", "diff", "pdf", "texts"
GROUPED = frozenset({PAGES, DIFF, PDF, TEXTS})  # the generators whose numbering is known here
SITE_GROUP = -1  # the site's own pages (job 0 of `pages`)
_ALL_JOBS = 1 << 40  # Portion.of above every job number: job % of is the job


def groups(name: str, ctx: BuildContext) -> Iterator[tuple[int, frozenset[int]]]:
    """(document index or SITE_GROUP, that group's job numbers) of generator `name`, one
    entry per document in the site's order, for a generator of GROUPED."""
    documents = ctx.site.documents
    if name == PAGES:  # job 0: the site's own pages; job 1 + i: document i's
        yield SITE_GROUP, frozenset({0})
        for i in range(len(documents)):
            yield i, frozenset({1 + i})
    elif name == DIFF:  # one job per pair (kaitei.site.diffpages.diff_jobs), in order
        number = 0
        for i, document in enumerate(documents):
            pairs = len(diff_pairs(document, ctx.as_of))
            yield i, frozenset(range(number, number + pairs))
            number += pairs
    elif name == PDF:  # from 1: each version's PDFs, then each pair's (kaitei.site.pdf)
        number = 1
        for i, document in enumerate(documents):
            count = len(document.versions) + len(diff_pairs(document, ctx.as_of))
            yield i, frozenset(range(number, number + count))
            number += count
    elif name == TEXTS:  # job i: document i's canonical texts (kaitei.site.manifest)
        for i in range(len(documents)):
            yield i, frozenset({i})
    else:
        raise ValueError(f"the jobs of {name!r} are not grouped by document")


def portion(jobs: frozenset[int]) -> Portion:
    """The Portion that does exactly these job numbers."""
    return Portion(jobs, _ALL_JOBS)

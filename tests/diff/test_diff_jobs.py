"""The diff pages' jobs: every pair once, each portion a run of consecutive pairs."""

from __future__ import annotations

import datetime as dt

import pytest

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import Site
from kaitei.site.diffpages import diff_jobs
from kaitei.site.output import WHOLE, Portion

from .conftest import write_document

AS_OF = dt.date(2030, 1, 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("jobs")
    for doc in ("a", "b"):
        body = "# 規程\n\n## 第1条（目的）\n\n版{}。\n"
        versions = {f"202{n}-01-01": {"ja": body.format(n)} for n in range(6)}
        write_document(root, versions, doc)
    return load_site(root, Collector())


@pytest.mark.parametrize("of", [1, 2, 3, 5, 8, 40])
def test_each_portion_makes_a_run_of_consecutive_pairs(site: Site, of: int) -> None:
    everything = list(diff_jobs(site, AS_OF, WHOLE))
    assert len(everything) > 10 and len({d.id for d, _, _ in everything}) == 2
    runs = [list(diff_jobs(site, AS_OF, Portion(frozenset({k}), of))) for k in range(of)]
    assert [job for run in runs for job in run] == everything  # each pair once, in order
    # A portion's pairs follow one another: a document's pairs share its per-process caches
    # (round-robin, each portion would make some pairs of every document).
    place = {(d.id, old, new): n for n, (d, old, new) in enumerate(everything)}
    for run in filter(None, runs):
        numbers = [place[(d.id, old, new)] for d, old, new in run]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))

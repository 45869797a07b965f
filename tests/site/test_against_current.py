"""document.yml `diff_against_current`: which versions get a diff page against the current one."""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from pathlib import Path

import pytest

from kaitei.diagnostics import Collector
from kaitei.frontmatter import load_mapping, parse_document_settings
from kaitei.model import DEFAULT_DIFF_AGAINST_CURRENT
from kaitei.site.build import collect, load_checked
from kaitei.site.pages import compared_with_current, diff_pairs

from ..conftest import bench_module
from .conftest import BASE_URL

AS_OF = dt.date(2026, 11, 25)
VERSIONS = 7  # all in force before AS_OF: the last is current


def _site(tmp: Path, setting: str | None) -> Path:
    root = tmp / (setting or "default").replace(" ", "-")
    bench = bench_module()
    bench.write_synthetic_content(root, 1, VERSIONS)
    bench.prepare_kaitei_site(root)
    if setting is not None:
        settings = root / "content" / "policy-01" / "document.yml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text + f"diff_against_current: {setting}\n", encoding="utf-8")
    return root


def _diff_pages(root: Path) -> tuple[set[tuple[str, str]], dict[str, bytes]]:
    site, _ = load_checked(root, AS_OF)
    built = {o.url: o.content for o in collect(site, AS_OF, root, BASE_URL)}
    pairs = {
        (m[1], m[2])
        for url in built
        if (m := re.match(r"ja/policy-01/diff/([^/]+)/([^/]+)/$", url))
    }
    return pairs, built


@pytest.mark.parametrize(
    ("setting", "against_current"),
    [("all", VERSIONS - 1), ("none", 0), ("recent 2", 2), (None, VERSIONS - 1)],
)
def test_the_setting_chooses_the_pages_and_every_link_resolves(
    tmp_path: Path, setting: str | None, against_current: int
) -> None:
    root = _site(tmp_path, setting)
    pairs, built = _diff_pages(root)
    site, _ = load_checked(root, AS_OF)
    document = site.documents[0]
    ids = [v.id for v in document.versions]
    adjacent = set(pairwise(ids))
    current = ids[-1]
    with_current = {(old, current) for old in ids[:-1]}
    assert adjacent <= pairs
    assert len(pairs - adjacent) == max(0, against_current - 1)  # the predecessor is adjacent
    assert pairs <= adjacent | with_current
    assert pairs == set(diff_pairs(document, AS_OF))
    assert len(compared_with_current(document, AS_OF)) == against_current
    # The history pages link to exactly the diff pages that exist.
    for lang in ("ja", "en"):
        history = built[f"{lang}/policy-01/history/"].decode("utf-8")
        linked = set(re.findall(rf'{lang}/policy-01/diff/([^/"]+)/([^/"]+)/', history))
        assert linked == pairs


def test_the_default_keeps_a_short_history_whole() -> None:
    # The default must not change the sample (two versions) nor any history of up to 11.
    assert DEFAULT_DIFF_AGAINST_CURRENT >= VERSIONS - 1


@pytest.mark.parametrize(
    ("value", "expected", "errors"),
    [
        ("all", None, 0),
        ("none", 0, 0),
        ("recent 3", 3, 0),
        ("recent three", DEFAULT_DIFF_AGAINST_CURRENT, 1),
        ("some", DEFAULT_DIFF_AGAINST_CURRENT, 1),
        ("recent -1", DEFAULT_DIFF_AGAINST_CURRENT, 1),
    ],
)
def test_document_yml_values(value: str, expected: int | None, errors: int) -> None:
    text = f"titles: {{ja: 規程}}\nauthoritative: ja\ndiff_against_current: {value}\n"
    out = Collector()
    data = load_mapping(text, "document.yml", 1, out)
    assert data is not None
    settings = parse_document_settings(data, "document.yml", out)
    assert settings is not None
    assert settings.diff_against_current == expected
    assert len([d for d in out.items if d.severity == "error"]) == errors

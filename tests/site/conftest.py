"""Builds of the sample site, shared by the tests of tests/site (each as-of built once)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kaitei.site.build import collect, load_checked
from kaitei.site.output import OutputFile

from ..conftest import bench_module

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "https://policies.example.com/"
# Before 2020-10-01 (2017 text in force, 2020 upcoming) and after it.
BEFORE = dt.date(2020, 9, 15)
AFTER = dt.date(2021, 1, 1)

Built = dict[str, OutputFile]


@pytest.fixture(scope="session")
def build_at() -> Callable[[dt.date], Built]:
    cache: dict[dt.date, Built] = {}

    def build(as_of: dt.date) -> Built:
        if as_of not in cache:
            site, _ = load_checked(ROOT, as_of)
            cache[as_of] = {o.url: o for o in collect(site, as_of, ROOT, BASE_URL)}
        return cache[as_of]

    return build


def html(built: Built, url: str) -> str:
    return built[url].content.decode("utf-8")


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A copy of the sample site repository (content and mkdocs.yml)."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs").mkdir()
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` by relative path, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four documents of five versions in two languages: diffs against predecessors and
    against the version in force, notices, several documents per worker."""
    root = tmp_path_factory.mktemp("synthetic")
    bench = bench_module()
    bench.write_synthetic_content(root, 4, 5)
    bench.prepare_kaitei_site(root)
    return root

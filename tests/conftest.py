"""Fixtures every test folder shares: the sample content, loaded once per session."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import Document, Site

ROOT = Path(__file__).resolve().parents[1]

# PDFs take seconds a page: the suite's many builds go without them (the builds of
# tests/site/test_pdf.py turn them on). Subprocess builds inherit this too.
os.environ.setdefault("KAITEI_PDF", "0")

# Hypothesis' default 200 ms deadline per example is a timing assertion: on a shared 2-core
# runner it failed property tests whose code was right (456 ms under load). Speed is measured
# by the benchmarks; a test that means a deadline (the YAML fuzz test's 2 s) still sets one.
settings.register_profile("kaitei", deadline=None)
settings.load_profile("kaitei")


def bench_module() -> ModuleType:
    """benchmarks/bench_build.py, whose synthetic content generator the tests reuse."""
    if "bench_build" in sys.modules:
        return sys.modules["bench_build"]
    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "benchmarks/bench_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_build"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sample_site() -> Site:
    out = Collector()
    site = load_site(ROOT, out)
    assert not out.errors, [d.format() for d in out.errors]
    return site


@pytest.fixture(scope="session")
def privacy(sample_site: Site) -> Document:
    document = sample_site.document("privacy")
    assert document is not None
    return document

"""Fixtures every test folder shares: the sample content, loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import Document, Site

ROOT = Path(__file__).resolve().parents[1]

# PDFs take seconds a page: the suite's many builds go without them (the builds of
# tests/site/test_pdf.py turn them on). Subprocess builds inherit this too.
os.environ.setdefault("KAITEI_PDF", "0")


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

"""Fixtures for the notices tests: the sample content, loaded once, and copies of it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from kaitei.model import Site
from kaitei.site.output import BuildContext
from kaitei.site.render import Renderer
from tests.notify.conftest import smtp_server  # noqa: F401  (the loopback SMTP server fixture)

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
# A fixed "today" for golden files: after the 2020-10-01 change, inside its banner period.
AS_OF = dt.date(2020, 10, 15)
REGEN = os.environ.get("KAITEI_REGEN_GOLDEN") == "1"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample content (a site root) for tests that edit it."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def golden(name: str, actual: str) -> None:
    """Compare with tests/notices/golden/<name>; KAITEI_REGEN_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if REGEN or not path.exists():
        if not REGEN:
            pytest.fail(f"no golden file {path}; run with KAITEI_REGEN_GOLDEN=1 and read it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


BASE_URL = "https://policies.example.jp/"


def build_context(site: Site, as_of: dt.date = AS_OF, base_url: str = BASE_URL) -> BuildContext:
    renderer = Renderer(base_url, as_of, {"notices": True})
    return BuildContext(site, as_of, str(ROOT), base_url, renderer)

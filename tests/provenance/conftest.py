from __future__ import annotations

from pathlib import Path

import pytest

import kaitei.immutability  # noqa: F401  (registers the check with kaitei.check)

from .gitrepo import sample_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return sample_repo(tmp_path / "site")

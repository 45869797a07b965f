"""Diff test fixtures: the sample site, and small documents written on the fly."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import Document, LanguageText

ROOT = Path(__file__).resolve().parents[2]

DOCUMENT_YML = """\
titles: {ja: テスト, en: Test}
authoritative: ja
languages: [ja, en]
timezone: Asia/Tokyo
notice_period_days: 30
banner_days_after: 30
diff_layout: new-left
"""


@pytest.fixture(scope="session")
def sample(privacy: Document) -> Document:
    return privacy  # the diff tests' name for the sample document (tests/conftest.py)


def _front(version: str, first: bool) -> str:
    summary = "" if first else "summary: 改定\n"
    return f"---\neffective: {version}\nchange: editorial\n{summary}---\n\n"


def write_document(
    root: Path, versions: Mapping[str, Mapping[str, str]], doc: str = "test"
) -> Document:
    """Write content/<doc>/<version>/<lang>.md from bodies and load the document."""
    folder = root / "content" / doc
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "document.yml").write_text(DOCUMENT_YML, encoding="utf-8")
    for index, (version, texts) in enumerate(sorted(versions.items())):
        for lang, body in texts.items():
            path = folder / version / f"{lang}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_front(version, index == 0) + textwrap.dedent(body), encoding="utf-8")
    out = Collector()
    site = load_site(root, out)
    document = site.document(doc)
    assert document is not None, [d.format() for d in out.items]
    return document


TextPair = Callable[[str, str], tuple[LanguageText, LanguageText]]


@pytest.fixture
def ja_pair(tmp_path: Path) -> TextPair:
    """Two Japanese versions from two bodies (for alignment tests)."""

    def make(old: str, new: str) -> tuple[LanguageText, LanguageText]:
        document = write_document(tmp_path, {"2020-01-01": {"ja": old}, "2021-01-01": {"ja": new}})
        old_t, new_t = document.versions[0].text("ja"), document.versions[1].text("ja")
        assert old_t is not None and new_t is not None
        return old_t, new_t

    return make

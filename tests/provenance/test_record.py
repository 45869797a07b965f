"""The page hook: hash, errata and "last edited" of one version's text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from kaitei.diagnostics import Collector
from kaitei.integrity import VersionRecord, version_record
from kaitei.load import load_site
from kaitei.site.output import BuildContext

from .gitrepo import SAMPLE, add_front_matter, commit_all, replace

JA_2017 = "content/privacy/2017-08-23/ja.md"


def record(root: Path, version_id: str, lang: str, as_of: dt.date) -> VersionRecord:
    site = load_site(root, Collector())
    document = site.documents[0]
    version = document.version(version_id)
    assert version is not None
    text = version.text(lang)
    assert text is not None
    renderer: Any = None  # the hook renders nothing
    ctx = BuildContext(site, as_of, str(root), "", renderer)
    return version_record(ctx, document, version, text)


def test_an_erratum_is_recorded_and_the_last_edit_is_its_commit(repo: Path) -> None:
    replace(repo / JA_2017, "保護実現", "保護の実現")
    add_front_matter(
        repo / JA_2017,
        "errata:\n  - date: 2026-11-20\n    reason: 脱字\n    before: 保護実現\n"
        "    after: 保護の実現\n",
    )
    erratum = commit_all(repo, "Erratum", date="2026-11-20T10:00:00+09:00")
    got = record(repo, "2017-08-23", "ja", dt.date(2026, 11, 25))
    # The sample records three errata of its own; the new one joins them.
    found = [(e.reason, e.before, e.after) for e in got.errata]
    assert ("脱字", "保護実現", "保護の実現") in found and len(found) == 4
    assert got.last_edited is not None and got.last_edited.sha == erratum
    assert got.first_commit is not None and got.first_commit.subject == "Sample content"
    assert got.published_by == got.first_commit
    assert got.published is True
    assert got.text_url == "ja/privacy/2017-08-23/text.txt"
    assert len(got.sha256) == 64


def test_without_git_the_record_has_no_commits(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "content")
    got = record(tmp_path, "2020-10-01", "en", dt.date(2020, 8, 1))
    assert (got.first_commit, got.last_edited, got.published_by) == (None, None, None)
    assert got.published is False

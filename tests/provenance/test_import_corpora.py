"""Conformance: three real policy histories imported into new sites, with no hand edits.

The corpora are git bundles beside the project (`../shared/corpora`); the tests skip when
they are absent. They print the figures they measure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.commands.importing.dates import text_date
from kaitei.commands.importing.walk import decode
from kaitei.frontmatter import split_front_matter

from .gitrepo import ROOT, commit_all, git, init_repo

CORPORA = ROOT / ".." / "shared" / "corpora"
AS_OF = dt.date(2026, 11, 25)
# (bundle, document id, --from-git (relative to the clone), authoritative language)
CASES = [
    ("basecamp-privacy", "privacy", "privacy.md", "en"),
    ("automattic-privacy", "privacy", "privacy.md", "en"),
    ("wpcom-terms-17-languages", "terms", "{lang}.md", "en"),
]
TRANSLATIONS = ["ar", "de", "es", "fr", "he", "id", "it", "ja", "ko", "nl", "pt-BR", "ru", "sv",
                "tr", "zh-CN", "zh-TW"]  # fmt: skip
# Check codes that are the import's own doing (front matter, errata, translations, the
# published-version record); the others come from reading the Markdown of the text itself.
IMPORT_CODES = re.compile(
    r"^(frontmatter-|erratum-|translates-|published-|effective-mismatch|unexpected-file|"
    r"missing-authoritative|document-|yaml-|history-)"
)

pytestmark = [
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent"),
    pytest.mark.slow,
]


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def source_text(clone: Path, sha: str, path: str) -> str:
    data = subprocess.run(
        ["git", "show", f"{sha}:{path}"], cwd=clone, capture_output=True, check=True
    ).stdout
    text = decode(data)
    assert text is not None
    return text


def written_body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return split_front_matter(text)[2]


def imported(
    tmp_path: Path, bundle: str, doc: str, source: str, lang: str
) -> tuple[Path, Path, dict[str, Any]]:
    clone = tmp_path / bundle
    git(tmp_path, "clone", "-q", str(CORPORA / f"{bundle}.bundle"), str(clone))
    site = init_repo(tmp_path / "site")
    assert main(["init", str(site), "--lang", lang, "--no-starter"]) == 0
    capture = tmp_path / "summary.json"
    argv = ["import", doc, "--from-git", str(clone / source), "--lang", lang, "--root",
            str(site), "--as-of", AS_OF.isoformat(), "--format", "json"]  # fmt: skip
    output = run_quietly(argv)
    capture.write_text(output, encoding="utf-8")
    return clone, site, json.loads(output)


def run_quietly(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def effective_dates(clone: Path, path: str) -> set[dt.date]:
    """Every effective date in the history, read independently of the import's walk."""
    log = git(clone, "log", "--first-parent", "--format=%H %cI", "--", path)
    dates = set()
    for line in log.splitlines():
        sha, committed = line.split()
        shown = subprocess.run(["git", "show", f"{sha}:{path}"], cwd=clone, capture_output=True)
        if shown.returncode != 0:
            continue  # deleted in this commit
        text = decode(shown.stdout) or ""
        front, _, body, body_line = split_front_matter(text)
        dated = text_date(front, body, body_line)
        when = (
            dated.date if dated else dt.datetime.fromisoformat(committed).astimezone(dt.UTC).date()
        )
        dates.add(when)
    return dates


@pytest.mark.parametrize(("bundle", "doc", "source", "lang"), CASES, ids=[c[0] for c in CASES])
def test_a_real_history_imports_faithfully(
    bundle: str, doc: str, source: str, lang: str, tmp_path: Path
) -> None:
    clone, site, summary = imported(tmp_path, bundle, doc, source, lang)
    versions = summary["versions"]
    sources = summary["sources"]
    # The number of versions is the number of distinct effective dates in the history.
    assert len(versions) == len(effective_dates(clone, sources[lang]))
    # Every word of each file equals its source commit's text, apart from what was set aside.
    lost = 0
    files = 0
    for version in versions:
        for text in version["texts"]:
            files += 1
            committed = source_text(clone, text["text_from"], sources[text["lang"]])
            expected = words(split_front_matter(committed)[2])
            for removed in text["set_aside"]:
                expected -= words(removed["text"])
            got = words(written_body(site / text["path"]))
            lost += sum((expected - got).values()) + sum((got - expected).values())
    assert lost == 0
    totals = summary["totals"]
    if bundle.startswith("wpcom"):
        # Every translation is imported, and those lagging behind English are marked stale.
        assert sorted(sources) == sorted([lang, *TRANSLATIONS])
        by_lang: dict[str, list[dict[str, Any]]] = {}
        for version in versions:
            for text in version["texts"]:
                by_lang.setdefault(text["lang"], []).append(text)
        assert sorted(by_lang) == sorted(sources)
        for translation in TRANSLATIONS:
            assert any(t["stale"] for t in by_lang[translation]), translation
        assert totals["stale_translations"] > 0
    # The summary is truthful: every file it reports exists, and its totals add up.
    assert totals["files_created"] == files == sum(1 for _ in (site / "content").rglob("*.md"))
    # A second run adds nothing.
    before = {p: p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}
    run_quietly(["import", doc, "--from-git", str(clone / source), "--lang", lang, "--root",
                 str(site), "--as-of", AS_OF.isoformat(), "--format", "json"])  # fmt: skip
    assert {p: p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()} == before
    commit_all(site, "Import")
    _, diagnostics = check_site(site, AS_OF)
    errors = [d for d in diagnostics if d.severity == "error"]
    own = [d.format() for d in errors if IMPORT_CODES.match(d.code)]
    print(
        f"\n{bundle}: {summary['commits_read']} commits read, {len(versions)} versions "
        f"({totals['dated_by_commit']} dated by commit), {files} files, {totals['errata']} "
        f"errata, {totals['changed_after_publication']} changed after publication, "
        f"{totals['stale_translations']} stale translation files, {totals['set_aside']} set "
        f"aside, words lost {lost}; check: {len(errors)} errors ({len(own)} from the import's "
        f"own front matter and record, {len(errors) - len(own)} from reading the Markdown)"
    )
    assert own == []
    assert [d.format() for d in errors] == []

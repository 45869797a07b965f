"""Conformance: every revision of every file of the real policy histories goes in as written.

For each revision, wrapped as a one-version document (kaitei front matter in place of the
source's own, no other edit): `kaitei check` finds 0 errors, the model gives the file back,
and every link target of the source is in the canonical text that is hashed. A site is built
from a representative subset (the latest revision of every file, and the oldest of the
originals).
Skips when ../shared/corpora is absent.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kaitei.cache import Cache, session
from kaitei.check import check_site
from kaitei.diagnostics import Collector
from kaitei.frontmatter import split_front_matter
from kaitei.model import canonical_text
from kaitei.read.body import parse_body
from kaitei.read.roundtrip import to_markdown
from kaitei.site import parallel, stream
from kaitei.site.build import build

from ..core.test_parse import META
from .corpora import Revision, bundles, revisions, wrap

pytestmark = pytest.mark.skipif(not bundles(), reason="../shared/corpora is absent")

_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<(https?://[^>\s]+)>")
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']+)["']""", re.I)
_WORD = re.compile(r"[^\W_]+")
AS_OF = dt.date(2026, 1, 1)


def _targets(text: str) -> list[str]:
    found = [a or b for a, b in _LINK_TARGET.findall(text)]
    return found + _HREF.findall(text)


def _without_markup(text: str) -> str:
    """Words as a reader sees them: no comments, tags, link targets, entities, attribute
    lists, or emphasis marks (`**G**lobally` is one word)."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>|\]\([^)]*\)|&\w+;|\{:?[^}]*\}", " ", text)
    return text.replace("*", "").replace("_", "")


def _read(revision: Revision) -> tuple[str, Collector, object]:
    text = wrap(revision)
    _, _, body, body_line = split_front_matter(text)
    out = Collector()
    out.register_source(revision.name, text)
    lt = parse_body(body, body_line, revision.name, revision.lang, META, text, out)
    return text, out, lt


@pytest.mark.slow
def test_every_revision_goes_in() -> None:
    read = errors = not_round = links_lost = words_lost = 0
    problems: list[str] = []
    for revision in revisions():
        text, out, lt = _read(revision)
        read += 1
        errors += len(out.errors)
        problems += [d.format() for d in out.errors[:2]]
        if to_markdown(lt) != text:  # type: ignore[arg-type]
            not_round += 1
            problems.append(f"{revision.name}: the round trip is not lossless")
        canonical = canonical_text(lt)  # type: ignore[arg-type]
        missing = [t for t in _targets(text) if t not in canonical]
        links_lost += len(missing)
        problems += [f"{revision.name}: link target lost: {t}" for t in missing[:2]]
        source_words = _WORD.findall(_without_markup(text.split("---\n", 2)[2]))
        # Substrings, not word sets: CJK has no spaces, and a link splits a run of it
        # differently in the source than in the canonical text.
        joined = re.sub(r"\s+", "", _without_markup(canonical))
        words_lost += sum(1 for w in source_words if w not in joined)
    print(
        f"\ncorpora: {read} revisions read, {errors} errors, {not_round} not lossless, "
        f"{links_lost} link targets lost, {words_lost} words lost"
    )
    assert read > 100
    assert not problems, "\n".join(problems[:20])
    assert words_lost == 0


@pytest.mark.slow
def test_a_site_builds_from_the_corpora(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: Corpora\nplugins: [kaitei]\n", encoding="utf-8")
    # Every revision of every file, each a one-version document of one site.
    chosen = list(revisions())
    for n, revision in enumerate(chosen):
        doc = root / "content" / f"doc-{n:03d}"
        version = doc / "2020-01-01"
        version.mkdir(parents=True)
        (doc / "document.yml").write_text(
            f"titles:\n  {revision.lang}: Policy {n}\nauthoritative: {revision.lang}\n",
            encoding="utf-8",
        )
        (version / f"{revision.lang}.md").write_text(wrap(revision), encoding="utf-8")
    _, diagnostics = check_site(root, AS_OF)
    errors = [d.format() for d in diagnostics if d.severity == "error"]
    assert not errors, "\n".join(errors[:5])
    result = build(root, "2026-01-01")
    pages = list(result.site_dir.rglob("index.html"))
    print(f"\ncorpora site: {len(chosen)} revisions, {len(pages)} pages")
    assert len(pages) > len(chosen)
    for n, revision in enumerate(chosen):
        page = result.site_dir / revision.lang / f"doc-{n:03d}" / "2020-01-01" / "index.html"
        assert page.is_file(), (revision.corpus, revision.file, page)
    # Built streaming (kaitei.site.stream: the parent holds outlines, each task loads its
    # document and the documents it links to): the same files, byte for byte.
    monkeypatch.setattr(stream, "MIN_FILES", 0)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)
    with session(Cache(tmp_path / "cache")):
        streamed = build(root, "2026-01-01", site_dir=tmp_path / "streamed")
    assert streamed.diagnostics == result.diagnostics
    assert _files(tmp_path / "streamed") == _files(result.site_dir)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }

"""The build as a whole: byte-identical, atomic, refuses bad content, same under every shell."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaitei.cli import main
from kaitei.diagnostics import KaiteiError
from kaitei.site import build as build_module
from kaitei.site.build import build, collect, load_checked, resolve_as_of
from kaitei.site.output import GENERATORS, BuildContext, OutputFile

from .conftest import AFTER, BASE_URL, ROOT, tree

AS_OF = "2021-01-01"


def _same_trees(left: Path, right: Path) -> None:
    a, b = tree(left), tree(right)
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert not different


def test_two_builds_are_byte_identical(repo: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    build(repo, AS_OF, site_dir=first)
    build(repo, AS_OF, site_dir=second)
    _same_trees(first, second)
    assert len(tree(first)) > 15


def test_collect_is_deterministic_in_process() -> None:
    site, _ = load_checked(ROOT, AFTER)
    one = collect(site, AFTER, ROOT, BASE_URL)
    two = collect(site, AFTER, ROOT, BASE_URL)
    assert one == two
    assert [o.url for o in one] == sorted(o.url for o in one)


def test_bad_content_is_refused_and_the_previous_site_stays(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--root", str(repo), "--as-of", AS_OF]) == 0
    site_dir = repo / "build" / "site"
    before = tree(site_dir)
    page = repo / "content/privacy/2020-10-01/ja.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("## 第2条", "## 第7条"), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["build", "--root", str(repo), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "content/privacy/2020-10-01/ja.md:" in err and "error:" in err
    assert tree(site_dir) == before
    assert [p.name for p in (repo / "build").iterdir()] == ["site"]  # no staging left behind


def test_a_failing_generator_leaves_the_previous_site(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(repo, AS_OF)
    site_dir = repo / "build" / "site"
    before = tree(site_dir)

    def broken(ctx: BuildContext) -> Iterator[OutputFile]:
        yield OutputFile("zz/", b"half")
        raise RuntimeError("boom")

    broken.__module__ = "kaitei.site.pages"  # run with the pages
    monkeypatch.setitem(GENERATORS, "zz-broken", broken)
    with pytest.raises(RuntimeError, match="boom"):
        build(repo, "2020-09-15")
    assert tree(site_dir) == before


def test_a_failed_write_leaves_the_previous_site(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(repo, AS_OF)
    site_dir = repo / "build" / "site"
    before = tree(site_dir)
    # A file that cannot be written (its parent is a file) fails in the staging folder.
    bad = [OutputFile("a", b"x"), OutputFile("a/b", b"y")]
    with pytest.raises(OSError):
        build_module.write_site(bad, site_dir)
    assert tree(site_dir) == before
    assert [p.name for p in (repo / "build").iterdir()] == ["site"]


def test_strict_fails_on_warnings(repo: Path) -> None:
    page = repo / "content/privacy/2020-10-01/en.md"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))  # CRLF: a warning
    result = build(repo, AS_OF)
    assert any(d.code == "crlf" for d in result.diagnostics)
    with pytest.raises(KaiteiError):
        build(repo, AS_OF, strict=True)


def test_as_of_sources(repo: Path) -> None:
    assert resolve_as_of(repo, "2020-01-02", {}) == dt.date(2020, 1, 2)
    assert resolve_as_of(repo, None, {"KAITEI_AS_OF": "2020-03-04"}) == dt.date(2020, 3, 4)
    assert resolve_as_of(repo, None, {}, "2020-05-06") == dt.date(2020, 5, 6)
    assert resolve_as_of(repo, None, {"KAITEI_AS_OF": "2020-03-04"}, "2020-05-06") == dt.date(
        2020, 3, 4
    )
    # 2020-09-30T15:30Z is already 2020-10-01 in Tokyo, the document's zone.
    epoch = str(int(dt.datetime(2020, 9, 30, 15, 30, tzinfo=dt.UTC).timestamp()))
    assert resolve_as_of(repo, None, {"SOURCE_DATE_EPOCH": epoch}) == dt.date(2020, 10, 1)


def _run(command: list[str], cwd: Path) -> None:
    env = {**os.environ, "KAITEI_AS_OF": AS_OF}
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_mkdocs_build_equals_kaitei_build(repo: Path, tmp_path: Path) -> None:
    build(repo, AS_OF, site_dir=tmp_path / "out-kaitei")
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out-mkdocs")], repo)
    _same_trees(tmp_path / "out-kaitei", tmp_path / "out-mkdocs")


def test_mkdocs_build_refuses_bad_content_before_cleaning(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out-mkdocs"
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], repo)
    before = tree(out)
    page = repo / "content/privacy/2020-10-01/ja.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("## 第2条", "## 第7条"), encoding="utf-8"
    )
    env = {**os.environ, "KAITEI_AS_OF": AS_OF}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=repo, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0
    assert "content/privacy/2020-10-01/ja.md:" in result.stderr
    assert tree(out) == before


def test_the_plugin_builds_under_properdocs(repo: Path, tmp_path: Path) -> None:
    if shutil.which("properdocs", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("properdocs is not installed (pip install -e '.[test]' installs it)")
    build(repo, AS_OF, site_dir=tmp_path / "out-kaitei")
    properdocs = str(Path(sys.executable).parent / "properdocs")
    _run(
        [properdocs, "build", "-q", "-f", "mkdocs.yml", "-d", str(tmp_path / "out-properdocs")],
        repo,
    )
    _same_trees(tmp_path / "out-kaitei", tmp_path / "out-properdocs")


def test_cli_build_writes_build_site(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(repo), "--as-of", AS_OF]) == 0
    assert "as of 2021-01-01" in capsys.readouterr().out
    assert (repo / "build/site/ja/privacy/index.html").is_file()
    assert main(["build", "--root", str(repo), "--as-of", "2021-13-01"]) == 2


def test_the_plugin_option_as_of_is_read_by_both_shells(repo: Path, tmp_path: Path) -> None:
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "plugins:\n  - kaitei\n", "plugins:\n  - kaitei:\n      as_of: 2020-09-15\n"
    )
    assert "as_of: 2020-09-15" in text
    config.write_text(text, encoding="utf-8")
    result = build(repo, None, site_dir=tmp_path / "out-kaitei", environ={})
    assert result.as_of == dt.date(2020, 9, 15)
    env = {k: v for k, v in os.environ.items() if k not in ("KAITEI_AS_OF", "SOURCE_DATE_EPOCH")}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out-mkdocs")],
        cwd=repo, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    _same_trees(tmp_path / "out-kaitei", tmp_path / "out-mkdocs")

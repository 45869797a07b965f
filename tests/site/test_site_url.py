"""mkdocs.yml's site_url: only web addresses reach the pages, and URLs are percent-encoded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kaitei.cli import main
from kaitei.site.build import sitemap_xml
from kaitei.site.output import OutputFile

from .conftest import ROOT

SAMPLE_AS_OF = "2021-01-01"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    monkeypatch.chdir(root)
    return root


def _site_url(root: Path, url: str) -> None:
    config = root / "mkdocs.yml"
    lines = [
        f"site_url: {url}" if line.startswith("site_url:") else line
        for line in config.read_text(encoding="utf-8").split("\n")
    ]
    config.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    "url", ['"javascript:alert(1)//"', "data:text/html,x", "ftp://example.com/", "//evil.example/"]
)
def test_a_site_url_that_is_not_a_web_address_stops_the_build(
    repo: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _site_url(repo, url)
    assert main(["build", "--as-of", SAMPLE_AS_OF]) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml:" in err and "is not a web address" in err
    assert not (repo / "build/site").exists()
    # kaitei check says so too, before anyone builds.
    assert main(["check", "--as-of", SAMPLE_AS_OF]) == 1
    assert "is not a web address" in capsys.readouterr().out


def test_an_http_site_url_builds_with_a_warning(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _site_url(repo, "http://example.com/legal/")
    assert main(["build", "--as-of", SAMPLE_AS_OF]) == 0
    err = capsys.readouterr().err
    assert "warning: site_url 'http://example.com/legal/' is http://" in err
    assert main(["build", "--strict", "--as-of", SAMPLE_AS_OF]) == 1


def test_sitemap_and_feed_urls_are_percent_encoded(repo: Path) -> None:
    _site_url(repo, "https://example.com/規約 集/")
    assert main(["build", "--as-of", SAMPLE_AS_OF]) == 0
    sitemap = (repo / "build/site/sitemap.xml").read_text(encoding="utf-8")
    feed = (repo / "build/site/ja/feed.xml").read_text(encoding="utf-8")
    encoded = "https://example.com/%E8%A6%8F%E7%B4%84%20%E9%9B%86/"
    assert f"<loc>{encoded}ja/privacy/</loc>" in sitemap
    assert f'href="{encoded}ja/feed.xml"' in feed
    assert "規約 集" not in sitemap and "規約 集" not in feed


def test_sitemap_keeps_existing_escapes() -> None:
    page = OutputFile("ja/a%20b/", b"", "ja")
    assert b"<loc>https://example.com/ja/a%20b/</loc>" in sitemap_xml(
        [page], "https://example.com/"
    )

"""`kaitei serve` rebuilds: after any sequence of edits, the served files are byte for byte a
full build's of the same content.

Under `serve` the plugin keeps things from one rebuild to the next (compiled templates, the
previous build's files). These tests drive it as `mkdocs serve` does (plugins started once
with command="serve", then a whole MkDocs build into the server's folder after each change)
and compare every file MkDocs wrote with a fresh `collect` of the same repository.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from kaitei.site import urls
from kaitei.site.build import AS_OF_ENV, collect, load_checked

from .conftest import tree

AS_OF = dt.date(2021, 1, 1)
SERVE_URL = "http://127.0.0.1:8000/"


class Serving:
    """One `kaitei serve` session on a repository, rebuilt on demand."""

    def __init__(self, root: Path, site_dir: Path) -> None:
        self.root, self.site_dir = root, site_dir
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=False)
        self.plugins = config.plugins  # MkDocs keeps the same plugin objects for the session
        self._build(config)

    def _config(self) -> object:
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site_dir))
        config.site_url = SERVE_URL  # as `mkdocs serve` sets it
        return config

    def _build(self, config: object) -> None:
        mkdocs_build(config, serve_url=SERVE_URL, dirty=False)  # type: ignore[arg-type]

    def rebuild(self) -> None:
        config = self._config()
        config.plugins = self.plugins  # type: ignore[attr-defined]
        self._build(config)

    def served(self) -> dict[str, bytes]:
        return tree(self.site_dir)


def full_build(root: Path) -> dict[str, bytes]:
    """What a fresh `collect` makes of the repository now: no memory of any earlier build."""
    site, _ = load_checked(root, AS_OF)
    outputs = collect(site, AS_OF, root, SERVE_URL, preview=True)
    return {urls.file_path(o.url): o.content for o in outputs}


@pytest.fixture()
def serving(repo: Path, tmp_path: Path) -> Iterator[Serving]:
    previous = os.environ.get(AS_OF_ENV)
    os.environ[AS_OF_ENV] = AS_OF.isoformat()
    cwd = Path.cwd()
    os.chdir(repo)  # MkDocs resolves some paths against the working directory
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # the sample's http:// warning
    try:
        yield Serving(repo, tmp_path / "served")
    finally:
        os.chdir(cwd)
        if previous is None:
            os.environ.pop(AS_OF_ENV, None)
        else:
            os.environ[AS_OF_ENV] = previous


def assert_served_is_full_build(serving: Serving) -> None:
    served, full = serving.served(), full_build(serving.root)
    assert sorted(served) == sorted(full)
    assert [path for path in full if served[path] != full[path]] == []


def test_an_edited_theme_template_is_compiled_again(serving: Serving) -> None:
    # The compiled templates outlive a rebuild; an override (or an edit of one) must not.
    assert_served_is_full_build(serving)
    record = serving.root / "theme" / "partials" / "record.html"
    record.parent.mkdir(parents=True)
    for text in ("one", "two"):
        record.write_text(f'<p class="own-record">{text} {{{{ record.sha256 }}}}</p>\n', "utf-8")
        serving.rebuild()
        page = serving.served()["en/privacy/index.html"].decode()
        assert f'<p class="own-record">{text} ' in page
        assert_served_is_full_build(serving)
    record.unlink()
    serving.rebuild()
    assert 'class="own-record"' not in serving.served()["en/privacy/index.html"].decode()
    assert_served_is_full_build(serving)


def test_an_error_keeps_the_previous_site_and_its_fix_rebuilds(serving: Serving) -> None:
    text = serving.root / "content" / "privacy" / "2020-10-01" / "en.md"
    original = text.read_text("utf-8")
    before = serving.served()
    text.write_text(original.replace("effective: 2020-10-01", "effective: 2020-13-01"), "utf-8")
    with pytest.raises(Abort):  # what MkDocs makes of our PluginError; serve keeps going
        serving.rebuild()
    assert serving.served() == before  # MkDocs had not cleaned the folder yet
    text.write_text(original.replace("Saleport Co., Ltd.", "Saleport Co., Ltd. fixed"), "utf-8")
    serving.rebuild()
    assert "Saleport Co., Ltd. fixed" in serving.served()["en/privacy/index.html"].decode()
    assert_served_is_full_build(serving)

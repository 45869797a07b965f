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
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from kaitei.cache import CACHE_DIR_ENV, Cache, session
from kaitei.mkdocs_plugin import KaiteiPlugin
from kaitei.site import urls
from kaitei.site.build import AS_OF_ENV, collect, load_checked

from .conftest import ROOT, tree

AS_OF = dt.date(2021, 1, 1)
SERVE_URL = "http://127.0.0.1:8000/"
# The served builds' cache and the reference builds' one, apart, each shared by all the
# repositories of these tests (entries are found by content: one repository's are right for
# another). Set by the `caches` fixture.
_CACHES = Path()


@pytest.fixture(scope="module", autouse=True)
def caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    global _CACHES
    _CACHES = tmp_path_factory.mktemp("caches")
    previous = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(_CACHES / "served")
    yield
    if previous is None:
        os.environ.pop(CACHE_DIR_ENV, None)
    else:
        os.environ[CACHE_DIR_ENV] = previous


class Serving:
    """One `kaitei serve` session on a repository, rebuilt on demand.

    `dirty` as `kaitei serve` runs MkDocs (the plugin updates the served folder in place);
    without it, as plain `mkdocs serve` does (MkDocs empties the folder on every rebuild).
    """

    def __init__(self, root: Path, site_dir: Path, dirty: bool = True) -> None:
        self.root, self.site_dir, self.dirty = root, site_dir, dirty
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=dirty)
        self.plugins = config.plugins  # MkDocs keeps the same plugin objects for the session
        self._build(config)

    def _config(self) -> Any:
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site_dir))
        config.site_url = SERVE_URL  # as `mkdocs serve` sets it
        return config

    def _build(self, config: Any) -> None:
        mkdocs_build(config, serve_url=SERVE_URL, dirty=self.dirty)

    def rebuild(self) -> None:
        self._build(self._config())  # MkDocs gives the new config the same plugin objects

    def served(self) -> dict[str, bytes]:
        return tree(self.site_dir)

    def rebuilt(self) -> tuple[str, ...]:
        """The documents whose pages the last rebuild made again."""
        plugin = self.plugins["kaitei"]
        assert isinstance(plugin, KaiteiPlugin)
        last = plugin._rebuilder.last
        assert last is not None
        return last.documents


def full_build(root: Path) -> dict[str, bytes]:
    """What a fresh `collect` makes of the repository now: no memory of any earlier build
    (the parsed files and diffs of its own cache, which is byte for byte no cache, see
    test_cache.py, and makes the many builds of these tests affordable)."""
    with session(Cache(_CACHES / "reference")):
        site, _ = load_checked(root, AS_OF)
        outputs = collect(site, AS_OF, root, SERVE_URL, preview=True)
    return {urls.file_path(o.url): o.content for o in outputs}


@contextmanager
def served(repo: Path, site_dir: Path, dirty: bool = True) -> Iterator[Serving]:
    previous = os.environ.get(AS_OF_ENV)
    os.environ[AS_OF_ENV] = AS_OF.isoformat()
    cwd = Path.cwd()
    os.chdir(repo)  # MkDocs resolves some paths against the working directory
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the http:// warning of every build, the check's warnings
    try:
        yield Serving(repo, site_dir, dirty)
    finally:
        logger.setLevel(level)
        os.chdir(cwd)
        if previous is None:
            os.environ.pop(AS_OF_ENV, None)
        else:
            os.environ[AS_OF_ENV] = previous


@pytest.fixture()
def serving(repo: Path, tmp_path: Path) -> Iterator[Serving]:
    with served(repo, tmp_path / "served") as session:
        yield session


def assert_served_is_full_build(serving: Serving) -> None:
    served, full = serving.served(), full_build(serving.root)
    assert sorted(served) == sorted(full)
    assert [path for path in full if served[path] != full[path]] == []
    folders = [p for p in serving.site_dir.rglob("*") if p.is_dir()]
    assert [p for p in folders if not any(p.iterdir())] == []  # none left by a removed page


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


# --- sequences of edits ------------------------------------------------------------------
#
# The repository: the sample's privacy policy and a second document, terms, whose English
# text links to a version of the privacy policy that does not exist yet (a warning): when
# privacy gains that version, the link on the terms pages resolves, so an edit of privacy
# changes pages of terms.

NEW_VERSION = "2024-04-01"
LINK = f"see [the {NEW_VERSION} policy](../../privacy/{NEW_VERSION}/en.md)"


def two_documents(root: Path) -> Path:
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs").mkdir()
    terms = root / "content" / "terms"
    shutil.copytree(root / "content" / "privacy", terms)
    _replace(terms / "document.yml", "プライバシーポリシー", "利用規約")
    _replace(terms / "document.yml", "Privacy Policy", "Terms of Use")
    _replace(terms / "2020-10-01" / "en.md", "Saleport Co., Ltd.", f"Saleport Co., Ltd. ({LINK})")
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


class Editor:
    """The edits a writer makes while `kaitei serve` runs; each one different from the last."""

    def __init__(self, root: Path) -> None:
        self.root, self.count = root, 0
        self.content = root / "content"

    def _token(self) -> str:
        self.count += 1
        return f"edit{self.count}"

    def wording(self, doc: str, lang: str) -> None:
        anchor = {"en": "Saleport Co., Ltd.", "ja": "保護実現のため"}[lang]
        _replace(self.content / doc / "2020-10-01" / f"{lang}.md", anchor, anchor + self._token())

    def privacy_en(self) -> None:
        self.wording("privacy", "en")

    def privacy_ja(self) -> None:
        self.wording("privacy", "ja")

    def terms_en(self) -> None:
        self.wording("terms", "en")

    def version(self) -> None:
        """Add privacy's new version (the terms link to it), or take it away again."""
        folder = self.content / "privacy" / NEW_VERSION
        if folder.exists():
            shutil.rmtree(folder)
            return
        shutil.copytree(self.content / "privacy" / "2020-10-01", folder)
        for lang in ("ja", "en"):
            _replace(folder / f"{lang}.md", "effective: 2020-10-01", f"effective: {NEW_VERSION}")

    def settings(self) -> None:
        """privacy's document.yml: the diff layout the other way round."""
        path = self.content / "privacy" / "document.yml"
        text = path.read_text("utf-8")
        old, new = (
            ("new-left", "old-left")
            if "diff_layout: new-left" in text
            else ("old-left", "new-left")
        )
        path.write_text(text.replace(f"diff_layout: {old}", f"diff_layout: {new}"), "utf-8")

    def document(self) -> None:
        """A third document, or none again (the list of documents changes)."""
        folder = self.content / "cookies"
        if folder.exists():
            shutil.rmtree(folder)
            return
        shutil.copytree(self.content / "privacy", folder)
        _replace(folder / "document.yml", "プライバシーポリシー", "クッキーポリシー")
        _replace(folder / "document.yml", "Privacy Policy", "Cookie Policy")

    def same_bytes(self) -> None:
        """A save that changes nothing (the watcher still fires)."""
        path = self.content / "terms" / "2020-10-01" / "ja.md"
        path.write_bytes(path.read_bytes())

    def error(self) -> Callable[[], None]:
        """Break privacy's text; return the edit that mends it."""
        path = self.content / "privacy" / "2020-10-01" / "en.md"
        text = path.read_text("utf-8")
        path.write_text(text.replace("effective: 2020-10-01", "effective: 2020-13-01"), "utf-8")
        return lambda: path.write_text(text, "utf-8")


EDITS = ("privacy_en", "privacy_ja", "terms_en", "version", "settings", "document", "same_bytes")


def edit_and_compare(serving: Serving, editor: Editor, edit: str) -> None:
    if edit == "error":
        before = serving.served()
        mend = editor.error()
        with pytest.raises(Abort):
            serving.rebuild()
        assert serving.served() == before
        mend()
    else:
        getattr(editor, edit)()
    serving.rebuild()
    assert_served_is_full_build(serving)


@pytest.mark.parametrize("dirty", [True, False], ids=["kaitei-serve", "mkdocs-serve"])
def test_edits_rebuild_what_they_change_and_the_site_is_a_full_builds(
    tmp_path: Path, dirty: bool
) -> None:
    root = two_documents(tmp_path / "repo")
    editor = Editor(root)
    with served(root, tmp_path / "served", dirty) as serving:
        assert_served_is_full_build(serving)
        # (edit, the documents whose pages are made again)
        expected = [
            ("terms_en", ("terms",)),  # privacy's pages are kept
            ("privacy_en", ("privacy", "terms")),  # terms link to privacy
            ("same_bytes", ()),
            ("version", ("privacy", "terms")),  # the terms' link now resolves
            ("settings", ("privacy", "terms")),
            ("document", ("cookies", "privacy", "terms")),  # a new list: everything
            ("terms_en", ("terms",)),
            ("error", ()),  # mended as it was: the kept pages are right again
            ("version", ("privacy", "terms")),
            ("document", ("privacy", "terms")),
            ("privacy_ja", ("privacy", "terms")),
        ]
        for edit, rebuilt in expected:
            edit_and_compare(serving, editor, edit)
            assert serving.rebuilt() == rebuilt, edit


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from((*EDITS, "error")), min_size=1, max_size=5))
def test_any_sequence_of_edits_serves_a_full_builds_files(edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = two_documents(Path(tmp) / "repo")
        editor = Editor(root)
        with served(root, Path(tmp) / "served") as serving:
            for edit in edits:
                edit_and_compare(serving, editor, edit)

"""A rebuild with nothing changed writes nothing; any changed input means a full build."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kaitei.cache import Cache
from kaitei.cli import main
from kaitei.site import uptodate

from .conftest import tree

AS_OF = "2021-01-01"
TEXT = "content/privacy/2020-10-01/en.md"
SITE = "build/site"


@pytest.fixture()
def site(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KAITEI_PDF", "0")  # seconds each, and not what these tests are about
    for name in [n for n in os.environ if n.startswith("KAITEI_") and n != "KAITEI_PDF"]:
        monkeypatch.delenv(name)
    return repo


def _build(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[bool, str]:
    """Whether the build was skipped as up to date, and what it reported on stderr."""
    assert main(["build", "--root", str(root), "--as-of", AS_OF, *extra]) == 0
    out, err = capsys.readouterr()
    assert ("is up to date" in out) != ("built " in out), out
    return "is up to date" in out, err


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*")}


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_nothing_changed_means_nothing_written_and_the_same_warnings(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = site / TEXT
    # An http:// link is accepted with a warning: the second run must report it too.
    text.write_text(
        text.read_text(encoding="utf-8") + "\nSee <http://example.com/privacy>.\n",
        encoding="utf-8",
    )
    skipped, first = _build(site, capsys)
    assert not skipped and "http://example.com/privacy" in first and "warning" in first
    before, inodes = tree(site / SITE), _inodes(site / SITE)
    skipped, second = _build(site, capsys)
    assert skipped
    assert second == first
    assert tree(site / SITE) == before
    assert _inodes(site / SITE) == inodes  # not rewritten: the very same files


def test_the_shortcut_prunes_no_entry_of_the_cache(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(site, capsys)
    store = Cache(site / ".kaitei-cache")
    entries = sorted(p for p in store.root.glob("*/??/*"))
    assert {p.parent.parent.name for p in entries} >= {"text", "changeset", uptodate.KIND}
    assert _build(site, capsys)[0]
    assert sorted(p for p in store.root.glob("*/??/*")) == entries


def _append(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as file:
            file.write(text)

    return edit


def _touch_site_file(root: Path) -> None:
    page = next(p for p in sorted((root / SITE).rglob("index.html")))
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>edited</p></body>"))


def _remove_site_file(root: Path) -> None:
    next(p for p in sorted((root / SITE).rglob("text.txt"))).unlink()


def _commit(root: Path) -> None:
    if not (root / ".git").exists():
        _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "--allow-empty", "-m", "a commit")


# Every kind of input a build reads, changed in turn.
CHANGES: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    ("a word of a text", _append(TEXT, "\nOne more sentence.\n"), ()),
    ("a new file under content/", _append("content/privacy/2020-10-01/.notes", "x"), ()),
    ("the document settings", _append("content/privacy/document.yml", "\n# note\n"), ()),
    ("a new theme setting", _append("theme/site.yml", "colors:\n  accent: '#004488'\n"), ()),
    ("mkdocs.yml", _append("mkdocs.yml", "\n# note\n"), ()),
    ("the as-of date", lambda root: None, ("--as-of", "2021-01-02")),
    ("--strict", lambda root: None, ("--strict",)),
    ("a page of the site folder", _touch_site_file, ()),
    ("a file gone from the site folder", _remove_site_file, ()),
    ("a file added to the site folder", _append(f"{SITE}/stray.html", "<p>stray</p>"), ()),
    ("a git commit", _commit, ()),
    ("another git commit", _commit, ()),
]


def test_any_changed_input_means_a_full_build_with_a_fresh_site(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(site, capsys)
    for what, change, extra in CHANGES:
        change(site)
        skipped, _ = _build(site, capsys, *extra)
        assert not skipped, f"the build was skipped after a change of {what}"
        made = tree(site / SITE)
        again, _ = _build(site, capsys, *extra)
        assert again, f"nothing changed after the rebuild for {what}, yet it built again"
        # The site is the one a build without any cache makes of the same inputs.
        fresh = site.parent / "fresh"
        args = ["build", "--root", str(site), "--as-of", AS_OF, "--no-cache"]
        assert main([*args, "--site-dir", str(fresh), *extra]) == 0
        capsys.readouterr()
        assert made == tree(fresh), what


def test_environment_the_build_reads_is_an_input(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(site, capsys)
    manifest = site / SITE / "api/v1/manifest.json"
    previous = site / "previous.json"
    previous.write_bytes(manifest.read_bytes())
    monkeypatch.setenv("KAITEI_PREVIOUS_MANIFEST", str(previous))
    assert not _build(site, capsys)[0]
    assert _build(site, capsys)[0]
    assert manifest.read_bytes() != previous.read_bytes()  # it names the previous one's hash
    previous.write_bytes(manifest.read_bytes())  # the same file name, other bytes
    assert not _build(site, capsys)[0]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")
    assert not _build(site, capsys)[0]


def test_no_cache_always_builds(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _build(site, capsys)
    assert not _build(site, capsys, "--no-cache")[0]


def test_a_symbolic_link_in_content_means_no_shortcut(site: Path) -> None:
    (site / "content" / "elsewhere").symlink_to(site.parent)
    with pytest.raises(uptodate.Unknowable, match="symbolic link"):
        uptodate.input_key(site, site / SITE, dt.date(2021, 1, 1), False, {})


def test_a_command_imports_only_its_own_module() -> None:
    # An up-to-date build is mostly start-up: the other commands' libraries (SMTP, git import,
    # the diff printer) are not loaded for it. --help of the whole tool still lists them all.
    probe = (
        "import sys\n"
        "from kaitei.cli import main\n"
        "try:\n"
        "    main(['build', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from kaitei.cli import COMMANDS\n"
        "found = sorted(m for m in sys.modules if m.rpartition('.')[::2] in\n"
        "               {('kaitei.commands', name) for name in COMMANDS})\n"
        "print('imported:', *found)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    assert found == "imported: kaitei.commands.build"
    # `kaitei import` is the module importgit; the module's name is no command, and its
    # error lists every command.
    imported = subprocess.run(
        [sys.executable, "-c", probe.replace("'build'", "'import'")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    assert imported == "imported: kaitei.commands.importgit"
    wrong = subprocess.run(
        [sys.executable, "-m", "kaitei.cli", "importgit"], capture_output=True, text=True
    )
    assert wrong.returncode == 2 and "'notify'" in wrong.stderr and "'import'" in wrong.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "kaitei.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert all(name in listed for name in ("check", "build", "serve", "notify", "import"))

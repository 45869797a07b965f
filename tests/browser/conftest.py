"""Browser tests: build the sample site, serve it on 127.0.0.1 and read it in headless Chromium.

Debian's chromium is driven through Playwright (its driver ships inside the wheel; no browser
is downloaded). axe-core comes from npm (tests/browser/package.json, installed by .ci/run).
Every page a test opens is watched: a request to any host but 127.0.0.1, a console error, an
uncaught exception or a Content-Security-Policy violation fails the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ._browser import REPO, WATCH_CSP, Reader, Server
from ._pages import LAW_URL

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("KAITEI_CHROMIUM", "/usr/bin/chromium"))
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"

AS_OF = "2026-11-25"  # both sample versions in force: 2020-10-01 is current
EARLY_AS_OF = "2020-09-15"  # 2017-08-23 current, 2020-10-01 upcoming (announced 2020-08-31)
BEFORE_AS_OF = "2017-08-01"  # before the first version: nothing in force

# Flags that let Chromium run as root in this closed network: without the background-networking
# ones it tries to reach Google's services and the connections are refused.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# What a site repository holds (DESIGN.md: `kaitei build` runs where mkdocs.yml is); the kaitei
# package itself is the installed one.
SITE_FILES = ("mkdocs.yml", "content", "docs", "theme")


SKIP = os.environ.get("KAITEI_SKIP_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if SKIP:
                item.add_marker(pytest.mark.skip(reason="KAITEI_SKIP_BROWSER=1"))


# --- the sites under test -------------------------------------------------------------------


def copy_site(dest: Path) -> Path:
    """The site files of the repository, copied to dest/repo; returns that folder."""
    root = dest / "repo"
    root.mkdir(parents=True)
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copyfile(source, root / name)
    return root


def build_site(dest: Path, as_of: str, edit: Any = None) -> Path:
    """Build a copy of the repository's site with `kaitei build`; return its build/site/.

    A copy, so the tests neither read nor clobber the developer's build/, and whatever
    mkdocs.yml refers to resolves as it does in the repository. `edit`, if given, is called
    with the copy's root before the build (e.g. to remove a translation).
    """
    root = copy_site(dest)
    if edit is not None:
        edit(root)
    command = [sys.executable, "-m", "kaitei.cli", "build", "--as-of", as_of]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    site = root / "build" / "site"
    if result.returncode != 0 or not (site / "index.html").is_file():
        pytest.fail(
            f"`kaitei build --as-of {as_of}` failed in {root} (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site"), AS_OF)


@pytest.fixture(scope="session")
def site(site_dir: Path) -> Iterator[Server]:
    server = Server(site_dir).start()
    yield server
    server.stop()


def _served(
    factory: pytest.TempPathFactory, name: str, as_of: str, edit: Any = None
) -> Iterator[Server]:
    server = Server(build_site(factory.mktemp(name), as_of, edit)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def early_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """As of 2020-09-15: the 2017 text in force, the 2020 text announced and upcoming."""
    yield from _served(tmp_path_factory, "early", EARLY_AS_OF)


@pytest.fixture(scope="session")
def before_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """As of 2017-08-01: no version in force yet (the first takes effect on 2017-08-23)."""
    yield from _served(tmp_path_factory, "before", BEFORE_AS_OF)


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run .ci/run, or `apt-get install chromium fonts-noto-cjk` "
            "(set KAITEI_SKIP_BROWSER=1 to skip the browser tests on purpose)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run .ci/run, or `cd tests/browser && npm ci`",
            pytrace=False,
        )
    return AXE.read_text(encoding="utf-8")


def _drop_english_2017(root: Path) -> None:
    (root / "content" / "privacy" / "2017-08-23" / "en.md").unlink()


@pytest.fixture(scope="session")
def partial_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The sample site without the English 2017 text: its page must say it is unavailable."""
    yield from _served(tmp_path_factory, "partial", AS_OF, _drop_english_2017)


def _link_the_act(root: Path) -> None:
    # The sample has no outside link; a reader's printout must show where one leads.
    path = root / "content" / "privacy" / "2020-10-01" / "ja.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("個人情報保護法", f"[個人情報保護法]({LAW_URL})", 1), "utf-8")


@pytest.fixture(scope="session")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The sample site with one outside link in the Japanese 2020 text."""
    yield from _served(tmp_path_factory, "linked", AS_OF, _link_the_act)


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[Server]:
    """`kaitei serve` on a copy of the site (function scope: its test edits the content)."""
    root = copy_site(tmp_path)
    with socket.socket() as probe:  # a free port: with port 0 we could not know where it listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "kaitei.cli", "serve", "--as-of", AS_OF]
    command += ["--dev-addr", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server(root, base=f"http://127.0.0.1:{port}/")
    try:
        deadline = time.monotonic() + 60
        while not _responds(server.url("ja/privacy/")):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`kaitei serve` did not come up in {root}", pytrace=False)
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _responds(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def reader(browser: Any, site: Server) -> Iterator[Reader]:
    with _reader(browser, site) as tab:
        yield tab


@pytest.fixture
def early_reader(browser: Any, early_site: Server) -> Iterator[Reader]:
    with _reader(browser, early_site) as tab:
        yield tab


@pytest.fixture
def reader_for(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A factory: reader_for("early_site", width=390) opens a tab on that build."""
    with contextlib.ExitStack() as stack:

        def make(site_fixture: str, width: int = 1280, height: int = 900) -> Reader:
            server = request.getfixturevalue(site_fixture)
            return stack.enter_context(_reader(browser, server, width, height))

        yield make


@contextlib.contextmanager
def _reader(browser: Any, server: Server, width: int = 1280, height: int = 900) -> Iterator[Reader]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    reader = Reader(page, server)
    page.add_init_script(WATCH_CSP)

    def guard(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            reader.problems.append(f"request left 127.0.0.1: {route.request.url}")
            route.abort()

    context.route("**/*", guard)
    page.on(
        "console",
        lambda m: (
            reader.problems.append(f"console {m.type} on {page.url}: {m.text}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: reader.problems.append(f"uncaught error on {page.url}: {e}"))
    try:
        yield reader
        reader.check_csp()
    finally:
        context.close()
    assert not reader.problems, "the page misbehaved:\n" + "\n".join(reader.problems)

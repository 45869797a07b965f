"""`kaitei serve`: an edit under content/ rebuilds the site the browser is reading."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def _wait_for(url: str, needle: str, seconds: float) -> float | None:
    """Seconds until the page at `url` contains `needle`, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        page = _get(url)
        if page is not None and needle in page:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def test_editing_content_rebuilds_and_injects_live_reload(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs").mkdir()
    port = _free_port()
    env = {**os.environ, "KAITEI_AS_OF": "2021-01-01"}
    command = [sys.executable, "-m", "kaitei.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}/ja/privacy/"
        assert _wait_for(url, "第1条", 60) is not None, "the server did not come up"
        page = _get(url) or ""
        assert "livereload" in page  # MkDocs injects its reload script into our pages
        source = tmp_path / "content/privacy/2020-10-01/ja.md"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("保護実現のため", "保護を実現するため"), encoding="utf-8")
        took = _wait_for(url, "保護を実現するため", 30)
        assert took is not None, "the edit did not reach the served page"
    finally:
        server.terminate()
        server.communicate(timeout=30)

"""`kaitei serve` as a legal editor uses it: save a file, and the open page shows the edit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from ._browser import Reader, Server


def test_saving_an_edit_reloads_the_open_page(
    live_site: Server, reader_for: Callable[..., Reader]
) -> None:
    # live_site first: the tab must close before the server stops, or its live-reload poll
    # fails and shows up as a console error.
    reader = reader_for("live_site")
    page = reader.open("ja/privacy/")
    clause = page.locator("#art-1-para-1")
    expect(clause).to_contain_text("保護実現のため")
    source = Path(live_site.directory) / "content" / "privacy" / "2020-10-01" / "ja.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("保護実現のため", "保護を実現するため", 1), encoding="utf-8")
    # No page.reload(): MkDocs' live reload must bring the rebuilt page into the open tab.
    expect(clause).to_contain_text("保護を実現するため", timeout=20_000)
    reader.assert_clean()

"""The watchers of the browser tests catch what they are there for, so a pass means something."""

from __future__ import annotations

from ._browser import FOCUS_STATE, Reader


def test_a_request_outside_127_0_0_1_is_blocked_and_reported(reader: Reader) -> None:
    page = reader.open("")
    # A navigation: the strict CSP stops fetches and subresources first, but not this.
    page.evaluate("window.location.href = 'http://policies.example.com/'")
    page.wait_for_timeout(300)
    assert any("request left 127.0.0.1: http://policies.example.com/" in p for p in reader.problems)
    reader.problems.clear()


def test_an_inline_script_is_a_csp_violation(reader: Reader) -> None:
    page = reader.open("")
    # What a theme with inline script would do: the test server's strict CSP must refuse it.
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        "document.body.append(s)"
    )
    assert page.evaluate("window.ran === undefined")
    reader.check_csp()
    assert any("CSP violation" in p and "script-src" in p for p in reader.problems), reader.problems
    reader.problems.clear()


def test_a_console_error_is_reported(reader: Reader) -> None:
    page = reader.open("")
    page.evaluate("console.error('broken')")
    page.wait_for_timeout(100)
    assert any("console error" in p and "broken" in p for p in reader.problems), reader.problems
    reader.problems.clear()


def test_axe_finds_a_violation_when_there_is_one(reader: Reader, axe_source: str) -> None:
    page = reader.open("")
    page.evaluate("document.documentElement.removeAttribute('lang')")
    ids = {violation["id"] for violation in reader.axe(axe_source)}
    assert "html-has-lang" in ids


def test_focus_check_sees_a_removed_focus_ring(reader: Reader) -> None:
    page = reader.open("ja/privacy/")
    # A constructed stylesheet (allowed under the CSP) that hides every focus indicator.
    page.evaluate(
        "const sheet = new CSSStyleSheet();"
        "sheet.replaceSync('*:focus, *:focus-visible {outline: none !important;"
        " box-shadow: none !important}');"
        "document.adoptedStyleSheets = [sheet]"
    )
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_STATE)["indicator"] is False

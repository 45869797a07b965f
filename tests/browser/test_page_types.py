"""Every page type: accessibility (axe-core), layout at phone and desktop widths, print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ._browser import ARTIFACTS, Reader, save_json
from ._pages import LAW_URL, PARAMS, PageType

# WCAG 2.2 AA on a phone and a desktop; 320 px is the narrowest width the site must fit.
SCREENSHOT_WIDTHS = (390, 1280)
NARROWEST = 320

# Elements wider than the viewport, to name the culprit when a page scrolls sideways.
_OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 1) {
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return out.slice(0, 8);
}"""

Open = Callable[..., Reader]


def _format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {len(violation['nodes'])} element(s), e.g. {'; '.join(targets)}\n"
            f"  {violation['helpUrl']}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("width", SCREENSHOT_WIDTHS)
@pytest.mark.parametrize("page_type", PARAMS)
def test_axe_reports_no_violations(
    reader_for: Open, axe_source: str, page_type: PageType, width: int
) -> None:
    reader = reader_for(page_type.site, width=width)
    reader.open(page_type.path)
    violations = reader.axe(axe_source)
    save_json(f"axe-{page_type.name}-{width}.json", violations)
    assert not violations, f"/{page_type.path}:\n{_format_violations(violations)}"
    reader.assert_clean()


@pytest.mark.parametrize("page_type", PARAMS)
def test_layout_fits_phone_and_desktop(reader_for: Open, page_type: PageType) -> None:
    """Screenshots at 390 and 1280 px (saved in tests/artifacts/); no sideways scroll at 320."""
    reader = reader_for(page_type.site, width=NARROWEST)
    page = reader.open(page_type.path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    overflow: dict[int, list[str]] = {}
    for width in (NARROWEST, *SCREENSHOT_WIDTHS):
        page.set_viewport_size({"width": width, "height": 900})
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            overflow[width] = [f"page is {scroll}px wide", *page.evaluate(_OVERFLOWING)]
        if width in SCREENSHOT_WIDTHS:
            shot = ARTIFACTS / f"{page_type.name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 0
    assert not overflow.get(NARROWEST), (
        f"/{page_type.path} scrolls sideways at {NARROWEST}px: {overflow[NARROWEST]}"
    )
    assert not overflow, f"/{page_type.path} scrolls sideways: {overflow}"
    reader.assert_clean()


@pytest.mark.parametrize("page_type", PARAMS)
def test_print_hides_navigation(reader_for: Open, page_type: PageType) -> None:
    reader = reader_for(page_type.site)
    page = reader.open(page_type.path)
    navigation = page.locator("nav, [role=navigation]")
    on_screen = [i for i in range(navigation.count()) if navigation.nth(i).is_visible()]
    assert on_screen, f"/{page_type.path} has no visible navigation on screen to hide in print"
    page.emulate_media(media="print")
    printed = [i for i in range(navigation.count()) if navigation.nth(i).is_visible()]
    assert not printed, (
        f"/{page_type.path}: {len(printed)} navigation element(s) still visible in print: "
        + "; ".join(navigation.nth(i).evaluate("e => e.outerHTML.slice(0, 120)") for i in printed)
    )
    reader.assert_clean()


def test_print_shows_where_outside_links_lead(reader_for: Open) -> None:
    page = reader_for("linked_site").open("ja/privacy/")
    link = page.locator(f'main a[href="{LAW_URL}"]')
    assert link.count() == 1, "the edited sample text should render its one outside link"
    after = "a => getComputedStyle(a, '::after').content"
    on_screen = link.evaluate(after)
    page.emulate_media(media="print")
    printed = link.evaluate(after)
    # Chromium reports the declared value: the URL itself, or attr(href) that prints it.
    assert LAW_URL in printed or "attr(href)" in printed, f"printed after the link: {printed!r}"
    assert printed != on_screen, f"the screen shows the same after the link: {on_screen!r}"

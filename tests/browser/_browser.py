"""Helpers of the browser tests: the HTTP server of a built site and the watched browser tab."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"  # git-ignored


# The strict policy the theme promises to work under (issue 4: no inline script or style, no
# external requests). The site does not have to send it; the test server does, so that any
# inline script, style attribute or outside resource shows up as a CSP violation.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", STRICT_CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log per asset would drown pytest's output


@dataclass
class Server:
    """A built site served over HTTP on 127.0.0.1 (file:// would hide path and CSP problems)."""

    directory: Path
    base: str = ""
    _httpd: http.server.ThreadingHTTPServer | None = None

    def start(self) -> Server:
        handler = functools.partial(_QuietHandler, directory=str(self.directory))
        # Port 0: the kernel picks a free port, so parallel runs never collide.
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")


# Records every CSP violation the page reports; init scripts are injected by the browser
# itself, so the page's own Content-Security-Policy does not block this one.
WATCH_CSP = """
window.__kaiteiCsp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__kaiteiCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + ` (${e.sourceFile || ''}:${e.lineNumber || 0})`);
});
"""


# For the focused element: is a focus indicator drawn, is it on screen and not covered
# (WCAG 2.4.7 focus visible, 2.4.11 focus not obscured)? axe-core checks neither.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    what: el.outerHTML.slice(0, 90),
    indicator: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
               || style.boxShadow !== 'none',
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    covered: !(top && (top === el || el.contains(top) || top.contains(el))),
  };
}"""


@dataclass
class Reader:
    """A browser tab that reads the site as a person would, and notes what went wrong."""

    page: Any
    server: Server
    problems: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        response = self.page.goto(self.server.url(path), wait_until="load")
        assert response is not None and response.status == 200, f"GET /{path}: {response}"
        self.check_csp()
        return self.page

    def check_csp(self) -> None:
        # Each document keeps its own record (a navigation starts a new one; Chromium also logs
        # every violation as a console error, which the console watcher keeps across pages).
        for attempt in range(3):
            self.page.wait_for_load_state("load")
            try:
                violations = self.page.evaluate("window.__kaiteiCsp || []")
                self.page.evaluate("window.__kaiteiCsp = []")
                break
            except Exception as error:  # a navigation replaced the document meanwhile
                if "context was destroyed" not in str(error) or attempt == 2:
                    raise
        for violation in violations:
            self.problems.append(f"CSP violation on {self.page.url}: {violation}")

    def assert_clean(self) -> None:
        """Fail the test (not only its teardown) on what the page did wrong so far."""
        self.check_csp()
        problems, self.problems = self.problems, []
        assert not problems, "the page misbehaved:\n" + "\n".join(problems)

    def axe(self, axe_source: str) -> list[dict[str, Any]]:
        # page.evaluate is not subject to the page's CSP, unlike add_script_tag (an inline
        # <script> that a strict script-src refuses), so the CSP stays on during the audit.
        self.page.evaluate(axe_source)
        result = self.page.evaluate(
            """() => axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'wcag22a', 'wcag22aa']},
                resultTypes: ['violations'],
            })"""
        )
        violations: list[dict[str, Any]] = result["violations"]
        return violations


def save_json(name: str, data: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")

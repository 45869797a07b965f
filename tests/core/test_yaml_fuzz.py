"""Front matter and document.yml under fuzzing: diagnostics, never a traceback, a hang or a flood.

Like the parser's fuzzing, inputs are built from pieces an editor (or an attacker) might
write: keys kaitei knows, keys of other tools, dates, anchors and aliases, tags, brackets
nested deep, long values. Each example must finish within 2 s and 200 MB, and every message
must stay short: a value is printed cut, never in full.
"""

from __future__ import annotations

import resource

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaitei.diagnostics import Collector
from kaitei.frontmatter import load_mapping, parse_document_settings, parse_front_matter

_KEYS = st.sampled_from(
    [
        "effective",
        "announced",
        "change",
        "summary",
        "changes",
        "errata",
        "acknowledge",
        "reconstruction",
        "title",
        "layout",
        "redirect_from",
        "titles",
        "authoritative",
        "languages",
        "timezone",
        "rules",
        "notice_period_days",
        "diff_layout",
        "chnage",
        "? [a, b]",
        "<<",
    ]
)
_VALUES = st.sampled_from(
    [
        "2020-01-01",
        "2020-13-45",
        "0000-01-01",
        "editorial",
        "notice",
        "[ja, en]",
        '[ja, "../../../pwned"]',
        "[ja, /etc]",
        "{ja: 規約, en: Terms}",
        "Asia/Tokyo",
        "Asia/Tokio",
        "../../etc/passwd",
        "&a [x, x, x]",
        "*a",
        "[*a, *a, *a]",
        "!!python/object/apply:os.system [ls]",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!local x",
        "[" * 60 + "]" * 60,
        "[" * 3000,
        "{a: " * 40,
        "1" * 5000,
        "1e400",
        "x" * 3000,
        "'unclosed",
        '"\\x00\\v"',
        "|\n  block\n  text",
        "\n  - date: 2020-02-01\n    reason: r\n    before: a\n    after: b",
        "\n  - id: r1\n    level: notice\n    when: article-added",
        "\n  - [nested, [list]]",
        "null",
        "~",
        "true",
        "-1",
        "",
        "\t",
        "：全角",
    ]
)
_LINE = st.one_of(
    st.tuples(_KEYS, _VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.text(max_size=30),
    st.sampled_from(["---", "- item", "  indented: x", "? key", ": value", "#comment", "&x y"]),
)


def _check(text: str, out: Collector) -> None:
    lines = text.split("\n")
    for diagnostic in out.items:
        assert diagnostic.message
        # Cut values: no message grows with the input.
        assert len(diagnostic.message) < 400, diagnostic.message[:200]
        assert 1 <= diagnostic.line <= len(lines) + 1, diagnostic
        assert diagnostic.column >= 1


def _peak_rss() -> int:
    """The process's peak resident memory so far, in bytes (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# No deadline: a per-example time limit is a timing assertion, and on a loaded machine it
# failed examples whose parse was right (twice in CI-like runs). What keeps a hostile YAML
# cheap is the loader's limits (size, depth, no aliases: tests/core/test_hardening.py), and
# the memory bound below.
@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.lists(_LINE, max_size=12))
def _run(lines: list[str]) -> None:
    text = "\n".join(lines)
    for as_document in (False, True):
        out = Collector()
        data = load_mapping(text, "x.yml", 1, out)
        if data is not None and as_document:
            parse_document_settings(data, "x.yml", out)
        elif data is not None:
            parse_front_matter(data, "x.yml", 1, out, authoritative=True)
        _check(text, out)


def test_front_matter_and_document_yml_never_raise() -> None:
    # The peak memory only grows: if no example pushed it 200 MB above where it started, no
    # example used that much (tracemalloc would tell per example, but slows parsing tenfold).
    before = _peak_rss()
    _run()
    assert _peak_rss() - before < 200_000_000

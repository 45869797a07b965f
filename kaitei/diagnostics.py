"""Problems a person can act on: file, line, column, the source line, and what to do."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from .model import Span

# A note tells what kaitei did with something it does not use; it never fails a run.
Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = "error"
    code: str = ""
    source_line: str = ""

    def fails(self, strict: bool) -> bool:
        """An error fails a run; a warning too under --strict; a note never."""
        return self.severity == "error" or (strict and self.severity == "warning")

    def format(self) -> str:
        head = f"{shown_path(self.path)}:{self.line}:{self.column}: {self.severity}: {self.message}"
        parts = [head]
        if self.source_line:
            parts.append(f"  {self.line:>4} | {self.source_line}")
            # Mark the column; East Asian wide characters take two cells in a terminal.
            width = sum(2 if _wide(c) else 1 for c in self.source_line[: self.column - 1])
            parts.append("       | " + " " * width + "^")
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


def shown_path(path: str) -> str:
    """The path as the `path:line:col` prefix shows it: quoted when a name would hide in it.

    A folder named 'privacy ' (trailing space) or one holding a tab or a newline looks like
    another in a terminal; quoted, with such characters escaped, it cannot.
    """
    parts = path.split("/")
    if not any(p != p.strip() or not p.isprintable() or ":" in p for p in parts):
        return path
    escaped = "".join(
        "\\" + c if c in '"\\' else c if c.isprintable() else f"\\u{ord(c):04x}" for c in path
    )
    return f'"{escaped}"'


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


class KaiteiError(Exception):
    """The root error: carries the diagnostics that stopped a command."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics))
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class Collector:
    """Collects every problem instead of stopping at the first (MkDocs' validation habit)."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._sources: dict[str, str] = {}
        # A source's lines, split when one is first quoted (most sources never are: the
        # split copies would double what a large site's sources take).
        self._lines: dict[str, list[str]] = {}

    def register_source(self, path: str, text: str) -> None:
        self._sources[path] = text
        self._lines.pop(path, None)

    def registered(self) -> list[tuple[str, str]]:
        """The sources registered: (path, text), in the order they were."""
        return list(self._sources.items())

    def share_sources(self, other: Collector) -> None:
        """Quote the lines of the files `other` has read (one run's collectors, one set)."""
        self._sources, self._lines = other._sources, other._lines

    def source_line(self, path: str, line: int) -> str:
        lines = self._lines.get(path)
        if lines is None:
            if path not in self._sources:
                return ""
            lines = self._lines[path] = self._sources[path].split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def add(
        self,
        span: Span | tuple[str, int, int],
        message: str,
        hint: str = "",
        *,
        code: str,
        severity: Severity = "error",
    ) -> None:
        path, line, column = (span.path, span.line, span.column) if isinstance(span, Span) else span
        self.items.append(
            Diagnostic(
                path=path,
                line=line,
                column=column,
                message=message,
                hint=hint,
                severity=severity,
                code=code,
                source_line=self.source_line(path, line),
            )
        )

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items))


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps(
        [asdict(d) for d in diagnostics], ensure_ascii=False, indent=2, sort_keys=True
    )

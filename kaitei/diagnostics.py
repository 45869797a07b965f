"""Problems a person can act on: file, line, column, the source line, and what to do."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from .model import Span

Severity = Literal["error", "warning"]


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

    def format(self) -> str:
        head = f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"
        parts = [head]
        if self.source_line:
            parts.append(f"  {self.line:>4} | {self.source_line}")
            # Mark the column; East Asian wide characters take two cells in a terminal.
            width = sum(2 if _wide(c) else 1 for c in self.source_line[: self.column - 1])
            parts.append("       | " + " " * width + "^")
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


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
        self._sources: dict[str, list[str]] = {}

    def register_source(self, path: str, text: str) -> None:
        self._sources[path] = text.split("\n")

    def source_line(self, path: str, line: int) -> str:
        lines = self._sources.get(path, [])
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

"""Test bundles: several files of a site in one text file, like markdown-it's fixtures.

=== content/p/2020-01-01/ja.md ===         a file
=== content/p/2020-01-01/ja.md [crlf] ===  written with CRLF line ends
=== … [utf-8-sig] === / [shift_jis] ===    written in that encoding
=== … [size 5000000] ===                   the text repeated to that many bytes
=== … [delete] ===                         removed from the base site
=== content/p/2021-01-01 [symlink ../x] === a symbolic link to that target (a file or folder)
=== expected ===                           the exact diagnostics, one per line
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HEADER = re.compile(r"^=== (?P<path>\S+)(?: \[(?P<flag>[^\]]+)\])? ===$")


@dataclass(frozen=True)
class Section:
    path: str
    flag: str | None
    text: str


def read_bundle(path: Path) -> list[Section]:
    sections: list[Section] = []
    current: tuple[str, str | None] | None = None
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = _HEADER.match(line)
        if match:
            if current:
                sections.append(Section(current[0], current[1], "\n".join(lines)))
            current, lines = (match["path"], match["flag"]), []
        else:
            lines.append(line)
    if current:
        sections.append(Section(current[0], current[1], "\n".join(lines)))
    return sections


def write_site(root: Path, sections: list[Section]) -> None:
    for section in sections:
        if section.path == "expected":
            continue
        target = root / section.path
        if section.flag == "delete":
            target.unlink()
            continue
        if section.flag and section.flag.startswith("symlink "):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(section.flag.split(" ", 1)[1])
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        text = section.text.rstrip("\n") + "\n"
        flag = section.flag or ""
        if flag == "crlf":
            data = text.replace("\n", "\r\n").encode("utf-8")
        elif flag.startswith("size "):
            size = int(flag.split()[1])
            data = (text * (size // len(text.encode("utf-8")) + 1)).encode("utf-8")[:size]
        elif flag in ("utf-8-sig", "shift_jis"):
            data = text.encode(flag)
        else:
            data = text.encode("utf-8")
        target.write_bytes(data)


def expected(sections: list[Section]) -> list[str]:
    for section in sections:
        if section.path == "expected":
            return [line for line in section.text.strip().split("\n") if line]
    return []

"""Real texts as the generic units kaitei aligns, for benchmarks/bench_align.py.

The sample policy goes through kaitei's model and its unit adapter; the corpora in
`../shared/corpora` (when present) through a small Markdown reader of their own: headings of
any depth, list items that serve as articles, paragraphs, bullets, numbered items, links.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from kaitei.diagnostics import Collector
from kaitei.diff.units import Unit, units
from kaitei.load import load_site
from kaitei.model import Link, Span

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / ".." / "shared" / "corpora"
Groups = dict[str, tuple[Unit, ...]]


def sample_texts() -> Iterator[tuple[str, str, Groups]]:
    out = Collector()
    site = load_site(REPO, out)
    for document in site.documents:
        for version in document.versions:
            for text in version.texts:
                yield f"sample {version.id} {text.lang}", text.lang, units(text)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED_HEAD = re.compile(r"^(\d+)\.\s+\*\*(.+?)\*\*\s*(.*)$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^\s{0,3}(\d+)[.)]\s+(.*)$")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?[^)]*\)")
_MARKUP = re.compile(r"(\*\*|__|\*|`|\\(?=[^\w\s]))")
_SPAN = Span("bench", 1)


def _plain(markdown: str) -> tuple[str, tuple[Link, ...]]:
    """Markdown inline text → plain text and its links (label offsets)."""
    parts: list[str] = []
    links: list[Link] = []
    position = 0
    length = 0
    for match in _LINK.finditer(markdown):
        before = _MARKUP.sub("", markdown[position : match.start()])
        label = _MARKUP.sub("", match.group(1))
        parts += [before, label]
        length += len(before)
        links.append(Link(length, length + len(label), match.group(2)))
        length += len(label)
        position = match.end()
    parts.append(_MARKUP.sub("", markdown[position:]))
    text = re.sub(r"<[^>]+>", "", "".join(parts)).replace("&nbsp;", " ")
    return text, tuple(links) if text == "".join(parts) else ()


def _slug(text: str, seen: set[str]) -> str:
    base = re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:40] or "section"
    slug, k = base, 1
    while slug in seen:
        k += 1
        slug = f"{base}-{k}"
    seen.add(slug)
    return slug


def markdown_units(source: str) -> Groups:
    """A generic reader: front matter and HTML comments dropped, headings of any depth."""
    source = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    source = re.sub(r"<!--.*?-->", "", source, flags=re.S)
    lines = source.replace("\r\n", "\n").split("\n")
    sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
    depth = 0  # of the last heading
    k = 0
    while k < len(lines):
        line = lines[k]
        heading = _HEADING.match(line)
        numbered = _NUMBERED_HEAD.match(line)
        if heading:
            sections.append((len(heading.group(1)), heading.group(2), []))
            depth = len(heading.group(1))
        elif numbered:
            # "1.  **Your Account.** text": the articles of older translations are list items.
            title = f"{numbered.group(1)}. {numbered.group(2)}"
            sections.append((depth + 1, title, [numbered.group(3)]))
        elif (
            line.strip()
            and k + 1 < len(lines)
            and _SETEXT.match(lines[k + 1])
            and (not sections[-1][2] or not sections[-1][2][-1].strip())
            and not _BULLET.match(line)
        ):
            depth = 1 if lines[k + 1].startswith("=") else 2
            sections.append((depth, line.strip(), []))
            k += 1
        else:
            sections[-1][2].append(line)
        k += 1
    seen: set[str] = set()
    articles: list[Unit] = []
    preamble: tuple[Unit, ...] = ()
    for depth, heading, body in sections:
        title, _ = _plain(heading)
        sid = _slug(title, seen) if depth else "preamble"
        paragraphs = _paragraphs(body, sid)
        if not depth:
            preamble = (
                (Unit("preamble", "preamble", "", "", "", "", "", (), _SPAN, paragraphs),)
                if paragraphs
                else ()
            )
            continue
        number = m.group(1) if (m := re.match(r"^(\d+)\\?\.", title)) else ""
        articles.append(
            Unit("article", sid, number, "", title, title, "", (), _SPAN, paragraphs, depth=depth)
        )
    return {
        "title": (),
        "preamble": preamble,
        "articles": tuple(with_parents(articles)),
        "closing": (),
    }


def with_parents(sections: Sequence[Unit]) -> list[Unit]:
    """Each section's parent: the nearest section before it with a smaller depth."""
    result: list[Unit] = []
    stack: list[Unit] = []
    for section in sections:
        while stack and stack[-1].depth >= section.depth:
            stack.pop()
        result.append(replace(section, parent=stack[-1].id if stack else ""))
        stack.append(section)
    return result


def _paragraphs(lines: Sequence[str], owner: str) -> tuple[Unit, ...]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    paragraphs: list[Unit] = []
    for block in blocks:
        if not block:
            continue
        pid = f"{owner}-para-{len(paragraphs) + 1}"
        listed = [b for b in block if _BULLET.match(b) or _ORDERED.match(b)]
        if listed and (_BULLET.match(block[0]) or _ORDERED.match(block[0])) and paragraphs:
            head = paragraphs.pop()  # a list belongs to the paragraph that introduces it
            pid = head.id
            lead, children = head.text, list(head.children)
        else:
            lead, children = "", []
        texts: list[str] = []
        for line in block:
            bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
            if bullet or ordered:
                raw = bullet.group(1) if bullet else ordered.group(2)  # type: ignore[union-attr]
                text, links = _plain(raw)
                level = "bullet" if bullet else "item"
                label = "・" if bullet else f"{ordered.group(1)}."  # type: ignore[union-attr]
                number = "" if bullet else ordered.group(1)  # type: ignore[union-attr]
                children.append(
                    Unit(
                        level,
                        f"{pid}-{level[0]}{len(children) + 1}",
                        number,
                        label,
                        "",
                        "",
                        text,
                        (),
                        _SPAN,
                        (),
                        links=links,
                    )  # type: ignore[arg-type]
                )
            elif children and not texts and listed:
                last = children[-1]
                text, links = _plain(line.strip())
                children[-1] = replace(last, text=last.text + " " + text)
            else:
                texts.append(line.strip())
        text, links = _plain(" ".join(texts))
        if lead:
            text = lead + (" " + text if text else "")
            links = ()
        paragraphs.append(
            Unit(
                "paragraph",
                pid,
                str(len(paragraphs) + 1),
                "",
                "",
                "",
                text,
                (),
                _SPAN,
                tuple(children),
                links=links,
            )
        )
    return tuple(paragraphs)


def corpus_texts(limit: int | None) -> Iterator[tuple[str, str, Groups]]:
    """Every distinct revision of every file in the corpora bundles (skipped when absent)."""
    if not CORPORA.is_dir():
        return
    with tempfile.TemporaryDirectory() as work:
        for bundle in sorted(CORPORA.glob("*.bundle")):
            clone = Path(work) / bundle.stem
            subprocess.run(["git", "clone", "-q", str(bundle), str(clone)], check=True)
            # Every file the history ever had: translations may be gone at the tip.
            files = subprocess.run(
                ["git", "-C", str(clone), "log", "--format=", "--name-only"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            for name in sorted({f for f in files if f.endswith(".md")}):
                commits = subprocess.run(
                    ["git", "-C", str(clone), "log", "--format=%h", "--reverse", "--", name],
                    capture_output=True, text=True, check=True,
                ).stdout.split()  # fmt: skip
                if limit is not None and len(commits) > limit:
                    step = len(commits) / limit
                    commits = [commits[int(k * step)] for k in range(limit)]
                seen: set[str] = set()
                for commit in commits:
                    shown = subprocess.run(
                        ["git", "-C", str(clone), "show", f"{commit}:{name}"],
                        capture_output=True, text=True, check=False,
                    )  # fmt: skip
                    source = shown.stdout
                    if shown.returncode or source in seen:
                        continue  # the commit that deleted the file, or a revision seen
                    seen.add(source)
                    lang = name.split(".")[0]
                    groups = markdown_units(source)
                    if len(groups["articles"]) >= 4:
                        yield f"{bundle.stem} {name} {commit}", lang, groups

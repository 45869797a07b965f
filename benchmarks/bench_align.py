"""Alignment benchmark with an answer key (issue 11): known operations on real texts.

Texts: the sample policy in both languages (through kaitei's model and its unit adapter) and,
when `../shared/corpora` is present, every revision of every file there (read into the same
generic units by a small Markdown reader below: headings of any depth, paragraphs, bullets,
numbered items, links). Each text gets each operation, at places drawn with a fixed seed,
and the generator keeps the answer key: which old unit every new unit is, and the kind a
lawyer would name each touched pair by.

kaitei's alignment and ChangeSet are scored, and in the same run a baseline: difflib's line
pairing (one line per unit, `equal` lines pair, a `replace` block pairs line by line).
Printed per operation and overall: pair precision / recall at section/article level and at
paragraph/item level, phrase edits marked exactly, kinds right. Then the speed of
`kaitei check` on a 40-version English policy of about 60 kB a version.

Targets (printed, not asserted): P/R >= 99 % sections, >= 98 % paragraphs/items; >= 95 % phrase
edits exact; kinds >= 97 %; check <= 3 s.

    .venv/bin/python benchmarks/bench_align.py [--revisions N] [--seed S] [--no-check]
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date as dt_date
from datetime import timedelta
from pathlib import Path

from kaitei.diagnostics import Collector
from kaitei.diff.align import align_groups
from kaitei.diff.changeset import ChangeSet, diff_units
from kaitei.diff.units import Link, Unit, units
from kaitei.load import load_site
from kaitei.model import Span

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / ".." / "shared" / "corpora"
SEED = 20201001
Groups = dict[str, tuple[Unit, ...]]
SECTION_LEVELS = ("article",)
PARAGRAPH_LEVELS = ("paragraph", "item", "bullet")

# Text for a new article that is no edited copy of any other (one per script).
NEW_TEXT = {
    "ja": "当社は、利用者が退会した場合であっても、法令に定める期間に限り、"
    "取引の記録を保存します。",
    "en": "Volunteer firefighters may borrow the lighthouse telescope on alternate Thursdays.",
}
WORDS_EN = ["promptly", "carefully", "reasonably", "securely", "lawfully", "diligently"]
WORDS_JA = ["迅速", "慎重", "厳格", "確実", "適正", "誠実"]


# --- reading texts into units ------------------------------------------------------------------


def sample_texts() -> Iterator[tuple[str, str, Groups]]:
    out = Collector()
    site = load_site(REPO, out)
    for document in site.documents:
        for version in document.versions:
            for text in version.texts:
                yield f"sample {version.id} {text.lang}", text.lang, units(text)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
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
    k = 0
    while k < len(lines):
        line = lines[k]
        heading = _HEADING.match(line)
        if heading:
            sections.append((len(heading.group(1)), heading.group(2), []))
        elif (
            line.strip()
            and k + 1 < len(lines)
            and _SETEXT.match(lines[k + 1])
            and (not sections[-1][2] or not sections[-1][2][-1].strip())
            and not _BULLET.match(line)
        ):
            sections.append((1 if lines[k + 1].startswith("=") else 2, line.strip(), []))
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
        "articles": tuple(_with_parents(articles)),
        "closing": (),
    }


def _with_parents(sections: Sequence[Unit]) -> list[Unit]:
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
            files = subprocess.run(
                ["git", "-C", str(clone), "ls-files"], capture_output=True, text=True, check=True
            ).stdout.split()
            for name in sorted(f for f in files if f.endswith(".md")):
                commits = subprocess.run(
                    ["git", "-C", str(clone), "log", "--format=%h", "--reverse", "--", name],
                    capture_output=True, text=True, check=True,
                ).stdout.split()  # fmt: skip
                if limit is not None and len(commits) > limit:
                    step = len(commits) / limit
                    commits = [commits[int(k * step)] for k in range(limit)]
                seen: set[str] = set()
                for commit in commits:
                    source = subprocess.run(
                        ["git", "-C", str(clone), "show", f"{commit}:{name}"],
                        capture_output=True, text=True, check=True,
                    ).stdout  # fmt: skip
                    if source in seen:
                        continue
                    seen.add(source)
                    lang = "ja" if name.startswith(("ja", "zh", "ko")) else name.split(".")[0]
                    groups = markdown_units(source)
                    if len(groups["articles"]) >= 4:
                        yield f"{bundle.stem} {name} {commit}", lang, groups


# --- operations with an answer key ----------------------------------------------------------


@dataclass
class Key:
    """What the generator did: every new unit's old self, the kinds of touched pairs, edits."""

    origin: dict[str, str] = field(default_factory=dict)  # new id → old id
    kinds: dict[tuple[str | None, str | None], set[str]] = field(default_factory=dict)
    phrase: tuple[str, str, int, str, str] | None = None  # (old id, new id, at, old, new)
    one_moved: tuple[str, str] | None = None  # a swap: exactly one of these two is "moved"
    # A merge (or split) may keep either half as "the" unit: (old a, old b, new) where the
    # pair a→new is expected and b→new is as right (with the kinds of a and b exchanged).
    either: tuple[str, str, str] | None = None
    # A split may keep either half: (old, first new half, second new half).
    split: tuple[str, str, str] | None = None


@dataclass
class Case:
    op: str
    name: str
    old: Groups
    new: Groups
    key: Key


def _numbered(articles: Sequence[Unit]) -> bool:
    return all(a.number for a in articles)


def _japanese(lang: str) -> bool:
    return lang in ("ja", "zh-CN", "zh-TW", "zh")


def _renumber(articles: list[Unit], lang: str) -> list[Unit]:
    """Articles numbered in order again, ids following numbers as kaitei's parser makes them."""
    result = []
    main = 0
    for article in articles:
        if article.deleted or "_" not in article.number:
            main += 1
        number = article.number if "_" in article.number else str(main)
        label = f"第{number}条" if _japanese(lang) else f"Article {number}"
        result.append(
            _reid(replace(article, number=number, label=label), f"art-{number.replace('_', '-')}")
        )
    return result


def _reid(unit: Unit, uid: str) -> Unit:
    children = tuple(_reid(c, uid + c.id[len(unit.id) :]) for c in unit.children)
    return replace(unit, id=uid, children=children)


def _flat(unit: Unit) -> Iterator[Unit]:
    yield unit
    for child in unit.children:
        yield from _flat(child)


def _identity(old: Sequence[Unit], new: Sequence[Unit], key: Key) -> None:
    """Units at the same place in both trees (the generator moved them as wholes)."""
    for o, n in zip(old, new, strict=True):
        for a, b in zip(_flat(o), _flat(n), strict=True):
            key.origin[b.id] = a.id


def _expect_top(old: Sequence[Unit], new: Sequence[Unit], key: Key) -> None:
    """Kinds of untouched sections: unchanged, or renumbered when only the number moved."""
    old_by_id = {u.id: u for u in old}
    for unit in new:
        source = old_by_id.get(key.origin.get(unit.id, ""))
        if source is None or (source.id, unit.id) in key.kinds:
            continue
        if (
            source.content == unit.content
            and source.depth == unit.depth
            and source.parent == unit.parent
        ):
            key.kinds[(source.id, unit.id)] = {
                "renumbered" if source.number != unit.number else "unchanged"
            }


def _article_op(name: str, lang: str, groups: Groups, rng: random.Random, op: str) -> Case | None:
    old = list(groups["articles"])
    numbered = _numbered(old)
    if len(old) < 4:
        return None
    key = Key()
    work = [(a, a.id) for a in old]  # (unit, old id or "")
    i = rng.randrange(1, len(old) - 1)
    placeholder = ""
    if op == "move+renumber":
        j = (
            rng.randrange(0, i - 1)
            if i > 1
            else i + 1 + rng.randrange(len(old) - i - 1)
            if i + 2 < len(old)
            else None
        )
        if j is None:
            return None
        unit = work.pop(i)
        work.insert(j, unit)
        moved = unit[1]
    elif op == "swap":
        if i + 1 >= len(old) or old[i].content == old[i + 1].content:
            return None
        work[i], work[i + 1] = work[i + 1], work[i]
    elif op in ("insert+renumber", "branch-insert"):
        if op == "branch-insert" and not numbered:
            return None
        text = NEW_TEXT["ja" if _japanese(lang) else "en"]
        title = "退会後の記録" if _japanese(lang) else "Telescope loans"
        para = Unit("paragraph", "new-para-1", "1", "", "", "", text, (), _SPAN, ())
        number = f"{old[i - 1].number}_2" if op == "branch-insert" else ""
        fresh = Unit(
            "article", "new", number, "", title, title, "", (), _SPAN, (para,), depth=old[i].depth
        )
        work.insert(i, (fresh, ""))
    elif op == "placeholder":
        if not numbered:
            return None
        target = old[i]
        placeholder = target.id
        work[i] = (
            replace(
                target,
                title="削除" if _japanese(lang) else "Deleted",
                heading="",
                children=(),
                deleted=True,
            ),
            target.id,
        )
    elif op == "delete":
        work.pop(i)
    new_list = [u for u, _ in work]
    if numbered:
        new_list = _renumber(new_list, lang)
    else:
        new_list = [u if u.id != "new" else _reid(u, "telescope-loans") for u in new_list]
    new_list = _with_parents(new_list)
    for (_, source), renamed in zip(work, new_list, strict=True):
        if source:
            original = next(a for a in old if a.id == source)
            if not (op == "placeholder" and source == placeholder):
                for a, b in zip(_flat(original), _flat(renamed), strict=True):
                    key.origin[b.id] = a.id
            else:
                key.origin[renamed.id] = source
    old_ids = {a.id for a in old}
    if op == "move+renumber":
        key.kinds[(moved, next(n.id for n in new_list if key.origin.get(n.id) == moved))] = {
            "moved"
        }
    elif op == "swap":
        a, b = old[i].id, old[i + 1].id
        new_of = {v: k for k, v in key.origin.items()}
        key.one_moved = (new_of[a], new_of[b])
        for x in (a, b):
            key.kinds[(x, new_of[x])] = {"moved", "renumbered", "unchanged", "re-parented"}
    elif op in ("insert+renumber", "branch-insert"):
        added = next(n for n in new_list if n.id not in key.origin)
        key.kinds[(None, added.id)] = {"branch-inserted" if op == "branch-insert" else "added"}
    elif op == "placeholder":
        key.kinds[(placeholder, next(k for k, v in key.origin.items() if v == placeholder))] = {
            "deleted-placeholder"
        }
    elif op == "delete":
        gone = next(a for a in old if a.id not in key.origin.values())
        key.kinds[(gone.id, None)] = {"removed"}
    assert old_ids
    _expect_top(old, new_list, key)
    new = dict(groups, articles=tuple(new_list))
    return Case(op, name, groups, new, key)


def _paragraph_of(
    old: Sequence[Unit], rng: random.Random, test: Callable[[Unit], bool]
) -> tuple[int, int] | None:
    places = [
        (a, p)
        for a, art in enumerate(old)
        for p, para in enumerate(art.children)
        if para.level == "paragraph" and test(para)
    ]
    return rng.choice(places) if places else None


def _replace_child(article: Unit, index: int, children: Sequence[Unit]) -> Unit:
    kids = list(article.children)
    kids[index : index + 1] = children
    return replace(article, children=tuple(kids))


def _renumber_paragraphs(article: Unit) -> Unit:
    kids = []
    for k, child in enumerate(article.children, start=1):
        if child.level == "paragraph":
            child = _reid(replace(child, number=str(k)), f"{article.id}-para-{k}")
        kids.append(child)
    return replace(article, children=tuple(kids))


_SENTENCE_END = re.compile(r"(?<=[。.!?])\s*")


def _text_op(name: str, lang: str, groups: Groups, rng: random.Random, op: str) -> Case | None:
    old = list(groups["articles"])
    key = Key()
    new = list(old)
    ja = _japanese(lang)
    if op in ("reword", "number", "link", "whitespace"):
        tests: dict[str, Callable[[Unit], bool]] = {
            "reword": lambda u: bool(_words(u.text, ja)),
            "number": lambda u: bool(_numbers(u)),
            "link": lambda u: bool(u.links),
            "whitespace": lambda u: (" " in u.text) if not ja else ("、" in u.text),
        }
        place = _paragraph_of(old, rng, tests[op])
        if place is None:
            return None
        a, p = place
        para = old[a].children[p]
        text = para.text
        links = para.links
        if op == "reword":
            start, end = rng.choice(_words(text, ja))
            pool = WORDS_JA if ja else WORDS_EN
            word = rng.choice([w for w in pool if w != text[start:end]])
            new_text = text[:start] + word + text[end:]
            key.phrase = (para.id, para.id, start, text[start:end], word)
            shift = len(word) - (end - start)
            links = tuple(
                Link(
                    k.start + (shift if k.start >= end else 0),
                    k.end + (shift if k.end > start else 0),
                    k.target,
                )
                for k in links
                if not (k.start < end and k.end > start) or k.start >= end or k.end <= start
            )
        elif op == "number":
            match = rng.choice(_numbers(para))
            value = str(int(match.group()) * 3 + 7)
            new_text = text[: match.start()] + value + text[match.end() :]
            key.phrase = (para.id, para.id, match.start(), match.group(), value)
            shift = len(value) - len(match.group())
            links = tuple(
                Link(
                    k.start + (shift if k.start >= match.end() else 0),
                    k.end + (shift if k.end >= match.end() else 0),
                    k.target,
                )
                for k in links
            )
        elif op == "link":
            new_text = text
            k = rng.randrange(len(links))
            links = tuple(
                replace(x, target=x.target + "#moved") if n == k else x for n, x in enumerate(links)
            )
        else:
            at = [m.start() for m in re.finditer(" " if not ja else "、", text)]
            where = rng.choice(at) + (0 if not ja else 1)
            new_text = text[:where] + " " + text[where:]
            links = tuple(
                Link(
                    x.start + (1 if x.start >= where else 0),
                    x.end + (1 if x.end > where else 0),
                    x.target,
                )
                for x in links
            )
        new_para = replace(para, text=new_text, links=links)
        new[a] = _replace_child(old[a], p, [new_para])
        _identity(old, new, key)
        kind = {
            "reword": "changed",
            "number": "changed",
            "link": "link-only",
            "whitespace": "whitespace-only",
        }[op]
        key.kinds[(para.id, para.id)] = {kind}
        key.kinds[(old[a].id, old[a].id)] = {kind}
    elif op == "split":

        def two_sentences(u: Unit) -> bool:
            return (
                len([s for s in _SENTENCE_END.split(u.text) if len(s) > 15]) >= 2 and not u.children
            )

        place = _paragraph_of(old, rng, two_sentences)
        if place is None:
            return None
        a, p = place
        para = old[a].children[p]
        cuts = [
            m.end() for m in _SENTENCE_END.finditer(para.text) if 15 < m.end() < len(para.text) - 15
        ]
        if not cuts:
            return None
        cut = rng.choice(cuts)
        first = replace(para, text=para.text[:cut].rstrip(), links=())
        second = Unit(
            "paragraph", "split-new", "", "", "", "", para.text[cut:].strip(), (), _SPAN, ()
        )
        article = _renumber_paragraphs(_replace_child(old[a], p, [first, second]))
        new[a] = article
        others = [c for k, c in enumerate(old[a].children) if k != p]
        _map_children(old[a], article, key, skip={p: [p, p + 1]})
        key.origin[article.id] = old[a].id
        for k, o in enumerate(old):
            if k != a:
                for x, y in zip(_flat(o), _flat(new[k]), strict=True):
                    key.origin[y.id] = x.id
        first_new, second_new = article.children[p], article.children[p + 1]
        key.origin[first_new.id] = para.id
        key.kinds[(para.id, first_new.id)] = {"split"}
        key.kinds[(None, second_new.id)] = {"split"}
        key.split = (para.id, first_new.id, second_new.id)
        key.kinds[(old[a].id, article.id)] = {"changed"}
        assert others is not None
    elif op == "merge":

        def mergeable(art: Unit) -> list[int]:
            return [
                k
                for k in range(len(art.children) - 1)
                if art.children[k].level == "paragraph"
                and art.children[k + 1].level == "paragraph"
                and not art.children[k].children
                and not art.children[k + 1].children
                and len(art.children[k].text) > 20
                and len(art.children[k + 1].text) > 20
            ]

        places = [(a, k) for a, art in enumerate(old) for k in mergeable(art)]
        if not places:
            return None
        a, p = rng.choice(places)
        one, two = old[a].children[p], old[a].children[p + 1]
        joined = replace(one, text=one.text + " " + two.text, links=())
        article = _renumber_paragraphs(
            _replace_child(_replace_child(old[a], p + 1, []), p, [joined])
        )
        new[a] = article
        _map_children(old[a], article, key, skip={p: [p], p + 1: []})
        key.origin[article.id] = old[a].id
        for k, o in enumerate(old):
            if k != a:
                for x, y in zip(_flat(o), _flat(new[k]), strict=True):
                    key.origin[y.id] = x.id
        key.origin[article.children[p].id] = one.id
        key.kinds[(one.id, article.children[p].id)] = {"merged"}
        key.kinds[(two.id, None)] = {"merged"}
        key.either = (one.id, two.id, article.children[p].id)
        key.kinds[(old[a].id, article.id)] = {"changed"}
    elif op == "re-parent":
        candidates = [
            (a, p)
            for a, art in enumerate(old)
            for p, c in enumerate(art.children)
            if c.level == "paragraph" and len(c.text) > 40 and len(art.children) > 1
        ]
        if not candidates or len(old) < 3:
            return None
        a, p = rng.choice(candidates)
        b = rng.choice([k for k in range(len(old)) if k != a])
        para = old[a].children[p]
        source = _renumber_paragraphs(_replace_child(old[a], p, []))
        target_old = old[b]
        arrived = _reid(para, f"{target_old.id}-para-{len(target_old.children) + 1}")
        target = replace(target_old, children=(*target_old.children, arrived))
        new[a], new[b] = source, target
        for k, o in enumerate(old):
            if k not in (a, b):
                for x, y in zip(_flat(o), _flat(new[k]), strict=True):
                    key.origin[y.id] = x.id
        _map_children(old[a], source, key, skip={p: []})
        key.origin[source.id] = old[a].id
        for x, y in zip(
            _flat(target_old), _flat(replace(target, children=target.children[:-1])), strict=True
        ):
            key.origin[y.id] = x.id
        for x, y in zip(_flat(para), _flat(arrived), strict=True):
            key.origin[y.id] = x.id
        key.kinds[(para.id, arrived.id)] = {"re-parented"}
    elif op == "promote":
        deeper = [k for k, u in enumerate(old) if u.depth > 1]
        k = rng.choice(deeper) if deeper else rng.randrange(1, len(old))
        unit = old[k]
        new_depth = unit.depth - 1 if deeper else unit.depth + 1
        new[k] = replace(unit, depth=new_depth)
        new = _with_parents(new)
        _identity(old, new, key)
        key.kinds[(unit.id, unit.id)] = {"promoted" if deeper else "demoted"}
        for o, n in zip(old, new, strict=True):
            if o.id != unit.id and o.parent != n.parent:
                key.kinds[(o.id, n.id)] = {"re-parented"}
    _expect_top(old, new, key)
    return Case(op, name, groups, dict(groups, articles=tuple(new)), key)


def _map_children(old: Unit, new: Unit, key: Key, skip: dict[int, list[int]]) -> None:
    """Children of an edited article: the same ones in order, except the places in `skip`."""
    mapping: list[tuple[int, int]] = []
    j = 0
    for k in range(len(old.children)):
        if k in skip:
            j += len(skip[k])
            continue
        mapping.append((k, j))
        j += 1
    for k, j in mapping:
        for x, y in zip(_flat(old.children[k]), _flat(new.children[j]), strict=True):
            key.origin[y.id] = x.id


def _numbers(unit: Unit) -> list[re.Match[str]]:
    """Numbers in the text outside references (a reference's number follows renumbering)."""
    return [
        m
        for m in re.finditer(r"(?<![\d.,])\d{1,3}(?![\d.,])", unit.text)
        if not any(r.start < m.end() and m.start() < r.end for r in unit.refs)
    ]


def _words(text: str, ja: bool) -> list[tuple[int, int]]:
    if ja:
        return [
            (m.start(), m.end())
            for m in re.finditer(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2}(?![\u4e00-\u9fff])", text)
        ]
    return [(m.start(), m.end()) for m in re.finditer(r"(?<![\w'’])[a-z]{4,}(?![\w'’])", text)]


OPERATIONS = [
    "move+renumber", "insert+renumber", "branch-insert", "placeholder", "delete", "split",
    "merge", "re-parent", "promote", "reword", "number", "link", "whitespace", "swap",
]  # fmt: skip
_ARTICLE_OPS = {
    "move+renumber",
    "insert+renumber",
    "branch-insert",
    "placeholder",
    "delete",
    "swap",
}


def make_case(name: str, lang: str, groups: Groups, op: str, rng: random.Random) -> Case | None:
    make = _article_op if op in _ARTICLE_OPS else _text_op
    case = make(name, lang, groups, rng, op)
    if case is not None:
        for group in ("title", "preamble", "closing"):
            _identity(groups[group], groups[group], case.key)
    return case


# --- running kaitei and the baseline -----------------------------------------------------------


@dataclass
class Result:
    """What an aligner said: pairs by level, kinds by pair, the marked phrase edits."""

    pairs: dict[str, set[tuple[str, str]]]
    kinds: dict[tuple[str | None, str | None], str]
    edits: dict[tuple[str, str], list[tuple[int, int, str, str]]]


def run_kaitei(case: Case) -> Result:
    matches = align_groups(case.old, case.new)
    changes = diff_units("bench", "xx", matches, "old", "new")
    return _result(changes)


def _result(changes: ChangeSet) -> Result:
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    kinds: dict[tuple[str | None, str | None], str] = {}
    edits: dict[tuple[str, str], list[tuple[int, int, str, str]]] = {}
    for pair in changes.walk():
        ids = (pair.old.id if pair.old else None, pair.new.id if pair.new else None)
        kinds[ids] = pair.change
        if pair.old and pair.new:
            pairs[pair.level].add((pair.old.id, pair.new.id))
            edits[(pair.old.id, pair.new.id)] = [
                (e.old_start, e.old_end, e.old_text, e.new_text)
                for e in pair.edits
                if e.kind == "wording" and not e.consequential
            ]
    return Result(pairs, kinds, edits)


def _lines(groups: Groups) -> list[tuple[Unit, str]]:
    lines: list[tuple[Unit, str]] = []
    for group in ("title", "preamble", "articles", "closing"):
        for unit in groups.get(group, ()):
            for node in _flat(unit):
                lines.append(
                    (node, f"{node.label} {node.heading or node.title} {node.text}".strip())
                )
    return lines


def run_baseline(case: Case) -> Result:
    """difflib line pairing: what `diff` shows a reviewer without alignment."""
    old, new = _lines(case.old), _lines(case.new)
    matcher = difflib.SequenceMatcher(
        None, [t for _, t in old], [t for _, t in new], autojunk=False
    )
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    kinds: dict[tuple[str | None, str | None], str] = {}
    edits: dict[tuple[str, str], list[tuple[int, int, str, str]]] = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            o = old[i1 + k][0] if i1 + k < i2 else None
            n = new[j1 + k][0] if j1 + k < j2 else None
            if o is not None and n is not None:
                pairs[n.level].add((o.id, n.id))
                kinds[(o.id, n.id)] = "unchanged" if op == "equal" else "changed"
                if case.key.phrase is None or case.key.phrase[0] != o.id:
                    continue  # only the edited unit's marks are scored: spare the rest
                chars = difflib.SequenceMatcher(None, o.text, n.text, autojunk=False)
                edits[(o.id, n.id)] = [
                    (a1, a2, o.text[a1:a2], n.text[b1:b2])
                    for tag, a1, a2, b1, b2 in chars.get_opcodes()
                    if tag != "equal"
                ]
            elif o is not None:
                kinds[(o.id, None)] = "removed"
            elif n is not None:
                kinds[(None, n.id)] = "added"
    return Result(pairs, kinds, edits)


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Score:
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    true: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    phrases: int = 0
    exact: int = 0
    kinds: int = 0
    kinds_right: int = 0
    cases: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("found", "right", "true"):
            for level, n in getattr(other, name).items():
                getattr(self, name)[level] += n
        self.phrases += other.phrases
        self.exact += other.exact
        self.kinds += other.kinds
        self.kinds_right += other.kinds_right
        self.cases += other.cases
        self.misses += other.misses[:3]


def _band(level: str) -> str:
    return (
        "section"
        if level in SECTION_LEVELS
        else "paragraph"
        if level in PARAGRAPH_LEVELS
        else "other"
    )


def _other_half(key: Key, result: Result) -> Key:
    """The key as it reads when the aligner kept the other half of a merge or split."""
    found = {p for pairs in result.pairs.values() for p in pairs}
    if key.split is not None and (key.split[0], key.split[2]) in found:
        old, first, second = key.split
        origin = {n: o for n, o in key.origin.items() if n != first}
        origin[second] = old
        kinds = {
            ids: w for ids, w in key.kinds.items() if ids not in ((old, first), (None, second))
        }
        kinds[(old, second)] = {"split"}
        kinds[(None, first)] = {"split"}
        return replace(key, origin=origin, kinds=kinds)
    if key.either is None:
        return key
    a, b, new = key.either
    level = {p for pairs in result.pairs.values() for p in pairs}
    if (b, new) not in level:
        return key
    origin = dict(key.origin, **{new: b})
    kinds = {ids: wanted for ids, wanted in key.kinds.items() if ids not in ((a, new), (b, None))}
    kinds[(b, new)] = key.kinds[(a, new)]
    kinds[(a, None)] = key.kinds[(b, None)]
    return replace(key, origin=origin, kinds=kinds)


def score(case: Case, result: Result) -> Score:
    s = Score(cases=1)
    case = replace(case, key=_other_half(case.key, result))
    new_units = {u.id: u for g in case.new.values() for top in g for u in _flat(top)}
    truth: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for new_id, old_id in case.key.origin.items():
        truth[_band(new_units[new_id].level)].add((old_id, new_id))
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for level, pairs in result.pairs.items():
        found[_band(level)] |= pairs
    for band in set(truth) | set(found):
        s.found[band] += len(found[band])
        s.true[band] += len(truth[band])
        s.right[band] += len(found[band] & truth[band])
    for ids, wanted in case.key.kinds.items():
        s.kinds += 1
        got = result.kinds.get(ids)
        if got in wanted:
            s.kinds_right += 1
        else:
            s.misses.append(f"{case.op} {case.name}: {ids} {got} not in {sorted(wanted)}")
    if case.key.one_moved is not None:
        s.kinds += 1
        origin = case.key.origin
        moved = [result.kinds.get((origin[n], n)) == "moved" for n in case.key.one_moved]
        s.kinds_right += moved.count(True) == 1
    if case.key.phrase is not None:
        old_id, new_id, at, before, after = case.key.phrase
        s.phrases += 1
        got_edits = result.edits.get((old_id, _new_id(case, old_id)), [])
        if got_edits == [(at, at + len(before), before, after)]:
            s.exact += 1
        else:
            s.misses.append(
                f"{case.op} {case.name}: phrase {before}→{after} marked {got_edits[:3]}"
            )
    return s


def _new_id(case: Case, old_id: str) -> str:
    return next((n for n, o in case.key.origin.items() if o == old_id), "")


def _pct(right: int, total: int) -> str:
    return f"{100 * right / total:6.2f}" if total else "     —"


def report(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}")
    print(
        f"{'operation':<16} {'cases':>5}  {'sect P':>6} {'sect R':>6}  {'para P':>6} "
        f"{'para R':>6}  {'phrase':>6}  {'kinds':>6}"
    )
    total = Score()
    for op, s in scores.items():
        total.add(s)
        _row(op, s)
    _row("ALL", total)


def _row(name: str, s: Score) -> None:
    print(
        f"{name:<16} {s.cases:>5}  {_pct(s.right['section'], s.found['section'])} "
        f"{_pct(s.right['section'], s.true['section'])}  "
        f"{_pct(s.right['paragraph'], s.found['paragraph'])} "
        f"{_pct(s.right['paragraph'], s.true['paragraph'])}"
        f"  {_pct(s.exact, s.phrases)}  {_pct(s.kinds_right, s.kinds)}"
    )


# --- speed of kaitei check ------------------------------------------------------------------------


_DOCUMENT_YML = """\
titles: {en: Privacy Policy}
authoritative: en
languages: [en]
timezone: UTC
notice_period_days: 30
banner_days_after: 30
diff_layout: new-left
"""


def _vocabulary() -> list[str]:
    """The words of the sample's English text: synthetic clauses read like a policy."""
    text = (REPO / "content" / "privacy" / "2020-10-01" / "en.md").read_text(encoding="utf-8")
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", text)})


def _clause(rng: random.Random, words: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(2, 4)):
        picked = [rng.choice(words) for _ in range(rng.randint(10, 22))]
        sentences.append(" ".join(picked).capitalize() + ".")
    return " ".join(sentences)


def write_long_history(root: Path, versions: int, size: int, rng: random.Random) -> int:
    """A site whose one English policy has `versions` versions of about `size` characters,
    each a few edits from the last (reworded words, now and then an article added or
    removed, which renumbers the rest). Returns the size of the last version."""
    words = _vocabulary()
    articles: list[tuple[str, list[str]]] = []
    total = 0
    while total < size:
        paragraphs = [_clause(rng, words) for _ in range(rng.randint(2, 5))]
        total += sum(len(p) + 4 for p in paragraphs)
        articles.append((" ".join(rng.choice(words) for _ in range(2)).title(), paragraphs))
    (root / "mkdocs.yml").write_text("site_name: Bench\nplugins: [kaitei]\n", encoding="utf-8")
    folder = root / "content" / "policy"
    folder.mkdir(parents=True)
    (folder / "document.yml").write_text(_DOCUMENT_YML, encoding="utf-8")
    day = dt_date(2010, 1, 1)
    length = 0
    for k in range(versions):
        if k:
            for _ in range(3):
                paragraphs = rng.choice(articles)[1]
                at = rng.randrange(len(paragraphs))
                tokens = paragraphs[at].split(" ")
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
                paragraphs[at] = " ".join(tokens)
            if k % 10 == 5:
                articles.insert(
                    rng.randrange(len(articles)), ("Added Article", [_clause(rng, words)])
                )
            if k % 10 == 8:
                articles.pop(rng.randrange(len(articles)))
        lines = ["---", f"effective: {day + timedelta(days=100 * k)}", "change: editorial"]
        lines += [
            "summary: Wording." if k else "summary: First version.",
            "---",
            "",
            "# Privacy Policy",
            "",
        ]
        for number, (title, paragraphs) in enumerate(articles, start=1):
            lines += [f"## Article {number} ({title})", ""]
            for p, text in enumerate(paragraphs, start=1):
                lines += [f"{p} {text}" if len(paragraphs) > 1 else text, ""]
        body = "\n".join(lines)
        length = len(body)
        version = folder / str(day + timedelta(days=100 * k))
        version.mkdir()
        (version / "en.md").write_text(body, encoding="utf-8")
    return length


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of one command (CPU: what a busy shared machine does not inflate)."""
    cpu = _cpu_of_children()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, _cpu_of_children() - cpu, done


def bench_check(versions: int = 40, size: int = 60_000) -> None:
    """`kaitei check` on a synthetic 40-version English policy of about 60 kB a version,
    run as a user runs it (a fresh interpreter, start-up included); and, in the same run, the
    interpreter with kaitei's imports alone, the floor under any check."""
    kaitei = str(Path(sys.executable).parent / "kaitei")
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        length = write_long_history(root, versions, size, random.Random(SEED))
        runs = [_timed([kaitei, "check"], root) for _ in range(3)]
        floor = [_timed([sys.executable, "-c", "import kaitei.cli"], root) for _ in range(3)]
    wall = sorted(r[0] for r in runs)
    cpu = sorted(r[1] for r in runs)
    print(f"\nkaitei check, {versions} versions of {length / 1000:.0f} kB (English, synthetic):")
    print(f"  wall: best {wall[0]:.2f} s, median {wall[1]:.2f} s (target <= 3 s)")
    print(f"  CPU:  best {cpu[0]:.2f} s, median {cpu[1]:.2f} s; exit {runs[0][2].returncode}")
    alone = min(f[0] for f in floor), min(f[1] for f in floor)
    print(f"  imports alone: wall {alone[0]:.2f} s, CPU {alone[1]:.2f} s")
    if runs[0][2].returncode not in (0, 1):
        print(runs[0][2].stderr[-2000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--revisions", type=int, default=None, help="at most N revisions per corpus file"
    )
    parser.add_argument("--no-check", action="store_true", help="skip the kaitei check timing")
    parser.add_argument("--misses", type=int, default=0, help="print the first N misses")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ours: dict[str, Score] = {op: Score() for op in OPERATIONS}
    base: dict[str, Score] = {op: Score() for op in OPERATIONS}
    texts = 0
    started = time.perf_counter()
    aligning = 0.0
    for name, lang, groups in [*sample_texts(), *corpus_texts(args.revisions)]:
        texts += 1
        for op in OPERATIONS:
            case = make_case(name, lang, groups, op, rng)
            if case is None:
                continue
            t0 = time.perf_counter()
            ours[op].add(score(case, run_kaitei(case)))
            aligning += time.perf_counter() - t0
            base[op].add(score(case, run_baseline(case)))
    elapsed = time.perf_counter() - started
    print(f"texts: {texts} (sample + corpora revisions); seed {args.seed}")
    print(f"{elapsed:.1f} s in all, {aligning:.1f} s in kaitei's alignment and ChangeSet")
    report("kaitei (content-first alignment)", ours)
    report("baseline (difflib line pairing)", base)
    if args.misses:
        misses = [m for s in ours.values() for m in s.misses]
        print(f"\nfirst misses of kaitei ({len(misses)} listed):")
        for miss in misses[: args.misses]:
            print("  " + miss)
    if not args.no_check:
        bench_check()
    return 0


if __name__ == "__main__":
    sys.exit(main())

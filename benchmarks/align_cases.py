"""Known operations on real texts, each with its answer key (benchmarks/bench_align.py).

Every operation a reviser performs: move + renumber, insert with renumbering, branch insert,
削除 placeholder, delete, split, merge, re-parent, promote, reword a phrase, change a number,
change a link target, whitespace only, swap two articles. The key says which old unit each new
unit is, the kind a lawyer names each touched pair by, and the phrase edited.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from align_texts import Groups, with_parents

from kaitei.diff.units import Unit
from kaitei.model import Link, Span

_SPAN = Span("bench", 1)
# Text for a new article that is no edited copy of any other (one per script).
NEW_TEXT = {
    "ja": "当社は、利用者が退会した場合であっても、法令に定める期間に限り、"
    "取引の記録を保存します。",
    "en": "Volunteer firefighters may borrow the lighthouse telescope on alternate Thursdays.",
}
WORDS_EN = ["promptly", "carefully", "reasonably", "securely", "lawfully", "diligently"]
WORDS_JA = ["迅速", "慎重", "厳格", "確実", "適正", "誠実"]


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
    return lang.split("-")[0] in ("ja", "zh")


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


def flat(unit: Unit) -> Iterator[Unit]:
    yield unit
    for child in unit.children:
        yield from flat(child)


def _identity(old: Sequence[Unit], new: Sequence[Unit], key: Key) -> None:
    """Units at the same place in both trees (the generator moved them as wholes)."""
    for o, n in zip(old, new, strict=True):
        for a, b in zip(flat(o), flat(n), strict=True):
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
    new_list = with_parents(new_list)
    for (_, source), renamed in zip(work, new_list, strict=True):
        if source:
            original = next(a for a in old if a.id == source)
            if not (op == "placeholder" and source == placeholder):
                for a, b in zip(flat(original), flat(renamed), strict=True):
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
                for x, y in zip(flat(o), flat(new[k]), strict=True):
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
                for x, y in zip(flat(o), flat(new[k]), strict=True):
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
                for x, y in zip(flat(o), flat(new[k]), strict=True):
                    key.origin[y.id] = x.id
        _map_children(old[a], source, key, skip={p: []})
        key.origin[source.id] = old[a].id
        for x, y in zip(
            flat(target_old), flat(replace(target, children=target.children[:-1])), strict=True
        ):
            key.origin[y.id] = x.id
        for x, y in zip(flat(para), flat(arrived), strict=True):
            key.origin[y.id] = x.id
        key.kinds[(para.id, arrived.id)] = {"re-parented"}
    elif op == "promote":
        deeper = [k for k, u in enumerate(old) if u.depth > 1]
        k = rng.choice(deeper) if deeper else rng.randrange(1, len(old))
        unit = old[k]
        new_depth = unit.depth - 1 if deeper else unit.depth + 1
        new[k] = replace(unit, depth=new_depth)
        new = with_parents(new)
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
        for x, y in zip(flat(old.children[k]), flat(new.children[j]), strict=True):
            key.origin[y.id] = x.id


_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _word_letter(char: str) -> bool:
    """A letter that makes one word with a digit beside it (A8C, 13세, 2’ye); kanji and kana
    do not (30日間: the number is a word of its own)."""
    return (char.isalnum() or char in "'’") and not _KANA_KANJI.match(char)


def _numbers(unit: Unit) -> list[re.Match[str]]:
    """Numbers that are words of their own, outside references (those follow renumbering)."""
    text = unit.text
    return [
        m
        for m in re.finditer(r"(?<![\d.,])\d{1,3}(?![\d.,])", text)
        if not any(r.start < m.end() and m.start() < r.end for r in unit.refs)
        and not (m.start() > 0 and _word_letter(text[m.start() - 1]))
        and not (m.end() < len(text) and _word_letter(text[m.end()]))
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

"""Pair the structure of two versions level by level (条, 項, 号, sub-items, rows, bullets).

Every level is a list of sibling `Unit`s, paired in three passes, each keeping what the
previous one found:

1. identical content, in order (an article that only moved down a number is still itself);
2. in the gaps left, the same number *and* heading (第3条（利用目的） stays 第3条), then an
   order-preserving match on text similarity;
3. what is left on both sides, by best similarity regardless of order: moves.

Documents that number insertions 第4条の2 and keep 第5条 削除 have stable numbers, so their
articles pair by number first. Pairs are then aligned recursively inside.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from .model import (
    Article,
    Block,
    BulletList,
    Cell,
    CrossRef,
    Item,
    LanguageText,
    Paragraph,
    Row,
    Span,
    Table,
    Text,
)

Level = Literal[
    "title", "preamble", "article", "paragraph", "item", "row", "cell", "bullet", "closing"
]

SIMILAR = 0.5  # below this score two pieces are different texts, not one edited text
_NUMBER_BONUS = 0.15  # same number breaks near-ties in favour of the expected pairing


@dataclass(frozen=True, slots=True)
class Unit:
    """One node of either version, flattened to what alignment and display need."""

    level: Level
    id: str  # anchor id, language-independent (art-4-para-2), so languages can be compared
    number: str  # comparable number ("4_2", "2", "(3)"); "" when the unit has none
    label: str  # as displayed: "第4条", "2", "(3)", "ア"
    heading: str  # whole heading for articles ("第1条（総則）"), else ""
    title: str  # the article title without its number; else ""
    text: str  # the unit's own text (not its children's)
    refs: tuple[CrossRef, ...]  # offsets into `text`
    span: Span
    children: tuple[Unit, ...]
    deleted: bool = False  # 第5条 削除
    positional: bool = False  # children pair by position (cells of a row)
    # Everything a reader sees except the unit's own number: the identity used in pass 1.
    # Computed once (children first), as alignment compares it at every level.
    content: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = [self.title, self.text, *(c.label + "\x1f" + c.content for c in self.children)]
        object.__setattr__(self, "content", "\x1e".join(parts))


@dataclass(frozen=True, slots=True)
class Match:
    old: Unit | None
    new: Unit | None
    moved: bool = False
    children: tuple[Match, ...] = ()


# --- units from the model ------------------------------------------------------------------


def _join(texts: Sequence[Text]) -> tuple[str, tuple[CrossRef, ...]]:
    """Several Text blocks as one string ("\n" between), with references re-based."""
    parts: list[str] = []
    refs: list[CrossRef] = []
    offset = 0
    for text in texts:
        if parts:
            parts.append("\n")
            offset += 1
        parts.append(text.plain)
        refs += [CrossRef(r.start + offset, r.end + offset, r.label, r.target) for r in text.refs]
        offset += len(text.plain)
    return "".join(parts), tuple(refs)


def _block_children(blocks: Sequence[Block], owner: str, span: Span) -> list[Unit]:
    children: list[Unit] = []
    for b, block in enumerate(blocks):
        if isinstance(block, Table):
            head = Row(f"{block.id}-head", "", block.header, block.span)
            children += [_row_unit(head, ()), *(_row_unit(r, block.header) for r in block.rows)]
        elif isinstance(block, BulletList):
            children += [
                _leaf("bullet", f"{owner}-list-{b + 1}-{k + 1}", "・", text)
                for k, text in enumerate(block.items)
            ]
    return children


def _leaf(level: Level, uid: str, label: str, text: Text) -> Unit:
    return Unit(level, uid, "", label, "", "", text.plain, text.refs, text.span, ())


def _cell_unit(cell: Cell, uid: str, span: Span) -> Unit:
    if cell.bullets:
        own = [cell.lead] if cell.lead is not None else []
        text, refs = _join(own)
        bullets = tuple(
            _leaf("bullet", f"{uid}-b{k + 1}", "・", b) for k, b in enumerate(cell.bullets)
        )
        return Unit("cell", uid, "", "", "", "", text, refs, span, bullets)
    return Unit("cell", uid, "", "", "", "", cell.text.plain, cell.text.refs, span, ())


def _row_unit(row: Row, header: Sequence[Cell]) -> Unit:
    # Cells are named by their column heading (利用する情報), rows by their first cell.
    cells = tuple(
        replace(
            _cell_unit(c, f"{row.id}-cell-{k + 1}", row.span),
            label=header[k].text.plain if k < len(header) else str(k + 1),
        )
        for k, c in enumerate(row.cells)
    )
    return Unit("row", row.id, "", row.key, "", "", "", (), row.span, cells, positional=True)


def _texts(blocks: Sequence[Block]) -> list[Text]:
    return [b for b in blocks if isinstance(b, Text)]


def _item_unit(item: Item) -> Unit:
    text, refs = _join(_texts(item.blocks))
    children = _block_children(item.blocks, item.id, item.span)
    children += [_item_unit(child) for child in item.children]
    return Unit(
        "item", item.id, item.label, item.label, "", "", text, refs, item.span, tuple(children)
    )


def _paragraph_unit(para: Paragraph) -> Unit:
    text, refs = _join(_texts(para.blocks))
    children = _block_children(para.blocks, para.id, para.span)
    children += [_item_unit(item) for item in para.items]
    return Unit(
        "paragraph", para.id, str(para.number), para.label, "", "", text, refs, para.span,
        tuple(children),
    )  # fmt: skip


def _article_label(article: Article) -> str:
    if article.number is None:
        return ""
    title_at = article.heading.rfind(article.title) if article.title else -1
    head = article.heading[:title_at] if title_at > 0 else article.heading
    return head.rstrip(" 　(（")


def _article_unit(article: Article) -> Unit:
    number = article.number.key if article.number is not None else ""
    return Unit(
        "article", article.id, number, _article_label(article), article.heading,
        article.title, "", (), article.span,
        tuple(_paragraph_unit(p) for p in article.paragraphs), deleted=article.deleted,
    )  # fmt: skip


def units(lt: LanguageText) -> dict[str, tuple[Unit, ...]]:
    """A version's top-level units by group; groups are aligned separately, in this order."""
    preamble, refs = _join(_texts(lt.preamble))
    pre_span = lt.preamble[0].span if lt.preamble else lt.title.span
    return {
        "title": (_leaf("title", "title", "", lt.title),),
        "preamble": (
            Unit(
                "preamble", "preamble", "", "", "", "", preamble, refs, pre_span,
                tuple(_block_children(lt.preamble, "preamble", pre_span)),
            ),
        ) if lt.preamble else (),
        "articles": tuple(_article_unit(a) for a in lt.articles),
        "closing": tuple(
            _leaf("closing", f"closing-{k + 1}", "", c.text) for k, c in enumerate(lt.closing)
        ),
    }  # fmt: skip


class UnitCache:
    """The units of each language text, for the diffs of one build or one check.

    A version is diffed against its predecessor, its successor and the version in force, and
    flattening a text into units was a third of a diff. Keyed by the text object, which the
    entry holds so that its id is not reused; the owner drops the cache after its run.
    """

    def __init__(self) -> None:
        self._units: dict[int, tuple[LanguageText, dict[str, tuple[Unit, ...]]]] = {}

    def __call__(self, lt: LanguageText) -> dict[str, tuple[Unit, ...]]:
        entry = self._units.get(id(lt))
        if entry is None or entry[0] is not lt:
            entry = self._units[id(lt)] = (lt, units(lt))
        return entry[1]


# --- similarity ----------------------------------------------------------------------------


def _full_text(unit: Unit) -> str:
    return unit.title + unit.text + "".join(_full_text(c) for c in unit.children)


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset((text,)) if text else frozenset()
    return frozenset(map(str.__add__, text, text[1:]))


class _Similarity:
    """Character bigrams: cheap, script-neutral, robust to small edits.

    The score averages Dice (how much both share) with containment (how much of the shorter
    one survives), so "Cookies" → "Cookies and Anonymous IDs" still reads as one edited bullet.
    """

    def __init__(self) -> None:
        self._grams: dict[int, frozenset[str]] = {}

    def grams(self, unit: Unit) -> frozenset[str]:
        key = id(unit)
        if key not in self._grams:
            self._grams[key] = _bigrams(_full_text(unit))
        return self._grams[key]

    def __call__(self, a: Unit, b: Unit) -> float:
        ga, gb = self.grams(a), self.grams(b)
        if not ga and not gb:
            return 1.0
        if not ga or not gb:
            return 0.0
        common = len(ga & gb)
        return (2 * common / (len(ga) + len(gb)) + common / min(len(ga), len(gb))) / 2


# --- the three passes ------------------------------------------------------------------------


def _lcs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Longest common subsequence of two key lists (unit counts are small: O(n·m) is fine)."""
    # Trim the common ends first: most versions change little, so this removes most work.
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    head = [(k, k) for k in range(start)]
    tail = [(end_a + k, end_b + k) for k in range(len(a) - end_a)]
    mid_a, mid_b = a[start:end_a], b[start:end_b]
    if not mid_a or not mid_b:
        return head + tail
    wanted = set(mid_a) & set(mid_b)
    if not wanted:
        return head + tail
    n, m = len(mid_a), len(mid_b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = table[i], table[i + 1]
        for j in range(m - 1, -1, -1):
            if mid_a[i] == mid_b[j]:
                row[j] = below[j + 1] + 1
            else:
                row[j] = max(below[j], row[j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if mid_a[i] == mid_b[j]:
            pairs.append((start + i, start + j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return head + pairs + tail


def _gaps(
    anchors: Sequence[tuple[int, int]], olds: range, news: range
) -> list[tuple[range, range]]:
    """The stretches of both lists between consecutive anchor pairs."""
    gaps = []
    i, j = olds.start, news.start
    for a, b in [*sorted(anchors), (olds.stop, news.stop)]:
        if a > i or b > j:
            gaps.append((range(i, a), range(j, b)))
        i, j = a + 1, b + 1
    return gaps


def _ordered_similarity(
    old: Sequence[Unit], new: Sequence[Unit], olds: range, news: range, sim: _Similarity
) -> list[tuple[int, int]]:
    """Order-preserving pairing maximising total similarity (Needleman–Wunsch, no gap cost)."""
    n, m = len(olds), len(news)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            a, b = old[olds[i]], new[news[j]]
            s = sim(a, b) + (_NUMBER_BONUS if a.number and a.number == b.number else 0.0)
            best = max(score[i + 1][j], score[i][j + 1])
            if s >= SIMILAR:
                best = max(best, score[i + 1][j + 1] + s)
            score[i][j] = best
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] == score[i + 1][j]:
            i += 1
        elif score[i][j] == score[i][j + 1]:
            j += 1
        else:
            pairs.append((olds[i], news[j]))
            i, j = i + 1, j + 1
    return pairs


def _same_number_and_heading(a: Unit, b: Unit) -> bool:
    return bool(a.number) and a.number == b.number and bool(a.title) and a.title == b.title


def _same_slot(old: Sequence[Unit], new: Sequence[Unit], olds: range, news: range) -> bool:
    if len(olds) != 1 or len(news) != 1:
        return False
    a, b = old[olds[0]], new[news[0]]
    return a.level != "article" and bool(a.number) and a.number == b.number


def _stable_numbering(old: Sequence[Unit], new: Sequence[Unit]) -> bool:
    """Branch numbers (第4条の2) or kept deleted articles (削除) mean numbers never shift."""
    return any(u.deleted or "_" in u.number for u in (*old, *new))


def pair_siblings(
    old: Sequence[Unit], new: Sequence[Unit], sim: _Similarity | None = None
) -> list[tuple[int | None, int | None, bool]]:
    """(old index, new index, moved) for every unit of both lists; None where unpaired."""
    sim = sim or _Similarity()
    pairs: list[tuple[int, int]]
    if old and new and old[0].level == "article" and _stable_numbering(old, new):
        by_number = {u.number: k for k, u in enumerate(new) if u.number}
        pairs = _monotone(
            [(i, by_number[u.number]) for i, u in enumerate(old) if u.number in by_number]
        )
    else:
        pairs = _lcs([u.content for u in old], [u.content for u in new])
    for olds, news in _gaps(pairs, range(len(old)), range(len(new))):
        agreed = _monotone(
            [(i, j) for i in olds for j in news if _same_number_and_heading(old[i], new[j])]
        )
        pairs += agreed
        for sub_olds, sub_news in _gaps(agreed, olds, news):
            if _same_slot(old, new, sub_olds, sub_news):
                # One numbered unit left on each side at the same place with the same number:
                # a rewritten paragraph, shown side by side as a 新旧対照表 does.
                pairs.append((sub_olds[0], sub_news[0]))
                continue
            pairs += _ordered_similarity(old, new, sub_olds, sub_news, sim)
    paired_old = {a for a, _ in pairs}
    paired_new = {b for _, b in pairs}
    moves = _best_assignment(
        [i for i in range(len(old)) if i not in paired_old],
        [j for j in range(len(new)) if j not in paired_new],
        old,
        new,
        sim,
    )
    result: list[tuple[int | None, int | None, bool]] = [(a, b, False) for a, b in pairs]
    result += [(a, b, True) for a, b in moves]
    moved_old = {a for a, _ in moves}
    moved_new = {b for _, b in moves}
    result += [(i, None, False) for i in range(len(old)) if i not in paired_old | moved_old]
    result += [(None, j, False) for j in range(len(new)) if j not in paired_new | moved_new]
    return result


def _monotone(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subset of pairs increasing on both sides (keeps a pass order-preserving).

    Longest increasing subsequence on the new index, O(n log n): sorting by (old, -new)
    keeps two pairs of the same old unit from both being chosen.
    """
    ordered = sorted(pairs, key=lambda p: (p[0], -p[1]))
    tails: list[int] = []  # tails[k]: index in `ordered` ending the best chain of length k+1
    tail_values: list[int] = []
    previous: list[int] = [-1] * len(ordered)
    for k, (_, b) in enumerate(ordered):
        at = bisect_left(tail_values, b)
        previous[k] = tails[at - 1] if at > 0 else -1
        if at == len(tails):
            tails.append(k)
            tail_values.append(b)
        else:
            tails[at], tail_values[at] = k, b
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(ordered[k])
        k = previous[k]
    return chain[::-1]


def _best_assignment(
    olds: Sequence[int],
    news: Sequence[int],
    old: Sequence[Unit],
    new: Sequence[Unit],
    sim: _Similarity,
) -> list[tuple[int, int]]:
    """Greedy maximum-similarity pairing of the leftovers (ties by position, deterministic)."""
    if not olds or not news:
        return []
    candidates = sorted(
        ((sim(old[i], new[j]), i, j) for i in olds for j in news),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    moves: list[tuple[int, int]] = []
    for score, i, j in candidates:
        if score < SIMILAR:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        moves.append((i, j))
    return moves


def align(
    old: Sequence[Unit], new: Sequence[Unit], sim: _Similarity | None = None
) -> tuple[Match, ...]:
    """Pair two sibling lists and, recursively, their children; in reading order of `new`."""
    sim = sim or _Similarity()
    raw = pair_siblings(old, new, sim)
    matches = []
    for a, b, moved in raw:
        o = old[a] if a is not None else None
        n = new[b] if b is not None else None
        children: tuple[Match, ...] = ()
        if o is not None and n is not None and (o.children or n.children):
            if o.content == n.content:
                children = _identical(o.children, n.children)
            elif o.positional or n.positional:
                children = align_positional(o.children, n.children, sim)
            else:
                children = align(o.children, n.children, sim)
        else:
            children = _one_sided(o, n)
        matches.append(Match(o, n, moved, children))
    return tuple(_reading_order(raw, matches))


def _by_position(
    old: Sequence[Unit], new: Sequence[Unit]
) -> list[tuple[int | None, int | None, bool]]:
    count = max(len(old), len(new))
    return [(k if k < len(old) else None, k if k < len(new) else None, False) for k in range(count)]


def align_positional(
    old: Sequence[Unit], new: Sequence[Unit], sim: _Similarity
) -> tuple[Match, ...]:
    """Cells of a row: the n-th column pairs with the n-th column."""
    matches = []
    for a, b, _ in _by_position(old, new):
        o = old[a] if a is not None else None
        n = new[b] if b is not None else None
        if o is not None and n is not None:
            children = align(o.children, n.children, sim)
        else:
            children = _one_sided(o, n)
        matches.append(Match(o, n, False, children))
    return tuple(matches)


def _one_sided(old: Unit | None, new: Unit | None) -> tuple[Match, ...]:
    """The children of an added or removed unit, all added or removed with it."""
    if old is not None:
        return tuple(Match(c, None, False, _one_sided(c, None)) for c in old.children)
    if new is not None:
        return tuple(Match(None, c, False, _one_sided(None, c)) for c in new.children)
    return ()


def _identical(old: Sequence[Unit], new: Sequence[Unit]) -> tuple[Match, ...]:
    """Children of identical content pair one to one (no similarity needed)."""
    return tuple(
        Match(o, n, False, _identical(o.children, n.children))
        for o, n in zip(old, new, strict=True)
    )


def _reading_order(
    raw: Sequence[tuple[int | None, int | None, bool]], matches: Sequence[Match]
) -> list[Match]:
    """New order; a removed unit goes right after the new position of its old predecessor."""
    new_of_old = {a: b for a, b, moved in raw if a is not None and b is not None and not moved}
    keys: list[tuple[int, int, int]] = []
    for a, b, _ in raw:
        if b is not None:
            keys.append((b, 0, 0))
            continue
        assert a is not None
        before = [new_of_old[k] for k in range(a) if k in new_of_old]
        keys.append((before[-1] if before else -1, 1, a))
    return [m for _, m in sorted(zip(keys, matches, strict=True), key=lambda x: x[0])]


def align_texts(
    old: LanguageText, new: LanguageText, unit_cache: UnitCache | None = None
) -> tuple[Match, ...]:
    """Align two language texts: title, preamble, articles and closing lines, in that order."""
    sim = _Similarity()
    units_of = unit_cache if unit_cache is not None else units
    old_units, new_units = units_of(old), units_of(new)
    matches: list[Match] = []
    for group in ("title", "preamble", "articles", "closing"):
        matches += align(old_units[group], new_units[group], sim)
    return tuple(matches)

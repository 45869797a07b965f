"""Pair the units of two versions at every level, by content first, as a careful reader does.

At each level (sections/articles, paragraphs, items, sub-items, rows, cells, bullets) the
sibling lists of a pair are matched in three steps:

1. identical content always pairs (an article that only changed its number is still itself);
2. what is left is paired by one global optimal assignment (scipy's linear_sum_assignment)
   over a score that adds text similarity, the heading, the number and the position: equal
   numbers are evidence, never a rule;
3. a floor on that score keeps unrelated units apart: they come out removed + added.

Pairs out of order are moves (the fewest that explain the new order). Then, over the whole
tree, units left unpaired under different parents pair again when their text survived
(re-parented), and an unpaired unit whose text lies inside a paired neighbour is the other
half of a split (one → two) or a merge (two → one).

A translation can be aligned by the authoritative language's pairs (`Guide`): units whose
ids the guide knows pair as it says; only the rest are aligned on their own text.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import add
from typing import Literal

from ..model import LanguageText
from .units import Level, Unit, UnitCache, units

__all__ = ["Guide", "Level", "Match", "Relation", "Unit", "align_groups", "align_texts"]

FLOOR = 0.5  # below this score two units are different texts, not one edited text
_TEXT_FLOOR = 0.3  # and however much else agrees, this much of the text must survive
_NUMBER = 0.15  # the same number: evidence for the pairing a reader expects
_TITLE = 0.2  # the same heading, when there is one
_POSITION = 0.05  # nearer places break near-ties
_ACROSS = 0.6  # units under different parents pair only when most of the text survived
_PART = 0.75  # share of a unit's text found in its neighbour: the other half of a split/merge

Relation = Literal["", "re-parented", "split", "merged"]


@dataclass(frozen=True, slots=True)
class Match:
    old: Unit | None
    new: Unit | None
    moved: bool = False
    children: tuple[Match, ...] = ()
    relation: Relation = ""
    partner: str = ""  # split: the old unit's id; merged: the new unit's id


@dataclass(slots=True)
class Guide:
    """The pairs of the authoritative language, by unit id, to align a translation with."""

    pairs: dict[str, str]  # old id → new id
    old_ids: frozenset[str]  # every old unit the authoritative text has
    new_ids: frozenset[str]
    fallback: list[str] = field(default_factory=list)  # ids aligned on their own text

    @classmethod
    def of(cls, pairs: Iterable[tuple[str | None, str | None]]) -> Guide:
        """From every (old id, new id) of the guiding language; None where unpaired."""
        mapping: dict[str, str] = {}
        olds: set[str] = set()
        news: set[str] = set()
        for old, new in pairs:
            if old is not None:
                olds.add(old)
            if new is not None:
                news.add(new)
            if old is not None and new is not None:
                mapping[old] = new
        return cls(mapping, frozenset(olds), frozenset(news))


# --- similarity ----------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ー]")


# Kept by text: a unit unchanged from one version to the next (most of them) is another
# unit object with the same words. Bounded (an article's words are some 20 KB, so this holds
# some 20 MB): a build diffs one document at a time.
@lru_cache(maxsize=1024)
def _tokens(text: str) -> frozenset[str]:
    """Words for spaced scripts, character pairs for Japanese and Chinese (no spaces there)."""
    if not _CJK.search(text):
        return frozenset(_WORD.findall(text.lower()))
    found: set[str] = set()
    for word in _WORD.findall(text):
        if _CJK.search(word):
            found.update(map(str.__add__, word, word[1:]) if len(word) > 1 else (word,))
        else:
            found.add(word.lower())
    return frozenset(found)


def _full_text(unit: Unit) -> str:
    return " ".join([unit.title, unit.text, *(_full_text(c) for c in unit.children)])


class Similarity:
    """Token overlap weighted by rarity (idf) in the two versions' top-level units.

    Rare shared words say two texts are one edited text; the words every section uses (the,
    当社, 情報) say nothing. The score averages Dice (how much both share) with containment
    (how much of the shorter survives), so "Cookies" → "Cookies and Anonymous IDs" is still
    one edited bullet.
    """

    def __init__(
        self,
        corpus: Iterable[Unit] = (),
        parts: Sequence[Sequence[Unit]] = (),
        counts: dict[int, tuple[Sequence[Unit], Counter[str]]] | None = None,
    ) -> None:
        # `parts`: the corpus given as sequences shared between diffs (a version's articles),
        # whose word counts are kept and added up instead of counted again for every pair;
        # `counts`: where they are kept (a UnitCache's, for one build), else a few globally.
        self._parts = tuple(parts) if parts else (tuple(corpus),)
        self._corpus_size = sum(map(len, self._parts))
        self._store = counts
        self._counts: list[Counter[str]] | None = None
        # Each word's weight is worked out when a score first needs it: most units of a diff
        # pair by identical content, and only the few left over are ever weighed.
        self._idf: dict[str, float] = {}
        self._unit_weights: dict[int, tuple[Unit, float]] = {}
        # A word no top-level unit has is as rare as can be.
        self._unseen = math.log(self._corpus_size + 2) if self._corpus_size else 1.0

    @staticmethod
    def grams(unit: Unit) -> frozenset[str]:
        # Kept on the unit: a version's units are shared by the diffs of one build.
        if unit.grams is None:
            object.__setattr__(unit, "grams", _tokens(_full_text(unit)))
        assert unit.grams is not None
        return unit.grams

    def _learn(self, words: Iterable[str]) -> None:
        """The weights of `words`, from the number of top-level units that use each."""
        if self._counts is None:
            self._counts = [_part_counts(part, self._store) for part in self._parts]
        words = list(words)
        if len(self._counts) == 2:  # align_groups: the two versions' articles
            first, second = (c.get for c in self._counts)
            ns = list(map(add, map(first, words, repeat(0)), map(second, words, repeat(0))))
        else:
            gets = [c.get for c in self._counts]
            ns = [sum([get(word, 0) for get in gets]) for word in words]
        # A weight depends only on how many units use the word: worked out once per count.
        # Floored so that a word every unit has still counts a little.
        total = max(self._corpus_size, 1)
        weights = {
            n: max(math.log((total + 1) / (n + 0.5)), 0.05) if n else self._unseen for n in set(ns)
        }
        self._idf.update(zip(words, map(weights.__getitem__, ns), strict=True))

    def weight(self, grams: frozenset[str]) -> float:
        idf = self._idf
        missing = grams - idf.keys()
        if missing:
            self._learn(missing)
        # map() over dict lookups: the same sum in the same order, without a generator per call.
        return sum(map(idf.__getitem__, grams))

    def _unit_weight(self, unit: Unit) -> float:
        entry = self._unit_weights.get(id(unit))
        if entry is None or entry[0] is not unit:
            entry = self._unit_weights[id(unit)] = (unit, self.weight(self.grams(unit)))
        return entry[1]

    def __call__(self, a: Unit, b: Unit) -> float:
        ga, gb = self.grams(a), self.grams(b)
        if not ga and not gb:
            return 1.0 if a.content == b.content else 0.5
        if not ga or not gb:
            return 0.0
        common = self.weight(ga & gb)
        wa, wb = self._unit_weight(a), self._unit_weight(b)
        return (2 * common / (wa + wb) + common / min(wa, wb)) / 2

    def share(self, part: Unit, whole: Unit) -> float:
        """How much of `part`'s text is found in `whole` (a split's half in the old unit)."""
        gp = self.grams(part)
        if not gp:
            return 0.0
        return self.weight(gp & self.grams(whole)) / self._unit_weight(part)


# The word counts of the last few versions' articles, by the identity of their (shared,
# immutable) sequence, for diffs made without a UnitCache: a version is in two adjacent pairs
# and in its pair with the version in force, so its counts are made once. Bounded.
_COUNTS: dict[int, tuple[Sequence[Unit], Counter[str]]] = {}
_COUNTS_KEPT = 16


def _part_counts(
    part: Sequence[Unit], store: dict[int, tuple[Sequence[Unit], Counter[str]]] | None = None
) -> Counter[str]:
    """How many units of `part` use each word, kept in `store` (else in a few global places)."""
    kept = _COUNTS if store is None else store
    entry = kept.get(id(part))
    if entry is not None and entry[0] is part:
        return entry[1]
    counts: Counter[str] = Counter()
    for unit in part:
        counts.update(Similarity.grams(unit))
    if store is None and len(_COUNTS) >= _COUNTS_KEPT:
        del _COUNTS[next(iter(_COUNTS))]  # the oldest
    kept[id(part)] = (part, counts)  # the part is kept alive, so its id stays its own
    return counts


def _score(a: Unit, b: Unit, ia: float, ib: float, sim: Similarity) -> float:
    """How strongly `a` and `b` are one unit; -1 when below the floor."""
    if b.deleted and not a.deleted:
        # 「第10条　削除」 keeps nothing of the text it replaces: its number is the evidence.
        return FLOOR + _NUMBER if a.number and a.number == b.number else -1.0
    text = sim(a, b)
    if text < _TEXT_FLOOR:
        return -1.0
    score = text + _POSITION * (1 - abs(ia - ib))
    if a.number and a.number == b.number:
        score += _NUMBER
    if a.title and a.title == b.title:
        score += _TITLE
    return score if score >= FLOOR else -1.0


# --- one level -------------------------------------------------------------------------------


def _identical(
    old: Sequence[Unit], new: Sequence[Unit], olds: Sequence[int], news: Sequence[int]
) -> list[tuple[int, int]]:
    """Units with the same content always pair; repeated content pairs in order, and when one
    side has more copies, each copy of the other side takes the nearest place."""
    groups: dict[str, tuple[list[int], list[int]]] = {}
    for i in olds:
        groups.setdefault(old[i].content, ([], []))[0].append(i)
    for j in news:
        if new[j].content in groups:
            groups[new[j].content][1].append(j)
    n, m = max(len(old) - 1, 1), max(len(new) - 1, 1)
    pairs: list[tuple[int, int]] = []
    for these, those in groups.values():
        if len(these) == len(those) or not these or not those:
            pairs += zip(these, those, strict=False)
            continue
        near = [[1.0 - abs(i / n - j / m) for j in those] for i in these]
        pairs += [(these[r], those[c]) for r, c in best_assignment(near, 0.0)]
    return pairs


def _assign(
    old: Sequence[Unit],
    new: Sequence[Unit],
    olds: Sequence[int],
    news: Sequence[int],
    sim: Similarity,
) -> list[tuple[int, int]]:
    """The pairing of the leftovers that maximises the total score (one global optimum)."""
    if not olds or not news:
        return []
    n, m = max(len(old) - 1, 1), max(len(new) - 1, 1)
    scores = [[_score(old[i], new[j], i / n, j / m, sim) for j in news] for i in olds]
    return [(olds[r], news[c]) for r, c in best_assignment(scores, 0.0)]


_SMALL = 6  # up to this many on one side, an exact search beats loading scipy


def _small_assignment(scores: Sequence[Sequence[float]], floor: float) -> list[tuple[int, int]]:
    """The same optimum by dynamic programming over which units of the smaller side are used
    (2**6 states): a conflict between a few units, the common case, costs no scipy import."""
    flipped = len(scores) < len(scores[0])
    rows = (
        [list(col) for col in zip(*scores, strict=True)] if flipped else [list(r) for r in scores]
    )
    # best[mask] = (total, pairs) over the rows seen so far, using the columns in mask
    best: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {0: (0.0, ())}
    for r, row in enumerate(rows):
        step = dict(best)
        for mask, (total, pairs) in best.items():
            for c, value in enumerate(row):
                if value < floor or mask & (1 << c):
                    continue
                key = mask | (1 << c)
                candidate = (total + value, (*pairs, (r, c)))
                if key not in step or candidate[0] > step[key][0]:
                    step[key] = candidate
        best = step
    _, chosen = max(best.values(), key=lambda entry: entry[0])
    return sorted((c, r) for r, c in chosen) if flipped else list(chosen)


def best_assignment(scores: Sequence[Sequence[float]], floor: float) -> list[tuple[int, int]]:
    """(row, column) pairs of maximum total score, each row and column used once; only
    pairs scoring at least `floor` are kept.

    When every row's best column is a different column, taking them is the optimum and no
    solver is needed (most diffs: few units changed, each clearly itself). Otherwise scipy's
    linear_sum_assignment solves it, imported only then: it costs a second to load.
    """
    best: list[tuple[int, int]] = []
    for r, row in enumerate(scores):
        top = max(range(len(row)), key=row.__getitem__) if row else -1
        if top >= 0 and row[top] >= floor:
            best.append((r, top))
    columns = [c for _, c in best]
    if len(set(columns)) == len(columns):
        return best
    if min(len(scores), len(scores[0])) <= _SMALL:
        return _small_assignment(scores, floor)
    import numpy as np  # a second of start-up, paid only by hard cases
    from scipy.optimize import linear_sum_assignment

    matrix = np.array(scores, dtype=float)
    rows, cols = linear_sum_assignment(np.where(matrix < floor, 0.0, matrix), maximize=True)
    return [
        (r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True) if matrix[r, c] >= floor
    ]


def _monotone(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subset of pairs increasing on both sides: what stayed in place.

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


def _guided(
    old: Sequence[Unit], new: Sequence[Unit], guide: Guide
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs the guide gives, and the units it does not know (aligned on their own)."""
    new_at = {u.id: j for j, u in enumerate(new)}
    pairs = []
    for i, unit in enumerate(old):
        target = guide.pairs.get(unit.id)
        if target is not None and target in new_at:
            pairs.append((i, new_at[target]))
    taken_new = {j for _, j in pairs}
    taken_old = {i for i, _ in pairs}
    olds = [i for i, u in enumerate(old) if i not in taken_old and u.id not in guide.old_ids]
    news = [j for j, u in enumerate(new) if j not in taken_new and u.id not in guide.new_ids]
    guide.fallback += [old[i].id for i in olds] + [new[j].id for j in news]
    return pairs, olds, news


def pair_siblings(
    old: Sequence[Unit],
    new: Sequence[Unit],
    sim: Similarity | None = None,
    guide: Guide | None = None,
) -> list[tuple[int | None, int | None, bool]]:
    """(old index, new index, moved) for every unit of both lists; None where unpaired."""
    sim = sim or Similarity([*old, *new])
    if guide is not None:
        pairs, olds, news = _guided(old, new, guide)
    else:
        pairs, olds, news = [], list(range(len(old))), list(range(len(new)))
    same = _identical(old, new, olds, news)
    pairs += same
    paired_old = {i for i, _ in same}
    paired_new = {j for _, j in same}
    pairs += _assign(
        old,
        new,
        [i for i in olds if i not in paired_old],
        [j for j in news if j not in paired_new],
        sim,
    )
    in_place = set(_monotone(pairs))
    result: list[tuple[int | None, int | None, bool]] = [
        (a, b, (a, b) not in in_place) for a, b in sorted(pairs)
    ]
    paired_old = {a for a, _ in pairs}
    paired_new = {b for _, b in pairs}
    result += [(i, None, False) for i in range(len(old)) if i not in paired_old]
    result += [(None, j, False) for j in range(len(new)) if j not in paired_new]
    return result


# --- the tree --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    """A Match while it is being built (the passes over the whole tree rewrite it)."""

    old: Unit | None
    new: Unit | None
    moved: bool = False
    children: list[_Node] = field(default_factory=list)
    relation: Relation = ""
    partner: str = ""
    # The finished Match of a unit whose content is unchanged (`_same`): the passes over the
    # tree only change unpaired units and units whose content changed, so none changes it,
    # and its subtree is neither walked again nor frozen node by node.
    done: Match | None = None

    def freeze(self) -> Match:
        if self.done is not None:
            return self.done
        children = tuple([c.freeze() for c in self.children])
        return Match(self.old, self.new, self.moved, children, self.relation, self.partner)


def _align_nodes(
    old: Sequence[Unit], new: Sequence[Unit], sim: Similarity, guide: Guide | None
) -> list[_Node]:
    raw = pair_siblings(old, new, sim, guide)
    nodes = []
    for a, b, moved in raw:
        o = old[a] if a is not None else None
        n = new[b] if b is not None else None
        nodes.append(_Node(o, n, moved, _children(o, n, sim, guide)))
    return _reading_order(raw, nodes)


def _children(o: Unit | None, n: Unit | None, sim: Similarity, guide: Guide | None) -> list[_Node]:
    if o is None or n is None:
        return _one_sided(o, n)
    if not (o.children or n.children):
        return []
    if o.content == n.content and (guide is None or _guide_agrees(o, n, guide)):
        return _same(o.children, n.children)
    if o.positional or n.positional:
        return _positional(o.children, n.children, sim, guide)
    return _align_nodes(o.children, n.children, sim, guide)


def _guide_agrees(o: Unit, n: Unit, guide: Guide) -> bool:
    """Whether the guide pairs the children of two units of the same content one to one, at
    every depth, as `_same` does: then aligning them (a translation's unchanged article, most
    of a diff) would give `_same`'s nodes and leave nothing to fall back on."""
    old, new = o.children, n.children
    if len(old) != len(new):
        return False
    if not (o.positional or n.positional):
        # `_guided` finds a target by its id: two children of one id would not pair in order.
        if len({c.id for c in new}) != len(new):
            return False
        pairs = guide.pairs
        for a, b in zip(old, new, strict=True):
            if pairs.get(a.id) != b.id:
                return False
    for a, b in zip(old, new, strict=True):
        if a.content != b.content:
            return False
        if (a.children or b.children) and not _guide_agrees(a, b, guide):
            return False
    return True


def _positional(
    old: Sequence[Unit], new: Sequence[Unit], sim: Similarity, guide: Guide | None
) -> list[_Node]:
    """Cells of a row: the n-th column pairs with the n-th column."""
    nodes = []
    for k in range(max(len(old), len(new))):
        o = old[k] if k < len(old) else None
        n = new[k] if k < len(new) else None
        nodes.append(_Node(o, n, False, _children(o, n, sim, guide)))
    return nodes


def _one_sided(old: Unit | None, new: Unit | None) -> list[_Node]:
    """The children of an added or removed unit, all added or removed with it."""
    if old is not None:
        return [_Node(c, None, False, _one_sided(c, None)) for c in old.children]
    if new is not None:
        return [_Node(None, c, False, _one_sided(None, c)) for c in new.children]
    return []


def _same(old: Sequence[Unit], new: Sequence[Unit]) -> list[_Node]:
    """Children of identical content pair one to one (no similarity needed)."""
    return [_Node(m.old, m.new, done=m) for m in _same_matches(old, new)]


def _same_matches(old: Sequence[Unit], new: Sequence[Unit]) -> tuple[Match, ...]:
    return tuple(
        [
            Match(o, n, False, _same_matches(o.children, n.children))
            for o, n in zip(old, new, strict=True)
        ]
    )


def _reading_order(
    raw: Sequence[tuple[int | None, int | None, bool]], nodes: Sequence[_Node]
) -> list[_Node]:
    """New order; a removed unit goes right after the new position of its old predecessor."""
    new_of_old = {a: b for a, b, moved in raw if a is not None and b is not None and not moved}
    keys: list[tuple[int, int, int]] = []
    last = -1
    placed: dict[int, int] = {}
    for k in range(max((a for a, _, _ in raw if a is not None), default=-1) + 1):
        if k in new_of_old:
            last = new_of_old[k]
        placed[k] = last
    for a, b, _ in raw:
        if b is not None:
            keys.append((b, 0, 0))
            continue
        assert a is not None
        before = placed.get(a - 1, -1) if a > 0 else -1
        keys.append((before, 1, a))
    return [m for _, m in sorted(zip(keys, nodes, strict=True), key=lambda x: x[0])]


def _walk(
    nodes: Sequence[_Node], parent: _Node | None = None
) -> Iterable[tuple[_Node, _Node | None]]:
    for node in nodes:
        yield node, parent
        yield from _walk(node.children, node)


def _reparent(top: list[_Node], sim: Similarity, guide: Guide | None) -> None:
    """Units removed under one parent and added under another, with the same text: one unit."""
    removed: dict[str, list[tuple[_Node, list[_Node]]]] = {}
    added: dict[str, list[tuple[_Node, list[_Node]]]] = {}
    for node, parent in _walk(top):
        siblings = parent.children if parent is not None else top
        paired_parent = parent is None or (parent.old is not None and parent.new is not None)
        if node.new is None and node.old is not None and paired_parent:
            removed.setdefault(node.old.level, []).append((node, siblings))
        elif node.old is None and node.new is not None and paired_parent:
            added.setdefault(node.new.level, []).append((node, siblings))
    for level in sorted(removed.keys() & added.keys()):
        gone, came = removed[level], added[level]
        pairs: list[tuple[int, int]] = []
        if guide is not None:
            at = {entry[0].new.id: j for j, entry in enumerate(came) if entry[0].new is not None}
            for i, (node, _) in enumerate(gone):
                assert node.old is not None
                wanted = guide.pairs.get(node.old.id)
                if wanted is not None and wanted in at:
                    pairs.append((i, at[wanted]))
        else:
            # Under the same parent they were already weighed against each other and refused.
            scores = [
                [_across(g[0], c[0], sim) if g[1] is not c[1] else -1.0 for c in came] for g in gone
            ]
            pairs = best_assignment(scores, _ACROSS)
        for i, j in pairs:
            node, siblings = gone[i]
            arrival = came[j][0]
            siblings.remove(node)
            arrival.old = node.old
            arrival.relation = "re-parented"
            arrival.children = _children(arrival.old, arrival.new, sim, guide)


def _across(gone: _Node, came: _Node, sim: Similarity) -> float:
    assert gone.old is not None and came.new is not None
    if gone.old.content == came.new.content:
        return 1.0
    return sim(gone.old, came.new)


def _split_and_merge(nodes: list[_Node], sim: Similarity) -> None:
    """In each sibling list: an added unit that came out of a paired neighbour (split), or a
    removed unit that went into one (merge). The pairs stay; the relation names the other half.
    """
    for node in nodes:
        _split_and_merge(node.children, sim)
    changed = [
        n
        for n in nodes
        if n.old is not None and n.new is not None and n.old.content != n.new.content
    ]
    if not changed:
        return
    for node in nodes:
        if node.old is None and node.new is not None:
            source = _best_part(node.new, [(n, n.old) for n in changed], sim)
            if source is not None and source.old is not None:
                node.relation, node.partner = "split", source.old.id
                source.relation = "split"
        elif node.new is None and node.old is not None:
            source = _best_part(node.old, [(n, n.new) for n in changed], sim)
            if source is not None and source.new is not None:
                node.relation, node.partner = "merged", source.new.id
                source.relation = "merged"


def _best_part(
    part: Unit, candidates: Sequence[tuple[_Node, Unit | None]], sim: Similarity
) -> _Node | None:
    best: tuple[float, _Node] | None = None
    for node, whole in candidates:
        if whole is None or whole.level != part.level:
            continue
        other = node.new if whole is node.old else node.old
        assert other is not None
        # The half is inside the whole and not inside its counterpart (else it is a copy).
        share = sim.share(part, whole)
        copy = sim.share(part, other)  # a half that the counterpart also has is a copy
        if share >= _PART and copy <= share - 0.25 and (best is None or share > best[0]):
            best = (share, node)
    return best[1] if best is not None else None


_GROUPS = ("title", "preamble", "articles", "closing", "appendices")


def align_texts(
    old: LanguageText,
    new: LanguageText,
    unit_cache: UnitCache | None = None,
    guide: Guide | None = None,
) -> tuple[Match, ...]:
    """Align two language texts: title, preamble, articles and closing lines, in that order."""
    if unit_cache is None:
        return align_groups(units(old), units(new), guide)
    return align_groups(unit_cache(old), unit_cache(new), guide, unit_cache.counts)


def align_groups(
    old: Mapping[str, Sequence[Unit]],
    new: Mapping[str, Sequence[Unit]],
    guide: Guide | None = None,
    counts: dict[int, tuple[Sequence[Unit], Counter[str]]] | None = None,
) -> tuple[Match, ...]:
    """Align the groups of two versions' units (title, preamble, articles, closing); `counts`
    keeps the word counts of each version's articles for the other diffs of a build."""
    sim = Similarity(parts=(old.get("articles", ()), new.get("articles", ())), counts=counts)
    nodes: list[_Node] = []
    for group in _GROUPS:
        nodes += _align_nodes(old.get(group, ()), new.get(group, ()), sim, guide)
    _reparent(nodes, sim, guide)
    _split_and_merge(nodes, sim)
    return tuple(n.freeze() for n in nodes)

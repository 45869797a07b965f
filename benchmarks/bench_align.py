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
from dataclasses import dataclass, field, replace
from datetime import date as dt_date
from datetime import timedelta
from pathlib import Path

from align_cases import OPERATIONS, Case, Key, flat, make_case
from align_texts import Groups, corpus_texts, sample_texts

from kaitei.diff.align import align_groups
from kaitei.diff.changeset import ChangeSet, diff_units
from kaitei.diff.units import Unit

REPO = Path(__file__).resolve().parents[1]
SEED = 20201001
SECTION_LEVELS = ("article",)
PARAGRAPH_LEVELS = ("paragraph", "item", "bullet")


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
    for group in ("title", "preamble", "articles", "closing", "appendices"):
        for unit in groups.get(group, ()):
            for node in flat(unit):
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
    new_units = {u.id: u for g in case.new.values() for top in g for u in flat(top)}
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
    each a few edits from the last (reworded words, a paragraph rewritten, now and then an
    article added, removed or moved, which renumbers the rest). Returns the size of the last
    version."""
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
            # A sentence rewritten, and every fourth version an article moved elsewhere.
            paragraphs = rng.choice(articles)[1]
            paragraphs[rng.randrange(len(paragraphs))] = _clause(rng, words)
            if k % 4 == 2:
                articles.insert(
                    rng.randrange(len(articles)), articles.pop(rng.randrange(len(articles)))
                )
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


_LOAD_ONLY = (
    "from pathlib import Path; from kaitei.diagnostics import Collector; "
    "from kaitei.load import load_site; load_site(Path('.'), Collector())"
)


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
        load = [_timed([sys.executable, "-c", _LOAD_ONLY], root) for _ in range(3)]
    wall = sorted(r[0] for r in runs)
    cpu = sorted(r[1] for r in runs)
    print(f"\nkaitei check, {versions} versions of {length / 1000:.0f} kB (English, synthetic):")
    print(f"  wall: best {wall[0]:.2f} s, median {wall[1]:.2f} s (target <= 3 s)")
    print(f"  CPU:  best {cpu[0]:.2f} s, median {cpu[1]:.2f} s; exit {runs[0][2].returncode}")
    alone = min(f[0] for f in floor), min(f[1] for f in floor)
    print(f"  imports alone: wall {alone[0]:.2f} s, CPU {alone[1]:.2f} s")
    loaded = min(f[1] for f in load)
    print(
        f"  reading the 40 versions alone (the baseline under any check): CPU {loaded:.2f} s; "
        f"check / reading = {cpu[0] / loaded:.2f}"
    )
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

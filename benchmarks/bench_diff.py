"""Benchmark of the diff on a synthetic 100,000-character Japanese policy (issue 5, Performance).

Two revisions of the same synthetic policy are diffed with kaitei (alignment + word-level
inline diff) and, in the same run, with difflib.SequenceMatcher at character level on the
whole text, the approach kaitei avoids:

- "scattered": about 100 edits (insert, delete or replace a phrase) spread over the text;
- "rewrite": about 30% of the sentences replaced by other sentences.

Prints wall times, the ratio, and characters marked versus characters actually edited;
asserts that no hunk replaces (nearly) the whole document. Targets (not asserted, printed):
≤ 50 ms for the scattered pair, ≤ 1 s for the rewrite, marked ≤ 1.5 × edited.

Run: .venv/bin/python benchmarks/bench_diff.py
"""

from __future__ import annotations

import difflib
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import diff_match_patch

from kaitei.diagnostics import Collector
from kaitei.diff.changeset import ChangeSet, diff_texts
from kaitei.diff.inline import marked_chars
from kaitei.load import load_language_text
from kaitei.model import LanguageText, canonical_text

SIZE = 100_000
SEED = 20201001

# Phrases of a policy; sentences are built from them so edits can work on whole phrases,
# as an editor does ("及び改善" → "、改善及び広告配信").
SUBJECTS = [
    "当社は、",
    "利用者は、",
    "提携事業者は、",
    "広告配信事業者は、",
    "当社及び提携事業者は、",
]
OBJECTS = [
    "利用者情報を", "個人情報を", "端末情報を", "ログ情報を", "Cookie 及び匿名 ID を",
    "一般消費者情報を", "行動履歴に関する情報を", "お問い合わせの内容を", "統計データを",
]  # fmt: skip
PURPOSES = [
    "当社サイトの提供のため、", "サービスの維持及び改善のため、", "不正行為の防止のため、",
    "広告効果の測定のため、", "お問い合わせへの対応のため、", "本人確認のため、",
    "法令に基づく手続のため、", "提携サービスの提供のため、",
]  # fmt: skip
MANNERS = ["適切に", "必要な範囲で", "あらかじめ同意を得た上で", "安全に", "遅滞なく", "継続的に"]
VERBS = [
    "取り扱います。", "取得することがあります。", "利用することがあります。",
    "提供することができるものとします。", "管理します。", "削除します。", "公表します。",
]  # fmt: skip
TITLES = [
    "総則", "定義", "取得する情報", "利用目的", "第三者提供", "委託", "共同利用", "安全管理",
    "開示等の請求", "統計データ", "外部送信", "保存期間", "改定", "お問い合わせ",
]  # fmt: skip
FAMILIES = [SUBJECTS, PURPOSES, OBJECTS, MANNERS, VERBS]


def sentence(rng: random.Random) -> list[str]:
    return [rng.choice(family) for family in FAMILIES]


@dataclass
class Policy:
    """Articles → paragraphs → sentences → phrases: edits keep the structure."""

    articles: list[tuple[str, list[list[list[str]]]]]

    def markdown(self) -> str:
        lines = ["# プライバシーポリシー", ""]
        for number, (title, paragraphs) in enumerate(self.articles, start=1):
            lines += [f"## 第{number}条（{title}）", ""]
            for p, sentences in enumerate(paragraphs, start=1):
                lines += [f"{p} " + "".join("".join(s) for s in sentences), ""]
        return "\n".join(lines)

    def copy(self) -> Policy:
        return Policy(
            [(t, [[list(s) for s in para] for para in paras]) for t, paras in self.articles]
        )


def make_policy(rng: random.Random) -> Policy:
    articles: list[tuple[str, list[list[list[str]]]]] = []
    size = 0
    while size < SIZE:
        paragraphs = []
        for _ in range(rng.randint(2, 5)):
            para = [sentence(rng) for _ in range(rng.randint(3, 8))]
            size += sum(len("".join(s)) for s in para) + 3
            paragraphs.append(para)
        articles.append((rng.choice(TITLES), paragraphs))
    return Policy(articles)


def _sentences(policy: Policy) -> list[list[str]]:
    return [s for _, paras in policy.articles for para in paras for s in para]


def scattered(policy: Policy, rng: random.Random, edits: int = 100) -> tuple[Policy, int]:
    """About 100 phrase edits spread over the text; returns the revision and edited chars."""
    new = policy.copy()
    sentences = _sentences(new)
    edited = 0
    for index in sorted(rng.sample(range(len(sentences)), edits)):
        phrases = sentences[index]
        slot = rng.randrange(len(phrases))
        action = rng.choice(("insert", "delete", "replace"))
        if action == "insert":
            extra = rng.choice(MANNERS)
            phrases.insert(slot, extra)
            edited += len(extra)
        elif action == "delete" and len(phrases) > 3:
            edited += len(phrases.pop(slot))
        else:
            family = FAMILIES[slot] if slot < len(FAMILIES) else MANNERS
            choice = rng.choice([p for p in family if p != phrases[slot]] or family)
            edited += len(phrases[slot]) + len(choice)
            phrases[slot] = choice
    return new, edited


def rewrite(policy: Policy, rng: random.Random, share: float = 0.3) -> tuple[Policy, int]:
    """About 30% of the sentences replaced by new ones."""
    new = policy.copy()
    edited = 0
    for sentence_phrases in _sentences(new):
        if rng.random() < share:
            replacement = sentence(rng)
            if replacement != sentence_phrases:
                edited += len("".join(sentence_phrases)) + len("".join(replacement))
            sentence_phrases[:] = replacement
    return new, edited


def parse(markdown: str, folder: Path, name: str) -> LanguageText:
    path = folder / f"{name}.md"
    path.write_text(
        "---\neffective: 2020-10-01\nchange: editorial\nsummary: x\n---\n\n" + markdown,
        encoding="utf-8",
    )
    out = Collector()
    text = load_language_text(path, path.name, "ja", out)
    assert text is not None and not out.errors, [d.format() for d in out.errors[:3]]
    return text


def kaitei_marked(changes: ChangeSet) -> tuple[int, int]:
    """(characters marked, longest single hunk) over every pair of the ChangeSet."""
    marked = longest = 0
    for pair in changes.walk():
        if pair.kind in ("added", "removed"):
            side = pair.new or pair.old
            assert side is not None
            marked += len(side.text) + len(side.heading)
            longest = max(longest, len(side.text))
            continue
        marked += marked_chars(pair.edits) + marked_chars(pair.heading_edits)
        for edit in pair.edits:
            longest = max(longest, len(edit.old_text), len(edit.new_text))
    return marked, longest


def minimal_edit(changes: ChangeSet) -> int:
    """Characters a raw character diff (no clean-up, no widening) inserts and deletes.

    A lower bound of what changed, next to the phrases the generator swapped (an upper
    bound, as swapped phrases share characters).
    """
    dmp = diff_match_patch.diff_match_patch()
    dmp.Diff_Timeout = 0
    total = 0
    for pair in changes.walk():
        if pair.kind in ("added", "removed"):
            side = pair.new or pair.old
            assert side is not None
            total += len(side.text) + len(side.heading)
        elif pair.old and pair.new:
            for old, new in ((pair.old.text, pair.new.text), (pair.old.heading, pair.new.heading)):
                if old != new:
                    total += sum(len(t) for op, t in dmp.diff_main(old, new, False) if op)
    return total


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float, object]:
    """Best wall time and best CPU time of `repeat` runs (CPU time shows a busy machine)."""
    best_wall = best_cpu = float("inf")
    result: object = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def difflib_marked(old: str, new: str) -> tuple[int, int]:
    matcher = difflib.SequenceMatcher(None, old, new)
    marked = longest = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            marked += (i2 - i1) + (j2 - j1)
            longest = max(longest, i2 - i1, j2 - j1)
    return marked, longest


def run_case(name: str, old: LanguageText, new: LanguageText, edited: int) -> bool:
    old_plain, new_plain = canonical_text(old), canonical_text(new)
    seconds, cpu, result = timed(lambda: diff_texts("bench", old, new, "old", "new"))
    assert isinstance(result, ChangeSet)
    marked, longest = kaitei_marked(result)
    minimal = minimal_edit(result)
    d_seconds, d_cpu, d_result = timed(lambda: difflib_marked(old_plain, new_plain), repeat=1)
    assert isinstance(d_result, tuple)
    d_marked, d_longest = d_result
    whole = 0.5 * len(old_plain)
    print(f"\n== {name}: {len(old_plain):,} → {len(new_plain):,} characters")
    print(f"   edited characters: {edited:,} in the phrases swapped, {minimal:,} in a raw diff")
    print(
        f"   kaitei   {seconds * 1000:>9.1f} ms (cpu {cpu * 1000:.1f})   marked {marked:>8,}"
        f"   ({marked / edited:.2f}× swapped, {marked / minimal:.2f}× raw)"
        f"   longest hunk {longest:,}"
    )
    print(
        f"   difflib  {d_seconds * 1000:>9.1f} ms (cpu {d_cpu * 1000:.1f})   marked {d_marked:>8,}"
        f"   ({d_marked / edited:.2f}× swapped, {d_marked / minimal:.2f}× raw)"
        f"   longest hunk {d_longest:,}"
    )
    print(f"   time ratio difflib/kaitei   {d_seconds / seconds:.1f}×")
    counts = result.counts()
    print(f"   articles: {counts}")
    # The one hard requirement: never a "replace everything" hunk.
    assert longest < whole, f"{name}: a hunk of {longest} characters replaces the document"
    return longest < whole


def main() -> int:
    load = Path("/proc/loadavg")
    if load.exists():
        print(f"load average: {load.read_text().split()[0]} (wall times suffer on a busy machine)")
    rng = random.Random(SEED)
    base = make_policy(rng)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = parse(base.markdown(), folder, "old")
        few, few_edited = scattered(base, rng)
        most, most_edited = rewrite(base, rng)
        run_case("scattered (~100 edits)", old, parse(few.markdown(), folder, "few"), few_edited)
        run_case("rewrite (~30%)", old, parse(most.markdown(), folder, "most"), most_edited)
    print("\ntargets: scattered ≤ 50 ms, rewrite ≤ 1 s, marked ≤ 1.5× edited")
    return 0


if __name__ == "__main__":
    sys.exit(main())

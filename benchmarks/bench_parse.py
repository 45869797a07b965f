"""Reader benchmark (issue 10): the document model against markdown-it-py's bare parse.

Reads the 400-file synthetic site of bench_build (20 documents x 10 versions x 2 languages)
and every revision of every file of ../shared/corpora (when present), and in the same run
gives the same files to markdown-it-py's bare `MarkdownIt("commonmark").enable("table")`
`.parse`. Bare and model runs alternate in pairs; prints files per second for both and every
pair's ratio, in wall-clock and in CPU time. Target: the model costs <= 2x the bare tokenizer.

    .venv/bin/python benchmarks/bench_parse.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_build import write_synthetic_content  # noqa: E402
from kaitei.diagnostics import Collector  # noqa: E402
from kaitei.frontmatter import split_front_matter  # noqa: E402
from kaitei.model import FrontMatter, Span  # noqa: E402
from kaitei.read.body import parse_body  # noqa: E402
from tests.read.corpora import revisions, wrap  # noqa: E402

META = FrontMatter(
    dt.date(2020, 1, 1), None, "editorial", "", (), False, "", (), (), Span("bench.md", 1)
)


def _files(work: Path) -> list[tuple[str, str]]:
    """(language, text) of every file read: the synthetic site, then the corpora."""
    files = []
    for path in write_synthetic_content(work, 20, 10):
        files.append((path.stem, path.read_text(encoding="utf-8")))
    files += [(r.lang, wrap(r)) for r in revisions()]
    return files


def _model(files: list[tuple[str, str]]) -> None:
    for lang, text in files:
        _, _, body, body_line = split_front_matter(text)
        parse_body(body, body_line, "bench.md", lang, META, text, Collector())


def _bare(files: list[tuple[str, str]]) -> None:
    md = MarkdownIt("commonmark").enable("table")
    for _, text in files:
        md.parse(text)


def _run(action: Callable[[], None]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Seven pairs: on a shared two-core machine one slow pair in five moved the median.
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = _files(Path(tmp))
    corpus = len(files) - 400
    print(f"files: {len(files)} (400 synthetic, {corpus} corpus revisions)")
    # Bare and model runs alternate, and each model run is set against the bare run just
    # before it: a virtual machine's speed drifts over seconds (other guests, frequency), and
    # three bare runs followed by three model runs measured that drift as much as the model.
    pairs = [(_run(lambda: _bare(files)), _run(lambda: _model(files))) for _ in range(args.repeat)]
    bare = statistics.median(b[0] for b, _ in pairs)
    model = statistics.median(m[0] for _, m in pairs)
    wall_ratios = sorted(m[0] / b[0] for b, m in pairs)
    cpu_ratios = sorted(m[1] / b[1] for b, m in pairs)
    print(f"markdown-it-py bare parse: {len(files) / bare:8.1f} files/s ({bare:.2f} s)")
    print(f"kaitei document model:     {len(files) / model:8.1f} files/s ({model:.2f} s)")
    shown = ", ".join(f"{r:.2f}" for r in wall_ratios)
    median = statistics.median(wall_ratios)
    print(f"ratio model / bare: {median:.2f} (target <= 2.00; runs {shown})")
    # On a shared machine the wall clock also counts other processes' time slices; the CPU
    # time of this process is the steadier figure there.
    shown = ", ".join(f"{r:.2f}" for r in cpu_ratios)
    print(f"ratio in CPU time: {statistics.median(cpu_ratios):.2f} (runs {shown})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

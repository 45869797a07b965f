"""The cache between builds (issue 16, Deliver 3): cold against warm, and `kaitei serve` edits.

1. The synthetic site of bench_build.py (20 documents x 10 versions x 2 languages) built as
   the commands a user types: `kaitei build --no-cache` (the baseline, same run), then with an
   empty cache (cold), then again (warm), then after one edit of one file (warm + edit).
   The same warm build is then timed in-process, stage by stage, to show what is left.
2. `kaitei serve` on the sample site: one edit, from the file saved to the new text served,
   with the cache and (baseline) with the plugin's `cache: false`, which also drops the
   memory the plugin keeps between rebuilds.

PDFs are turned off (KAITEI_PDF=0): they are not cached and take seconds each.
Figures are printed, never asserted. Targets: warm rebuild <= 1 s, serve edit <= 300 ms.

    .venv/bin/python benchmarks/bench_cache.py [--docs 20] [--versions 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_build

from kaitei.cache import Cache, cache_dir, session
from kaitei.site.build import collect, load_checked, read_config, write_site

AS_OF = bench_build.AS_OF


def _median(times: list[float]) -> float:
    return statistics.median(times)


def _command(root: Path, *extra: str) -> None:
    bench_build.run([sys.executable, "-m", "kaitei.cli", "build", "--as-of", AS_OF, *extra], root)


def bench_builds(work: Path, documents: int, versions: int, repeat: int) -> None:
    root = work / "site"
    root.mkdir()
    sources = bench_build.write_synthetic_content(root, documents, versions)
    bench_build.prepare_kaitei_site(root)
    store = cache_dir(root)

    def cold() -> None:
        shutil.rmtree(store, ignore_errors=True)
        _command(root)

    edited = sources[len(sources) // 2]
    original = edited.read_text(encoding="utf-8")
    runs = iter(range(1, 1000))

    def edit_and_build() -> None:  # a different wording each time: nothing can be reused
        text = original.replace("当社", f"当社{next(runs)}", 1)
        text = text if text != original else original.replace("Company", "Company ", 1)
        edited.write_text(text, encoding="utf-8")
        _command(root)

    baseline = bench_build.timed(lambda: _command(root, "--no-cache"), repeat)
    cold_times = bench_build.timed(cold, repeat)
    warm_times = bench_build.timed(lambda: _command(root), repeat)
    edit_times = bench_build.timed(edit_and_build, repeat)
    edited.write_text(original, encoding="utf-8")
    _command(root)
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    entries = sum(1 for p in store.rglob("*") if p.is_file() and len(p.name) == 64)
    base = _median(baseline)
    print(f"synthetic site: {documents} x {versions} x 2 = {len(sources)} files, as new processes")
    print(f"  kaitei build --no-cache: {bench_build.describe(baseline)}")
    for name, times in (("cold", cold_times), ("warm", warm_times), ("warm + 1 edit", edit_times)):
        ratio = _median(times) / base
        print(f"  {name:>13}: {bench_build.describe(times)}  {ratio:.2f}x of --no-cache")
    print(f"  cache: {entries} entries, {size / 1e6:.1f} MB (target: warm <= 1 s)")
    bench_stages(root, repeat)


def bench_stages(root: Path, repeat: int) -> None:
    """A warm build in-process: what the cache saves and what it cannot (the pages)."""
    as_of = dt.date.fromisoformat(AS_OF)
    config = read_config(root)
    figures: dict[str, list[float]] = {"load + check": [], "pages": [], "write": []}
    for cached in (False, True):
        store = Cache(cache_dir(root)) if cached else None
        for name in figures:
            figures[name] = []
        for _ in range(repeat):
            with session(store):
                start = time.perf_counter()
                site, _ = load_checked(root, as_of)
                loaded = time.perf_counter()
                outputs = collect(site, as_of, root, config.base_url)
                made = time.perf_counter()
            write_site(outputs, root / "build" / "bench-stages")
            figures["load + check"].append(loaded - start)
            figures["pages"].append(made - loaded)
            figures["write"].append(time.perf_counter() - made)
        label = "warm cache" if cached else "no cache"
        parts = ", ".join(f"{name} {_median(times):.2f} s" for name, times in figures.items())
        print(f"  in-process, {label}: {parts}")


def bench_serve(work: Path, repeat: int) -> None:
    root = work / "sample"
    shutil.copytree(bench_build.SAMPLE.parent, root / "content")
    bench_build.prepare_kaitei_site(root)
    edited = root / "content" / "privacy" / bench_build.TEMPLATE_VERSION / "en.md"
    config = root / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    text = edited.read_text(encoding="utf-8")
    print("sample site: `kaitei serve`, file saved -> new text served (it polls every 0.1 s)")
    for label, options in (("cache: false", "    cache: false\n"), ("with the cache", "")):
        if options:
            config.write_text(_with_plugin_options(original, options), encoding="utf-8")
        else:
            config.write_text(original, encoding="utf-8")
        edited.write_text(text, encoding="utf-8")  # the previous run left its last edit
        times = bench_build.bench_serve_live(root, edited, repeat)
        print(f"  {label:>14}: {bench_build.describe(times)} (target <= 0.3 s)")
    config.write_text(original, encoding="utf-8")


def _with_plugin_options(config: str, options: str) -> str:
    """mkdocs.yml with options added to `- kaitei` (the list form the sample uses)."""
    lines = config.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip() in ("- kaitei", "- kaitei:"):
            indent = line[: len(line) - len(line.lstrip())]
            lines[index] = f"{indent}- kaitei:\n" + "".join(
                f"{indent}    {option}\n" for option in options.strip().splitlines()
            )
            return "".join(lines)
    raise SystemExit("bench: mkdocs.yml has no `- kaitei` plugin entry")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-serve", action="store_true")
    args = parser.parse_args()
    os.environ["KAITEI_PDF"] = "0"
    with tempfile.TemporaryDirectory(prefix="kaitei-bench-cache-") as tmp:
        bench_builds(Path(tmp), args.docs, args.versions, args.repeat)
        if not args.skip_serve:
            bench_serve(Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

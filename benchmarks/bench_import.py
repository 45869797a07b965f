"""Import benchmark of issue 12: the 122-commit, 17-language terms history, and its check.

1. `kaitei import terms --from-git '<clone>/{lang}.md' --lang en` into a new site, timed in
   process, against a baseline run in the same process: reading the history alone (one
   `git log` and every file at every commit), which no import can avoid.
2. `kaitei check` of the imported site (committed, so the published-version check runs), against
   loading and parsing the same site without the checks.

Figures are printed, never asserted: a timing assertion would fail on a busy machine. Targets
(issue 12): import <= 10 s, check <= 5 s. The corpus is read from ../shared/corpora; without
it the benchmark says so and stops.

    .venv/bin/python benchmarks/bench_import.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUNDLE = REPO / ".." / "shared" / "corpora" / "wpcom-terms-17-languages.bundle"
AS_OF = "2026-11-25"
GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True)


def timed(action: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not BUNDLE.is_file():
        print(f"skipped: {BUNDLE} is absent")
        return 0
    sys.path.insert(0, str(REPO))
    from kaitei.check import check_site
    from kaitei.cli import main as kaitei
    from kaitei.commands.importgit import resolve_sources
    from kaitei.commands.importing.walk import read_timeline, repository_top
    from kaitei.diagnostics import Collector
    from kaitei.load import load_site

    with tempfile.TemporaryDirectory(prefix="kaitei-bench-import-") as folder:
        work = Path(folder)
        clone = work / "terms"
        git(work, "clone", "-q", str(BUNDLE), str(clone))
        pattern = clone / "{lang}.md"
        counter = [0]

        def baseline() -> None:
            top, sources = resolve_sources([pattern], ["en"])
            read_timeline(repository_top(top), sources)

        def do_import() -> None:
            counter[0] += 1
            site = work / f"site{counter[0]}"
            argv = ["import", "terms", "--from-git", str(pattern), "--lang", "en",
                    "--root", str(site), "--as-of", AS_OF, "--format", "json"]  # fmt: skip
            with contextlib.redirect_stdout(io.StringIO()):
                assert kaitei(argv) == 0

        read = timed(baseline, args.repeat)
        imported = timed(do_import, args.repeat)
        site = work / "site1"
        git(site, "init", "-q")
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "Import")
        files = sum(1 for _ in (site / "content").rglob("*.md"))
        as_of = dt.date.fromisoformat(AS_OF)
        loaded = timed(lambda: load_site(site, Collector()), args.repeat)
        checked = timed(lambda: check_site(site, as_of), args.repeat)
        _, diagnostics = check_site(site, as_of)
        errors = sum(d.severity == "error" for d in diagnostics)
    print(f"corpus: {BUNDLE.name}, {files} version files written")
    print(f"read the history (baseline): {read:6.2f} s")
    print(f"kaitei import:               {imported:6.2f} s  ratio {imported / read:5.1f}  "
          f"target <= 10 s: {'met' if imported <= 10 else 'NOT met'}")  # fmt: skip
    print(f"load the site (baseline):    {loaded:6.2f} s")
    print(f"kaitei check:                {checked:6.2f} s  ratio {checked / loaded:5.1f}  "
          f"target <= 5 s: {'met' if checked <= 5 else 'NOT met'}  ({errors} errors)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

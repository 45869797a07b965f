"""Build-time benchmark of issues 4 and 16: kaitei against plain MkDocs, at scale, and a rebuild.

1. A synthetic site of 20 documents x 10 versions x 2 languages (valid kaitei content made
   from the sample privacy policy, each version a few wording edits away from the last) built
   with `kaitei build` (cold: no build/ and no .kaitei-cache/; warm: the same build again,
   which finds the site up to date, then once more after a wording edit of one text), and
   in the same run a plain MkDocs site (default theme and plugins) of the same 400 Markdown
   files built with `mkdocs build`, and Hugo with minimal layouts when `hugo` is installed.
   All run as the commands a user types, so all pay the same interpreter start-up. kaitei's
   PDFs are left out (KAITEI_PDF=0) unless --pdf: the others make none.
2. `--scale`: the series 400, 2,000 and 5,000 files (20 x 10, 20 x 50 and 50 x 50, two
   languages) and 50 x 50 x 10 languages (the text of languages beyond ja/en is the English
   one under their tag), cold and warm, with ms per source file, CPU time and peak memory (the
   whole process tree's PSS, sampled every 50 ms, and the largest process's RSS).
3. The sample site rebuilt after one content edit, timed as `kaitei serve` rebuilds it.

Figures are printed, never asserted: a timing assertion would fail on a busy machine (the load
average is printed with them). Targets (issue 16): cold build <= 0.5x plain MkDocs on the
400-file site; 5,000 files <= 60 s and <= 2 GB; 50 x 50 x 10 <= 4 min and <= 2 GB; time
linear in versions; warm rebuild <= 1 s.

    .venv/bin/python benchmarks/bench_build.py [--docs 20] [--versions 10] [--repeat 3]
        [--scale [400,2000,5000,25000]] [--no-compare] [--no-rebuild] [--pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "content" / "privacy"
TEMPLATE_VERSION = "2020-10-01"  # the fuller sample text; every synthetic version starts from it
AS_OF = "2026-11-25"
FIRST_EFFECTIVE = dt.date(2016, 4, 1)
VERSION_STEP = dt.timedelta(days=200)  # ten versions span five years, all before AS_OF
NOTICE_LEAD = dt.timedelta(days=40)  # above the sample's 30-day notice period
# Articles whose wording changes the sample's rules classify as consent-level: edits avoid them
# so that every synthetic version passes `kaitei check` at its declared level.
GUARDED_ARTICLES = ("利用目的", "第三者", "共同利用", "外国")
PREAMBLE = "Saleport Co., Ltd."  # first words of the English preamble: the rebuild's edit point

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_NUMBERED = re.compile(r"^\d+ ")
_EN_MONTHS = [dt.date(2000, month, 1).strftime("%B") for month in range(1, 13)]


# --- synthetic content ------------------------------------------------------------------------


def _body(lang: str) -> str:
    text = (SAMPLE / TEMPLATE_VERSION / f"{lang}.md").read_text(encoding="utf-8")
    body = _FRONT.sub("", text, count=1)
    return body.split("\n* * *\n")[0].strip() + "\n"  # closing lines are regenerated


def _editable_lines(ja: list[str], en: list[str]) -> list[tuple[int, int]]:
    """Pairs of (ja line, en line) indexes of numbered paragraphs outside guarded articles."""

    def numbered(lines: list[str]) -> list[tuple[int, str]]:
        out, heading = [], ""
        for index, line in enumerate(lines):
            if line.startswith("## "):
                heading = line
            elif _NUMBERED.match(line):
                out.append((index, heading))
        return out

    ours, theirs = numbered(ja), numbered(en)
    if len(ours) != len(theirs):
        raise SystemExit("bench: the sample's ja and en texts number their paragraphs differently")
    return [
        (j, e)
        for (j, heading), (e, _) in zip(ours, theirs, strict=True)
        if not any(word in heading for word in GUARDED_ARTICLES)
    ]


def _closing(lang: str, dates: list[dt.date]) -> str:
    lines = []
    for index, date in enumerate(dates):
        if lang == "ja":
            word = "制定" if index == 0 else "改定"
            lines.append(f"{date.year} 年 {date.month} 月 {date.day} 日 {word}")
        else:
            word = "Enacted" if index == 0 else "Revised"
            lines.append(f"{word}: {date.day} {_EN_MONTHS[date.month - 1]} {date.year}")
    return "\n\n* * *\n\n" + "\n".join(lines) + "\n"


def _front(lang: str, effective: dt.date, index: int) -> str:
    lines = ["---", f"effective: {effective}"]
    if lang == "ja":
        notice = index > 0 and index % 4 == 0
        if notice:
            lines.append(f"announced: {effective - NOTICE_LEAD}")
        lines.append(f"change: {'notice' if notice else 'editorial'}")
    if index == 0:
        summary, change = ("制定しました。", "制定") if lang == "ja" else ("Enacted.", "Enacted")
    elif lang == "ja":
        summary, change = f"第{index}次改定として文言を改めました。", f"改定{index}の文言整理"
    else:
        summary = f"Revision {index} clarifies the wording."
        change = f"Wording of revision {index}"
    lines += ["summary: >-", f"  {summary}", "changes:", f"  - {change}", "---", ""]
    return "\n".join(lines) + "\n"


# The ten languages of issue 16's scale target. Beyond ja and en the text is the English one
# under another tag (a company's translations are as long as their source): what is measured
# is the build's work per language, with the UI strings of whatever catalogue exists.
LANGUAGES = ("ja", "en", "zh-Hans", "zh-Hant", "ko", "fr", "de", "es", "pt-BR", "ar")


def write_synthetic_content(
    root: Path, documents: int, versions: int, languages: int = 2
) -> list[Path]:
    """Valid kaitei content under root/content/; returns the Markdown files written.

    `languages` (2 to 10) takes the first of LANGUAGES."""
    tags = LANGUAGES[: max(2, min(languages, len(LANGUAGES)))]
    ja_lines, en_lines = _body("ja").splitlines(), _body("en").splitlines()
    editable = _editable_lines(ja_lines, en_lines)
    settings = (SAMPLE / "document.yml").read_text(encoding="utf-8")
    written: list[Path] = []
    for d in range(documents):
        doc = f"policy-{d + 1:02d}"
        doc_dir = root / "content" / doc
        doc_dir.mkdir(parents=True)
        titles = f"titles:\n  ja: プライバシーポリシー{d + 1}\n  en: Privacy Policy {d + 1}\n"
        titles += "".join(f"  {tag}: Privacy Policy {d + 1} ({tag})\n" for tag in tags[2:])
        own = re.sub(r"titles:\n(?:  .*\n)+", titles, settings)
        own = re.sub(r"^languages: \[.*?\]", f"languages: [{', '.join(tags)}]", own, flags=re.M)
        (doc_dir / "document.yml").write_text(own, encoding="utf-8")
        ja, en = list(ja_lines), list(en_lines)
        ja[0], en[0] = f"# プライバシーポリシー{d + 1}", f"# Privacy Policy {d + 1}"
        start = FIRST_EFFECTIVE + d * dt.timedelta(days=3)
        dates = [start + i * VERSION_STEP for i in range(versions)]
        for i in range(versions):
            if i > 0:  # one more wording edit per version, in a paragraph that moves around
                j, e = editable[(i * 7 + d * 3) % len(editable)]
                ja[j] += f"なお、当社は、第{i}次改定に伴い本項の運用を見直します。"
                en[e] += f" The Company reviews the operation of this paragraph in revision {i}."
            version_dir = doc_dir / dates[i].isoformat()
            version_dir.mkdir()
            for tag in tags:
                lang, lines = ("ja", ja) if tag == "ja" else ("en", en)
                path = version_dir / f"{tag}.md"
                text = _front(lang, dates[i], i) + "\n".join(lines) + _closing(lang, dates[: i + 1])
                path.write_text(text, encoding="utf-8")
                written.append(path)
    return written


def write_plain_mkdocs(root: Path, sources: list[Path], content_root: Path) -> None:
    """A plain MkDocs project whose docs/ holds the same Markdown files."""
    docs = root / "docs"
    for source in sources:
        target = docs / source.relative_to(content_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (docs / "index.md").write_text("# Plain MkDocs\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: plain\n", encoding="utf-8")


def prepare_kaitei_site(root: Path) -> None:
    """The repository's site settings (mkdocs.yml and the docs/ folder it names) around content."""
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if (REPO / "docs").is_dir():
        shutil.copytree(REPO / "docs", root / "docs", dirs_exist_ok=True)


# --- timing ---------------------------------------------------------------------------------


def bench_env(pdf: bool) -> dict[str, str]:
    env = {**os.environ}
    env.pop("SOURCE_DATE_EPOCH", None)
    # MkDocs and Hugo make no PDFs: kaitei's are left out unless --pdf asks for them.
    env["KAITEI_PDF"] = "1" if pdf else "0"
    return env


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    env = env if env is not None else bench_env(pdf=False)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(command)} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
        )


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})"


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


@dataclass(frozen=True)
class Run:
    """One command's wall time, CPU time and memory (its whole process tree)."""

    seconds: float
    cpu: float  # user + system of the process and every child it waited for
    peak_pss_mb: float  # the tree's largest total PSS: shared (forked) pages counted once
    peak_rss_mb: float  # the largest single process's peak resident set (VmHWM, sampled)

    def line(self, sources: int) -> str:
        return (
            f"{self.seconds:7.2f} s  {self.seconds / sources * 1000:6.2f} ms/source file  "
            f"cpu {self.cpu:7.1f} s  peak {self.peak_pss_mb:6.0f} MB (PSS, all processes), "
            f"{self.peak_rss_mb:5.0f} MB (largest RSS)"
        )


def _tree(root_pid: int) -> list[int]:
    """root_pid and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _memory_mb(pids: list[int]) -> tuple[float, float]:
    """(total PSS of `pids`, the largest peak RSS (VmHWM) among them), in MB."""
    total, largest = 0, 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    largest = max(largest, int(line.split()[1]))
        except OSError:
            continue  # gone, or not ours
    return total / 1024, largest / 1024


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run a command; sample its process tree's memory every 50 ms while it runs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = largest = 0.0
    sampling = Path("/proc/self/smaps_rollup").exists()
    while process.poll() is None:
        if sampling:
            pss, hwm = _memory_mb(_tree(process.pid))
            peak, largest = max(peak, pss), max(largest, hwm)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed in {cwd}:\n{output}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, peak, largest)


KAITEI = [sys.executable, "-m", "kaitei.cli", "build", "--as-of", AS_OF]
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--quiet"]


@dataclass(frozen=True)
class ColdWarm:
    cold: Run  # no build/ and no .kaitei-cache/
    warm: Run  # the same build again: nothing changed, the site is found up to date
    edited: Run  # after a wording edit of one text: a full build, with the cache


def kaitei_cold_warm(root: Path, env: dict[str, str]) -> ColdWarm:
    """A build from nothing, the same build again, then a build after one wording edit."""
    for leftover in ("build", ".kaitei-cache"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    cold = measure(KAITEI, root, env)
    warm = measure(KAITEI, root, env)
    # The newest English text of the first document: a translation's wording, so the check
    # passes at the version's declared level. Each run edits it differently (nothing reusable).
    first = sorted((root / "content").glob("*/*/en.md"))
    edited = [p for p in first if p.parent.parent == first[0].parent.parent][-1]
    text = edited.read_text(encoding="utf-8")
    stamp = f" (edit {time.perf_counter_ns()})"
    edited.write_text(text.replace(PREAMBLE, PREAMBLE + stamp, 1), encoding="utf-8")
    try:
        after_edit = measure(KAITEI, root, env)
    finally:
        edited.write_text(text, encoding="utf-8")
    return ColdWarm(cold, warm, after_edit)


def make_site(work: Path, documents: int, versions: int, languages: int) -> tuple[Path, list[Path]]:
    root = work / f"kaitei-{documents}x{versions}x{languages}"
    root.mkdir()
    sources = write_synthetic_content(root, documents, versions, languages)
    prepare_kaitei_site(root)
    # Invalid content would time error reporting: `kaitei build` checks it and the bench
    # stops on any error (see `measure`). Not checked here: this process stays small.
    return root, sources


def bench_sites(work: Path, documents: int, versions: int, repeat: int, pdf: bool) -> None:
    env = bench_env(pdf)
    ours, sources = make_site(work, documents, versions, 2)
    plain = work / "plain-mkdocs"
    plain.mkdir()
    write_plain_mkdocs(plain, sources, ours / "content")
    print(f"synthetic site: {documents} documents x {versions} versions x 2 languages")
    print(f"  {len(sources)} Markdown files, {sum(p.stat().st_size for p in sources)} bytes")
    print(f"  kaitei PDFs: {'included' if pdf else 'left out (KAITEI_PDF=0): MkDocs makes none'}")
    runs = [kaitei_cold_warm(ours, env) for _ in range(repeat)]
    plain_runs = [measure(MKDOCS, plain, env) for _ in range(repeat)]
    cold = _median(r.cold for r in runs)
    warm = _median(r.warm for r in runs)
    edited = _median(r.edited for r in runs)
    mkdocs = _median(plain_runs)
    our_pages, plain_pages = count_pages(ours / "build" / "site"), count_pages(plain / "site")
    diff_pages = sum(1 for _ in (ours / "build" / "site").glob("*/*/diff/*/*/index.html"))
    n = len(sources)
    print(f"  kaitei build, cold: {cold.line(n)}")
    print(f"    runs: {', '.join(f'{r.cold.seconds:.2f}' for r in runs)} s")
    print(f"  kaitei build, warm (nothing changed): {warm.line(n)}")
    print(f"    runs: {', '.join(f'{r.warm.seconds:.2f}' for r in runs)} s (target <= 1 s)")
    print(f"  kaitei build, warm after one wording edit: {edited.line(n)}")
    print(f"    runs: {', '.join(f'{r.edited.seconds:.2f}' for r in runs)} s")
    print(f"    {our_pages} pages ({diff_pages} diff pages)")
    print(f"  mkdocs build:       {mkdocs.line(n)}")
    print(f"    runs: {', '.join(f'{r.seconds:.2f}' for r in plain_runs)} s; {plain_pages} pages")
    # The target compares the builds of the same sources, whatever number of pages each makes.
    ratio = cold.seconds / mkdocs.seconds
    print(f"  ratio kaitei (cold) / plain MkDocs: {ratio:.2f}x (target <= 0.5x)")
    print(f"  ratio kaitei (warm) / plain MkDocs: {warm.seconds / mkdocs.seconds:.2f}x")
    print(f"  ratio kaitei (one edit) / plain MkDocs: {edited.seconds / mkdocs.seconds:.2f}x")
    # On a shared machine wall time waits for other work; CPU time does not (kaitei's is
    # spread over the pool's processes, so its wall time can be below its CPU time).
    print(f"  ratio of CPU time, kaitei (cold) / plain MkDocs: {cold.cpu / mkdocs.cpu:.2f}x")
    bench_hugo(work, sources, ours / "content", mkdocs, repeat)


def _median(runs: Iterable[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def bench_hugo(
    work: Path, sources: list[Path], content_root: Path, mkdocs: Run, repeat: int
) -> None:
    hugo = shutil.which("hugo")
    if hugo is None:
        print("  hugo: not installed here, skipped (install it to compare)")
        return
    site = work / "plain-hugo"
    for source in sources:
        target = site / "content" / source.relative_to(content_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Hugo reads the YAML front matter; its own keys are absent, which it accepts.
        shutil.copyfile(source, target)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    page = "<!doctype html><title>{{ .Title }}</title>{{ .Content }}\n"
    (layouts / "single.html").write_text(page, encoding="utf-8")
    (layouts / "list.html").write_text(page, encoding="utf-8")
    (site / "hugo.toml").write_text('baseURL = "https://example.com/"\n', encoding="utf-8")
    runs = [measure([hugo, "--quiet"], site, bench_env(False)) for _ in range(repeat)]
    hugo_run = _median(runs)
    print(f"  hugo (minimal layouts): {hugo_run.line(len(sources))}")
    print(f"  ratio hugo / plain MkDocs: {hugo_run.seconds / mkdocs.seconds:.2f}x")


# The scale series of issue 16: (documents, versions, languages). 20 x 10 and 20 x 50 have the
# same documents, so their ratio shows how the time grows with versions.
SERIES = {
    "400": (20, 10, 2),
    "2000": (20, 50, 2),
    "5000": (50, 50, 2),
    "25000": (50, 50, 10),
}


def bench_scale(work: Path, sizes: list[str], pdf: bool) -> None:
    env = bench_env(pdf)
    print("scale series (cold: no build/ and no .kaitei-cache/; warm: the same build again,")
    print("  then again after one wording edit)")
    print(f"  machine: {os.cpu_count()} cores; load average before: {_load()}")
    by_versions: dict[tuple[int, int], Run] = {}
    for size in sizes:
        documents, versions, languages = SERIES[size]
        root, sources = make_site(work, documents, versions, languages)
        runs = kaitei_cold_warm(root, env)
        cold = runs.cold
        files = sum(1 for _ in (root / "build" / "site").rglob("*") if _.is_file())
        n = len(sources)
        print(f"  {documents} docs x {versions} versions x {languages} languages = {n} files")
        print(f"    cold: {cold.line(n)}")
        print(f"    warm, nothing changed: {runs.warm.line(n)}")
        print(f"    warm, one wording edit: {runs.edited.line(n)}")
        print(f"    {files} files written; load average after: {_load()}")
        by_versions[(documents, versions)] = cold
        shutil.rmtree(root)
    if (20, 10) in by_versions and (20, 50) in by_versions:
        ten, fifty = by_versions[(20, 10)], by_versions[(20, 50)]
        print(
            f"  versions x5 (20 docs, 10 -> 50 versions): time x{fifty.seconds / ten.seconds:.2f}, "
            f"cpu x{fifty.cpu / ten.cpu:.2f} (linear: x5 or less, start-up being fixed)"
        )


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


class ServeRebuilder:
    """What `kaitei serve` (= `mkdocs serve` with our plugin) does when a watched file changes.

    Mirrors mkdocs.commands.serve in MkDocs 1.6 as kaitei.commands.serve runs it: the plugins
    start once (on_startup with command="serve", dirty=True), then every change loads the
    config afresh (MkDocs hands it the same plugin objects) and runs a dirty build into the
    server's temporary folder, in the same process. The first build too gets the server's
    site_url, as under serve.
    """

    SERVE_URL = "http://127.0.0.1:8000/"

    def __init__(self, root: Path, site_dir: Path) -> None:
        from kaitei.commands.serve import no_dirty_warning

        self.root, self.site_dir = root, site_dir
        os.environ["KAITEI_AS_OF"] = AS_OF  # how `kaitei serve --as-of` reaches the plugin
        logging.getLogger("mkdocs.commands.build").addFilter(no_dirty_warning)
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=True)
        self.rebuild(config)

    def _config(self) -> Any:
        from mkdocs.config import load_config

        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site_dir))
        config.site_url = self.SERVE_URL
        return config

    def rebuild(self, config: Any = None) -> None:
        from mkdocs.commands.build import build as mkdocs_build

        mkdocs_build(config or self._config(), serve_url=self.SERVE_URL, dirty=True)


def bench_rebuild(work: Path, repeat: int) -> None:
    root = work / "sample"
    shutil.copytree(SAMPLE.parent, root / "content")
    prepare_kaitei_site(root)
    edited = root / "content" / "privacy" / TEMPLATE_VERSION / "en.md"
    original = edited.read_text(encoding="utf-8")
    runs = iter(range(1, 1000))

    def edit() -> None:  # a wording change, different each time so nothing can be reused
        edited.write_text(original.replace(PREAMBLE, f"{PREAMBLE} {next(runs)}", 1), "utf-8")

    previous_cwd = Path.cwd()
    os.chdir(root)  # MkDocs resolves some paths against the working directory, as under serve
    try:
        server = ServeRebuilder(root, work / "serve-site")  # the first build, before watching
        serve_cpu: list[float] = []

        def rebuild() -> None:
            edit()
            start = time.process_time()
            server.rebuild()
            serve_cpu.append(time.process_time() - start)

        serve_times = timed(rebuild, repeat)
    finally:
        os.chdir(previous_cwd)
    command = [sys.executable, "-m", "kaitei.cli", "build", "--as-of", AS_OF]
    build_times = timed(lambda: (edit(), run(command, root)), repeat)
    print("sample site: rebuild after one edit of content/privacy/2020-10-01/en.md")
    pages = count_pages(work / "serve-site")
    print(f"  under `kaitei serve` (MkDocs rebuild in-process): {describe(serve_times)}")
    print(f"    CPU: {describe(serve_cpu)}")
    print(f"    ({pages} pages served; the rebuild writes the files whose bytes changed)")
    print(f"  `kaitei build` as a new process: {describe(build_times)} (target <= 1 s)")
    edited.write_text(original, "utf-8")
    live = bench_serve_live(root, edited, repeat)
    print(f"  live: file saved -> `kaitei serve` serves the new text: {describe(live)}")
    print("    (target <= 300 ms; includes the file watcher's polling, every 0.1 s, and this")
    print(f"    script's own polling of the page, every 20 ms; load average {_load()})")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: `kaitei serve` did not respond within {seconds} s")
        time.sleep(0.02)


def bench_serve_live(root: Path, edited: Path, repeat: int) -> list[float]:
    """Run `kaitei serve` on 127.0.0.1, save an edit, time until the page shows it."""
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "kaitei.cli", "serve", "--as-of", AS_OF]
    command += ["--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    page = f"http://127.0.0.1:{port}/en/privacy/"
    original = edited.read_text(encoding="utf-8")
    times = []
    try:
        _wait_for(lambda: PREAMBLE in _get(page), 120)
        for run_number in range(repeat):
            marker = f"live-edit-{run_number:03d}"  # no marker is a prefix of another
            start = time.perf_counter()
            edited.write_text(original.replace(PREAMBLE, f"{PREAMBLE} {marker}", 1), "utf-8")
            _wait_for(lambda marker=marker: marker in _get(page), 60)
            times.append(time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--scale",
        nargs="?",
        const=",".join(SERIES),
        default="",
        help=f"run the scale series, all of it or some sizes of {', '.join(SERIES)} "
        "(e.g. --scale 400,2000)",
    )
    parser.add_argument("--no-compare", action="store_true", help="skip kaitei vs MkDocs")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the serve rebuild")
    parser.add_argument("--pdf", action="store_true", help="let kaitei make its PDFs too")
    args = parser.parse_args()
    sizes = [size for size in args.scale.split(",") if size]
    unknown = [size for size in sizes if size not in SERIES]
    if unknown:
        parser.error(f"unknown sizes {unknown}: choose from {', '.join(SERIES)}")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # shown as measured
    print(f"bench_build: {os.cpu_count()} cores, load average {_load()}; figures, not asserts")
    with tempfile.TemporaryDirectory(prefix="kaitei-bench-") as tmp:
        if not args.no_compare:
            bench_sites(Path(tmp), args.docs, args.versions, args.repeat, args.pdf)
        if sizes:
            bench_scale(Path(tmp), sizes, args.pdf)
        if not args.no_rebuild:
            bench_rebuild(Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build-time benchmark of issue 4: our build against a plain MkDocs build, and a rebuild.

1. A synthetic site of 20 documents x 10 versions x 2 languages (valid kaitei content made
   from the sample privacy policy, each version a few wording edits away from the last) built
   with `kaitei build`, and in the same run a plain MkDocs site (default theme and plugins) of
   the same 400 Markdown files built with `mkdocs build`. Both run as the commands a user types,
   so both pay the same interpreter start-up.
2. The sample site rebuilt after one content edit, timed as `kaitei serve` rebuilds it.

Figures are printed, never asserted: a timing assertion would fail on a busy machine. The
targets (issue 4) are ratio <= 1.0 and rebuild <= 1 s.

    .venv/bin/python benchmarks/bench_build.py [--docs 20] [--versions 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

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


def write_synthetic_content(root: Path, documents: int, versions: int) -> list[Path]:
    """Valid kaitei content under root/content/; returns the Markdown files written."""
    ja_lines, en_lines = _body("ja").splitlines(), _body("en").splitlines()
    editable = _editable_lines(ja_lines, en_lines)
    settings = (SAMPLE / "document.yml").read_text(encoding="utf-8")
    written: list[Path] = []
    for d in range(documents):
        doc = f"policy-{d + 1:02d}"
        doc_dir = root / "content" / doc
        doc_dir.mkdir(parents=True)
        titles = f"titles:\n  ja: プライバシーポリシー{d + 1}\n  en: Privacy Policy {d + 1}\n"
        (doc_dir / "document.yml").write_text(
            re.sub(r"titles:\n(?:  .*\n)+", titles, settings), encoding="utf-8"
        )
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
            for lang, lines in (("ja", ja), ("en", en)):
                path = version_dir / f"{lang}.md"
                text = _front(lang, dates[i], i) + "\n".join(lines) + _closing(lang, dates[: i + 1])
                path.write_text(text, encoding="utf-8")
                written.append(path)
    return written


def check_content(root: Path) -> None:
    """The synthetic content must be valid, or the benchmark would time error reporting."""
    sys.path.insert(0, str(REPO))
    from kaitei.check import check_site

    _, diagnostics = check_site(root, dt.date.fromisoformat(AS_OF))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        print("\n\n".join(d.format() for d in errors[:5]), file=sys.stderr)
        raise SystemExit(f"bench: the synthetic content has {len(errors)} error(s)")


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


# --- timing -----------------------------------------------------------------------------------


def run(command: list[str], cwd: Path) -> None:
    env = {**os.environ}
    env.pop("SOURCE_DATE_EPOCH", None)
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


def bench_sites(work: Path, documents: int, versions: int, repeat: int) -> None:
    ours, plain = work / "kaitei-site", work / "plain-mkdocs"
    ours.mkdir()
    plain.mkdir()
    sources = write_synthetic_content(ours, documents, versions)
    check_content(ours)
    prepare_kaitei_site(ours)
    write_plain_mkdocs(plain, sources, ours / "content")
    kaitei = [sys.executable, "-m", "kaitei.cli", "build", "--as-of", AS_OF]
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    our_times = timed(lambda: run(kaitei, ours), repeat)
    plain_times = timed(lambda: run(mkdocs, plain), repeat)
    print(f"synthetic site: {documents} documents x {versions} versions x 2 languages")
    print(f"  {len(sources)} Markdown files, {sum(p.stat().st_size for p in sources)} bytes")
    our_pages, plain_pages = count_pages(ours / "build" / "site"), count_pages(plain / "site")
    diff_pages = sum(1 for _ in (ours / "build" / "site").glob("*/*/diff/*/*/index.html"))
    ours_median, plain_median = statistics.median(our_times), statistics.median(plain_times)
    print(f"  kaitei build: {describe(our_times)}")
    per_page = ours_median / our_pages * 1000
    print(f"    {our_pages} pages ({diff_pages} diff pages), {per_page:.1f} ms a page")
    print(f"  mkdocs build: {describe(plain_times)}")
    print(f"    {plain_pages} pages, {plain_median / plain_pages * 1000:.1f} ms a page")
    # The target compares the builds of the same sources, whatever number of pages each makes.
    print(f"  ratio kaitei / plain MkDocs: {ours_median / plain_median:.2f}x (target <= 1.0x)")


class ServeRebuilder:
    """What `kaitei serve` (= `mkdocs serve` with our plugin) does when a watched file changes.

    Mirrors mkdocs.commands.serve in MkDocs 1.6: the plugins start once (on_startup with
    command="serve"), then every change loads the config afresh and runs a full, non-dirty
    build into the server's temporary folder, in the same process.
    """

    def __init__(self, root: Path, site_dir: Path) -> None:
        from mkdocs.config import load_config

        self.root, self.site_dir = root, site_dir
        os.environ["KAITEI_AS_OF"] = AS_OF  # how `kaitei serve --as-of` reaches the plugin
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
        config.plugins.on_startup(command="serve", dirty=False)
        self.rebuild(config)

    def rebuild(self, config: object = None) -> None:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config

        if config is None:
            config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site_dir))
            config.site_url = "http://127.0.0.1:8000/"
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/", dirty=False)  # type: ignore[arg-type]


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
        serve_times = timed(lambda: (edit(), server.rebuild()), repeat)
    finally:
        os.chdir(previous_cwd)
    command = [sys.executable, "-m", "kaitei.cli", "build", "--as-of", AS_OF]
    build_times = timed(lambda: (edit(), run(command, root)), repeat)
    print("sample site: rebuild after one edit of content/privacy/2020-10-01/en.md")
    pages = count_pages(work / "serve-site")
    print(f"  under `kaitei serve` (MkDocs rebuild in-process): {describe(serve_times)}")
    print(f"    ({pages} pages written by the rebuild)")
    print(f"  `kaitei build` as a new process: {describe(build_times)} (target <= 1 s)")
    edited.write_text(original, "utf-8")
    live = bench_serve_live(root, edited, repeat)
    print(f"  live: file saved -> `kaitei serve` serves the new text: {describe(live)}")
    print("    (includes MkDocs' file watcher, which polls every 0.5 s)")


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
            marker = f"live-edit-{run_number}"
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaitei-bench-") as tmp:
        bench_sites(Path(tmp), args.docs, args.versions, args.repeat)
        bench_rebuild(Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

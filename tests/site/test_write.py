"""build/site is swapped in safely: concurrent builders, crashed builders, hostile paths."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kaitei.diagnostics import KaiteiError
from kaitei.site.output import OutputFile
from kaitei.site.write import remove_tree_later, staged_site, write_site

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kaitei.site.output import OutputFile
    from kaitei.site.write import write_site

    site_dir, who, swaps = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for n in range(swaps):
        mark = f"{who}-{n}".encode()
        write_site(
            [OutputFile("", mark), OutputFile("ja/p/", mark), OutputFile("api/v1/p.json", mark)],
            site_dir,
        )
    """
)


@pytest.mark.slow
def test_eight_builders_swapping_at_once_leave_one_whole_site(tmp_path: Path) -> None:
    site_dir = tmp_path / "build" / "site"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(site_dir), f"w{i}", "150"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(8)
    ]
    failures = []
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        if writer.returncode != 0:
            failures.append(err.decode("utf-8", "replace")[-600:])
    assert failures == []
    # One builder's whole site, and nothing left beside it.
    files = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())
    assert files == ["api/v1/p.json", "index.html", "ja/p/index.html"]
    contents = {(site_dir / f).read_bytes() for f in files}
    assert len(contents) == 1 and contents.pop().endswith(b"-149")
    assert sorted(p.name for p in site_dir.parent.iterdir()) == ["site"]


def test_what_a_crashed_build_left_is_removed(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    # A process that has exited: its id names no living process any more.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True
    )
    pid = int(dead.stdout)
    for name in (f".site.new-{pid}-abc", f".site.old-{pid}-def"):
        (tmp_path / name / "ja").mkdir(parents=True)
        (tmp_path / name / "ja" / "index.html").write_bytes(b"half")
    mine = tmp_path / f".site.new-{os.getpid()}-live"  # a build still running
    mine.mkdir()
    write_site([OutputFile("", b"x")], site_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, "site"]


@pytest.mark.parametrize("url", ["../pwned/", "ja/../../pwned", "{tmp}/pwned/", "ja/./x", "a//b"])
def test_an_output_path_outside_the_site_is_refused(tmp_path: Path, url: str) -> None:
    site_dir = tmp_path / "build" / "site"
    with pytest.raises(KaiteiError) as error:
        write_site([OutputFile("", b"x"), OutputFile(url.format(tmp=tmp_path), b"y")], site_dir)
    assert error.value.diagnostics[0].code == "output-outside-site"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["build"]


def test_the_replaced_site_is_removed_by_a_detached_process(tmp_path: Path) -> None:
    site_dir = tmp_path / "build" / "site"
    write_site([OutputFile("", b"old")], site_dir)
    for n in range(300):  # enough files that the removal is not over before the swap returns
        (site_dir / f"page-{n}.html").write_bytes(b"old")
    with staged_site(site_dir, discard=remove_tree_later) as staging:
        (staging / "index.html").write_bytes(b"new")
    # The new site is in place at once; the old one goes away without this process's help.
    assert (site_dir / "index.html").read_bytes() == b"new"
    deadline = time.monotonic() + 30
    while sorted(p.name for p in site_dir.parent.iterdir()) != ["site"]:
        assert time.monotonic() < deadline, list(site_dir.parent.iterdir())
        time.sleep(0.05)
    assert sorted(p.name for p in site_dir.iterdir()) == ["index.html"]

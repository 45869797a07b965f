"""Writing build/site: a staging folder beside it, swapped in under a lock.

Several builds may run at once (two CI jobs on one runner, `kaitei serve` rebuilding while an
editor runs `kaitei build`). Each writes its own staging folder; only the swap (two renames)
holds the lock, taken on the folder that holds the site, so no builder renames a folder
another one is moving and a reader always finds a whole site. Every folder a build leaves
beside the site carries its process id: what a crashed build left is removed by the next.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..diagnostics import Diagnostic, KaiteiError
from ..pathsafety import outside_site
from . import urls
from .output import FileRecord, OutputFile

try:
    import fcntl
except ImportError:  # Windows: no concurrent builders are supported there
    fcntl = None  # type: ignore[assignment]


def _leftover(site_dir: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(site_dir.name)}\.(?:new|old)-(?P<pid>\d+)-")


@contextmanager
def swap_lock(site_dir: Path) -> Iterator[None]:
    """Hold the lock on the folder that holds the site (no lock file is left behind)."""
    if fcntl is None:
        yield
        return
    handle = os.open(site_dir.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_leftovers(site_dir: Path) -> list[Path]:
    """Remove the staging and old folders of builds whose process is gone; call under the lock."""
    pattern = _leftover(site_dir)
    removed = []
    for path in sorted(site_dir.parent.iterdir()):
        match = pattern.match(path.name)
        if match and not _alive(int(match["pid"])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _target(staging: Path, output: OutputFile) -> Path:
    """Where an output is written; refused when its URL would leave the site folder."""
    file_path = urls.file_path(output.url)
    if outside_site(file_path):
        raise KaiteiError(
            [
                Diagnostic(
                    file_path,
                    1,
                    1,
                    "refusing to write outside the site folder",
                    "a language, document or version name made this path: check that each "
                    "is a plain name (kaitei check refuses such names)",
                    code="output-outside-site",
                )
            ]
        )
    return staging / file_path


def write_output(staging: Path, output: OutputFile) -> FileRecord:
    """Write one file into a staging folder (path-checked); return its record.

    Pool workers call it too, each for its own files: no two write the same path (the
    builder refuses a URL produced twice), and mkdir tolerates a folder made by another."""
    target = _target(staging, output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(output.content)
    return FileRecord.of(output)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def remove_tree_later(path: Path) -> None:
    """Remove a replaced site in a detached process: the command returns once the new site is
    in place instead of after deleting thousands of files (seconds on a busy disk).

    `sh -c 'rm … &'` is a double fork: the shell exits at once (it is waited for here, so no
    zombie is left) and `rm` runs on, adopted by init. Should it die, the folder's name still
    carries this build's process id, and the next build removes it (`remove_leftovers`)."""
    try:
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 </dev/null &', "sh", str(path)],
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):  # no POSIX shell: remove it here
        remove_tree(path)


@contextmanager
def staged_site(site_dir: Path, *, discard: Callable[[Path], None] = remove_tree) -> Iterator[Path]:
    """A fresh staging folder beside `site_dir`, swapped in under the lock when the block
    ends without an error; removed, leaving the previous site as it was, when it raises.
    `discard` removes the replaced site once the new one is in place."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{site_dir.name}.%s-{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix % "new", dir=site_dir.parent))
    old = None
    try:
        yield staging
        # mkdtemp makes the folder 0700; a published site is world-readable.
        staging.chmod(0o755)
        with swap_lock(site_dir):
            remove_leftovers(site_dir)
            if site_dir.exists():
                # A fresh name in the same folder: rename never crosses file systems.
                old = Path(tempfile.mkdtemp(prefix=prefix % "old", dir=site_dir.parent))
                old.rmdir()
                site_dir.rename(old)
            try:
                staging.rename(site_dir)
            except OSError:
                if old is not None:
                    old.rename(site_dir)
                    old = None
                raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        discard(old)


def write_site(outputs: Sequence[OutputFile], site_dir: Path) -> None:
    """Write into a staging folder beside `site_dir`, then swap it in under the lock."""
    with staged_site(site_dir) as staging:
        for output in outputs:
            write_output(staging, output)

"""`kaitei serve`: `mkdocs serve` with live reload; editing content/ rebuilds the site."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

from ..site.build import AS_OF_ENV


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="preview the site with live reload")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="preview as of this date")
    parser.add_argument(
        "--dev-addr", metavar="IP:PORT", default="127.0.0.1:8000", help="where to listen"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


# MkDocs polls the watched folders every 0.5 s: half the edit-to-reload budget (300 ms) before
# the rebuild starts. content/ and the themes are a few hundred files: stat-ing them ten
# times a second costs next to nothing.
POLLING_SECONDS = 0.1
# After a change MkDocs waits until no other has come for this long, 0.1 s by default: a
# tenth of a second added to every edit. The polling observer reports all the changes one
# poll found at once, so a short pause still gathers them (an editor's save that straddles
# two polls is two rebuilds with any pause shorter than the polling interval).
BUILD_DELAY_SECONDS = 0.01


def no_dirty_warning(record: logging.LogRecord) -> bool:
    # MkDocs warns on every dirty build that its navigation may be stale: kaitei makes every
    # page itself, and the plugin removes what a full build would not have. (A logger's
    # filter also keeps it from `strict`'s count of warnings.)
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def run(args: argparse.Namespace) -> int:
    # MkDocs is the shell for serving; it is imported here, never in the core.
    from mkdocs.commands import serve as mkdocs_serve
    from mkdocs.livereload import LiveReloadServer

    class _Server(LiveReloadServer):
        def __init__(self, *positional: Any, **options: Any) -> None:
            options.setdefault("polling_interval", POLLING_SECONDS)
            super().__init__(*positional, **options)
            self.build_delay = BUILD_DELAY_SECONDS

    # `mkdocs serve` makes its server from this module global: ours polls faster.
    mkdocs_serve.LiveReloadServer = _Server  # type: ignore[attr-defined]

    if args.as_of:
        os.environ[AS_OF_ENV] = args.as_of
    # What `mkdocs serve` prints (address, rebuilds, content errors), as its own CLI sets up.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # "dirty": the plugin brings the served folder up to date itself (kaitei.mkdocs_plugin
    # ServedFolder) instead of MkDocs emptying it and writing every file again.
    logging.getLogger("mkdocs.commands.build").addFilter(no_dirty_warning)
    mkdocs_serve.serve(
        str(args.root / "mkdocs.yml"), dev_addr=args.dev_addr, livereload=True, build_type="dirty"
    )
    return 0

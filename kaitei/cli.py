"""The `kaitei` command line: parses arguments and hands over to kaitei/commands/*."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .clock import ClockError
from .diagnostics import KaiteiError

# Each name is a module in kaitei/commands with add_parser() and run().
COMMANDS = ("check", "build", "serve", "diff", "new", "init", "importgit", "verify", "notify")
# The module of each command a user types: `import` is a Python keyword, so its module is not.
MODULE_OF = {("import" if name == "importgit" else name): name for name in COMMANDS}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # Usage errors exit 2 (DESIGN.md), with the usage line first.
        self.print_usage(sys.stderr)
        self.exit(2, f"kaitei: error: {message}\n")


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    parser = _Parser(prog="kaitei", description="Publish legal policies from Markdown in git.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in commands:
        importlib.import_module(f"kaitei.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Only the command asked for is imported (each brings its own libraries: a `kaitei build`
    # that finds the site up to date is mostly interpreter start-up); anything else, such as
    # --help or a misspelt command, gets the parser of every command.
    module = MODULE_OF.get(arguments[0]) if arguments else None
    args = build_parser((module,) if module else COMMANDS).parse_args(arguments)
    try:
        return int(args.run(args))
    except KaiteiError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return 1
    except ClockError as error:
        print(f"kaitei: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

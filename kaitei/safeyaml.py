"""YAML from editors, read with limits: a size, a nesting depth, no aliases, no custom tags.

Front matter and document.yml are small hand-written files. Aliases are what make a few
kilobytes of YAML expand into gigabytes (the "billion laughs"); deep nesting is what makes
PyYAML's recursive composer die with RecursionError; tags such as `!!python/object` are what
PyYAML's constructors refuse with a traceback. None of them has a use in kaitei's files, so
the event stream is read first (libyaml's parser keeps no Python stack) and the first
excess is reported where it is, before a single node is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

# libyaml when present (several times faster); values are then built from the nodes.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_YAML_CHARS = 100_000  # front matter with many errata is a few kilobytes
MAX_DEPTH = 20  # errata and rules are three levels deep
SHOWN_CHARS = 40  # how much of a value a diagnostic prints

_CORE = "tag:yaml.org,2002:"
# The tags PyYAML's safe resolver gives plain scalars, lists and mappings; an explicit one of
# these (`!!str 2020`) is harmless. Everything else (`!!python/…`, `!!binary`, `!!set`,
# `!local`) is refused.
ALLOWED_TAGS = frozenset(
    {None, "!"}
    | {_CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map")}
    | {_CORE + "timestamp"}
)


@dataclass
class YamlLimitError(Exception):
    """A limit was exceeded at a character offset of the YAML text (see `position`).

    Not frozen: Python sets attributes such as __traceback__ on exceptions it handles.
    """

    index: int
    message: str
    hint: str
    code: str


def position(text: str, index: int) -> tuple[int, int]:
    """(line, column), both 0-based, of a character offset, counting only "\n" as a line end.

    YAML also ends lines at CR, NEL, U+2028 and U+2029, so its marks' own line numbers drift
    from the file's wherever one of those stands inside a value.
    """
    index = max(0, min(index, len(text)))
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index), index - start


def shown(value: object) -> str:
    """A value as a diagnostic prints it: its repr, cut to a few dozen characters."""
    return cut(repr(value))


def compose(text: str) -> yaml.Node | None:
    """The YAML's node tree; YamlLimitError past a limit, yaml.YAMLError when malformed."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlLimitError(
            0,
            f"the YAML is {len(text):,} characters long; at most {MAX_YAML_CHARS:,} are read",
            "front matter and document.yml hold a few settings: move long texts into the body",
            "yaml-too-large",
        )
    try:
        _walk(yaml.parse(text, Loader=LOADER))
        node: yaml.Node | None = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as c_error:
        if LOADER is yaml.SafeLoader:
            raise
        mark = getattr(c_error, "problem_mark", None)
        if mark is not None and "maximum nesting depth" in str(c_error):
            # libyaml stops at 1,000 levels, before any event: the Python parser would take
            # seconds to find the same, so say it from libyaml's mark.
            raise _too_deep(mark) from None
        # The pure-Python parser points at the offending character (libyaml less so) and
        # has no nesting limit of its own: walking its events applies ours first.
        try:
            _walk(yaml.parse(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError as error:
            raise error from None
        raise
    return node


def _walk(events: Iterator[yaml.Event]) -> None:
    """Raise YamlLimitError at the first alias, unknown tag or excess of depth."""
    depth = 0
    for event in events:
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise _limit(
                mark,
                f"the YAML alias *{cut(str(event.anchor))} is not allowed",
                "write the value out in full: aliases (&name, *name) are not read here",
                "yaml-alias",
            )
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.NodeEvent) and tag not in ALLOWED_TAGS:
            raise _limit(
                mark,
                f"the YAML tag {shown(_short(str(tag)))} is not allowed",
                "remove the tag (the part starting with '!'): values are plain text, numbers, "
                "dates, lists and 'key: value' mappings",
                "yaml-tag",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _limit(mark: Any, message: str, hint: str, code: str) -> YamlLimitError:
    """The error at a PyYAML or libyaml mark (either may be missing)."""
    return YamlLimitError(getattr(mark, "index", 0), message, hint, code)


def _too_deep(mark: Any) -> YamlLimitError:
    return _limit(
        mark,
        f"the YAML is nested more than {MAX_DEPTH} levels deep",
        "front matter and document.yml need at most three levels: check the brackets and "
        "the indentation",
        "yaml-depth",
    )


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def cut(text: str) -> str:
    """A key or a word as a diagnostic prints it: cut to a few dozen characters."""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"

"""The model and the ChangeSet pickle as constructor calls (what the cache between builds holds)."""

from __future__ import annotations

import os
import pickle
import pickletools
from dataclasses import fields, is_dataclass
from typing import Any

import pytest

from kaitei import cache as kcache
from kaitei.diff.changeset import ChangeSet, changesets
from kaitei.model import Document, Site

OLD, NEW = "2017-08-23", "2020-10-01"


def _same(a: Any, b: Any) -> bool:
    """Equal in every field, including those that `==` leaves out (the round trip's trivia)."""
    if type(a) is not type(b):
        return False
    if is_dataclass(a):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


def _opcodes(value: object) -> set[str]:
    return {op.name for op, _, _ in pickletools.genops(pickle.dumps(value, protocol=5))}


def test_a_site_and_its_changesets_come_back_whole(sample_site: Site, sample: Document) -> None:
    for value in (sample_site, changesets(sample, OLD, NEW)):
        again = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == value
        assert _same(again, value)  # lead, trail, front: every field, not just the compared


def test_no_node_is_rebuilt_from_a_state(sample_site: Site, sample: Document) -> None:
    # BUILD is the opcode of dataclasses' __setstate__, which calls fields() for every node:
    # most of a warm build's reading of the cache before the nodes pickled as constructors.
    assert "BUILD" not in _opcodes(sample_site)
    assert "BUILD" not in _opcodes(changesets(sample, OLD, NEW))


def _unpickle(payload: bytes) -> Any:
    key = "0" * 64
    return kcache._decode(kcache._encode(payload, "changeset", key), "changeset", key, ChangeSet)


class _CallsAKaiteiFunction:
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        from kaitei.model import canonical_text

        return (canonical_text, ("not a text",))


class _CallsAForeignFunction:
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (os.getcwd, ())


@pytest.mark.parametrize(
    ("value", "refused"),
    [(_CallsAKaiteiFunction(), "kaitei.model.canonical_text"), (_CallsAForeignFunction(), "")],
)
def test_the_cache_still_calls_nothing_but_kaitei_s_classes(value: object, refused: str) -> None:
    with pytest.raises(kcache.CorruptEntry, match=f"a class kaitei does not cache: .*{refused}"):
        _unpickle(pickle.dumps(value))


def test_the_cache_reads_a_changeset_written_as_constructor_calls(sample: Document) -> None:
    value = changesets(sample, OLD, NEW)["ja"]
    assert _unpickle(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) == value

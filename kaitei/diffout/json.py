"""The ChangeSet as JSON, valid against kaitei/schemas/diff.schema.json."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..diff.changeset import ChangeSet, Pair, Side
from ..diff.inline import InlineEdit

SCHEMA_VERSION = 1
SCHEMA_ID = "urn:kaitei:schema:diff:1"


def _side(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {
        "id": side.id,
        "number": side.number,
        "label": side.label,
        "heading": side.heading,
        "text": side.text,
        "source": {"path": side.span.path, "line": side.span.line},
        "depth": side.depth,
        "parent": side.parent,
    }


def _edit(edit: InlineEdit) -> dict[str, Any]:
    return {
        "old": [edit.old_start, edit.old_end],
        "new": [edit.new_start, edit.new_end],
        "old_text": edit.old_text,
        "new_text": edit.new_text,
        "consequential": edit.consequential,
        "kind": edit.kind,
        **(
            {"old_target": edit.old_target, "new_target": edit.new_target}
            if edit.kind == "link"
            else {}
        ),
    }


def _pair(pair: Pair) -> dict[str, Any]:
    return {
        "level": pair.level,
        "kind": pair.kind,
        "kinds": list(pair.kinds),
        "partner": pair.partner,
        "old": _side(pair.old),
        "new": _side(pair.new),
        "number_changed": pair.number_changed,
        "wording_changed": pair.wording_changed,
        "unchanged_in": list(pair.unchanged_in),
        "edits": [_edit(e) for e in pair.edits],
        "heading_edits": [_edit(e) for e in pair.heading_edits],
        "children": [_pair(c) for c in pair.children],
    }


def to_data(changes: ChangeSet) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "document": changes.doc,
        "lang": changes.lang,
        "old_version": changes.old_version,
        "new_version": changes.new_version,
        "counts": changes.counts(),
        "change_counts": changes.change_counts(),
        "aligned_by": changes.aligned_by,
        "fallback": list(changes.fallback),
        "pairs": [_pair(p) for p in changes.pairs],
    }


def render_json(changes: ChangeSet) -> str:
    return json.dumps(to_data(changes), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def schema() -> dict[str, Any]:
    text = resources.files("kaitei").joinpath("schemas/diff.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data

"""Outputs of a ChangeSet: terminal text, Markdown, JSON, and the HTML 新旧対照表 / redline.

Every output is a pure function of a ChangeSet (and the language of its labels). This module
holds what they share: the words for kinds and levels, and how a pair is named.
"""

from __future__ import annotations

from ..catalogue import load_catalogue
from ..diff.changeset import CHANGE_KINDS, ChangeKind, ChangeSet, Kind, Pair, Side


def strings(lang: str) -> dict[str, str]:
    """UI words for `lang` (English for languages without their own), from its catalogue."""
    return dict(load_catalogue(lang).strings["diff_labels"])


def kind_word(kind: Kind | ChangeKind, lang: str) -> str:
    return strings(lang)[kind]


def pair_kind_word(pair: Pair, lang: str) -> str:
    """The kinds as a reviewer says them, most telling first (移動・繰下げ); a renumbering
    says which way (繰下げ / 繰上げ)."""
    words = [_one_kind_word(pair, kind, lang) for kind in pair.kinds or (pair.kind,)]
    return strings(lang)["and"].join(words)


def _one_kind_word(pair: Pair, kind: Kind | ChangeKind, lang: str) -> str:
    if kind == "renumbered" and pair.old and pair.new and pair.number_changed:
        old, new = _number_key(pair.old.number), _number_key(pair.new.number)
        if old and new and old != new:
            return strings(lang)["renumbered_down" if new > old else "renumbered_up"]
    return kind_word(kind, lang)


def quiet_note(pair: Pair, lang: str) -> str:
    """What a quiet edit or a split / merge is, told in words rather than marked.

    Spacing is named, never shown as [-  -]{+ +}; a link says where it pointed before and
    now; the other half of a split or merge is named by its id.
    """
    s = strings(lang)
    notes = [
        s["link_target"].format(text=e.new_text, old=e.old_target, new=e.new_target)
        for e in pair.edits
        if e.kind == "link" and not e.consequential
    ]
    if pair.partner:
        notes.append(s[f"partner_{pair.change}"].format(id=pair.partner))
    return "; ".join(notes)


def _number_key(number: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in number.split("_"))
    except ValueError:
        return ()


def side_name(side: Side, level: str, lang: str) -> str:
    """How a reviewer names a unit: 第9条（統計データ）, 第2項, (3), 表の行「第三者提供」."""
    s = strings(lang)
    if level == "article":
        return side.heading or side.id
    if level == "paragraph":
        return s["paragraph"].format(n=side.number or "1")
    if level == "item":
        return s["item"].format(n=side.label)
    if level == "row":
        if side.id.endswith("-head"):
            return s["header"]
        return s["row"].format(key=side.label)
    if level == "cell":
        return s["cell"].format(name=side.label)
    if level == "bullet":
        return s["bullet"]
    return s.get(level, level)


def pair_name(pair: Pair, lang: str) -> str:
    """Both names when the number changed (第8条 → 第9条（統計データ）), else the current one."""
    if pair.old and pair.new and pair.number_changed and pair.level == "article":
        return f"{pair.old.label} → {pair.new.heading}"
    side = pair.new or pair.old
    assert side is not None
    return side_name(side, pair.level, lang)


def summary_counts(changes: ChangeSet, lang: str) -> str:
    """ "1 新設, 2 繰下げ・繰上げ, 6 改正" — article-level counts, kinds in a fixed order."""
    counts = changes.change_counts()
    parts = [f"{kind_word(kind, lang)} {counts[kind]}" for kind in CHANGE_KINDS if counts[kind]]
    return ", ".join(parts)


def fallback_note(changes: ChangeSet) -> str:
    """Says which units a translation aligned on its own (their ids are not in the guide)."""
    return strings(changes.lang)["fallback"].format(
        lang=changes.aligned_by, ids=", ".join(changes.fallback)
    )

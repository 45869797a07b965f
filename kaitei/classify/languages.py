"""Languages kept in step: a unit reworded in one language must be reworded in the others.

Between two versions, a unit whose wording changed in the authoritative text while its
counterpart in a translation did not (or the reverse) is a translation left behind, or a
change made in one language only. Either way the check warns, naming both lines; the
version's front matter silences it with a reason:

    acknowledge:
      languages-in-step: 英語版の誤記のみを訂正したため、日本語版に変更はない
"""

from __future__ import annotations

from collections.abc import Mapping

from ..check import Changes, CheckOptions, register_document_check
from ..diagnostics import Collector
from ..diff.changeset import ChangeSet, DiffCache, Pair, changesets
from ..model import Document, Span, Version

IN_STEP = "languages-in-step"  # the id `acknowledge` names to silence these warnings


def _changed_here(pair: Pair) -> bool:
    return pair.kind in ("added", "removed") or pair.wording_changed


def _changed_below(pair: Pair) -> bool:
    return any(_changed_here(p) for p in pair.walk())


def _span(pair: Pair) -> Span:
    side = pair.new or pair.old
    assert side is not None
    return side.span


def _name(pair: Pair) -> str:
    side = pair.new or pair.old
    assert side is not None
    words = " ".join((side.heading or side.text or side.label).split())
    return f"{pair.level} {side.id}" + (f" 「{words[:24]}…」" if len(words) > 24 else
                                        f" 「{words}」" if words else "")  # fmt: skip


def acknowledged(document: Document, version: Version) -> str | None:
    """The reason a version gives for languages out of step, in any of its files."""
    for text in version.texts:
        reason = dict(text.meta.acknowledge).get(IN_STEP)
        if reason:
            return reason
    return None


def out_of_step(
    document: Document,
    old: Version,
    new: Version,
    diffs: DiffCache | None = None,
    sets: Mapping[str, ChangeSet] | None = None,
) -> list[tuple[str, Pair, str, Pair]]:
    """(language that changed, its pair, language that did not, the counterpart pair);
    `sets`: the two versions' ChangeSets when they are made already."""
    if sets is None:
        sets = changesets(document, old.id, new.id, diffs)
    tables = {lang: {p.key: p for p in cs.walk()} for lang, cs in sets.items()}
    found = []
    for lang, result in sets.items():
        for pair in result.walk():
            if not _changed_here(pair) or pair.kind in ("added", "removed"):
                continue  # a unit added in one language only is an alignment error already
            for other, table in sorted(tables.items()):
                counterpart = table.get(pair.key)
                if other != lang and counterpart is not None and not _changed_below(counterpart):
                    found.append((lang, pair, other, counterpart))
    return found


def check_version(
    document: Document,
    old: Version,
    new: Version,
    out: Collector,
    diffs: DiffCache | None = None,
    sets: Mapping[str, ChangeSet] | None = None,
) -> None:
    reason = acknowledged(document, new)
    problems = out_of_step(document, old, new, diffs, sets)
    if reason is not None:
        if not problems:
            text = new.text(document.settings.authoritative) or new.texts[0]
            out.add(
                Span(text.path, text.meta.line_of("acknowledge"), 1),
                f"'acknowledge' names '{IN_STEP}', but every change of {new.id} is made in "
                "all its languages",
                "remove the acknowledgement",
                code="acknowledge-unused",
                severity="warning",
            )
        return
    for lang, pair, other, counterpart in problems:
        here, there = _span(pair), _span(counterpart)
        out.add(
            here,
            f"{_name(pair)} changed in {lang} from {old.id} to {new.id}, but its {other} "
            f"counterpart at {there.path}:{there.line} did not",
            f"make the same change at {there.path}:{there.line}, or, if the change is meant "
            f"for one language only (a typo, say), add to the front matter of "
            f"{(new.text(document.settings.authoritative) or new.texts[0]).path}\n"
            f"  acknowledge:\n    {IN_STEP}: <why only {lang} changed>",
            code="languages-out-of-step",
            severity="warning",
        )


@register_document_check
def check_languages_in_step(
    document: Document, out: Collector, options: CheckOptions, changes: Changes
) -> None:
    if len(document.settings.languages) < 2:
        return
    for old, new in zip(document.versions, document.versions[1:], strict=False):
        check_version(document, old, new, out, sets=changes(document, old, new))

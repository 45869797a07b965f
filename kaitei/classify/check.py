"""`kaitei check`'s part: detected vs declared levels, the notice period, enactment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..check import Changes, CheckOptions, register_document_check
from ..diagnostics import Collector
from ..diff.changeset import DiffCache
from ..model import ChangeLevel, Document, LanguageText, Span, Version
from .events import EVENTS, Change, changes_between, changes_in
from .languages import IN_STEP
from .rules import (
    Classification,
    Trigger,
    check_rules,
    classify,
    declared_level,
    highest,
    is_notice_level,
    rule_events,
)


def _where(change: Change) -> str:
    return f"{change.span.path}:{change.span.line}"


def _law(trigger: Trigger, version: Version) -> str:
    if not trigger.citation:
        return ""
    return f"; APPI {trigger.citation} as numbered on {version.effective.isoformat()}"


def _because(trigger: Trigger) -> str:
    return f", because it adds {'、'.join(trigger.words)}" if trigger.words else ""


def report(document: Document, version: Version, result: Classification, out: Collector) -> None:
    """Diagnostics for the detected level and the notice period of one version."""
    text = version.text(document.settings.authoritative)
    if text is None:
        return
    meta = text.meta
    front = Span(text.path, meta.span.line + 1, 1)
    change_line = _front_matter_line(text, "change") or front
    declared = result.declared or "editorial"
    if meta.change == "enacted":
        out.add(
            change_line,
            f"{version.id} declares 'change: enacted', but only the first version of a "
            "document is its enactment (制定)",
            "declare editorial, notice or consent for a revision (改定)",
            code="change-level-enacted",
        )
    for trigger in result.undeclared:
        change, rule = trigger.change, trigger.rule
        what = ", ".join(sorted(change.events & set(rule_events(rule))))
        out.add(
            change.span if change.span.path == text.path else change_line,
            f"{trigger.article or 'the text'}: {change.label} — {change.action} "
            f"({_where(change)}){_because(trigger)} triggers rule '{rule.id}' ({rule.level}: "
            f"{rule.description or EVENTS.get(what, what)}{_law(trigger, version)}), "
            f"but {version.id} declares 'change: {declared}'",
            f"declare 'change: {rule.level}' in {text.path}, or, if the rule does not apply, "
            f"add to its front matter\n  acknowledge:\n    {rule.id}: <why it is not "
            f"{rule.level}-level>  (rule defined at {rule.span.path}:{rule.span.line})",
            code="change-level-undeclared",
        )
    fired = {t.rule.id for t in result.triggers}
    for rule_id, _reason in meta.acknowledge:
        if rule_id not in fired and rule_id != IN_STEP:
            known = {r.id for r in document.settings.rules}
            why = "no rule has this id" if rule_id not in known else "the rule did not fire"
            out.add(
                _front_matter_line(text, "acknowledge") or front,
                f"'acknowledge' names '{rule_id}', but {why}",
                "remove the acknowledgement, or fix the rule id (see the 'rules:' of "
                f"{document.settings.path})",
                code="acknowledge-unused",
                severity="warning",
            )
    level = highest([declared, result.detected])
    if is_notice_level(level):
        check_notice_period(document, version, level, out)


def check_notice_period(
    document: Document, version: Version, level: ChangeLevel, out: Collector
) -> None:
    text = version.text(document.settings.authoritative)
    if text is None:
        return
    days = document.settings.notice_period_days
    announced = text.meta.announced
    where = _front_matter_line(text, "announced") or Span(text.path, text.meta.span.line + 1, 1)
    latest = version.effective - dt.timedelta(days=days)
    if announced is None:
        out.add(
            where,
            f"{version.id} is a {level}-level change but has no 'announced' date",
            f"add 'announced: YYYY-MM-DD', on or before {latest} ({days} days before "
            f"{version.effective}, notice_period_days in {document.settings.path})",
            code="notice-period",
        )
    elif announced > latest:
        out.add(
            where,
            f"{version.id} is a {level}-level change announced {announced}, only "
            f"{(version.effective - announced).days} days before it takes effect; the notice "
            f"period is {days} days",
            f"announce it on or before {latest}, or move the effective date to "
            f"{announced + dt.timedelta(days=days)} or later (renaming the version folder)",
            code="notice-period",
        )


def _front_matter_line(text: LanguageText, key: str) -> Span | None:
    """Where `key:` is written in a file's front matter, for diagnostics that point at it."""
    lines = text.source.split("\n")
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(lines[:200], start=1):
        if number > 1 and line.rstrip() in ("---", "..."):
            return None
        if pattern.match(line):
            return Span(text.path, number, 1)
    return None


def classify_document(document: Document, out: Collector | None = None) -> Iterator[Classification]:
    """Classify every version after the first; rule problems go to `out` when given."""
    rules = check_rules(document, out if out is not None else Collector())
    diffs = DiffCache()  # each text is the new side of one diff and the old of the next
    for version in document.versions[1:]:
        old = document.previous(version)
        assert old is not None
        yield classify(document, version, changes_between(document, old, version, diffs), rules)


def _located(document: Document, root: Path) -> Document:
    """The document with each rule's span on its `id:` line in document.yml.

    The settings loader knows only where the `rules:` list starts; a diagnostic about a rule
    should point at the rule itself.
    """
    try:
        lines = (root / document.settings.path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return document
    rules = []
    for rule in document.settings.rules:
        pattern = re.compile(rf"^\s*-?\s*id\s*:\s*['\"]?{re.escape(rule.id)}['\"]?\s*(#.*)?$")
        line = next((n for n, text in enumerate(lines, 1) if pattern.match(text)), None)
        rules.append(replace(rule, span=replace(rule.span, line=line)) if line else rule)
    return replace(document, settings=replace(document.settings, rules=tuple(rules)))


@register_document_check
def check_change_levels(
    document: Document, out: Collector, options: CheckOptions, changes: Changes
) -> None:
    """The check `kaitei check` runs: detected vs declared levels and notice periods."""
    document = _located(document, options.root)
    rules = check_rules(document, out)
    lang = document.settings.authoritative
    for index, version in enumerate(document.versions):
        if index == 0:
            # The enactment has nothing to compare with; a first version that declares
            # notice or consent (an adopted history) still owes its notice period.
            text = version.text(lang)
            declared = text.meta.change if text is not None else None
            if declared is not None and is_notice_level(declared):
                check_notice_period(document, version, declared, out)
            continue
        old = document.versions[index - 1]
        if version.text(lang) is None:
            continue
        # The authoritative language's ChangeSet: aligned first, on its own text (the other
        # languages follow its pairs), so it is `diff_texts` of the two texts.
        found = changes(document, old, version).get(lang)
        found_changes = changes_in(found, old, version, lang) if found is not None else ()
        report(document, version, classify(document, version, found_changes, rules), out)


__all__ = ["check_change_levels", "classify_document", "declared_level", "report"]

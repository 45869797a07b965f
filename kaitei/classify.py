"""Change levels (editorial < notice < consent): detected by rules over the ChangeSet, checked
against the level the editors declared.

The rules are data in `document.yml` so that legal can tune them without a programmer:

    rules:
      - id: purpose-rows
        level: notice
        when: row-added, row-removed        # one or more events, comma-separated
        articles: [利用目的]                 # optional: title keywords or ids (art-3, id:pinned)
        description: a purpose of use was added or removed

A rule fires once per change that matches one of its events inside one of its articles (any
article when `articles` is empty). The detected level is the highest level of the rules that
fired and that the version does not `acknowledge` with a written reason. `kaitei check` fails
when the detected level is above the declared one, and when a notice/consent version was not
announced `notice_period_days` before it takes effect (the policy's Articles 3(2) and 12).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .check import CheckOptions, register
from .diagnostics import Collector
from .diff.changeset import DiffCache, Pair, diff_texts
from .model import (
    CHANGE_LEVELS,
    Article,
    ChangeLevel,
    Document,
    LanguageText,
    Rule,
    Site,
    Span,
    Version,
)

Unit = Literal["article", "paragraph", "item", "row", "bullet", "text"]
Action = Literal["added", "removed", "changed"]

# Every event a rule's `when` may name, with the words the check prints for it.
EVENTS: dict[str, str] = {
    "article-added": "an article was added",
    "article-removed": "an article was removed",
    "paragraph-added": "a paragraph was added",
    "paragraph-removed": "a paragraph was removed",
    "item-added": "an item or sub-item was added",
    "item-removed": "an item or sub-item was removed",
    "row-added": "a table row was added",
    "row-removed": "a table row was removed",
    "bullet-added": "a bullet (e.g. a data item in a table cell) was added",
    "bullet-removed": "a bullet was removed",
    "added": "anything was added (article, paragraph, item, row or bullet)",
    "removed": "anything was removed",
    "text-changed": "the wording changed",
    "words-added": "words were inserted into existing wording",
}

_ANCHOR = re.compile(r"^art-\d+(?:-\d+)*$")


def rank(level: ChangeLevel) -> int:
    return CHANGE_LEVELS.index(level)


def highest(levels: Iterable[ChangeLevel]) -> ChangeLevel:
    return max(levels, key=rank, default="editorial")


@dataclass(frozen=True, slots=True)
class Change:
    """One change in the terms rules speak: which unit, what happened to it, where.

    Built from the ChangeSet (see `changes_between`); tests build them directly.
    """

    unit: Unit
    action: Action
    label: str  # how a reader names the unit, e.g. "第4条第2項" or "row 第三者提供"
    old_anchor: str | None  # the unit's anchor in the old version (None when added)
    new_anchor: str | None  # … in the new version (None when removed)
    span: Span  # where it is: the new file, or the old file for a removal
    words_added: bool = False  # a wording change that inserts words (not only deletes)

    @property
    def events(self) -> frozenset[str]:
        if self.action == "changed":
            return frozenset({"text-changed", *(("words-added",) if self.words_added else ())})
        if self.unit in ("article", "paragraph", "item", "row", "bullet"):
            return frozenset({f"{self.unit}-{self.action}", self.action})
        return frozenset({self.action})


@dataclass(frozen=True, slots=True)
class Trigger:
    """A rule that fired on a change; `reason` is the version's acknowledgement, if any."""

    rule: Rule
    change: Change
    article: str  # the article's heading, e.g. "第4条 (第三者提供)"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    document: str
    version: str
    previous: str | None
    declared: ChangeLevel | None
    triggers: tuple[Trigger, ...]

    @property
    def detected(self) -> ChangeLevel:
        """The level the unacknowledged rules call for."""
        return highest(t.rule.level for t in self.triggers if t.reason is None)

    @property
    def level(self) -> ChangeLevel:
        """The level the site and the notices use: the declared one, or what was detected."""
        return self.declared or self.detected

    @property
    def undeclared(self) -> tuple[Trigger, ...]:
        """Unacknowledged triggers above the declared level: each one fails the check."""
        floor = rank(self.declared or "editorial")
        return tuple(t for t in self.triggers if t.reason is None and rank(t.rule.level) > floor)


# --- rules ------------------------------------------------------------------------------


def rule_events(rule: Rule) -> tuple[str, ...]:
    return tuple(e for e in (part.strip() for part in rule.when.split(",")) if e)


def check_rules(document: Document, out: Collector) -> tuple[Rule, ...]:
    """The document's rules that can be applied; the others become diagnostics."""
    usable = []
    seen: set[str] = set()
    for rule in document.settings.rules:
        ok = True
        if rule.id in seen:
            out.add(rule.span, f"two rules have the id '{rule.id}'", "give each rule its own id",
                    code="rule-bad")  # fmt: skip
            ok = False
        seen.add(rule.id)
        events = rule_events(rule)
        if not events:
            out.add(rule.span, f"rule '{rule.id}' has an empty 'when'", _events_hint(),
                    code="rule-bad")  # fmt: skip
            ok = False
        for event in events:
            if event not in EVENTS:
                match = difflib.get_close_matches(event, list(EVENTS), n=1)
                guess = f"did you mean '{match[0]}'? " if match else ""
                out.add(
                    rule.span,
                    f"rule '{rule.id}' names an unknown event '{event}'",
                    guess + _events_hint(),
                    code="rule-bad",
                )
                ok = False
        if ok:
            usable.append(rule)
    return tuple(usable)


def _events_hint() -> str:
    return "write 'when:' as one or more of: " + ", ".join(EVENTS)


def _selector_matches(selector: str, article: Article | None, titles: Iterable[str]) -> bool:
    if article is None:
        return False
    if selector.startswith("id:"):
        return article.id == selector[3:].strip()
    if _ANCHOR.match(selector):
        return article.id == selector
    needle = selector.casefold()
    return any(needle in title.casefold() for title in titles)


def article_of(text: LanguageText | None, anchor: str | None) -> Article | None:
    """The article an anchor lies in, when there is a text and an anchor."""
    return text.article_containing(anchor) if text is not None and anchor is not None else None


def _titles(version: Version, article: Article | None) -> list[str]:
    """The article's title in every language of the version (keywords may be in any)."""
    if article is None:
        return []
    found = []
    for text in version.texts:
        same = text.article(article.id)
        if same is not None:
            found += [same.title, same.heading]
    return found


def _applies(rule: Rule, change: Change, old: Version | None, new: Version, lang: str) -> bool:
    if not change.events & set(rule_events(rule)):
        return False
    if not rule.articles:
        return True
    sides = [(new, article_of(new.text(lang), change.new_anchor))]
    if old is not None:
        sides.append((old, article_of(old.text(lang), change.old_anchor)))
    return any(
        _selector_matches(selector, article, _titles(version, article))
        for selector in rule.articles
        for version, article in sides
    )


def classify(
    document: Document,
    version: Version,
    changes: Iterable[Change],
    rules: tuple[Rule, ...] | None = None,
) -> Classification:
    """Apply the rules to the changes from the previous version to `version`."""
    lang = document.settings.authoritative
    old = document.previous(version)
    text = version.text(lang)
    meta = text.meta if text is not None else None
    acknowledged = dict(meta.acknowledge) if meta is not None else {}
    triggers = []
    # A total order, so that the diagnostics never depend on the order the diff found things in.
    ordered = sorted(
        set(changes),
        key=lambda c: (c.span.path, c.span.line, c.label, c.unit, c.action, c.words_added,
                       c.old_anchor or "", c.new_anchor or ""),
    )  # fmt: skip
    for change in ordered:
        for rule in document.settings.rules if rules is None else rules:
            if _applies(rule, change, old, version, lang):
                side = (
                    article_of(text, change.new_anchor)
                    if change.new_anchor
                    else article_of(old.text(lang) if old else None, change.old_anchor)
                )
                triggers.append(
                    Trigger(rule, change, side.heading if side else "", acknowledged.get(rule.id))
                )
    return Classification(
        document=document.id,
        version=version.id,
        previous=old.id if old else None,
        declared=meta.change if meta is not None else None,
        triggers=tuple(triggers),
    )


def declared_level(document: Document, version: Version) -> ChangeLevel:
    """The level in the authoritative front matter (editorial when it is missing)."""
    text = version.text(document.settings.authoritative)
    return (text.meta.change if text is not None else None) or "editorial"


# --- the ChangeSet, in the rules' terms --------------------------------------------------


def changes_between(
    document: Document, old: Version, new: Version, cache: DiffCache | None = None
) -> tuple[Change, ...]:
    """The changes of the authoritative text from `old` to `new`, from the diff engine."""
    lang = document.settings.authoritative
    old_text, new_text = old.text(lang), new.text(lang)
    if old_text is None or new_text is None:
        return ()
    result = diff_texts(document.id, old_text, new_text, old.id, new.id, cache)
    found = [change for pair in result.pairs for change in changes_of(pair)]
    # "第5条　削除" keeps the article's number but removes what it said: for the rules that
    # is a removed article, although the diff pairs it with its old self as a wording change.
    for pair in result.pairs:
        if pair.level != "article" or pair.old is None or pair.new is None:
            continue
        before, after = old_text.article(pair.old.id), new_text.article(pair.new.id)
        if before is not None and after is not None and after.deleted and not before.deleted:
            label = _label("article", before.id, before.heading)
            found.append(Change("article", "removed", label, before.id, after.id, after.span))
    return tuple(found)


_UNITS: dict[str, Unit] = {
    "article": "article",
    "paragraph": "paragraph",
    "item": "item",
    "row": "row",
    "bullet": "bullet",
}


def changes_of(pair: Pair) -> Iterator[Change]:
    """A ChangeSet pair and its children as Changes.

    An added or removed unit is one change: its contents come with it (a new article is one
    `article-added`, not also a `paragraph-added` per paragraph). Renumbering and moves
    are not changes of substance; a wording change is, and says whether words were inserted.
    """
    unit = _UNITS.get(pair.level, "text")
    if pair.kind in ("added", "removed"):
        side = pair.new or pair.old
        assert side is not None
        yield Change(
            unit,
            "added" if pair.kind == "added" else "removed",
            _label(pair.level, side.id, side.heading or side.text or _first_text(pair)),
            pair.old.id if pair.old else None,
            pair.new.id if pair.new else None,
            side.span,
        )
        return
    assert pair.old is not None and pair.new is not None
    if pair.wording_changed:
        edits = [e for e in (*pair.edits, *pair.heading_edits) if not e.consequential]
        yield Change(
            unit,
            "changed",
            _label(pair.level, pair.new.id, pair.new.heading or pair.new.text),
            pair.old.id,
            pair.new.id,
            pair.new.span,
            words_added=any(e.new_text.strip() for e in edits),
        )
    for child in pair.children:
        yield from changes_of(child)


def _first_text(pair: Pair) -> str:
    """A row has no text of its own: name it by its first cell."""
    for child in pair.walk():
        side = child.new or child.old
        if side is not None and side.text.strip():
            return side.text
    return ""


def _label(level: str, anchor: str, text: str) -> str:
    """How a diagnostic names a unit: its kind, anchor and first words."""
    words = " ".join(text.split())
    snippet = words if len(words) <= 24 else words[:24] + "…"
    return f"{level} {anchor}" + (f" 「{snippet}」" if snippet else "")


# --- the check --------------------------------------------------------------------------


def _where(change: Change) -> str:
    return f"{change.span.path}:{change.span.line}"


def report(document: Document, version: Version, result: Classification, out: Collector) -> None:
    """Diagnostics for the detected level and the notice period of one version."""
    text = version.text(document.settings.authoritative)
    if text is None:
        return
    meta = text.meta
    front = Span(text.path, meta.span.line + 1, 1)
    change_line = _front_matter_line(text, "change") or front
    declared = result.declared or "editorial"
    for trigger in result.undeclared:
        change, rule = trigger.change, trigger.rule
        what = ", ".join(sorted(change.events & set(rule_events(rule))))
        out.add(
            change.span if change.span.path == text.path else change_line,
            f"{trigger.article or 'the text'}: {change.label} — {change.action} "
            f"({_where(change)}) triggers rule '{rule.id}' ({rule.level}: "
            f"{rule.description or EVENTS.get(what, what)}), but {version.id} declares "
            f"'change: {declared}'",
            f"declare 'change: {rule.level}' in {text.path}, or, if the rule does not apply, "
            f"add to its front matter\n  acknowledge:\n    {rule.id}: <why it is not "
            f"{rule.level}-level>  (rule defined at {rule.span.path}:{rule.span.line})",
            code="change-level-undeclared",
        )
    fired = {t.rule.id for t in result.triggers}
    for rule_id, _reason in meta.acknowledge:
        if rule_id not in fired:
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
    if level != "editorial":
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


@register
def check_change_levels(site: Site, out: Collector, options: CheckOptions) -> None:
    """The check `kaitei check` runs: detected vs declared levels and notice periods."""
    for document in (_located(d, options.root) for d in site.documents):
        rules = check_rules(document, out)
        diffs = DiffCache()  # each text is the new side of one diff and the old of the next
        for index, version in enumerate(document.versions):
            if index == 0:
                # The first version has nothing to compare with; only its notice period counts.
                level = declared_level(document, version)
                if level != "editorial":
                    check_notice_period(document, version, level, out)
                continue
            old = document.versions[index - 1]
            if version.text(document.settings.authoritative) is None:
                continue
            changes = changes_between(document, old, version, diffs)
            report(document, version, classify(document, version, changes, rules), out)

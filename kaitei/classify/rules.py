"""Rules over Changes: which fire, the level they call for, and the law they cite.

A rule (data in `document.yml`) fires on a change when all of its conditions hold:

- `when`: one of its events happened to the unit (see `events.EVENTS`);
- `articles`: the unit is in an article whose title (in any language) contains one of the
  keywords, or whose anchor is given (art-4, id:pinned);
- `rows` / `columns`: the unit is in a table row whose first cell, or a column whose
  heading, contains one of the keywords;
- `words`: the change adds a word of one of the named keyword sets (a recipient, a country…);
- `within`: the unit, or the paragraph or table row it is in, mentions a word of each
  named keyword set (e.g. a verb of providing).

A rule whose `law` has no citation in force on the version's effective date does not apply:
its provision did not exist yet (Art. 31 on person-related information dates from 2022).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..diagnostics import Collector
from ..model import (
    CHANGE_LEVELS,
    Article,
    ChangeLevel,
    Document,
    LanguageText,
    Rule,
    Version,
)
from .events import EVENTS, Change, added_words, mentioned

_ANCHOR = re.compile(r"^art-\d+(?:-\d+)*$")


def rank(level: ChangeLevel) -> int:
    """Editorial < notice < consent; `enacted` (a first version) ranks with editorial."""
    return CHANGE_LEVELS.index(level) if level in CHANGE_LEVELS else 0


def highest(levels: Iterable[ChangeLevel]) -> ChangeLevel:
    return max(levels, key=rank, default="editorial")


@dataclass(frozen=True, slots=True)
class Trigger:
    """A rule that fired on a change; `reason` is the version's acknowledgement, if any."""

    rule: Rule
    change: Change
    article: str  # the article's heading, e.g. "第4条 (第三者提供)"
    reason: str | None = None
    citation: str = ""  # the rule's `law` in force on the version's effective date
    words: tuple[str, ...] = ()  # the keywords that made it fire, if any


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


# --- levels of versions -----------------------------------------------------------------


def declared_level(document: Document, version: Version) -> ChangeLevel:
    """The level of a version: what its authoritative front matter declares; the first
    version is `enacted` (制定) unless it declares notice or consent (a policy adopted for
    existing users is announced like a revision); a revision without a level is editorial."""
    text = version.text(document.settings.authoritative)
    declared = text.meta.change if text is not None else None
    if document.versions and document.versions[0] is version:
        return declared if declared in ("notice", "consent") else "enacted"
    return declared if declared in CHANGE_LEVELS else "editorial"


def is_notice_level(level: ChangeLevel) -> bool:
    """A level that is announced (notice page, banner, feed, email): notice or consent."""
    return level in ("notice", "consent")


# --- rules ------------------------------------------------------------------------------


def rule_events(rule: Rule) -> tuple[str, ...]:
    return tuple(e for e in (part.strip() for part in rule.when.split(",")) if e)


def citation(rule: Rule, day: dt.date) -> str | None:
    """The rule's citation in force on `day`; "" when it cites nothing; None before its law."""
    if not rule.law:
        return ""
    in_force = [cite for since, cite in rule.law if since <= day]
    return in_force[-1] if in_force else None


def check_rules(document: Document, out: Collector) -> tuple[Rule, ...]:
    """The document's rules that can be applied; the others become diagnostics."""
    usable = []
    seen: set[str] = set()
    sets = {k.name for k in document.settings.keywords}
    lang = document.settings.authoritative
    empty = {k.name for k in document.settings.keywords if not k.for_language(lang)}
    for rule in document.settings.rules:
        ok = True
        if rule.id in seen:
            out.add(rule.span, f"two rules have the id '{rule.id}'", "give each rule its own id",
                    code="rule-bad")  # fmt: skip
            ok = False
        seen.add(rule.id)
        if rule.level not in CHANGE_LEVELS:
            out.add(rule.span, f"rule '{rule.id}' has the level '{rule.level}'",
                    "a rule's level is editorial, notice or consent", code="rule-bad")  # fmt: skip
            ok = False
        events = rule_events(rule)
        if not events:
            out.add(rule.span, f"rule '{rule.id}' has an empty 'when'", _events_hint(),
                    code="rule-bad")  # fmt: skip
            ok = False
        for event in events:
            if event not in EVENTS:
                out.add(
                    rule.span,
                    f"rule '{rule.id}' names an unknown event '{event}'",
                    _guess(event, list(EVENTS)) + _events_hint(),
                    code="rule-bad",
                )
                ok = False
        for name in (*rule.words, *rule.within):
            if name not in sets:
                known = ", ".join(sorted(sets)) or "none"
                out.add(
                    rule.span,
                    f"rule '{rule.id}' names the keyword set '{name}', which 'keywords' lacks",
                    _guess(name, sorted(sets)) + f"define it under 'keywords:' (defined: {known})",
                    code="rule-bad",
                )
                ok = False
            elif name in empty:
                out.add(
                    rule.span,
                    f"rule '{rule.id}': the keyword set '{name}' has no words in '{lang}', "
                    "the authoritative language, so the rule can never fire",
                    f"add '{lang}: [...]' to the set '{name}' under 'keywords:'",
                    code="rule-bad",
                )
                ok = False
        if ok:
            usable.append(rule)
    return tuple(usable)


def _guess(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{match[0]}'? " if match else ""


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


def _in_articles(rule: Rule, change: Change, old: Version | None, new: Version, lang: str) -> bool:
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


def _contains(keywords: tuple[str, ...], value: str) -> bool:
    return not keywords or any(k.casefold() in value.casefold() for k in keywords)


Words = dict[str, tuple[str, ...]]  # keyword set name → its words in the authoritative language


def match(rule: Rule, change: Change, words: Words) -> tuple[str, ...] | None:
    """Whether the rule's conditions on the change's place and words hold: the keywords
    found (empty for a rule without `words`), or None."""
    if not change.events & set(rule_events(rule)):
        return None
    if not _contains(rule.rows, change.row) or not _contains(rule.columns, change.column):
        return None
    for name in rule.within:
        if not mentioned(change, words.get(name, ())):
            return None
    if not rule.words:
        return ()
    found = tuple(w for name in rule.words for w in added_words(change, words.get(name, ())))
    return found or None


def keyword_words(document: Document) -> Words:
    lang = document.settings.authoritative
    return {k.name: k.for_language(lang) for k in document.settings.keywords}


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
    words = keyword_words(document)
    in_force = [
        (rule, cite)
        for rule in (document.settings.rules if rules is None else rules)
        if (cite := citation(rule, version.effective)) is not None
    ]
    triggers = []
    # A total order, so that the diagnostics never depend on the order the diff found things in.
    ordered = sorted(
        set(changes),
        key=lambda c: (c.span.path, c.span.line, c.label, c.unit, c.action, c.words_added,
                       c.old_anchor or "", c.new_anchor or "", c.row, c.column, c.old_text,
                       c.new_text, c.context),
    )  # fmt: skip
    for change in ordered:
        for rule, cite in in_force:
            found = match(rule, change, words)
            if found is None or not _in_articles(rule, change, old, version, lang):
                continue
            side = (
                article_of(text, change.new_anchor)
                if change.new_anchor
                else article_of(old.text(lang) if old else None, change.old_anchor)
            )
            triggers.append(
                Trigger(
                    rule,
                    change,
                    side.heading if side else "",
                    acknowledged.get(rule.id),
                    cite,
                    found,
                )
            )
    declared = meta.change if meta is not None else None
    return Classification(
        document=document.id,
        version=version.id,
        previous=old.id if old else None,
        declared=None if declared == "enacted" else declared,
        triggers=tuple(triggers),
    )

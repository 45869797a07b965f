"""Change levels (enacted, then editorial < notice < consent): detected by rules over the
ChangeSet, checked against the level the editors declared.

The rules are data in `document.yml` so that legal can tune them without a programmer (see
content/README.md, "Change levels and detection rules"):

    keywords:
      recipients:
        ja: [第三者, 提携事業者]
        en: [third part, Partner Business]
    rules:
      - id: third-party-provision
        level: consent
        when: added, words-added          # one or more events, comma-separated
        words: [recipients]               # the change adds one of these words …
        within: [provide]                 # … in a paragraph that speaks of providing
        law: {2017-05-30: Art. 23(1), 2022-04-01: Art. 27(1)}
        description: a new recipient of personal data

The modules: `events` (Changes from the ChangeSet), `rules` (which fire, levels, citations),
`check` (what `kaitei check` reports), `languages` (the translation kept in step).
"""

from __future__ import annotations

from . import languages
from .check import check_change_levels, check_notice_period, classify_document, report
from .events import EVENTS, Change, added_words, changes_between, changes_of, mentioned
from .rules import (
    Classification,
    Trigger,
    check_rules,
    citation,
    classify,
    declared_level,
    highest,
    is_notice_level,
    rank,
    rule_events,
)

__all__ = [
    "EVENTS",
    "Change",
    "Classification",
    "Trigger",
    "added_words",
    "changes_between",
    "changes_of",
    "check_change_levels",
    "check_notice_period",
    "check_rules",
    "citation",
    "classify",
    "classify_document",
    "declared_level",
    "highest",
    "is_notice_level",
    "languages",
    "mentioned",
    "rank",
    "report",
    "rule_events",
]

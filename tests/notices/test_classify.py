"""Rule engine: which changes trigger which rules, acknowledgements, the notice period."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kaitei.classify import (
    Change,
    check_notice_period,
    check_rules,
    classify,
    highest,
    report,
)
from kaitei.diagnostics import Collector
from kaitei.model import Document, Rule, Span, Version

NEW = "content/privacy/2020-10-01/ja.md"
OLD = "content/privacy/2017-08-23/ja.md"


def change(unit: str, action: str, new: str | None, old: str | None = None, **kw: object) -> Change:
    path, line = (NEW, 100) if new else (OLD, 50)
    return Change(unit, action, kw.pop("label", new or old), old, new, Span(path, line), **kw)  # type: ignore[arg-type]


def with_front(document: Document, version_id: str, **meta: object) -> Document:
    """The document with the authoritative front matter of one version replaced."""
    versions = []
    for version in document.versions:
        if version.id == version_id:
            ja = version.texts[0]
            ja = dataclasses.replace(ja, meta=dataclasses.replace(ja.meta, **meta))
            version = dataclasses.replace(version, texts=(ja, *version.texts[1:]))
        versions.append(version)
    return dataclasses.replace(document, versions=tuple(versions))


def v2020(document: Document) -> Version:
    version = document.version("2020-10-01")
    assert version is not None
    return version


def fired(document: Document, *changes: Change) -> list[tuple[str, str]]:
    result = classify(document, v2020(document), changes)
    return [(t.rule.id, t.change.label) for t in result.triggers]


def test_editorial_wording_change_outside_marked_articles_fires_nothing(privacy: Document) -> None:
    wording = change("paragraph", "changed", "art-10-para-1", "art-9-para-1", words_added=True)
    assert fired(privacy, wording) == []
    assert classify(privacy, v2020(privacy), [wording]).detected == "editorial"


def test_added_article_is_notice(privacy: Document) -> None:
    # 第8条（行動ターゲティング広告） is not a marked article: notice, not consent.
    result = classify(privacy, v2020(privacy), [change("article", "added", "art-8")])
    assert [t.rule.id for t in result.triggers] == ["article-added-or-removed"]
    assert result.detected == "notice"


def test_removed_article_is_notice_and_points_at_the_old_file(privacy: Document) -> None:
    result = classify(privacy, v2020(privacy), [change("article", "removed", None, "art-9")])
    assert result.detected == "notice"
    assert result.triggers[0].change.span.path == OLD
    assert result.triggers[0].article.startswith("第9条")


def test_purpose_row_added_is_consent_in_the_sample(privacy: Document) -> None:
    # A new row of the purpose table in 第3条（利用目的） is a new purpose of use.
    row = change("row", "added", "art-3-para-1-row-4", label="row 第三者提供")
    assert fired(privacy, row) == [("purpose-added", "row 第三者提供")]
    assert classify(privacy, v2020(privacy), [row]).detected == "consent"


def test_purpose_row_removed_is_notice_only(privacy: Document) -> None:
    row = change("row", "removed", None, "art-3-para-1-row-2")
    assert fired(privacy, row) == [("purpose-details", "art-3-para-1-row-2")]


PROVISION = "当社は、提携事業者に対し、利用者情報を提供することができるものとします。"


def test_paragraph_adding_a_recipient_is_consent_in_any_article(privacy: Document) -> None:
    for anchor, heading in (
        ("art-4-para-2", "第4条 (第三者提供)"),
        ("art-9-para-2", "第9条 (統計データ)"),
    ):
        new = change("paragraph", "added", anchor, new_text=PROVISION)
        result = classify(privacy, v2020(privacy), [new])
        assert [(t.rule.id, t.rule.level) for t in result.triggers] == [
            ("third-party-provision", "consent")
        ]
        assert result.triggers[0].article == heading
        assert result.triggers[0].words == ("提携事業者", "事業者")
        assert result.triggers[0].citation == "Art. 23(1)"  # the numbering on 2020-10-01


def test_a_paragraph_without_a_recipient_is_not_a_provision(privacy: Document) -> None:
    new = change("paragraph", "added", "art-4-para-2", new_text="当社は、統計データを作成します。")
    assert fired(privacy, new) == []


def test_words_inserted_in_joint_use_article_are_consent(privacy: Document) -> None:
    before = "当社は、第三者との間で、個人情報を共同利用することがあります。"
    after = "当社は、提携事業者その他第三者との間で、個人情報を共同利用することがあります。"
    changed = change("paragraph", "changed", "art-6-para-1", "art-6-para-1", words_added=True,
                     old_text=before, new_text=after)  # fmt: skip
    deleted_only = dataclasses.replace(changed, words_added=False, old_text=after, new_text=before)
    assert fired(privacy, changed) == [
        ("joint-use-widened", "art-6-para-1"),
        ("joint-use-changed", "art-6-para-1"),
    ]
    assert fired(privacy, deleted_only) == [("joint-use-changed", "art-6-para-1")]


def test_keywords_match_the_translation_titles_too(privacy: Document) -> None:
    rule = Rule("x", "consent", "added", ("Joint Use",), "", Span("d", 1))
    result = classify(
        privacy, v2020(privacy), [change("item", "added", "art-6-para-1-item-1")], (rule,)
    )
    assert [t.rule.id for t in result.triggers] == ["x"]


@pytest.mark.parametrize(
    ("selector", "hits"),
    [("art-4", True), ("art-5", False), ("id:art-4", True), ("第三者", True), ("委託", False)],
)
def test_article_selectors(privacy: Document, selector: str, hits: bool) -> None:
    rule = Rule("x", "notice", "added", (selector,), "", Span("d", 1))
    result = classify(
        privacy, v2020(privacy), [change("item", "added", "art-4-para-1-item-7")], (rule,)
    )
    assert bool(result.triggers) is hits


def test_acknowledged_rule_does_not_count(privacy: Document) -> None:
    document = with_front(
        privacy,
        "2020-10-01",
        change="notice",
        acknowledge=(("third-party-provision", "restates the law"),),
    )
    new = change("paragraph", "added", "art-4-para-2", new_text=PROVISION)
    result = classify(document, v2020(document), [new])
    assert result.detected == "editorial"
    assert result.triggers[0].reason == "restates the law"
    assert result.undeclared == ()


def test_undeclared_change_is_reported_with_rule_article_and_line(privacy: Document) -> None:
    document = with_front(privacy, "2020-10-01", change="notice")
    new = change("paragraph", "added", "art-4-para-2", new_text=PROVISION)
    result = classify(document, v2020(document), [new])
    out = Collector()
    report(document, v2020(document), result, out)
    [diagnostic] = out.errors
    assert diagnostic.code == "change-level-undeclared"
    assert (diagnostic.path, diagnostic.line) == (NEW, 100)
    assert "第4条 (第三者提供)" in diagnostic.message
    assert "third-party-provision" in diagnostic.message
    assert "because it adds 提携事業者、事業者" in diagnostic.message
    assert "APPI Art. 23(1) as numbered on 2020-10-01" in diagnostic.message
    assert f"{NEW}:100" in diagnostic.message
    assert "declares 'change: notice'" in diagnostic.message
    assert "acknowledge:" in diagnostic.hint


def test_unused_acknowledgement_warns(privacy: Document) -> None:
    document = with_front(privacy, "2020-10-01", acknowledge=(("no-such-rule", "because"),))
    out = Collector()
    report(document, v2020(document), classify(document, v2020(document), []), out)
    assert [(d.severity, d.code) for d in out.items] == [("warning", "acknowledge-unused")]
    assert "no rule has this id" in out.items[0].message


@pytest.mark.parametrize(
    ("announced", "problem"),
    [
        (dt.date(2020, 9, 1), None),  # exactly 30 days
        (dt.date(2020, 9, 2), "only 29 days"),
        (None, "has no 'announced' date"),
    ],
)
def test_notice_period(privacy: Document, announced: dt.date | None, problem: str | None) -> None:
    document = with_front(privacy, "2020-10-01", announced=announced)
    out = Collector()
    check_notice_period(document, v2020(document), "consent", out)
    messages = [d.message for d in out.errors]
    if problem is None:
        assert messages == []
    else:
        assert len(messages) == 1 and problem in messages[0], messages
        assert out.errors[0].code == "notice-period"


def test_notice_period_follows_the_setting(privacy: Document) -> None:
    settings = dataclasses.replace(privacy.settings, notice_period_days=45)
    document = dataclasses.replace(privacy, settings=settings)
    out = Collector()
    check_notice_period(document, v2020(document), "notice", out)
    assert "notice period is 45 days" in out.errors[0].message


def test_bad_rules_become_diagnostics(privacy: Document) -> None:
    rules = (
        Rule("a", "notice", "row-aded", (), "", Span("content/privacy/document.yml", 12)),
        Rule("a", "notice", "added", (), "", Span("content/privacy/document.yml", 14)),
    )
    settings = dataclasses.replace(privacy.settings, rules=rules)
    out = Collector()
    usable = check_rules(dataclasses.replace(privacy, settings=settings), out)
    assert usable == ()
    assert [d.line for d in out.errors] == [12, 14]
    assert "did you mean 'row-added'" in out.errors[0].hint
    assert "two rules have the id 'a'" in out.errors[1].message


def test_highest() -> None:
    assert highest([]) == "editorial"
    assert highest(["notice", "editorial"]) == "notice"
    assert highest(["notice", "consent", "editorial"]) == "consent"

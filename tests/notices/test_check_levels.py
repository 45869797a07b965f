"""`kaitei check` on copies of the sample: the detected level, acknowledgements, notice period."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import kaitei.classify  # noqa: F401  (registers the check)
from kaitei.check import check_site
from kaitei.classify import classify_document
from kaitei.cli import main
from kaitei.model import Document

from .conftest import AS_OF, ROOT

JA_2020 = "content/privacy/2020-10-01/ja.md"
EN_2020 = "content/privacy/2020-10-01/en.md"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(root: Path) -> list[str]:
    _, diagnostics = check_site(root, AS_OF)
    return [d.format() for d in diagnostics if d.severity == "error"]


def test_sample_2020_is_consent_detected_and_declared(privacy: Document) -> None:
    [result] = classify_document(privacy)
    assert (result.version, result.declared, result.detected) == (
        "2020-10-01",
        "consent",
        "consent",
    )
    consent = {
        (t.rule.id, t.change.new_anchor) for t in result.triggers if t.rule.level == "consent"
    }
    # Consent-level for the right reasons: the new provision to Partner Businesses (第4条第2項),
    # the joint use widened to them (第6条), and the targeted-advertising purpose (第8条).
    assert ("third-party-provision", "art-4-para-2") in consent
    assert ("joint-use-widened", "art-6-para-1") in consent
    assert ("purpose-widened", "art-8") in consent
    # A data item added within the existing purposes is only a notice.
    assert all(
        t.rule.level == "notice"
        for t in result.triggers
        if t.change.new_anchor == "art-3-para-1-row-1-2-cell-3-b1"
    )
    assert result.undeclared == ()


def test_sample_content_passes(content_copy: Path) -> None:
    assert errors(content_copy) == []


def test_undeclared_third_party_provision_fails_naming_rule_and_article(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Declare the sample 2020 change as a mere notice: its new 第4条第2項 needs consent.
    edit(content_copy, JA_2020, "change: consent", "change: notice")
    assert main(["check", "--root", str(content_copy), "--as-of", "2020-10-15"]) == 1
    output = capsys.readouterr().out
    lines = [line for line in output.splitlines() if "art-4-para-2" in line]
    assert len(lines) == 1, output
    line = lines[0]
    assert line.startswith(f"{JA_2020}:82:1: error: 第4条 (第三者提供): paragraph art-4-para-2")
    assert (
        "because it adds 提携事業者、事業者 triggers rule 'third-party-provision' (consent" in line
    )
    assert "APPI Art. 23(1) as numbered on 2020-10-01" in line
    assert "declares 'change: notice'" in line
    # Notice-level rules are satisfied by the declaration; only consent triggers are listed.
    assert "rule 'purpose-details'" not in output
    assert "acknowledge:\n    third-party-provision:" in output


def test_new_article_in_an_editorial_version_fails(content_copy: Path) -> None:
    # An editorial version that slips in a new article (third-party-free: notice-level).
    edit(content_copy, JA_2020, "change: consent", "change: editorial")
    found = [e for e in errors(content_copy) if "rule 'article-added-or-removed'" in e]
    assert len(found) == 1
    assert found[0].startswith(
        f"{JA_2020}:102:4: error: 第8条 (行動ターゲティング広告): article art-8"
    )
    assert (
        f"(rule defined at content/privacy/document.yml:{rule_line('article-added-or-removed')})"
        in found[0]
    )


def rule_line(rule_id: str) -> int:
    lines = (ROOT / "content/privacy/document.yml").read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, 1) if line.strip() == f"- id: {rule_id}")


def next_version(root: Path) -> str:
    """Copy 2020-10-01 as an editorial 2021-04-01 that passes the check; its ja.md path."""
    new_dir = root / "content/privacy/2021-04-01"
    new_dir.mkdir()
    for lang in ("ja", "en"):
        text = (root / f"content/privacy/2020-10-01/{lang}.md").read_text(encoding="utf-8")
        front, body = text.split("\n---\n", 1)
        front = "---\neffective: 2021-04-01\n" + (
            "change: editorial\nsummary: 文言を整理しました。\n"
            if lang == "ja"
            else "summary: Wording tidied.\n"
        )
        body = body.replace(
            "2020 年 10 月 1 日 改定", "2020 年 10 月 1 日 改定\n2021 年 4 月 1 日 改定"
        )
        body = body.replace(
            "Revised: 1 October 2020", "Revised: 1 October 2020\nRevised: 1 April 2021"
        )
        (new_dir / f"{lang}.md").write_text(front + "---\n" + body, encoding="utf-8")
    return "content/privacy/2021-04-01/ja.md"


def test_added_foreign_transfer_words_fail_when_declared_editorial(content_copy: Path) -> None:
    """A clause slipped into 第6条（共同利用） wording in a new editorial version."""
    next_version(content_copy)
    assert errors(content_copy) == []
    edit(content_copy, "content/privacy/2021-04-01/ja.md", "共同利用することがあります。",
         "共同利用し、外国にある第三者に提供することがあります。")  # fmt: skip
    period, *problems = errors(content_copy)  # sorted by line: the front matter first
    [problem] = [p for p in problems if "rule 'transfer-abroad'" in p]
    assert re.match(r"content/privacy/2021-04-01/ja\.md:\d+:1: error: 第6条（共同利用）", problem)
    assert "rule 'transfer-abroad'" in problem
    assert (
        f"(rule defined at content/privacy/document.yml:{rule_line('transfer-abroad')})" in problem
    )
    # At the detected level the version would also need its notice period: said up front.
    assert "is a consent-level change but has no 'announced' date" in period
    # Acknowledging the rule with a written reason clears both.
    edit(content_copy, "content/privacy/2021-04-01/ja.md", "change: editorial",
         "change: editorial\nacknowledge:\n  transfer-abroad: 法令の文言を確認的に記載したのみ\n"
         "  joint-use-widened: 共同利用者は増えない\n  joint-use-changed: 同上\n"
         "  third-party-provision: 同上")  # fmt: skip
    assert errors(content_copy) == []


def test_notice_period_too_short_fails(content_copy: Path) -> None:
    edit(content_copy, JA_2020, "announced: 2020-08-31", "announced: 2020-09-15")
    [problem] = errors(content_copy)
    assert problem.startswith(f"{JA_2020}:3:1: error: 2020-10-01 is a consent-level change")
    assert "only 16 days before it takes effect; the notice period is 30 days" in problem
    assert "on or before 2020-09-01" in problem


def test_missing_announced_fails(content_copy: Path) -> None:
    edit(content_copy, JA_2020, "announced: 2020-08-31\n", "")
    [problem] = errors(content_copy)
    assert "has no 'announced' date" in problem


def test_as_of_does_not_change_the_verdict(content_copy: Path) -> None:
    edit(content_copy, JA_2020, "change: consent", "change: notice")
    early = check_site(content_copy, dt.date(2019, 1, 1))[1]
    late = check_site(content_copy, dt.date(2030, 1, 1))[1]
    assert early == late and early


def test_article_marked_deleted_counts_as_removed(content_copy: Path) -> None:
    ja = next_version(content_copy)
    en = ja.replace("ja.md", "en.md")
    assert errors(content_copy) == []
    ja_text = (content_copy / ja).read_text(encoding="utf-8")
    start = ja_text.index("## 第9条 (統計データ)")
    end = ja_text.index("## 第10条")
    (content_copy / ja).write_text(
        ja_text[:start] + "## 第9条　削除\n\n" + ja_text[end:], encoding="utf-8"
    )
    en_text = (content_copy / en).read_text(encoding="utf-8")
    start = en_text.index("## Article 9 ")
    end = en_text.index("## Article 10 ")
    (content_copy / en).write_text(
        en_text[:start] + "## Article 9 Deleted\n\n" + en_text[end:], encoding="utf-8"
    )
    period, problem = errors(content_copy)
    assert "is a notice-level change but has no 'announced' date" in period
    assert "第9条　削除: article art-9 「第9条 (統計データ)」 — removed" in problem
    assert "rule 'article-added-or-removed'" in problem

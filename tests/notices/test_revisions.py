"""The table of test revisions (revisions/revisions.yml): each small edit to the sample is
detected at its level by the rule a privacy lawyer would name."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaitei.classify import Classification, classify_document, report
from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import Document

from .conftest import ROOT

TABLE = Path(__file__).parent / "revisions" / "revisions.yml"
REVISIONS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
DEFAULT_DATE = dt.date(2025, 4, 1)  # after 2022-04-01: the APPI's current numbering


def _apply(text: str, edits: list[list[str]]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} must occur once in the sample"
        text = text.replace(old, new, 1)
    return text


def _front(text: str, front: str) -> str:
    return "---\n" + front + "---\n" + text.split("\n---\n", 1)[1]


def revised(tmp: Path, revision: dict[str, Any]) -> Document:
    """The sample's 2020 version and, after it, the edited one declared editorial."""
    src = ROOT / "content" / "privacy"
    dst = tmp / "content" / "privacy"
    shutil.copytree(src / "2020-10-01", dst / "2020-10-01")
    shutil.copy(src / "document.yml", dst / "document.yml")
    day = revision.get("effective", DEFAULT_DATE)
    base = revision.get("base", [])
    old_ja = dst / "2020-10-01" / "ja.md"
    old_ja.write_text(_apply(old_ja.read_text(encoding="utf-8"), base), encoding="utf-8")
    new_dir = dst / day.isoformat()
    new_dir.mkdir()
    ack = revision.get("acknowledge") or {}
    ack_lines = "".join(f"  {rule}: {reason}\n" for rule, reason in ack.items())
    front = f"effective: {day}\nchange: editorial\nsummary: test\n" + (
        "acknowledge:\n" + ack_lines if ack_lines else ""
    )
    ja = _apply(old_ja.read_text(encoding="utf-8"), revision["edit"])
    (new_dir / "ja.md").write_text(_front(ja, front), encoding="utf-8")
    en = (dst / "2020-10-01" / "en.md").read_text(encoding="utf-8")
    (new_dir / "en.md").write_text(_front(en, f"effective: {day}\n"), encoding="utf-8")
    out = Collector()
    document = load_site(tmp, out).document("privacy")
    assert out.errors == [], [d.format() for d in out.errors]
    assert document is not None and len(document.versions) == 2
    return document


def classified(document: Document) -> Classification:
    out = Collector()
    [result] = classify_document(document, out)
    assert out.items == []
    return result


def test_the_table_is_large_enough_and_covers_the_issue() -> None:
    assert len(REVISIONS) >= 25
    names = " ".join(r["name"] for r in REVISIONS)
    for case in (
        "too-strict",
        "too-lax",
        "retention period changed",
        "new joint user",
        "SDK provider in a new article",
        "reworded within its scope",
        "pure typo",
    ):
        assert case in names, case  # fmt: skip
    # Every rule of the sample is exercised by at least one revision.
    rules = {r.get("rule") for r in REVISIONS} | {a for r in REVISIONS for a in r.get("also", [])}
    document = load_site(ROOT, Collector()).document("privacy")
    assert document is not None
    assert {rule.id for rule in document.settings.rules} <= rules


@pytest.mark.parametrize("revision", REVISIONS, ids=[r["name"] for r in REVISIONS])
def test_revision_is_detected_at_its_level(tmp_path: Path, revision: dict[str, Any]) -> None:
    document = revised(tmp_path, revision)
    result = classified(document)
    fired = {t.rule.id for t in result.triggers}
    open_rules = {t.rule.id for t in result.triggers if t.reason is None}
    assert result.detected == revision["level"], sorted(fired)
    if revision.get("rule"):
        assert revision["rule"] in fired, sorted(fired)
        acknowledged = revision["rule"] in (revision.get("acknowledge") or {})
        assert (revision["rule"] in open_rules) is not acknowledged
    else:
        assert fired == set(), sorted(fired)
    for rule in revision.get("also", []):
        assert rule in fired, (rule, sorted(fired))
    for rule in revision.get("absent", []):
        assert rule not in fired, (rule, sorted(fired))


def test_the_message_names_the_rule_the_change_and_the_fix(tmp_path: Path) -> None:
    [revision] = [r for r in REVISIONS if r["name"].startswith("US module provider")]
    document = revised(tmp_path, revision)
    result = classified(document)
    out = Collector()
    report(document, document.versions[-1], result, out)
    [message] = [d for d in out.errors if "'transfer-abroad'" in d.message]
    path = "content/privacy/2025-04-01/ja.md"
    assert (message.path, message.code) == (path, "change-level-undeclared")
    assert message.message.startswith("第7条（情報収集モジュール）: paragraph art-7-para-1")
    assert f"({path}:{message.line})" in message.message
    assert "because it adds 外国" not in message.message  # only the words it really adds
    assert "because it adds 米国、Inc." in message.message
    assert "APPI Art. 28(1) and (2) as numbered on 2025-04-01" in message.message
    assert "declares 'change: editorial'" in message.message
    assert "declare 'change: consent'" in message.hint
    assert "acknowledge:\n    transfer-abroad:" in message.hint


def test_the_citation_follows_the_version_date(tmp_path: Path) -> None:
    [revision] = [r for r in REVISIONS if r["name"].startswith("new joint user")]
    early = dict(revision, effective=dt.date(2021, 4, 1))
    document = revised(tmp_path, early)
    [trigger] = [t for t in classified(document).triggers if t.rule.id == "joint-use-widened"]
    assert trigger.citation == "Art. 23(5)(iii)"  # before 2022-04-01
    assert "Art. 23(5)(iii) before 2022-04-01" in trigger.rule.description

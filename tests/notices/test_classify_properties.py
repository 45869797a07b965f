"""Properties of the rule engine over generated changes (hypothesis)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from kaitei.classify import Change, classify, highest, rank
from kaitei.model import Document, Span

from .conftest import ROOT

# Anchors of the sample's 2020 ja text: marked articles (3, 4, 6) and unmarked ones (1, 8, 10).
ANCHORS = [
    "art-1-para-1",
    "art-3-para-1-row-3",
    "art-4-para-2",
    "art-6-para-1",
    "art-8",
    "art-10-para-2",
]
UNITS = ["article", "paragraph", "item", "row", "bullet", "text"]
RULE_IDS = [
    "third-party-provision",
    "third-party-data",
    "transfer-abroad",
    "person-related-information",
    "purpose-added",
    "purpose-widened",
    "joint-use-widened",
    "joint-use-changed",
    "purpose-details",
    "data-categories",
    "processors",
    "retention",
    "contact-changed",
    "responsible-person",
    "article-added-or-removed",
]
# Fragments of wording with and without the keywords the sample's rules look for.
WORDS = ["", "提携事業者に提供します。", "米国の Example, Inc. に委託します。", "端末情報",
         "広告配信のため", "1 年間保存します。", "代表取締役", "位置情報", "誤記"]  # fmt: skip


@st.composite
def changes(draw: st.DrawFn) -> Change:
    action = draw(st.sampled_from(["added", "removed", "changed"]))
    anchor = draw(st.sampled_from(ANCHORS))
    return Change(
        unit=draw(st.sampled_from(UNITS)),  # type: ignore[arg-type]
        action=action,  # type: ignore[arg-type]
        label=anchor,
        old_anchor=None if action == "added" else anchor,
        new_anchor=None if action == "removed" else anchor,
        span=Span("content/privacy/2020-10-01/ja.md", draw(st.integers(1, 200))),
        words_added=draw(st.booleans()),
        old_text="" if action == "added" else draw(st.sampled_from(WORDS)),
        new_text="" if action == "removed" else "".join(draw(st.lists(st.sampled_from(WORDS)))),
        context=draw(st.sampled_from(WORDS)),
        row=draw(st.sampled_from(["", "第三者提供", "利用者への通知・対応等"])),
    )


def _with(privacy: Document, declared: str, acknowledged: frozenset[str]) -> Document:
    version = privacy.versions[-1]
    ja = version.texts[0]
    front = dataclasses.replace(
        ja.meta, change=declared, acknowledge=tuple(sorted((r, "reason") for r in acknowledged))
    )
    version = dataclasses.replace(
        version, texts=(dataclasses.replace(ja, meta=front), *version.texts[1:])
    )
    return dataclasses.replace(privacy, versions=(*privacy.versions[:-1], version))


_PRIVACY: list[Document] = []


def privacy_document() -> Document:
    if not _PRIVACY:
        from kaitei.diagnostics import Collector
        from kaitei.load import load_site

        document = load_site(ROOT, Collector()).document("privacy")
        assert document is not None
        _PRIVACY.append(document)
    return _PRIVACY[0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(changes(), max_size=8),
    st.frozensets(st.sampled_from(RULE_IDS)),
    st.sampled_from(["editorial", "notice", "consent"]),
)
def test_detected_level_is_the_highest_unacknowledged_rule(
    found: list[Change], acknowledged: frozenset[str], declared: str
) -> None:
    document = _with(privacy_document(), declared, acknowledged)
    result = classify(document, document.versions[-1], found)
    open_triggers = [t for t in result.triggers if t.rule.id not in acknowledged]
    assert result.detected == highest(t.rule.level for t in open_triggers)
    assert all((t.reason is None) == (t.rule.id not in acknowledged) for t in result.triggers)
    # A trigger fails the check exactly when it is open and above the declaration.
    assert set(result.undeclared) == {
        t for t in open_triggers if rank(t.rule.level) > rank(declared)
    }  # type: ignore[arg-type]
    # Acknowledging every rule leaves nothing detected; more changes never lower the level.
    assert set(RULE_IDS) == {r.id for r in privacy_document().settings.rules}
    everything = _with(privacy_document(), declared, frozenset(RULE_IDS))
    assert classify(everything, everything.versions[-1], found).detected == "editorial"
    fewer = classify(document, document.versions[-1], found[:-1])
    assert rank(fewer.detected) <= rank(result.detected)


@settings(max_examples=300, deadline=None)
@given(st.lists(changes(), max_size=6))
def test_the_order_changes_arrive_in_does_not_matter(found: list[Change]) -> None:
    document = privacy_document()
    forward = classify(document, document.versions[-1], found)
    backward = classify(document, document.versions[-1], list(reversed(found)))
    assert forward.triggers == backward.triggers
